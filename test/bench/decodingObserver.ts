// Plugs the real decoder into the relay benchmark, so "through the sniffer" includes decoding.
import type { RelayObserver } from '../../extension/sniffer/types';
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';

export function decodingObserver(): RelayObserver {
  const decoders = new Map<number, ConnectionDecoder>();
  let events = 0;
  return {
    onOpen: (conn) => void decoders.set(conn.id, new ConnectionDecoder(() => events++)),
    onData: (conn, dir, chunk) => decoders.get(conn.id)?.push(dir, chunk),
    onClose: (conn) => void decoders.delete(conn.id),
  };
}
