// Sockets the extension runs, and which relayed connections they are one side of: a socket bound
// behind a sniffer is the bound side of every connection the sniffer forwards to it; a socket that
// connected to a sniffer is the connecting side when it is the only one of its type to do so.
import { formatEndpoint, parseEndpoint } from '../sniffer/endpoint';
import type { Direction } from '../zmtp/types';
import type { WireConnection } from './wire';
import type { HostSocketEvent } from './types';

export interface HostSocket {
  label: string;
  socketType: string;
  sendHighWaterMark?: number;
  readonly bound: Set<string>;
  readonly connected: Set<string>;
  /** Open relayed connections this socket is one side of. */
  readonly links: Set<WireConnection>;
  closed: boolean;
}

/** One spelling per endpoint, so "tcp://127.0.0.1:5555" from libzmq and from the relay compare equal. */
export function normalizeEndpoint(text: string): string {
  try {
    return formatEndpoint(parseEndpoint(text, 'target'));
  } catch {
    return text.trim();
  }
}

/** Endpoints per socket kept; more are not needed to link connections. */
const ENDPOINTS_KEPT = 32;

export class HostSockets {
  private readonly byLabel = new Map<string, HostSocket>();
  /** Sockets not tracked because `maxSockets` were open. */
  untracked = 0;

  constructor(private readonly maxSockets: number) {}

  get(label: string): HostSocket | undefined {
    return this.byLabel.get(label);
  }

  /** Applies a socket event; returns the socket it concerns (undefined when not tracked). */
  update(event: HostSocketEvent): HostSocket | undefined {
    let socket = this.byLabel.get(event.socket);
    if (event.type === 'socket') {
      if (!socket && this.byLabel.size >= this.maxSockets) {
        this.untracked++;
        return undefined;
      }
      socket ??= { label: event.socket, socketType: event.socketType, bound: new Set(), connected: new Set(), links: new Set(), closed: false };
      Object.assign(socket, { socketType: event.socketType, sendHighWaterMark: event.sendHighWaterMark });
      this.byLabel.set(event.socket, socket);
      return socket;
    }
    if (!socket) return undefined;
    if (event.type === 'bind' && socket.bound.size < ENDPOINTS_KEPT) socket.bound.add(normalizeEndpoint(event.endpoint));
    if (event.type === 'connect' && socket.connected.size < ENDPOINTS_KEPT) socket.connected.add(normalizeEndpoint(event.endpoint));
    if (event.type === 'closed') {
      socket.closed = true;
      this.byLabel.delete(event.socket);
    }
    return socket;
  }

  /** Which socket the extension runs is on which side of a newly opened connection, if any. */
  linkFor(c: WireConnection): { socket: HostSocket; dir: Direction } | undefined {
    const target = normalizeEndpoint(c.target);
    const listen = normalizeEndpoint(c.listen);
    const open = [...this.byLabel.values()].filter((socket) => !socket.closed);
    const server = open.find((socket) => socket.bound.has(target));
    if (server) return { socket: server, dir: 's2c' };
    const clients = open.filter((socket) => socket.connected.has(listen));
    // Several sockets connected to one sniffer: the relay cannot tell which connection is whose.
    return clients.length === 1 ? { socket: clients[0], dir: 'c2s' } : undefined;
  }

  clear(): void {
    this.byLabel.clear();
  }
}
