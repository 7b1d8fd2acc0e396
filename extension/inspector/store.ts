// The capture store: every event the sniffers report becomes a compact row in a bounded ring, with
// its detail kept aside within a memory budget. Ingest only copies bytes and numbers; text is made
// when a row is shown (summaries), opened (details) or searched (filters).
import type { Counts, FrameSummary, RowDetail, RowFilter, RowKind, RowSummary, SnifferSource } from '../protocol';
import type { SnifferEvent } from '../sniffer/types';
import type { CommandEvent, Direction, GreetingEvent, MessageEvent, ZmtpEvent } from '../zmtp/types';
import { ByteArena } from './byteArena';
import { buildDetail, type StoredFrame } from './details';
import { previewLine, visibleText } from './preview';
import { framePart, framesPreview } from '../zmtp/preview';
import { PREVIEW_BYTES, RowColumns } from './rowColumns';
import { type Connection, Topology } from './topology';
import { FilteredView, type ViewHost } from './view';

export interface StoreOptions {
  /** Rows kept (default 100,000; 100 to 10,000,000). */
  capacity?: number;
  /** Bytes for message details (default 64 MiB); the oldest details are released first. */
  detailBudgetBytes?: number;
  /** Bytes of frame bodies kept per row for its details (default 256 KiB). */
  detailBytesPerRow?: number;
  /** Payload bytes in a row's one-line preview and in each listed frame's (default 64; 8 to 4096). */
  previewBytes?: number;
}

export const DEFAULT_CAPACITY = 100_000;
export const MIN_CAPACITY = 100;
export const MAX_CAPACITY = 10_000_000;
export const DEFAULT_PREVIEW_BYTES = 64;
export const MIN_PREVIEW_BYTES = 8;
export const MAX_PREVIEW_BYTES = 4096;
/** Frames of one message kept for its details; the rest are counted. */
export const MAX_FRAMES_STORED = 1024;
const SLAB_BYTES = 1 << 20;
const FRAME_RECORD_HEADER = 14;
const COMMAND_BODY_BYTES = 4096;
const METADATA_VALUE_BYTES = 1024;
const SEARCH_BYTES_PER_FRAME = 4096;
const SEARCH_BYTES_PER_ROW = 16384;
const MAX_NAMES = 250;

/** Details of rows that are not messages, kept as small objects (their bytes copied, bounded). */
export type StoredObject =
  | { kind: 'greeting'; event: GreetingEvent; bytes: number }
  | { kind: 'command'; event: CommandEvent; bytes: number }
  | { kind: 'close'; reason: string; detail?: string; wire: Record<Direction, number>; bytes: number }
  | { kind: 'error'; message: string; fatal?: boolean; offset?: number; bytes: number };

function checkedOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

const copyBytes = (bytes: Uint8Array | undefined, max: number): Uint8Array | undefined => (bytes ? bytes.slice(0, max) : undefined);

/** A copy of a command that holds no view on the network chunk, with a masked password also masked in its bytes. */
function compactCommand(event: CommandEvent): CommandEvent {
  const body = event.body.slice(0, COMMAND_BODY_BYTES);
  if (event.name === 'HELLO' && event.passwordMasked && event.username !== undefined) {
    // PLAIN HELLO body: 05 "HELLO" ulen user plen pass. The decoder masked the field; mask the bytes too.
    const passStart = 1 + 5 + 1 + body[6] + 1;
    body.fill(0x2a, Math.min(passStart, body.length));
  }
  return {
    ...event,
    body,
    metadata: event.metadata?.map((entry) => ({ name: entry.name, value: entry.value.slice(0, METADATA_VALUE_BYTES), text: entry.text?.slice(0, METADATA_VALUE_BYTES) })),
    topic: copyBytes(event.topic, COMMAND_BODY_BYTES),
    context: copyBytes(event.context, 64),
  };
}

