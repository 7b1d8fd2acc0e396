// Plain `net` peers for relay tests: a server that hands out its accepted sockets, a client that
// connects to an endpoint string, temporary directories for ipc paths, and bounded waiting.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatEndpoint, parseEndpoint } from '../../extension/sniffer/endpoint';

export type Transport = 'tcp' | 'ipc';

export interface RawServer {
  endpoint: string;
  /** Resolves with the next accepted socket (in accept order). */
  nextConnection(): Promise<Socket>;
  /** Destroys every accepted socket and closes the server. */
  close(): Promise<void>;
}

/** A half-open-capable server on 127.0.0.1:<free port> or on the given ipc path. */
export async function rawServer(where: 'tcp' | { ipcPath: string }): Promise<RawServer> {
  const accepted: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  let handedOut = 0;
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined); // tests look at errors through their own listeners
    accepted.push(socket);
    waiting.shift()?.(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (where === 'tcp') server.listen({ host: '127.0.0.1', port: 0 }, resolve);
    else server.listen({ path: where.ipcPath }, resolve);
  });
  const address = server.address();
  const endpoint = typeof address === 'string' || address === null ? `ipc://${(where as { ipcPath: string }).ipcPath}` : `tcp://127.0.0.1:${address.port}`;
  return {
    endpoint,
    nextConnection: () => {
      const index = handedOut++;
      if (index < accepted.length) return Promise.resolve(accepted[index]);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      accepted.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Connects to a tcp:// or ipc:// endpoint with half-open allowed; rejects if the connect fails. */
export function connectRaw(endpointText: string): Promise<Socket> {
  const endpoint = parseEndpoint(endpointText, 'target');
  const socket =
    endpoint.transport === 'tcp'
      ? connect({ host: endpoint.host, port: endpoint.port, allowHalfOpen: true })
      : connect({ path: endpoint.path.startsWith('@') ? `\0${endpoint.path.slice(1)}` : endpoint.path, allowHalfOpen: true });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** A fresh directory for socket files; remove it in `after`. */
export async function temporaryDirectory(): Promise<{ path: string; file(name: string): string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'zmq-relay-'));
  return { path, file: (name) => join(path, name), remove: () => rm(path, { recursive: true, force: true }) };
}

/** A listen endpoint for the relay on the given transport. */
export function relayListenEndpoint(transport: Transport, directory: { file(name: string): string }, name = 'relay.ipc'): string {
  return transport === 'tcp' ? 'tcp://127.0.0.1:0' : formatEndpoint({ transport: 'ipc', path: directory.file(name) });
}

/** A TCP port nobody listens on right now (bound then released). */
export async function unusedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the error a socket reports, or undefined if it closes without one. */
export function outcome(socket: Socket): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    let failure: NodeJS.ErrnoException | undefined;
    socket.on('error', (error) => (failure ??= error));
    socket.once('close', () => resolve(failure));
  });
}
