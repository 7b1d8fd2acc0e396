// Frame boundaries in a byte stream, whatever the chunking: ZMTP 1.0's length-first layout and
// the flags-first layout of 2.0/3.x. Complete frames are handed to a sink with their body as a
// view on the chunk when it arrived in one piece; a body spread over chunks is copied, at most
// `retainCap(flags)` bytes of it, and the rest only counted.
import { FLAG_LONG as FLAG_LONG_EXPORT } from './types';
import { EMPTY_BYTES as EMPTY_BYTES_EXPORT, readU32, readU64, u64Decimal } from './bytes';
import { STOPS_DECODING } from './problems';

// Module-local copies for the per-frame path: in the file-by-file CommonJS build every imported
// binding is a getter call, which showed up as a fifth of the time per frame.
const FLAG_LONG = FLAG_LONG_EXPORT;
const EMPTY_BYTES = EMPTY_BYTES_EXPORT;

/** A view on buf[start, end) sharing its memory (see bytes.view; repeated here for the reason above). */
function bodyView(buf: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, end - start);
}

export interface FrameSink {
  /** How many body bytes the frame with these flags may keep. */
  retainCap(flags: number): number;
  frame(offset: number, flags: number, size: number, body: Uint8Array, truncated: boolean, headerProblem: string | undefined): void;
  /** Something odd that libzmq tolerates; decoding goes on. */
  problem(offset: number, reason: string): void;
  /** The stream cannot be framed any more; the sink stops this stream. */
  fatal(offset: number, reason: string): void;
}

/** ZMTP 1.0: length (1 byte, or FF + u64) counting the flags byte, then flags, then body. */
export const LAYOUT_LENGTH_FIRST = 1;
/** ZMTP 2.0/3.x: flags, size (1 byte, or u64 when LONG), body. */
export const LAYOUT_FLAGS_FIRST = 2;
export type FrameLayout = typeof LAYOUT_LENGTH_FIRST | typeof LAYOUT_FLAGS_FIRST;

const LONGEST_HEADER = 10;
const SHORT_HEADER = 2;
const LONG_FLAGS_HEADER = 9;
const ESCAPE_LENGTH_HEADER = 10;
const LENGTH_ESCAPE = 0xff;
const LARGEST_HIGH_WORD = 0x7fff_ffff;

/**
 * libzmq 4.3.5's v2 encoder sends a 255-byte legacy topic as flags 00 with an 8-byte size of 256
 * (reference §2): 00, then 00 00 00 00 00 00 01 00, then the 01/00 (un)subscribe byte.
 */
const LEGACY_TOPIC_BUG_LOOKAHEAD = 10;
const LEGACY_TOPIC_BUG_SIZE = 256;
const LEGACY_TOPIC_BUG_PROBLEM =
  'sent with short flags (00) but an 8-byte size: libzmq 4.3.5 encodes 255-byte topics to ZMTP 3.0/2.0 peers this way (bug); ' +
  'a libzmq receiver reads an empty message and then garbage';

function isLegacyTopicBug(buf: Uint8Array, pos: number): boolean {
  return buf[pos] === 0 && readU32(buf, pos + 1) === 0 && readU32(buf, pos + 5) === LEGACY_TOPIC_BUG_SIZE && buf[pos + 9] <= 1;
}

export class FrameStream {
  /** Stream offset of the next byte not yet consumed (header bytes being collected count as consumed). */
  offset = 0;
  stopped = false;
  /** Set for SUB/XSUB senders, whose frames may carry libzmq's legacy topic bug. */
  watchLegacyTopicBug = false;

  private layout: FrameLayout = LAYOUT_FLAGS_FIRST;
  private reservedFlags = 0;
  private reservedReported = false;

  // Header bytes collected across chunks.
  private readonly header = Buffer.alloc(LONGEST_HEADER);
  private headerFill = 0;
  // Outputs of parseHeader.
  private parsedFlags = 0;
  private parsedSize = 0;
  private parsedProblem: string | undefined;

  // The frame whose body is still arriving.
  private inBody = false;
  private frameOffset = 0;
  private frameFlags = 0;
  private frameSize = 0;
  private frameProblem: string | undefined;
  private remaining = 0;
  private keep = 0;
  private partial: Buffer | undefined;
  private partialFill = 0;

  constructor(private readonly sink: FrameSink) {}

  /** Starts framing at stream `offset`; `reservedFlags` are the flag bits this version reserves. */
  start(layout: FrameLayout, reservedFlags: number, offset: number): void {
    this.layout = layout;
    this.reservedFlags = reservedFlags;
    this.offset = offset;
    // A restart (decoding resumes after bytes a capture lost) drops the frame that was in progress.
    this.stopped = false;
    this.inBody = false;
    this.headerFill = 0;
    this.partial = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.partial = undefined;
    this.headerFill = 0;
  }

