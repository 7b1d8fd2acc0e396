// Recording what a live sniffer relays: its connection events and the raw chunks, as capture
// records (replayed later through the decoder). CaptureBuffer keeps the newest records in memory
// within a budget, for "save what was captured"; its snapshot is always a consistent capture.
import type { SnifferEvent } from '../sniffer/types';
import type { Direction } from '../zmtp/types';
import type { CaptureRecord, CaptureRecordSink, CaptureSource, OpenRecord } from './records';

/**
 * Turns a sniffer's events and chunks into records. Wire it as
 * `Sniffer.start({ …, onEvent: (e) => { recorder.event(e); … }, onData: recorder.data })`.
 */
export class SnifferRecorder {
  private sourceWritten = false;

  constructor(
    private readonly sink: CaptureRecordSink,
    private readonly source: CaptureSource,
    private readonly now: () => number = Date.now,
  ) {}

  readonly event = (event: SnifferEvent): void => {
    // Decoded events are not stored: the bytes are, and replaying them gives the same events.
    if (event.type === 'zmtp') return;
    this.writeSource();
    if (event.type === 'open') {
      this.sink.write({ type: 'open', time: event.time, conn: event.conn, source: this.source.id, peer: event.peer, listen: event.listen, target: event.target });
    } else if (event.type === 'close') {
      this.sink.write({ type: 'close', time: event.time, conn: event.conn, reason: event.reason, bytes: { ...event.bytes }, ...(event.detail !== undefined ? { detail: event.detail } : {}) });
    } else if (event.type === 'backpressure') {
      this.sink.write({ type: 'backpressure', time: event.time, conn: event.conn, dir: event.dir, bufferedBytes: event.bufferedBytes });
    } else {
      this.sink.write({ type: 'relay-error', time: event.time, message: event.message, ...(event.conn !== undefined ? { conn: event.conn } : {}) });
    }
  };

  /** Every relayed chunk (the sniffer's onData). */
  readonly data = (conn: number, dir: Direction, chunk: Buffer): void => {
    this.sink.write({ type: 'data', time: this.now(), conn, dir, bytes: chunk });
  };

  private writeSource(): void {
    if (this.sourceWritten) return;
    this.sourceWritten = true;
    this.sink.write({ type: 'source', source: { ...this.source } });
  }
}

/** Memory a record costs besides its bytes (object, array slot), counted against the budget. */
const RECORD_OVERHEAD = 100;
export const DEFAULT_BUFFER_BUDGET = 256 * 1024 * 1024;

/**
 * The newest records within a memory budget. Older records are dropped first; a connection whose
 * start was dropped comes back in snapshots as joined mid-way, so decoding resynchronises on it.
 */
export class CaptureBuffer implements CaptureRecordSink {
  private records: CaptureRecord[] = [];
  private first = 0;
  private bytes = 0;
  private readonly sources = new Map<string, CaptureRecord>();
  /** Open records of connections with records in the buffer, and how many they have there. */
  private readonly connections = new Map<number, { open: OpenRecord; held: number; closed: boolean }>();

  constructor(readonly budgetBytes = DEFAULT_BUFFER_BUDGET) {}

  get retainedBytes(): number {
    return this.bytes;
  }

  write(record: CaptureRecord): void {
    if (record.type === 'source') {
      this.sources.set(record.source.id, record);
      return;
    }
    if (record.type === 'open') this.connections.set(record.conn, { open: record, held: 0, closed: false });
    const connection = 'conn' in record && record.conn !== undefined ? this.connections.get(record.conn) : undefined;
    if (connection !== undefined) {
      connection.held++;
      if (record.type === 'close') connection.closed = true;
    }
    this.records.push(record);
    this.bytes += cost(record);
    while (this.bytes > this.budgetBytes && this.first < this.records.length) this.dropOldest();
    if (this.first > 4096 && this.first * 2 > this.records.length) {
      this.records = this.records.slice(this.first);
      this.first = 0;
    }
  }

  clear(): void {
    this.records = [];
    this.first = 0;
    this.bytes = 0;
    this.connections.clear();
  }

  /** A consistent capture of what is held: sources, then records, connections whose start was dropped reopened as joined. */
  snapshot(): CaptureRecord[] {
    const out: CaptureRecord[] = [...this.sources.values()];
    const opened = new Set<number>();
    for (let index = this.first; index < this.records.length; index++) {
      const record = this.records[index];
      if (record.type === 'open') opened.add(record.conn);
      else if ('conn' in record && record.conn !== undefined && !opened.has(record.conn)) {
        opened.add(record.conn);
        const connection = this.connections.get(record.conn);
        if (connection !== undefined) out.push({ ...connection.open, time: record.time, joined: true });
      }
      out.push(record);
    }
    return out;
  }

  private dropOldest(): void {
    const record = this.records[this.first];
    this.records[this.first] = undefined as unknown as CaptureRecord;
    this.first++;
    this.bytes -= cost(record);
    if (!('conn' in record) || record.conn === undefined) return;
    const connection = this.connections.get(record.conn);
    if (connection === undefined) return;
    connection.held--;
    if (connection.held === 0 && connection.closed) this.connections.delete(record.conn);
  }
}

function cost(record: CaptureRecord): number {
  return RECORD_OVERHEAD + (record.type === 'data' ? record.bytes.length : 0);
}
