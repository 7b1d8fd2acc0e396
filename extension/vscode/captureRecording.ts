// The raw traffic every run carried, kept for Save Capture… in one bounded CaptureBuffer. Each
// sniffer (and each opened or port capture) numbers its connections from 1, so records are
// renumbered here into one sequence the saved file can use. No `vscode` here.
import { CaptureBuffer, SnifferRecorder, type CaptureRecord, type CaptureRecordSink, type CaptureSource } from '../capture';
import type { OpenRecord } from '../capture/records';
import type { SnifferSource } from '../protocol';

export const DEFAULT_RECORDING_BUDGET_MB = 256;

/** One origin's connections (a sniffer, a file, a port capture): its ids mapped to the recording's. */
class RenumberingSink implements CaptureRecordSink {
  /** Open connections of this origin: the recording's id, and the open record to restate after a clear. */
  private readonly open = new Map<number, { conn: number; record: OpenRecord; restate: boolean }>();

  constructor(
    private readonly recording: TrafficRecording,
    private readonly sourceId: (id: string) => string,
    /** Readers hand out slices of their large read chunks: copied, so a kept slice does not pin a whole chunk. */
    private readonly copyData: boolean,
  ) {}

  write(record: CaptureRecord): void {
    if (record.type === 'source') {
      this.recording.write({ type: 'source', source: { ...record.source, id: this.sourceId(record.source.id) } });
      return;
    }
    if (record.type === 'open') {
      const renamed: OpenRecord = { ...record, conn: this.recording.nextConnection(), ...(record.source !== undefined ? { source: this.sourceId(record.source) } : {}) };
      this.open.set(record.conn, { conn: renamed.conn, record: renamed, restate: false });
      this.recording.write(renamed);
      return;
    }
    if (record.conn === undefined) {
      this.recording.write(record);
      return;
    }
    const connection = this.open.get(record.conn);
    // A record for a connection this origin never opened would collide with another origin's ids.
    if (connection === undefined) return;
    if (connection.restate) {
      // The recording was cleared while this connection was open: what follows starts mid-stream.
      connection.restate = false;
      this.recording.write({ ...connection.record, time: record.time, joined: true });
    }
    if (record.type === 'close') this.open.delete(record.conn);
    if (record.type === 'data' && this.copyData) this.recording.write({ ...record, conn: connection.conn, bytes: Buffer.from(record.bytes) });
    else this.recording.write({ ...record, conn: connection.conn });
  }

  /** After a clear, each open connection is opened again (as joined) before its next record. */
  restateOpenConnections(): void {
    for (const connection of this.open.values()) connection.restate = true;
  }
}

export class TrafficRecording {
  private buffer: CaptureBuffer;
  private lastConnection = 0;
  private readonly sinks = new Set<RenumberingSink>();
  /** Time of the newest record that had to make room for newer ones; undefined while nothing was dropped. */
  private droppedUpTo: number | undefined;
  private newestTime = 0;

  constructor(budgetBytes = DEFAULT_RECORDING_BUDGET_MB * 1024 * 1024) {
    this.buffer = new CaptureBuffer(budgetBytes);
  }

  get budgetBytes(): number {
    return this.buffer.budgetBytes;
  }

  get retainedBytes(): number {
    return this.buffer.retainedBytes;
  }

  /** True when older traffic was dropped to stay within the budget. */
  get cut(): boolean {
    return this.droppedUpTo !== undefined;
  }

  /** Records a live sniffer's events and chunks; `release` once the sniffer has stopped. */
  recorderFor(source: CaptureSource): { recorder: SnifferRecorder; release(): void } {
    const sink = this.origin((id) => id, false);
    return { recorder: new SnifferRecorder(sink, source), release: () => this.sinks.delete(sink) };
  }

  /** A sink for an opened file or a port capture, whose source ids are renamed by `sourceId`; `release` when it ends. */
  sinkFor(sourceId: (id: string) => string): { sink: CaptureRecordSink; release(): void } {
    const sink = this.origin(sourceId, true);
    return { sink, release: () => this.sinks.delete(sink) };
  }

  nextConnection(): number {
    return ++this.lastConnection;
  }

  write(record: CaptureRecord): void {
    const before = this.buffer.retainedBytes;
    this.buffer.write(record);
    if (record.type === 'source') return;
    this.newestTime = Math.max(this.newestTime, record.time);
    // Every record costs more than its data bytes, so holding no more than those means older records were dropped.
    if (this.buffer.retainedBytes <= before + (record.type === 'data' ? record.bytes.length : 0)) this.droppedUpTo = this.newestTime;
  }

  /**
   * What Save Capture… writes: the records held, after a note when older traffic was dropped
   * (readers show it as a problem row, so whoever opens the file learns it is incomplete).
   */
  snapshot(): CaptureRecord[] {
    const records = this.buffer.snapshot();
    if (this.droppedUpTo === undefined) return records;
    const mb = Number((this.budgetBytes / 1024 / 1024).toFixed(2));
    const sources = records.filter((record) => record.type === 'source');
    const first = records[sources.length];
    const note: CaptureRecord = {
      type: 'relay-error',
      time: first !== undefined && first.type !== 'source' ? first.time : this.droppedUpTo,
      message: `this capture is cut: only the newest ${mb} MiB of recorded traffic were kept (setting zmqInspector.captureMemoryMB); older traffic was dropped, and connections that began before the cut are marked as joined mid-way`,
    };
    return [...sources, note, ...records.slice(sources.length)];
  }

  clear(): void {
    this.buffer.clear();
    this.droppedUpTo = undefined;
    for (const sink of this.sinks) sink.restateOpenConnections();
  }

  /** Changes the budget, keeping the newest records that fit. */
  setBudget(budgetBytes: number): void {
    if (budgetBytes === this.buffer.budgetBytes) return;
    const held = this.buffer.snapshot();
    this.buffer = new CaptureBuffer(budgetBytes);
    for (const record of held) this.write(record);
  }

  private origin(sourceId: (id: string) => string, copyData: boolean): RenumberingSink {
    const sink = new RenumberingSink(this, sourceId, copyData);
    this.sinks.add(sink);
    return sink;
  }
}

/** Cached renamed sources, so the store sees one object per source (it notices new objects). */
const RENAMED_SOURCES_KEPT = 1000;

/**
 * Files the sources of an opened or port capture under `prefix` in the capture store, so they
 * never share connections with a run or another capture, and names them after where they came from.
 */
export class SourceRenamer {
  private readonly renamed = new Map<string, SnifferSource>();

  constructor(
    readonly prefix: string,
    private readonly origin: string,
  ) {}

  readonly id = (id: string): string => `${this.prefix}/${id}`;

  of(source: CaptureSource): SnifferSource {
    let renamed = this.renamed.get(source.id);
    if (renamed === undefined) {
      if (this.renamed.size >= RENAMED_SOURCES_KEPT) this.renamed.clear();
      renamed = { id: this.id(source.id), name: source.name.startsWith(this.origin) ? source.name : `${this.origin}: ${source.name}`, listen: source.listen, target: source.target };
      this.renamed.set(source.id, renamed);
    }
    return renamed;
  }
}