export class CaptureStore implements ViewHost {
  readonly topology = new Topology();
  private columns: RowColumns;
  private readonly arena: ByteArena;
  private readonly detailBytesPerRow: number;
  private previewBytes: number;
  private readonly objects = new Map<number, StoredObject>();
  private objectBytes = 0;
  private readonly objectBudget: number;
  private readonly names: string[] = [''];
  private readonly nameCodes = new Map<string, number>();
  private readonly views = new Set<FilteredView>();
  private readonly listeners = new Set<() => void>();
  private nextGeneration = 1;
  private lastSource: SnifferSource | undefined;
  private lastRecord: ReturnType<Topology['source']> | undefined;
  firstSeq = 0;
  endSeq = 0;
  paused = false;
  private captured = 0;
  private evictedRows = 0;
  private droppedWhilePaused = 0;
  private detailsReleased = 0;

  constructor(options: StoreOptions = {}) {
    const capacity = checkedOption('capacity', options.capacity, DEFAULT_CAPACITY, MIN_CAPACITY, MAX_CAPACITY);
    const budget = checkedOption('detailBudgetBytes', options.detailBudgetBytes, 64 << 20, 2 * SLAB_BYTES, 2 ** 40);
    this.detailBytesPerRow = checkedOption('detailBytesPerRow', options.detailBytesPerRow, 256 << 10, 0, SLAB_BYTES - MAX_FRAMES_STORED * FRAME_RECORD_HEADER - 2);
    this.previewBytes = checkedOption('previewBytes', options.previewBytes, DEFAULT_PREVIEW_BYTES, MIN_PREVIEW_BYTES, MAX_PREVIEW_BYTES);
    this.columns = new RowColumns(capacity);
    this.arena = new ByteArena(budget, SLAB_BYTES);
    this.objectBudget = Math.max(1 << 20, budget / 4);
  }

  get capacity(): number {
    return this.columns.capacity;
  }

  /** Payload bytes shown in a row's preview. */
  get previewLength(): number {
    return this.previewBytes;
  }