  /** Bytes held for the frame in progress. */
  heldBytes(): number {
    return this.headerFill + (this.partial === undefined ? 0 : this.partial.length);
  }

  decode(chunk: Buffer, pos: number): void {
    const end = chunk.length;
    while (pos < end && !this.stopped) {
      if (this.inBody) pos = this.continueBody(chunk, pos, end);
      else if (this.headerFill === 0 && this.layout === LAYOUT_FLAGS_FIRST) pos = this.nextHeader(chunk, this.wholeFrames(chunk, pos, end), end);
      else pos = this.nextHeader(chunk, pos, end);
    }
  }

  /**
   * The hot path: whole, ordinary flags-first frames lying in the chunk. Stops at the first frame
   * that is cut by the chunk end or needs a closer look, which nextHeader then handles.
   */
  private wholeFrames(chunk: Buffer, pos: number, end: number): number {
    const sink = this.sink;
    while (end - pos >= SHORT_HEADER) {
      const flags = chunk[pos];
      if ((flags & this.reservedFlags) !== 0) break;
      let size: number;
      let bodyAt: number;
      if ((flags & FLAG_LONG) === 0) {
        size = chunk[pos + 1];
        if (size === 0 && flags === 0 && this.watchLegacyTopicBug) break;
        bodyAt = pos + SHORT_HEADER;
      } else {
        if (end - pos < LONG_FLAGS_HEADER) break;
        const high = chunk.readUInt32BE(pos + 1);
        if (high > LARGEST_HIGH_WORD) break;
        size = high * 0x1_0000_0000 + chunk.readUInt32BE(pos + 5);
        bodyAt = pos + LONG_FLAGS_HEADER;
      }
      if (end - bodyAt < size) break;
      const keep = Math.min(size, sink.retainCap(flags));
      const frameOffset = this.offset;
      this.offset = frameOffset + (bodyAt - pos) + size;
      sink.frame(frameOffset, flags, size, keep === 0 ? EMPTY_BYTES : bodyView(chunk, bodyAt, bodyAt + keep), keep < size, undefined);
      pos = bodyAt + size;
    }
    return pos;
  }

  /** Reads one header, from the chunk when it lies there whole, else collecting it across chunks. */
  private nextHeader(chunk: Buffer, pos: number, end: number): number {
    if (pos >= end || this.stopped) return pos;
    if (this.headerFill === 0) {
      const headerLength = this.parseHeader(chunk, pos, end - pos, this.offset);
      if (this.stopped) return end;
      if (headerLength > 0) {
        const frameOffset = this.offset;
        this.offset += headerLength;
        return this.beginFrame(frameOffset, chunk, pos + headerLength, end);
      }
    }
    for (;;) {
      const frameOffset = this.offset - this.headerFill;
      const headerLength = this.parseHeader(this.header, 0, this.headerFill, frameOffset);
      if (this.stopped) return end;
      if (headerLength > 0) return this.headerCollected(frameOffset, headerLength, chunk, pos, end);
      if (pos === end) return end;
      const take = Math.min(-headerLength - this.headerFill, end - pos);
      chunk.copy(this.header, this.headerFill, pos, pos + take);
      this.headerFill += take;
      this.offset += take;
      pos += take;
    }
  }

  /**
   * A header gathered in `this.header`. Only the legacy-topic lookahead collects more bytes than
   * the header has; those are handed back to the stream before the chunk goes on.
   */
  private headerCollected(frameOffset: number, headerLength: number, chunk: Buffer, pos: number, end: number): number {
    const extra = this.headerFill - headerLength;
    const lookedAhead = extra > 0 ? Buffer.from(this.header.subarray(headerLength, this.headerFill)) : undefined;
    this.headerFill = 0;
    if (lookedAhead === undefined) return this.beginFrame(frameOffset, chunk, pos, end);
    this.offset -= extra;
    this.beginFrame(frameOffset, lookedAhead, 0, 0);
    this.decode(lookedAhead, 0);
    return pos;
  }

  /**
   * Parses a header at buf[pos] with `available` bytes there. Returns its length, or minus the
   * number of bytes needed when they have not all arrived (0 after a fatal error).
   */
  private parseHeader(buf: Buffer, pos: number, available: number, frameOffset: number): number {
    if (available < 1) return -1;
    this.parsedProblem = undefined;
    const headerLength = this.layout === LAYOUT_FLAGS_FIRST ? this.parseFlagsFirst(buf, pos, available, frameOffset) : this.parseLengthFirst(buf, pos, available, frameOffset);
    if (headerLength > 0 && (this.parsedFlags & this.reservedFlags) !== 0 && !this.reservedReported) {
      this.reservedReported = true;
      this.sink.problem(frameOffset, `frame at offset ${frameOffset} has reserved flag bits set (flags 0x${this.parsedFlags.toString(16).padStart(2, '0')}); libzmq ignores them, later frames with such bits are not reported again`);
    }
    return headerLength;
  }

