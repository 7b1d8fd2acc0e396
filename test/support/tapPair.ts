// A tiny TCP tap for decoder tests: listens on 127.0.0.1, connects each accepted socket to the
// target, forwards bytes both ways unchanged and reports every chunk. Test support only; the
// product's relay lives in extension/sniffer/.
import * as net from 'node:net';
import type { Direction } from '../../extension/zmtp/types';

export type TapChunkListener = (connection: number, dir: Direction, chunk: Buffer) => void;
/** Called once per connection when both of its sockets are closed. */
export type TapCloseListener = (connection: number) => void;

export interface TapPair {
  /** Where clients connect instead of the target, as a ZeroMQ endpoint. */
  endpoint: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Closes the listener and every connection it made. */
  close(): Promise<void>;
}

function hostAndPort(endpoint: string): { host: string; port: number } {
  const match = /^tcp:\/\/(127\.0\.0\.1|\[::1\]):(\d+)$/.exec(endpoint);
  if (!match) throw new Error(`tapPair: target must be tcp://127.0.0.1:<port> or tcp://[::1]:<port>, got ${endpoint}`);
  return { host: match[1].replace(/[[\]]/g, ''), port: Number(match[2]) };
}

/** One end's data, end and errors carried to the other end; `dir` names the bytes read from `from`. */
function forward(from: net.Socket, to: net.Socket, dir: Direction, id: number, onChunk: TapChunkListener): void {
  from.on('data', (chunk: Buffer) => {
    onChunk(id, dir, chunk);
    to.write(chunk);
  });
  from.on('end', () => to.end());
  from.on('error', () => to.destroy());
  from.on('close', () => to.destroy());
}

export async function tapPair(target: string, onChunk: TapChunkListener, onClose: TapCloseListener = () => {}): Promise<TapPair> {
  const { host, port } = hostAndPort(target);
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const id = ++accepted;
    const upstream = net.connect({ host, port });
    track(client);
    track(upstream);
    let open = 2;
    const closed = () => --open === 0 && onClose(id);
    client.on('close', closed);
    upstream.on('close', closed);
    forward(client, upstream, 'c2s', id, onChunk);
    forward(upstream, client, 's2c', id, onChunk);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    endpoint: `tcp://127.0.0.1:${address.port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
