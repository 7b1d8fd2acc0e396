// Watches a zeromq socket the extension runs: its bind/connect/send/receive/close calls and what
// its monitor reports about its connections and their handshakes. zeromq sockets are frozen native objects, so the calls
// are watched through a Proxy that the program uses in place of the socket (the examples get it
// from ExampleSession.track); everything else passes straight to the socket.
import type { EventOfType, Socket } from 'zeromq';
import { isPublisherType, socketTypeName } from '../zmtp/socketTypes';
import type { HostSocketEvent } from './types';

export interface SocketProbe<T extends Socket> {
  readonly label: string;
  readonly socketType: string;
  /** Use this instead of the socket: the same socket, with its calls watched. */
  readonly socket: T;
  /** Stops reporting; the proxy keeps working as the plain socket. */
  dispose(): void;
}

/** First-frame bytes kept per publisher send: enough to match subscription prefixes. */
const HEAD_BYTES = 256;

type Method = (...args: unknown[]) => unknown;

/** The first frame's first bytes, copied: the caller may reuse its buffer once send() returns. */
export function firstFrameHead(message: unknown): Uint8Array {
  const first: unknown = Array.isArray(message) ? message[0] : message;
  if (typeof first === 'string') return Buffer.from(first.slice(0, HEAD_BYTES)).subarray(0, HEAD_BYTES);
  if (typeof first === 'number') return Buffer.from(String(first));
  if (ArrayBuffer.isView(first)) return new Uint8Array(first.buffer, first.byteOffset, Math.min(first.byteLength, HEAD_BYTES)).slice();
  if (first instanceof ArrayBuffer || first instanceof SharedArrayBuffer) return new Uint8Array(first, 0, Math.min(first.byteLength, HEAD_BYTES)).slice();
  return new Uint8Array(0);
}

/** Monitor events the diagnostics use: connections this socket makes, and handshake outcomes. */
const MONITORED = ['connect', 'disconnect', 'handshake', 'handshake:error:protocol', 'handshake:error:auth', 'handshake:error:other'] as const;
type MonitoredType = (typeof MONITORED)[number];

function monitorEvent(label: string, event: EventOfType<MonitoredType>): HostSocketEvent {
  const base = { socket: label, time: Date.now(), address: event.address };
  switch (event.type) {
    case 'connect':
      return { type: 'connection', ...base, stage: 'connected' };
    case 'handshake':
      return { type: 'connection', ...base, stage: 'handshake' };
    case 'disconnect':
      return { type: 'connection', ...base, stage: 'disconnected' };
    case 'handshake:error:auth':
      return { type: 'handshake-error', ...base, kind: 'auth', status: event.error.status };
    case 'handshake:error:protocol':
      return { type: 'handshake-error', ...base, kind: 'protocol', code: event.error.code };
    default:
      return { type: 'handshake-error', ...base, kind: 'other', code: event.error.code };
  }
}

export function probeSocket<T extends Socket>(target: T, label: string, report: (event: HostSocketEvent) => void): SocketProbe<T> {
  const socketType = socketTypeName(target.type);
  const keepsHeads = isPublisherType(socketType);
  let disposed = false;
  const emit = (event: HostSocketEvent) => disposed || report(event);
  const failed = (call: 'send' | 'receive', error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    // A receive cut short by close() rejects with EAGAIN: that is the program stopping, not a mistake.
    if (typeof code === 'string' && !target.closed) emit({ type: 'call-error', socket: label, time: Date.now(), call, code, message: String((error as Error).message) });
  };
  const watched = <V>(call: 'send' | 'receive', start: () => Promise<V>, done?: (value: V) => void): Promise<V> => {
    let pending: Promise<V>;
    try {
      pending = start();
    } catch (error) {
      // zeromq throws EBUSY synchronously rather than rejecting.
      failed(call, error);
      throw error;
    }
    return pending.then(
      (value) => (done?.(value), value),
      (error: unknown) => {
        failed(call, error);
        throw error;
      },
    );
  };

  const methods = target as unknown as Record<string, Method>;
  const wrappers: Record<string, Method> = {
    send: (message, ...rest) => {
      const event: HostSocketEvent = { type: 'send', socket: label, time: Date.now() };
      if (keepsHeads) event.head = firstFrameHead(message);
      if (socketType === 'REQ') event.writable = target.writable;
      emit(event);
      return watched('send', () => methods.send.call(target, message, ...rest) as Promise<void>);
    },
    receive: () => watched('receive', () => methods.receive.call(target) as Promise<Buffer[]>, () => emit({ type: 'receive', socket: label, time: Date.now() })),
    bind: async (address) => {
      await methods.bind.call(target, address);
      emit({ type: 'bind', socket: label, time: Date.now(), endpoint: target.lastEndpoint ?? String(address) });
    },
    connect: (address) => {
      methods.connect.call(target, address);
      emit({ type: 'connect', socket: label, time: Date.now(), endpoint: String(address) });
    },
    close: () => {
      const reporting = !disposed;
      // The monitor must be left before the socket closes: afterwards it is gone.
      dispose();
      methods.close.call(target);
      if (reporting) report({ type: 'closed', socket: label, time: Date.now() });
    },
  };

  const proxy: T = new Proxy(target, {
    get(socket, property) {
      const value: unknown = Reflect.get(socket, property, socket);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && Object.hasOwn(wrappers, property)) return wrappers[property];
      // The async iterator is plain JS calling this.receive(): run it on the proxy so receives are watched.
      return value.bind(property === Symbol.asyncIterator ? proxy : socket);
    },
    // Options are native accessors: they must run on the socket itself, not on the proxy.
    set: (socket, property, value) => Reflect.set(socket, property, value, socket),
  });

  emit({ type: 'socket', socket: label, time: Date.now(), socketType, sendHighWaterMark: (target as { sendHighWaterMark?: number }).sendHighWaterMark });
  const onMonitorEvent = (event: EventOfType<MonitoredType>) => emit(monitorEvent(label, event));
  for (const type of MONITORED) target.events.on(type, onMonitorEvent);
  // The monitor ends when the socket closes, also when it was closed without going through the proxy.
  const onEnd = () => {
    if (disposed) return;
    dispose();
    report({ type: 'closed', socket: label, time: Date.now() });
  };
  target.events.on('end', onEnd);

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    try {
      for (const type of MONITORED) target.events.off(type, onMonitorEvent);
      target.events.off('end', onEnd);
    } catch {
      // The socket is closed already; so is its monitor, listeners and all.
    }
  }
  return { label, socketType, socket: proxy, dispose };
}