  /** Called (synchronously, so keep it cheap) after every change. Returns a function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ingest(source: SnifferSource, event: SnifferEvent): void {
    if (source !== this.lastSource || !this.lastRecord) {
      this.lastRecord = this.topology.source(source);
      this.lastSource = source;
    }
    const record = this.lastRecord;
    const topology = this.topology;
    const conn = topology.connection(record, event.type === 'relay-error' ? (event.conn ?? 0) : event.conn);
    const added = this.endSeq;
    switch (event.type) {
      case 'open':
        topology.open(conn, event.peer, event.listen, event.target);
        this.addRow(conn, event.time, 'open', undefined, -1, 0, 0);
        break;
      case 'close': {
        topology.close(conn, event.reason, event.detail, event.bytes);
        const seq = this.addRow(conn, event.time, 'close', undefined, -1, event.bytes.c2s + event.bytes.s2c, 0);
        if (seq >= 0) this.keepObject(seq, { kind: 'close', reason: event.reason, detail: event.detail?.slice(0, 500), wire: { ...event.bytes }, bytes: 100 });
        break;
      }
      case 'relay-error': {
        if (conn.id !== 0) topology.fail(conn, event.message);
        this.addError(conn, event.time, undefined, event.message.slice(0, 1000));
        break;
      }
      case 'zmtp':
        topology.zmtp(conn, event.dir, event.event);
        this.addZmtpRow(conn, event.time, event.dir, event.event);
        break;
    }
    // Views see the row only now, when its preview and detail are complete.
    for (let seq = added; seq < this.endSeq; seq++) for (const view of this.views) view.added(seq);
    for (const listener of this.listeners) listener();
  }

  private addZmtpRow(conn: Connection, time: number, dir: Direction, event: ZmtpEvent): void {
    switch (event.kind) {
      case 'message':
        this.addMessage(conn, time, dir, event);
        break;
      case 'command': {
        const long = event.size > 255;
        const flags = event.legacy ? (long ? 0x02 : 0x00) : long ? 0x06 : 0x04;
        const seq = this.addRow(conn, time, 'command', dir, flags, event.size, 1, this.nameCode(event.name), event.body.length < event.size);
        if (seq < 0) return;
        const stored = compactCommand(event);
        this.keepObject(seq, { kind: 'command', event: stored, bytes: 200 + stored.body.length + (stored.metadata?.length ?? 0) * 80 });
        const slot = this.columns.slot(seq);
        const dataStart = 1 + (event.body[0] ?? 0);
        this.columns.appendPreview(slot, event.topic ?? stored.body.subarray(Math.min(dataStart, stored.body.length)));
        break;
      }
      case 'greeting': {
        const seq = this.addRow(conn, time, 'greeting', dir, -1, event.length, 0);
        if (seq >= 0) this.keepObject(seq, { kind: 'greeting', event: { ...event }, bytes: 120 });
        break;
      }
      case 'error':
        this.addError(conn, time, dir, event.reason.slice(0, 1000), event.fatal, event.offset);
        break;
      case 'frame':
        break;
    }
  }

  private addError(conn: Connection, time: number, dir: Direction | undefined, message: string, fatal?: boolean, offset?: number): void {
    const seq = this.addRow(conn, time, 'error', dir, -1, 0, 0);
    if (seq < 0) return;
    this.keepObject(seq, { kind: 'error', message, fatal, offset, bytes: 100 + message.length * 2 });
    this.columns.appendPreview(this.columns.slot(seq), Buffer.from(message.slice(0, PREVIEW_BYTES), 'utf8'));
  }

  private addMessage(conn: Connection, time: number, dir: Direction, event: MessageEvent): void {
    const frames = event.frames;
    const storedFrames = Math.min(frames.length, MAX_FRAMES_STORED);
    let truncated = storedFrames < frames.length;
    let length = 2;
    let room = this.detailBytesPerRow;
    for (let i = 0; i < storedFrames; i++) {
      const keep = Math.min(frames[i].body.length, room);
      room -= keep;
      length += FRAME_RECORD_HEADER + keep;
      if (keep < frames[i].size) truncated = true;
    }
    const seq = this.addRow(conn, time, 'message', dir, frames.length ? frames[0].flags : -1, event.size, frames.length, 0, truncated);
    if (seq < 0) return;
    const slot = this.columns.slot(seq);
    // Detail record: u16 frame count, then per frame: flags, bits (1 truncated, 2 curve), f64 size, u32 kept, bytes.
    const position = this.arena.allocate(length);
    const target = this.arena.locate(position) as { buffer: Buffer; offset: number };
    const buffer = target.buffer;
    let at = target.offset;
    buffer.writeUInt16BE(storedFrames, at);
    at += 2;
    room = this.detailBytesPerRow;
    for (let i = 0; i < storedFrames; i++) {
      const frame = frames[i];
      const keep = Math.min(frame.body.length, room);
      room -= keep;
      buffer[at] = frame.flags;
      buffer[at + 1] = (keep < frame.size ? 1 : 0) | (frame.curve ? 2 : 0);
      buffer.writeDoubleBE(frame.size, at + 2);
      buffer.writeUInt32BE(keep, at + 10);
      buffer.set(keep === frame.body.length ? frame.body : frame.body.subarray(0, keep), at + FRAME_RECORD_HEADER);
      at += FRAME_RECORD_HEADER + keep;
    }
    this.columns.detail[slot] = position;
    this.writeFramePreview(slot, frames);
  }

  /** Preview bytes of a message: per frame one length byte (bit 7: cut) and the first bytes, while room lasts. */
  private writeFramePreview(slot: number, frames: MessageEvent['frames']): void {
    const columns = this.columns;
    const start = slot * PREVIEW_BYTES;
    let used = 0;
    for (let i = 0; i < frames.length && used < PREVIEW_BYTES - 1; i++) {
      const body = frames[i].body;
      const count = Math.min(body.length, PREVIEW_BYTES - 1 - used);
      columns.preview[start + used] = count | (count < frames[i].size ? 0x80 : 0);
      columns.preview.set(count === body.length ? body : body.subarray(0, count), start + used + 1);
      used += 1 + count;
    }
    columns.previewLength[slot] = used;
  }

  /** Stores a row; returns its seq, or -1 when paused. */
  private addRow(conn: Connection, time: number, kind: RowKind, dir: Direction | undefined, flags: number, size: number, frames: number, name = 0, truncated = false): number {
    if (this.paused) {
      this.droppedWhilePaused += 1;
      return -1;
    }
    if (this.endSeq - this.firstSeq >= this.columns.capacity) this.evictOldest();
    const seq = this.endSeq;
    const slot = this.columns.prepare(seq);
    this.columns.write(slot, { time, conn: conn.handle, kind, dir, flags, size, frames: Math.min(frames, 0xffffffff), name, detail: -1, truncated });
    conn.rows += 1;
    this.endSeq = seq + 1;
    this.captured += 1;
    return seq;
  }

