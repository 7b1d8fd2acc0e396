// The ring of row summaries, stored column by column in typed arrays: a row costs about 85 bytes
// and no JavaScript object. Columns start small and double up to the capacity, so a large capacity
// costs nothing until rows arrive. Row `seq` lives in slot (seq - origin) % capacity; growth only
// happens before the ring first wraps, when slots equal seq - origin, so it is a plain copy.
import type { Direction, RowKind } from '../protocol';

export const PREVIEW_BYTES = 48;

export const KINDS: readonly RowKind[] = ['message', 'command', 'greeting', 'open', 'close', 'error'];
export const KIND_CODE: Record<RowKind, number> = { message: 0, command: 1, greeting: 2, open: 3, close: 4, error: 5 };
const DIR_SHIFT = 3;
const TRUNCATED_BIT = 0x20;

export interface RowFields {
  time: number;
  conn: number;
  kind: RowKind;
  dir: Direction | undefined;
  flags: number;
  size: number;
  frames: number;
  name: number;
  detail: number;
  truncated: boolean;
}

const INITIAL_ROWS = 1024;

export class RowColumns {
  capacity: number;
  private allocated = 0;
  private origin = 0;
  time = new Float64Array(0);
  conn = new Uint32Array(0);
  /** kind (bits 0-2) | direction (bits 3-4: 0 none, 1 c2s, 2 s2c) | truncated (bit 5) */
  kindDir = new Uint8Array(0);
  flags = new Int16Array(0);
  size = new Float64Array(0);
  frames = new Uint32Array(0);
  /** Interned command-name code (0: none). */
  name = new Uint8Array(0);
  /** Arena position of the detail record, -1 when the row has none there. */
  detail = new Float64Array(0);
  /** Per row: PREVIEW_BYTES of preview bytes and how many are used. */
  preview = new Uint8Array(0);
  previewLength = new Uint8Array(0);

  constructor(capacity: number, origin = 0) {
    this.capacity = capacity;
    this.origin = origin;
  }

  slot(seq: number): number {
    return (seq - this.origin) % this.capacity;
  }

  /** Makes room for row `seq` (the next one) and returns its slot. */
  prepare(seq: number): number {
    const slot = this.slot(seq);
    if (slot >= this.allocated) this.grow(Math.min(this.capacity, Math.max(INITIAL_ROWS, this.allocated * 2)));
    return slot;
  }

  write(slot: number, row: RowFields): void {
    this.time[slot] = row.time;
    this.conn[slot] = row.conn;
    const dirBits = row.dir === 'c2s' ? 1 : row.dir === 's2c' ? 2 : 0;
    this.kindDir[slot] = KIND_CODE[row.kind] | (dirBits << DIR_SHIFT) | (row.truncated ? TRUNCATED_BIT : 0);
    this.flags[slot] = row.flags;
    this.size[slot] = row.size;
    this.frames[slot] = row.frames;
    this.name[slot] = row.name;
    this.detail[slot] = row.detail;
    this.previewLength[slot] = 0;
  }

  kind(slot: number): RowKind {
    return KINDS[this.kindDir[slot] & 0x07];
  }

  dir(slot: number): Direction | undefined {
    const bits = (this.kindDir[slot] >> DIR_SHIFT) & 0x03;
    return bits === 1 ? 'c2s' : bits === 2 ? 's2c' : undefined;
  }

  truncated(slot: number): boolean {
    return (this.kindDir[slot] & TRUNCATED_BIT) !== 0;
  }

  previewOf(slot: number): Uint8Array {
    const start = slot * PREVIEW_BYTES;
    return this.preview.subarray(start, start + this.previewLength[slot]);
  }

  /** Appends bytes to a row's preview; returns how many fitted. */
  appendPreview(slot: number, bytes: Uint8Array): number {
    const used = this.previewLength[slot];
    const room = PREVIEW_BYTES - used;
    const count = Math.min(room, bytes.length);
    if (count > 0) {
      this.preview.set(count === bytes.length ? bytes : bytes.subarray(0, count), slot * PREVIEW_BYTES + used);
      this.previewLength[slot] = used + count;
    }
    return count;
  }

  /** Typed-array bytes held by the columns. */
  get bytes(): number {
    return this.allocated * (8 + 4 + 1 + 2 + 8 + 4 + 1 + 8 + PREVIEW_BYTES + 1);
  }

  private grow(rows: number): void {
    const grown = <T extends Float64Array | Uint32Array | Uint8Array | Int16Array>(old: T, make: (n: number) => T, width = 1): T => {
      const next = make(rows * width);
      next.set(old);
      return next;
    };
    this.time = grown(this.time, (n) => new Float64Array(n));
    this.conn = grown(this.conn, (n) => new Uint32Array(n));
    this.kindDir = grown(this.kindDir, (n) => new Uint8Array(n));
    this.flags = grown(this.flags, (n) => new Int16Array(n));
    this.size = grown(this.size, (n) => new Float64Array(n));
    this.frames = grown(this.frames, (n) => new Uint32Array(n));
    this.name = grown(this.name, (n) => new Uint8Array(n));
    this.detail = grown(this.detail, (n) => new Float64Array(n));
    this.preview = grown(this.preview, (n) => new Uint8Array(n), PREVIEW_BYTES);
    this.previewLength = grown(this.previewLength, (n) => new Uint8Array(n));
    this.allocated = rows;
  }

  /** A new, smaller or larger ring holding rows [firstSeq, endSeq) of this one (the newest that fit). */
  resized(capacity: number, firstSeq: number, endSeq: number): RowColumns {
    const keepFrom = Math.max(firstSeq, endSeq - capacity);
    const next = new RowColumns(capacity, keepFrom);
    for (let seq = keepFrom; seq < endSeq; seq++) {
      const from = this.slot(seq);
      const to = next.prepare(seq);
      next.time[to] = this.time[from];
      next.conn[to] = this.conn[from];
      next.kindDir[to] = this.kindDir[from];
      next.flags[to] = this.flags[from];
      next.size[to] = this.size[from];
      next.frames[to] = this.frames[from];
      next.name[to] = this.name[from];
      next.detail[to] = this.detail[from];
      next.previewLength[to] = this.previewLength[from];
      next.preview.set(this.preview.subarray(from * PREVIEW_BYTES, (from + 1) * PREVIEW_BYTES), to * PREVIEW_BYTES);
    }
    return next;
  }
}