  private parseFlagsFirst(buf: Buffer, pos: number, available: number, frameOffset: number): number {
    const flags = buf[pos];
    this.parsedFlags = flags;
    if ((flags & FLAG_LONG) !== 0) {
      if (available < LONG_FLAGS_HEADER) return -LONG_FLAGS_HEADER;
      if (!this.sizeFits(buf, pos + 1, frameOffset)) return 0;
      this.parsedSize = readU64(buf, pos + 1);
      return LONG_FLAGS_HEADER;
    }
    if (available < SHORT_HEADER) return -SHORT_HEADER;
    this.parsedSize = buf[pos + 1];
    if (flags === 0 && this.parsedSize === 0 && this.watchLegacyTopicBug) {
      if (available < LEGACY_TOPIC_BUG_LOOKAHEAD) return -LEGACY_TOPIC_BUG_LOOKAHEAD;
      if (isLegacyTopicBug(buf, pos)) {
        this.parsedSize = LEGACY_TOPIC_BUG_SIZE;
        this.parsedProblem = LEGACY_TOPIC_BUG_PROBLEM;
        return LONG_FLAGS_HEADER;
      }
    }
    return SHORT_HEADER;
  }

  private parseLengthFirst(buf: Buffer, pos: number, available: number, frameOffset: number): number {
    let length: number;
    let headerLength: number;
    if (buf[pos] === LENGTH_ESCAPE) {
      if (available < ESCAPE_LENGTH_HEADER) return -ESCAPE_LENGTH_HEADER;
      if (!this.sizeFits(buf, pos + 1, frameOffset)) return 0;
      length = readU64(buf, pos + 1);
      headerLength = ESCAPE_LENGTH_HEADER;
    } else {
      if (available < SHORT_HEADER) return -SHORT_HEADER;
      length = buf[pos];
      headerLength = SHORT_HEADER;
    }
    if (length === 0) {
      this.fail(frameOffset, `frame at offset ${frameOffset} has length 0, but ZMTP 1.0 lengths count the flags byte so the smallest is 1; the stream is not ZMTP 1.0 or is corrupted`);
      return 0;
    }
    this.parsedFlags = buf[pos + headerLength - 1];
    this.parsedSize = length - 1;
    return headerLength;
  }

  private sizeFits(buf: Buffer, sizeAt: number, frameOffset: number): boolean {
    if (buf.readUInt32BE(sizeAt) <= LARGEST_HIGH_WORD) return true;
    this.fail(frameOffset, `frame at offset ${frameOffset} declares size ${u64Decimal(buf, sizeAt)}, 2^63 or more, larger than ZMTP allows; the stream is not ZMTP or is corrupted`);
    return false;
  }

  private fail(offset: number, reason: string): void {
    this.stop();
    this.sink.fatal(offset, `${reason} — ${STOPS_DECODING}`);
  }

  /** Header parsed (its outputs in parsed*); the body starts at chunk[bodyAt]. */
  private beginFrame(frameOffset: number, chunk: Buffer, bodyAt: number, end: number): number {
    const size = this.parsedSize;
    const keep = Math.min(size, this.sink.retainCap(this.parsedFlags));
    if (end - bodyAt >= size) {
      this.offset += size;
      const body = keep === 0 ? EMPTY_BYTES : bodyView(chunk, bodyAt, bodyAt + keep);
      this.sink.frame(frameOffset, this.parsedFlags, size, body, keep < size, this.parsedProblem);
      return bodyAt + size;
    }
    this.inBody = true;
    this.frameOffset = frameOffset;
    this.frameFlags = this.parsedFlags;
    this.frameSize = size;
    this.frameProblem = this.parsedProblem;
    this.remaining = size;
    this.keep = keep;
    this.partialFill = 0;
    return bodyAt;
  }

  private continueBody(chunk: Buffer, pos: number, end: number): number {
    const take = Math.min(this.remaining, end - pos);
    if (this.partialFill < this.keep) {
      // Allocated only once body bytes exist, and never beyond the retain cap, whatever the declared size.
      if (this.partial === undefined) this.partial = Buffer.allocUnsafe(this.keep);
      const copy = Math.min(take, this.keep - this.partialFill);
      chunk.copy(this.partial, this.partialFill, pos, pos + copy);
      this.partialFill += copy;
    }
    this.remaining -= take;
    this.offset += take;
    if (this.remaining === 0) {
      const body = this.partial === undefined ? EMPTY_BYTES : bodyView(this.partial, 0, this.partialFill);
      this.inBody = false;
      this.partial = undefined;
      this.sink.frame(this.frameOffset, this.frameFlags, this.frameSize, body, this.keep < this.frameSize, this.frameProblem);
    }
    return pos + take;
  }
}
