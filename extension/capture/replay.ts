// Capture records in, SnifferEvents out: each connection's bytes go through the real decoder, with
// the times the capture recorded, so an opened capture shows what the live sniffer showed.
import { ConnectionStats, type ConnectionSummary } from '../sniffer/stats';
import type { CloseReason, SnifferEvent } from '../sniffer/types';
import { ConnectionDecoder } from '../zmtp/connectionDecoder';
import type { DecoderOptions, Direction } from '../zmtp/types';
import type { CaptureRecord, CaptureRecordSink, CaptureSource, CaptureTime, OpenRecord } from './records';

export type CaptureEventListener = (event: SnifferEvent, source: CaptureSource) => void;

export interface ReplayOptions {
  decoder?: DecoderOptions;
  /** Records that make no sense (data for a connection never opened, …); they are skipped. */
  onWarning?: (message: string) => void;
}

/** Connections decoded at once; beyond this the least recently opened is closed (bounded memory). */
export const MAX_REPLAYED_CONNECTIONS = 10_000;
const SUMMARIES_KEPT = 1000;
const WARNINGS_PER_KIND = 5;

interface ReplayedConnection {
  decoder: ConnectionDecoder;
  stats: ConnectionStats;
  source: CaptureSource;
  /** Time of the record being decoded: the events it produces carry it. */
  now: CaptureTime;
}

/** A source for captures that name none: one per listen/target pair. */
function implicitSource(open: OpenRecord): CaptureSource {
  const name = open.listen === open.target ? open.listen : `${open.listen} -> ${open.target}`;
  return { id: `capture:${name}`, name, listen: open.listen, target: open.target };
}

export class CaptureReplayer implements CaptureRecordSink {
  private readonly sources = new Map<string, CaptureSource>();
  private readonly live = new Map<number, ReplayedConnection>();
  private readonly finished: ConnectionSummary[] = [];
  private readonly warned = new Map<string, number>();
  private lastTime: CaptureTime = 0;

  constructor(
    private readonly onEvent: CaptureEventListener,
    private readonly options: ReplayOptions = {},
  ) {}

  write(record: CaptureRecord): void {
    if (record.type === 'source') {
      this.sources.set(record.source.id, { ...record.source });
      return;
    }
    this.lastTime = Math.max(this.lastTime, record.time);
    if (record.type === 'open') return this.open(record);
    if (record.type === 'relay-error') {
      const source = record.conn === undefined ? undefined : this.live.get(record.conn)?.source;
      this.onEvent({ type: 'relay-error', time: record.time, message: record.message, ...(record.conn !== undefined ? { conn: record.conn } : {}) }, source ?? this.anySource());
      return;
    }
    const connection = this.live.get(record.conn);
    if (connection === undefined) {
      this.warn(`unknown-${record.type}`, `a "${record.type}" record for connection ${record.conn}, which is not open (no "open" record before it, or it was closed); skipped`);
      return;
    }
    connection.now = record.time;
    switch (record.type) {
      case 'data':
        connection.stats.bytes[record.dir] += record.bytes.length;
        connection.decoder.push(record.dir, record.bytes);
        break;
      case 'gap':
        connection.stats.bytes[record.dir] += record.bytes;
        connection.decoder.gap(record.dir, record.bytes);
        break;
      case 'end':
        connection.decoder.end(record.dir);
        break;
      case 'backpressure':
        this.onEvent({ type: 'backpressure', conn: record.conn, dir: record.dir, time: record.time, bufferedBytes: record.bufferedBytes }, connection.source);
        break;
      case 'close':
        this.close(record.conn, connection, record.time, record.reason, record.detail, record.bytes);
        break;
    }
  }

  /** The capture is over: connections still open are closed as 'stopped' at the last recorded time. */
  finish(detail = 'the capture ended while the connection was open'): void {
    for (const [conn, connection] of [...this.live]) this.close(conn, connection, this.lastTime, 'stopped', detail);
  }

  /** Per-connection counters, open ones first, then the most recently closed. */
  summaries(): ConnectionSummary[] {
    return [...[...this.live.values()].map(({ stats }) => stats.summary(this.lastTime)), ...this.finished];
  }

  private open(record: OpenRecord): void {
    const previous = this.live.get(record.conn);
    if (previous !== undefined) {
      this.warn('reopened', `connection ${record.conn} was opened again while open; the earlier one is closed first`);
      this.close(record.conn, previous, record.time, 'error', 'the capture opened a connection with the same id again');
    }
    if (this.live.size >= MAX_REPLAYED_CONNECTIONS) {
      const [oldest, connection] = this.live.entries().next().value as [number, ReplayedConnection];
      this.warn('too-many', `more than ${MAX_REPLAYED_CONNECTIONS} connections open at once; the oldest are closed to bound memory`);
      this.close(oldest, connection, record.time, 'stopped', `closed by the capture reader: more than ${MAX_REPLAYED_CONNECTIONS} connections were open at once`);
    }
    let source = record.source === undefined ? undefined : this.sources.get(record.source);
    if (source === undefined) {
      if (record.source !== undefined) this.warn('unknown-source', `connection ${record.conn} names source "${record.source}", which no "source" record defined; its endpoints are used instead`);
      source = implicitSource(record);
      if (!this.sources.has(source.id)) this.sources.set(source.id, source);
    }
    const stats = new ConnectionStats(record.conn, source.name, record.time);
    const connection: ReplayedConnection = { decoder: undefined as unknown as ConnectionDecoder, stats, source, now: record.time };
    connection.decoder = new ConnectionDecoder((dir: Direction, event) => {
      stats.count(dir, event);
      this.onEvent({ type: 'zmtp', conn: record.conn, dir, time: connection.now, event }, source);
    }, this.options.decoder);
    if (record.joined) {
      connection.decoder.joinMidStream('c2s');
      connection.decoder.joinMidStream('s2c');
    }
    this.live.set(record.conn, connection);
    this.onEvent({ type: 'open', conn: record.conn, time: record.time, peer: record.peer, listen: record.listen, target: record.target }, source);
  }

  private close(conn: number, connection: ReplayedConnection, time: CaptureTime, reason: CloseReason, detail?: string, bytes?: Record<Direction, number>): void {
    connection.now = time;
    connection.decoder.end('c2s');
    connection.decoder.end('s2c');
    this.live.delete(conn);
    connection.stats.closedAt = time;
    this.finished.unshift(connection.stats.summary(time));
    if (this.finished.length > SUMMARIES_KEPT) this.finished.length = SUMMARIES_KEPT;
    const counted = bytes ?? { ...connection.stats.bytes };
    this.onEvent({ type: 'close', conn, time, reason, ...(detail !== undefined ? { detail } : {}), bytes: counted }, connection.source);
  }

  private anySource(): CaptureSource {
    const first = this.sources.values().next();
    return first.done ? { id: 'capture', name: 'capture', listen: '', target: '' } : first.value;
  }

  private warn(kind: string, message: string): void {
    const seen = this.warned.get(kind) ?? 0;
    this.warned.set(kind, seen + 1);
    if (seen < WARNINGS_PER_KIND) this.options.onWarning?.(seen + 1 === WARNINGS_PER_KIND ? `${message} (further warnings like this are not shown)` : message);
  }
}
