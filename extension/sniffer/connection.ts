// One relayed connection: the accepted client socket, the socket to the target, and the rules that
// keep them a faithful pair (same bytes, same half-closes, same resets, bounded buffering).
import { connect, type Socket } from 'node:net';
import type { Direction } from '../zmtp/types';
import { BackpressureMonitor } from './backpressure';
import { formatEndpoint, type Endpoint } from './endpoint';
import { netPath } from './ipcSocketFile';
import { isResetError, targetFailureDetail } from './relayErrors';
import type { CloseReason, ConnectionGate, GateFactory, RelayConnectionInfo, RelayObserver } from './types';

export interface ConnectionSettings {
  listen: string;
  target: Endpoint;
  connectTimeoutMs: number;
  observer: Required<RelayObserver>;
  /** Step mode: bytes go through a gate that may hold them (see holdGate.ts). */
  gate?: GateFactory;
}

export interface RelayConnectionStatus extends RelayConnectionInfo {
  state: 'connecting' | 'open' | 'closing';
  /** Bytes forwarded so far in each direction. */
  bytes: Record<Direction, number>;
  /** Bytes the relay holds for each direction (read but not yet handed to the kernel): its memory use. */
  buffered: Record<Direction, number>;
}

const SIDE_NAMES: Record<Direction, string> = { c2s: 'the client', s2c: 'the server' };

export class RelayConnection {
  readonly info: RelayConnectionInfo;
  /** Settles once both sockets are closed and onClose has been called. */
  readonly closed: Promise<void>;
  private readonly target: Socket;
  private readonly bytes: Record<Direction, number> = { c2s: 0, s2c: 0 };
  private readonly monitors: BackpressureMonitor[] = [];
  private readonly openSockets = new Set<Socket>();
  private connected = false;
  private ending: { reason: CloseReason; detail?: string } | undefined;
  private markClosed!: () => void;
  private readonly gate: ConnectionGate | undefined;
  private readonly gatePaused: Record<Direction, boolean> = { c2s: false, s2c: false };
  private readonly senders: Partial<Record<Direction, (chunk: Buffer) => void>> = {};

  constructor(
    id: number,
    private readonly client: Socket,
    private readonly settings: ConnectionSettings,
  ) {
    this.info = { id, peer: peerName(client), listen: settings.listen, target: formatEndpoint(settings.target) };
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    const target = settings.target;
    settings.observer.onOpen(this.info);
    this.gate = settings.gate?.(this.info, {
      forward: (dir, bytes) => this.senders[dir]?.(bytes),
      setSourcePaused: (dir, paused) => this.setGatePaused(dir, paused),
    });
    // The client stays paused (pauseOnConnect) until the target accepts, so nothing piles up meanwhile.
    this.target = target.transport === 'tcp' ? connect({ host: target.host, port: target.port, allowHalfOpen: true }) : connect({ path: netPath(target), allowHalfOpen: true });
    const timer = setTimeout(() => this.targetFailed(`connection to ${this.info.target} timed out after ${settings.connectTimeoutMs} ms: is the host reachable and the server accepting?`), settings.connectTimeoutMs);
    this.target.once('connect', () => {
      clearTimeout(timer);
      this.startForwarding();
    });
    this.target.once('close', () => clearTimeout(timer));
    this.watch(client, 'c2s');
    this.watch(this.target, 's2c', (error) => {
      clearTimeout(timer);
      this.targetFailed(targetFailureDetail(error, target));
    });
  }

  /** Closes both sides at once (the relay is stopping). */
  stop(): void {
    this.abort('stopped', 'the relay was stopped', false);
  }

  status(): RelayConnectionStatus {
    const held = (from: Socket, to: Socket, dir: Direction) => from.readableLength + to.writableLength + (this.gate?.pendingBytes(dir) ?? 0);
    return {
      ...this.info,
      state: this.ending ? 'closing' : this.connected ? 'open' : 'connecting',
      bytes: { ...this.bytes },
      buffered: { c2s: held(this.client, this.target, 'c2s'), s2c: held(this.target, this.client, 's2c') },
    };
  }