  private evictOldest(): void {
    const seq = this.firstSeq;
    const slot = this.columns.slot(seq);
    const conn = this.topology.byHandle.get(this.columns.conn[slot]);
    if (conn) this.topology.releaseRow(conn);
    const object = this.objects.get(seq);
    if (object) {
      this.objects.delete(seq);
      this.objectBytes -= object.bytes;
    }
    this.firstSeq = seq + 1;
    this.evictedRows += 1;
    for (const view of this.views) view.evicted(seq);
  }

  private keepObject(seq: number, object: StoredObject): void {
    this.objects.set(seq, object);
    this.objectBytes += object.bytes;
    while (this.objectBytes > this.objectBudget && this.objects.size > 1) {
      const [oldest, dropped] = this.objects.entries().next().value as [number, StoredObject];
      this.objects.delete(oldest);
      this.objectBytes -= dropped.bytes;
      this.detailsReleased += 1;
    }
  }

  private nameCode(name: string): number {
    let code = this.nameCodes.get(name);
    if (code === undefined) {
      if (this.names.length > MAX_NAMES) return 255;
      code = this.names.length;
      this.names.push(name.slice(0, 40));
      this.nameCodes.set(name, code);
    }
    return code;
  }

  // ---- Control -------------------------------------------------------------------------------

  setPaused(paused: boolean): void {
    this.paused = paused;
    for (const listener of this.listeners) listener();
  }

  /** Drops every row and detail, and closed connections; open connections stay in the topology. */
  clear(): void {
    this.firstSeq = this.endSeq;
    this.columns = new RowColumns(this.columns.capacity, this.endSeq);
    this.objects.clear();
    this.objectBytes = 0;
    this.arena.clear();
    this.topology.clearClosed();
    this.topology.forgetUnreferenced();
    this.resetViews();
    for (const listener of this.listeners) listener();
  }

  /** Changes how many rows are kept; the newest rows stay. */
  setCapacity(capacity: number): void {
    const checked = checkedOption('capacity', capacity, DEFAULT_CAPACITY, MIN_CAPACITY, MAX_CAPACITY);
    while (this.endSeq - this.firstSeq > checked) this.evictOldest();
    this.columns = this.columns.resized(checked, this.firstSeq, this.endSeq);
    this.resetViews();
    for (const listener of this.listeners) listener();
  }

  /**
   * Changes how many payload bytes previews show. Previews are made when a row is shown, from the
   * bytes kept for its details, so the new length applies to every row shown from now on; a row
   * whose details were released keeps its short stored preview. Views start a new generation, so
   * the webview fetches its rows again.
   */
  setPreviewBytes(bytes: number): void {
    const checked = checkedOption('previewBytes', bytes, DEFAULT_PREVIEW_BYTES, MIN_PREVIEW_BYTES, MAX_PREVIEW_BYTES);
    if (checked === this.previewBytes) return;
    this.previewBytes = checked;
    this.resetViews();
    for (const listener of this.listeners) listener();
  }

  // ---- Views ---------------------------------------------------------------------------------

  createView(filter: RowFilter): FilteredView {
    const view = new FilteredView(this, filter, this.nextGeneration++);
    this.views.add(view);
    return view;
  }

  disposeView(view: FilteredView): void {
    this.views.delete(view);
  }

  private resetViews(): void {
    for (const view of this.views) view.reset(this.nextGeneration++);
  }

  // ---- Reading -------------------------------------------------------------------------------

  counts(): Counts {
    return {
      stored: this.endSeq - this.firstSeq,
      capacity: this.columns.capacity,
      captured: this.captured,
      evicted: this.evictedRows,
      droppedWhilePaused: this.droppedWhilePaused,
      detailsReleased: this.detailsReleased,
    };
  }

  sources(): SnifferSource[] {
    return [...this.topology.sources.values()].map((record) => ({ ...record.info }));
  }

  has(seq: number): boolean {
    return seq >= this.firstSeq && seq < this.endSeq;
  }

  kindOf(seq: number): RowKind {
    return this.columns.kind(this.columns.slot(seq));
  }

  dirOf(seq: number): Direction | undefined {
    return this.columns.dir(this.columns.slot(seq));
  }

