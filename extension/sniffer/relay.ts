// A transparent TCP/IPC relay: peers connect to the listen endpoint, each connection is forwarded
// byte for byte to the target, and an observer sees every chunk. No decoding happens here.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { RelayConnection, type RelayConnectionStatus } from './connection';
import { EndpointError, formatEndpoint, isWildcardHost, parseEndpoint, type Endpoint } from './endpoint';
import { absoluteIpcEndpoint, netPath, prepareIpcListenPath, removeOwnSocketFile, socketFileIdentity } from './ipcSocketFile';
import { guardObserver, type ObserverErrorHandler } from './observerGuard';
import { RelayError, listenError } from './relayErrors';
import type { GateFactory, RelayObserver } from './types';

export { RelayError, type RelayErrorCode } from './relayErrors';
export type { RelayConnectionStatus } from './connection';

export interface RelayOptions {
  listen: string | Endpoint;
  target: string | Endpoint;
  observer?: RelayObserver;
  /** How long each connection to the target may take before the client is turned away; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Told once when the observer throws (forwarding goes on); default: console.warn. */
  onObserverError?: ObserverErrorHandler;
  /** Where connection ids come from, e.g. one sequence shared by several relays; default 1, 2, 3, ... per relay. */
  nextConnectionId?: () => number;
  /** Told about problems accepting connections (e.g. out of file descriptors); default: console.warn. */
  onServerError?: (message: string, error: unknown) => void;
  /** Step mode: every connection's bytes go through a gate made here, which decides when they are forwarded. */
  gate?: GateFactory;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const MAX_CONNECT_TIMEOUT_MS = 120_000;

export class Relay {
  /** The endpoint actually listened on (ephemeral port resolved, relative ipc path made absolute). */
  readonly listenEndpoint: string;
  readonly targetEndpoint: string;
  private readonly open = new Map<number, RelayConnection>();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    listen: Endpoint,
    target: Endpoint,
    private readonly socketFile: { path: string; identity: number | undefined } | undefined,
    options: RelayOptions,
  ) {
    this.listenEndpoint = formatEndpoint(listen);
    this.targetEndpoint = formatEndpoint(target);
    const warn = (message: string) => console.warn(message);
    const settings = {
      listen: this.listenEndpoint,
      target,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      observer: guardObserver(options.observer, options.onObserverError ?? warn),
      gate: options.gate,
    };
    let counter = 0;
    const nextId = options.nextConnectionId ?? (() => ++counter);
    server.on('connection', (socket: Socket) => {
      if (this.stopping) return void socket.destroy();
      const connection = new RelayConnection(nextId(), socket, settings);
      this.open.set(connection.info.id, connection);
      void connection.closed.then(() => this.open.delete(connection.info.id));
    });
    server.on('error', (error) => (options.onServerError ?? warn)(`The relay on ${this.listenEndpoint} could not accept a connection: ${error.message}`, error));
  }

  /** Listens on `options.listen`; resolves once listening, rejects with a RelayError saying what to change. */
  static async start(options: RelayOptions): Promise<Relay> {
    const listen = toEndpoint(options.listen, 'listen');
    const target = toEndpoint(options.target, 'target');
    checkConnectTimeout(options.connectTimeoutMs);
    if (listen.transport === 'ipc') await prepareIpcListenPath(listen);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    await listenOn(server, listen);
    const actual = actualListenEndpoint(server, listen);
    if (formatEndpoint(actual) === formatEndpoint(target) || isLoopToSelf(actual, target)) {
      await new Promise((resolve) => server.close(resolve));
      throw new RelayError('endpoint', `The target ${formatEndpoint(target)} is the relay's own listen endpoint, so every connection would loop back into the relay; point the target at the real server.`);
    }
    const socketFile = actual.transport === 'ipc' && !actual.path.startsWith('@') ? { path: actual.path, identity: await socketFileIdentity(actual) } : undefined;
    return new Relay(server, actual, target, socketFile, options);
  }

  /** The connections currently open (including those still connecting to the target). */
  connections(): RelayConnectionStatus[] {
    return [...this.open.values()].map((connection) => connection.status());
  }

  /** Closes the server and every connection, removes the socket file it created; safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const connections = [...this.open.values()];
    connections.forEach((connection) => connection.stop());
    await Promise.all([serverClosed, ...connections.map((connection) => connection.closed)]);
    if (this.socketFile) await removeOwnSocketFile(this.socketFile.path, this.socketFile.identity);
  }
}

function toEndpoint(value: string | Endpoint, role: 'listen' | 'target'): Endpoint {
  try {
    // Objects are checked through their string form, so they meet exactly the rules strings do.
    return parseEndpoint(typeof value === 'string' ? value : formatEndpoint(value), role);
  } catch (error) {
    if (error instanceof EndpointError) throw new RelayError('endpoint', error.message, { cause: error });
    throw error;
  }
}

function checkConnectTimeout(timeoutMs: number | undefined): void {
  if (timeoutMs === undefined || (Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_CONNECT_TIMEOUT_MS)) return;
  throw new RelayError('other', `connectTimeoutMs is ${timeoutMs}; give a number of milliseconds above 0 and at most ${MAX_CONNECT_TIMEOUT_MS}.`);
}

function listenOn(server: Server, listen: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(listenError(error, listen));
    server.once('error', fail);
    const listening = () => {
      server.off('error', fail);
      resolve();
    };
    if (listen.transport === 'ipc') server.listen({ path: netPath(listen) }, listening);
    // "*" leaves the host out so Node picks every interface, IPv6 and IPv4 alike where possible.
    else if (listen.host === '*') server.listen({ port: listen.port }, listening);
    else server.listen({ host: listen.host, port: listen.port }, listening);
  });
}

function actualListenEndpoint(server: Server, listen: Endpoint): Endpoint {
  if (listen.transport === 'ipc') return absoluteIpcEndpoint(listen);
  const address = server.address() as AddressInfo;
  return { transport: 'tcp', host: isWildcardHost(listen.host) ? listen.host : address.address, port: address.port };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function isLoopToSelf(listen: Endpoint, target: Endpoint): boolean {
  if (listen.transport !== 'tcp' || target.transport !== 'tcp' || listen.port !== target.port) return false;
  const sameMachine = (host: string) => LOOPBACK.has(host) || host.startsWith('127.');
  if (isWildcardHost(listen.host)) return sameMachine(target.host);
  return listen.host === target.host || (target.host === 'localhost' && sameMachine(listen.host));
}