  /** `dir` is the direction whose bytes `socket` sends. */
  private watch(socket: Socket, dir: Direction, onConnectError?: (error: Error) => void): void {
    this.openSockets.add(socket);
    socket.on('error', (error) => {
      if (onConnectError && !this.connected) onConnectError(error);
      else if (isResetError(error)) this.abort('reset', `${SIDE_NAMES[dir]} reset the connection`, true);
      else this.abort('error', `${SIDE_NAMES[dir]}: ${error.message}`, true);
    });
    socket.on('close', () => {
      this.openSockets.delete(socket);
      // A socket that closes by itself while its partner is still open (e.g. a pipe peer vanishing) ends the pair.
      if (this.openSockets.size > 0 && !this.ending && !socket.readableEnded) this.abort('error', `${SIDE_NAMES[dir]} closed unexpectedly`, true);
      if (this.openSockets.size === 0) this.finish();
    });
  }

  private startForwarding(): void {
    this.connected = true;
    if (this.ending) return;
    this.client.setNoDelay(true);
    this.target.setNoDelay(true);
    this.forward(this.client, this.target, 'c2s');
    this.forward(this.target, this.client, 's2c');
    this.client.resume();
  }

  private forward(source: Socket, destination: Socket, dir: Direction): void {
    const { observer } = this.settings;
    const monitor = new BackpressureMonitor(
      (buffered) => observer.onBackpressure(this.info, dir, buffered),
      () => source.readableLength + destination.writableLength,
    );
    this.monitors.push(monitor);
    const send = (chunk: Buffer) => {
      if (destination.destroyed) return;
      this.bytes[dir] += chunk.length;
      const hasRoom = destination.write(chunk);
      observer.onData(this.info, dir, chunk);
      if (!hasRoom) {
        source.pause();
        monitor.paused();
      }
    };
    this.senders[dir] = send;
    const gate = this.gate;
    source.on('data', (chunk: Buffer) => {
      if (destination.destroyed) return;
      if (gate) gate.accept(dir, chunk);
      else send(chunk);
    });
    destination.on('drain', () => {
      if (source.destroyed) return;
      if (!this.gatePaused[dir]) source.resume();
      monitor.resumed();
    });
    source.on('end', () => {
      const finish = () => {
        observer.onEnd(this.info, dir);
        // Half-close: the other side may still send; it learns of this end only after the bytes before it.
        if (!destination.destroyed) destination.end();
      };
      if (gate) gate.end(dir, finish);
      else finish();
    });
  }

  private setGatePaused(dir: Direction, paused: boolean): void {
    this.gatePaused[dir] = paused;
    const [source, destination] = dir === 'c2s' ? [this.client, this.target] : [this.target, this.client];
    if (source.destroyed) return;
    if (paused) source.pause();
    else if (!destination.writableNeedDrain && this.connected) source.resume();
  }

  private targetFailed(detail: string): void {
    this.abort('target-failed', detail, true);
  }

  /** Ends the pair for `reason`; `reset` closes the peers abruptly so they see what a direct peer would have done. */
  private abort(reason: CloseReason, detail: string, reset: boolean): void {
    if (this.ending) return;
    this.ending = { reason, detail };
    for (const socket of [this.client, this.target]) {
      if (socket.destroyed) continue;
      if (reset && this.canReset(socket)) socket.resetAndDestroy();
      else socket.destroy();
    }
  }

  /** Only an established TCP connection can be reset; pipes have no RST, and a pending connect is simply dropped. */
  private canReset(socket: Socket): boolean {
    if (socket === this.client) return this.info.peer !== 'ipc';
    return this.settings.target.transport === 'tcp' && !socket.connecting;
  }

  private finish(): void {
    this.monitors.forEach((monitor) => monitor.dispose());
    this.gate?.dispose();
    const { reason, detail } = this.ending ?? { reason: 'end' as const, detail: undefined };
    this.settings.observer.onClose(this.info, reason, detail, { ...this.bytes });
    this.markClosed();
  }
}

function peerName(socket: Socket): string {
  if (socket.remoteAddress === undefined) return 'ipc';
  const host = socket.remoteFamily === 'IPv6' ? `[${socket.remoteAddress}]` : socket.remoteAddress;
  return `${host}:${socket.remotePort}`;
}