  connOf(seq: number): Connection | undefined {
    return this.topology.byHandle.get(this.columns.conn[this.columns.slot(seq)]);
  }

  summary(seq: number): RowSummary | undefined {
    if (!this.has(seq)) return undefined;
    const columns = this.columns;
    const slot = columns.slot(seq);
    const conn = this.topology.byHandle.get(columns.conn[slot]);
    const kind = columns.kind(slot);
    const dir = columns.dir(slot);
    const object = this.objects.get(seq);
    const code = columns.name[slot];
    const row: RowSummary = {
      seq,
      time: columns.time[slot],
      conn: conn?.key ?? '?',
      connLabel: conn?.label ?? '?',
      kind,
      flags: columns.flags[slot],
      size: columns.size[slot],
      frames: columns.frames[slot],
      preview: this.previewText(seq, slot, kind, conn, object),
    };
    if (dir) {
      row.dir = dir;
      const sender = conn?.sides[dir].socketType;
      const receiver = conn?.sides[dir === 'c2s' ? 's2c' : 'c2s'].socketType;
      if (sender) row.sender = sender;
      if (receiver) row.receiver = receiver;
    }
    if (kind === 'command') row.name = object?.kind === 'command' ? object.event.name : code && code < 255 ? this.names[code] : 'command';
    if (columns.truncated(slot)) row.truncated = true;
    return row;
  }

  private previewText(seq: number, slot: number, kind: RowKind, conn: Connection | undefined, object: StoredObject | undefined): string {
    const bytes = this.columns.previewOf(slot);
    switch (kind) {
      case 'message':
        return this.messagePreview(seq, bytes);
      case 'command':
        return object?.kind === 'command' ? commandPreview(object.event, this.previewBytes) : previewLine(bytes, Math.min(PREVIEW_BYTES, this.previewBytes));
      case 'greeting':
        return object?.kind === 'greeting' ? greetingPreview(object.event) : 'greeting';
      case 'open':
        return conn ? visibleText(`${conn.peer || 'peer'} → ${conn.listen} → ${conn.target}`) : 'connection opened';
      case 'close':
        return object?.kind === 'close' ? visibleText(`${object.reason}${object.detail ? `: ${object.detail}` : ''} (${object.wire.c2s} B ↑, ${object.wire.s2c} B ↓)`) : 'connection closed';
      case 'error':
        return object?.kind === 'error' ? visibleText(object.message.slice(0, 200)) : previewLine(bytes, PREVIEW_BYTES);
    }
  }

  /** From the frames kept for details when they hold at least a preview's worth, else from the row's stored preview. */
  private messagePreview(seq: number, stored: Uint8Array): string {
    if (this.detailBytesPerRow >= Math.min(this.previewBytes, PREVIEW_BYTES)) {
      // A frame takes at least one byte of the preview's room, so no more frames than that are read.
      const { frames, released } = this.storedFrames(seq, this.previewBytes);
      if (!released && frames.length > 0) return framesPreview(frames, this.previewBytes);
    }
    return framePreview(stored, this.previewBytes);
  }

  /** The frames kept for a message row (the first `maxFrames`), as views valid until the next ingest. */
  storedFrames(seq: number, maxFrames = MAX_FRAMES_STORED): { frames: StoredFrame[]; released: boolean } {
    if (!this.has(seq)) return { frames: [], released: true };
    const position = this.columns.detail[this.columns.slot(seq)];
    const located = position >= 0 ? this.arena.locate(position) : undefined;
    if (!located) return { frames: [], released: position >= 0 };
    const { buffer } = located;
    let at = located.offset;
    const count = Math.min(buffer.readUInt16BE(at), maxFrames);
    at += 2;
    const frames: StoredFrame[] = [];
    for (let i = 0; i < count; i++) {
      const kept = buffer.readUInt32BE(at + 10);
      frames.push({
        flags: buffer[at],
        truncated: (buffer[at + 1] & 1) !== 0,
        curve: (buffer[at + 1] & 2) !== 0,
        size: buffer.readDoubleBE(at + 2),
        body: buffer.subarray(at + FRAME_RECORD_HEADER, at + FRAME_RECORD_HEADER + kept),
      });
      at += FRAME_RECORD_HEADER + kept;
    }
    return { frames, released: false };
  }

