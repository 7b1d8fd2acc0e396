// Real libzmq traffic through the relay into one ConnectionDecoder per TCP connection (the Sniffer's composition).
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import type { DecoderOptions, Direction, ZmtpEvent } from '../../extension/zmtp/types';
import { tapPair, type TapPair } from '../support/tapPair';

export interface SniffedConnection {
  decoder: ConnectionDecoder;
  events: Record<Direction, ZmtpEvent[]>;
  chunks: Record<Direction, Buffer[]>;
  /** Both TCP sockets of the connection have closed. */
  closed: boolean;
}

export interface Sniffer {
  tap: TapPair;
  endpoint: string;
  /** The `id`-th connection through the tap (from 1); throws when there is none yet. */
  connection(id?: number): SniffedConnection;
  /** Every connection so far, in the order they were accepted. */
  all(): SniffedConnection[];
  /** Waits until connection `id` exists and `predicate` holds for it. */
  until(what: string, predicate: (connection: SniffedConnection) => boolean, id?: number): Promise<SniffedConnection>;
  close(): Promise<void>;
}

/** Polls `predicate` every 10 ms for at most `timeoutMs`; the error names what never happened. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function sniff(target: string, options?: DecoderOptions): Promise<Sniffer> {
  const connections = new Map<number, SniffedConnection>();
  const tap = await tapPair(
    target,
    (id, dir, chunk) => {
      let connection = connections.get(id);
      if (connection === undefined) {
        const events: Record<Direction, ZmtpEvent[]> = { c2s: [], s2c: [] };
        connection = { decoder: new ConnectionDecoder((d, event) => events[d].push(event), options), events, chunks: { c2s: [], s2c: [] }, closed: false };
        connections.set(id, connection);
      }
      connection.chunks[dir].push(Buffer.from(chunk));
      connection.decoder.push(dir, chunk);
    },
    (id) => {
      const connection = connections.get(id);
      if (connection) connection.closed = true;
    },
  );
  const connection = (id = 1) => {
    const found = connections.get(id);
    if (found === undefined) throw new Error(`no connection ${id} through the tap yet`);
    return found;
  };
  return {
    tap,
    endpoint: tap.endpoint,
    connection,
    all: () => [...connections.values()],
    async until(what, predicate, id = 1) {
      await waitFor(what, () => connections.has(id) && predicate(connection(id)));
      return connection(id);
    },
    close: () => tap.close(),
  };
}

/** Commands of one direction as "NAME" strings, legacy ones as "NAME (legacy)". */
export function commandNames(events: ZmtpEvent[]): string[] {
  return events.flatMap((event) => (event.kind === 'command' ? [`${event.name}${event.legacy ? ' (legacy)' : ''}`] : []));
}

export function messages(events: ZmtpEvent[]): string[][] {
  return events.flatMap((event) => (event.kind === 'message' ? [event.frames.map((frame) => Buffer.from(frame.body).toString('latin1'))] : []));
}

export function findCommand(events: ZmtpEvent[], name: string): Extract<ZmtpEvent, { kind: 'command' }> | undefined {
  return events.find((event): event is Extract<ZmtpEvent, { kind: 'command' }> => event.kind === 'command' && event.name === name);
}

/**
 * The bytes of one real connection: `server` is bound behind a tap, `client` connects through it,
 * `exchange` talks; then both sockets close. Returns connection 1's two byte streams.
 */
export async function capture<S extends { bind(endpoint: string): Promise<void>; lastEndpoint: string | null; close(): void }, C extends { connect(endpoint: string): void; close(): void }>(
  server: S,
  client: C,
  exchange: (server: S, client: C) => Promise<void>,
): Promise<{ c2s: Buffer; s2c: Buffer }> {
  let sniffer: Sniffer | undefined;
  try {
    await server.bind('tcp://127.0.0.1:*');
    sniffer = await sniff(server.lastEndpoint as string);
    client.connect(sniffer.endpoint);
    await exchange(server, client);
    const { chunks } = sniffer.connection(1);
    return { c2s: Buffer.concat(chunks.c2s), s2c: Buffer.concat(chunks.s2c) };
  } finally {
    client.close();
    server.close();
    await sniffer?.close();
  }
}
