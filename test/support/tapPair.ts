// Decoder tests watch real libzmq traffic through the product's relay (extension/sniffer/relay.ts),
// so what they prove holds for the sniffer: each chunk is reported as it is forwarded.
import { Relay } from '../../extension/sniffer/relay';
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

export async function tapPair(target: string, onChunk: TapChunkListener, onClose: TapCloseListener = () => {}): Promise<TapPair> {
  let accepted = 0;
  const relay = await Relay.start({
    listen: 'tcp://127.0.0.1:0',
    target,
    observer: {
      onOpen: () => void accepted++,
      onData: (conn, dir, chunk) => onChunk(conn.id, dir, chunk),
      onClose: (conn) => onClose(conn.id),
    },
  });
  return { endpoint: relay.listenEndpoint, connections: () => accepted, close: () => relay.stop() };
}