  searchTextOf(seq: number): string {
    const slot = this.columns.slot(seq);
    const kind = this.columns.kind(slot);
    const object = this.objects.get(seq);
    if (kind === 'message') {
      const { frames } = this.storedFrames(seq);
      if (frames.length === 0) return framePreview(this.columns.previewOf(slot));
      let text = '';
      for (const frame of frames) {
        if (text.length >= SEARCH_BYTES_PER_ROW) break;
        const body = frame.body as Buffer;
        text += (text ? '\n' : '') + body.toString('utf8', 0, Math.min(body.length, SEARCH_BYTES_PER_FRAME));
      }
      return text;
    }
    if (object?.kind === 'command') {
      const topic = object.event.topic ? Buffer.from(object.event.topic.buffer, object.event.topic.byteOffset, object.event.topic.byteLength).toString('utf8') : '';
      return `${object.event.name} ${topic}`;
    }
    if (object?.kind === 'error') return object.message;
    return Buffer.from(this.columns.previewOf(slot)).toString('utf8');
  }

  detail(seq: number): RowDetail | undefined {
    const row = this.summary(seq);
    if (!row) return undefined;
    const conn = this.connOf(seq);
    return buildDetail(row, conn, this.objects.get(seq), row.kind === 'message' ? this.storedFrames(seq) : undefined, this.detailBytesPerRow);
  }

  frameSummaries(seq: number, max: number): { frames: FrameSummary[]; omitted: number; missing?: string } {
    if (!this.has(seq)) return { frames: [], omitted: 0, missing: 'This row has left the capture.' };
    const { frames, released } = this.storedFrames(seq);
    if (released) return { frames: [], omitted: 0, missing: 'The frames of this row were released to keep memory within its budget.' };
    const total = this.columns.frames[this.columns.slot(seq)];
    return {
      frames: frames.slice(0, max).map((frame, index) => ({ index, flags: frame.flags, size: frame.size, preview: previewLine(frame.body, this.previewBytes, frame.size), truncated: frame.truncated })),
      omitted: Math.max(0, total - Math.min(max, frames.length)),
    };
  }

  /** Memory the store holds in typed arrays and slabs (the row objects of views are not counted). */
  get retainedBytes(): number {
    return this.columns.bytes + this.arena.allocatedBytes + this.objectBytes;
  }
}

/** The same from a row's stored preview bytes: per frame a length byte (bit 7: cut) and the first bytes. */
export function framePreview(bytes: Uint8Array, maxBytes = PREVIEW_BYTES): string {
  const parts: string[] = [];
  let at = 0;
  let room = maxBytes;
  while (at < bytes.length && room > 1) {
    const header = bytes[at];
    const kept = header & 0x7f;
    const count = Math.min(kept, room - 1);
    const body = bytes.subarray(at + 1, at + 1 + count);
    parts.push(framePart(body, count, header & 0x80 || count < kept ? kept + 1 : kept));
    at += 1 + kept;
    room -= 1 + count;
  }
  return parts.join(' · ');
}

function greetingPreview(event: GreetingEvent): string {
  return visibleText(`ZMTP ${event.version} ${event.mechanism}${event.socketType ? ` ${event.socketType}` : ''}`);
}

function commandPreview(event: CommandEvent, topicBytes: number): string {
  const parts: string[] = [];
  if (event.metadata) for (const entry of event.metadata.slice(0, 4)) parts.push(`${entry.name}=${entry.text ?? previewLine(entry.value, 16)}`);
  if (event.topic) parts.push(event.topic.length ? `topic ${previewLine(event.topic, topicBytes)}` : 'topic (all)');
  if (event.ttl !== undefined) parts.push(`ttl ${(event.ttl / 10).toFixed(1)} s`);
  if (event.context?.length) parts.push(`context ${previewLine(event.context, 16)}`);
  if (event.reason !== undefined) parts.push(`reason ${event.reason}`);
  if (event.username !== undefined) parts.push(`user ${event.username}`);
  if (event.curve) parts.push(`nonce ${event.curve.nonce}, box ${event.curve.boxSize} B`);
  if (event.legacy) parts.push('(legacy form)');
  if (event.problem) parts.push(`problem: ${event.problem}`);
  return visibleText(parts.join(', ').slice(0, 200));
}
