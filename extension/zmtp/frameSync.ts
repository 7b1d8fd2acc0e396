// Finding frame boundaries in bytes that start somewhere inside a ZMTP 2.0/3.x stream (a capture
// that began after the connection did, or resumes after lost bytes). A candidate offset is believed
// once the frames chained from it look like real traffic: sane flags and sizes, known command
// names, non-empty frames. Empty frames are no evidence: runs of zero bytes chain as empty frames.

/** Plausible frames (non-empty data frames or known commands) that confirm a boundary. */
export const SYNC_CONFIRMING_FRAMES = 4;
/** Bytes held while looking; when reached, the best candidate so far is taken unconfirmed. */
export const MAX_SYNC_BYTES = 256 * 1024;

const KNOWN_COMMANDS = new Set(['READY', 'ERROR', 'SUBSCRIBE', 'CANCEL', 'PING', 'PONG', 'HELLO', 'WELCOME', 'INITIATE', 'MESSAGE', 'JOIN', 'LEAVE']);
const COMMAND_NAME = /^[A-Z][A-Z0-9_-]*$/;
const CURVE_MESSAGE = Buffer.from('\x07MESSAGE', 'latin1');
/** Sizes from 2^32 on are taken as noise here (the decoder itself accepts up to 2^63 - 1). */
const MAX_PLAUSIBLE_HIGH_WORD = 0;

const INVALID = 0;
const WAITING = 1;
const CONFIRMED = 2;
type Walk = typeof INVALID | typeof WAITING | typeof CONFIRMED;

export interface SyncResult {
  /** Stream offset of the first frame to decode. */
  offset: number;
  /** Bytes passed over before it (since the finder started). */
  skipped: number;
  /** False when taken for want of more bytes (limit or end) rather than confirmed by enough frames. */
  confirmed: boolean;
  /** Every non-empty data frame seen was a CURVE MESSAGE box: the stream is most likely CURVE. */
  curve: boolean;
}

export class FrameSync {
  result: SyncResult | undefined;
  private held: Buffer = Buffer.alloc(0);
  private fill = 0;
  /** Stream offset of held[0]. */
  private base: number;
  private candidate = 0;
  private walkAt = 0;
  private evidence = 0;
  private curveFrames = 0;
  private afterMore = false;
  private readonly reservedFlags: number;

  /** `startOffset`: stream offset of the first byte pushed; `commands`: ZMTP 3.x (true) or 2.0 framing. */
  constructor(
    private readonly startOffset: number,
    commands = true,
    private readonly limit = MAX_SYNC_BYTES,
  ) {
    this.base = startOffset;
    this.reservedFlags = commands ? 0xf8 : 0xfc;
  }

  /** Bytes held (from the current candidate on). */
  heldBytes(): number {
    return this.fill - this.candidate;
  }

  /** Stream offset just past the last byte pushed. */
  streamOffset(): number {
    return this.base + this.fill;
  }

  /** Adds bytes; returns true once a boundary is chosen (see `result`). */
  push(chunk: Uint8Array): boolean {
    if (this.result !== undefined) return true;
    this.append(chunk);
    for (;;) {
      const walk = this.walk();
      if (walk === CONFIRMED) return this.choose(true);
      if (walk === WAITING) return this.fill - this.candidate >= this.limit ? this.choose(false) : false;
      this.nextCandidate();
      if (this.candidate >= this.fill) return false;
    }
  }

  /** No more bytes will come: the first candidate whose frames end exactly at the last byte is taken. */
  end(): boolean {
    if (this.result !== undefined) return true;
    while (this.candidate < this.fill) {
      const walk = this.walk();
      if (walk === CONFIRMED || (walk === WAITING && this.walkAt === this.fill && this.evidence > 0)) return this.choose(walk === CONFIRMED);
      this.nextCandidate();
    }
    return false;
  }

  /** After a choice: the held bytes from the boundary on, to be decoded. */
  rest(): Buffer {
    return this.held.subarray(this.candidate, this.fill);
  }

  private choose(confirmed: boolean): boolean {
    const offset = this.base + this.candidate;
    this.result = { offset, skipped: offset - this.startOffset, confirmed, curve: this.curveFrames > 0 && this.curveFrames === this.evidence };
    return true;
  }

  private nextCandidate(): void {
    this.candidate++;
    this.walkAt = this.candidate;
    this.evidence = 0;
    this.curveFrames = 0;
    this.afterMore = false;
  }

  private append(chunk: Uint8Array): void {
    if (this.candidate > 0 && (this.candidate >= this.fill || this.candidate >= this.held.length / 2)) {
      // Bytes before the candidate are passed over for good: drop them so memory stays at the limit.
      this.held.copyWithin(0, this.candidate, this.fill);
      this.fill -= this.candidate;
      this.walkAt -= this.candidate;
      this.base += this.candidate;
      this.candidate = 0;
    }
    if (this.fill + chunk.length > this.held.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.fill + chunk.length, this.held.length * 2, 256));
      this.held.copy(grown, 0, 0, this.fill);
      this.held = grown;
    }
    this.held.set(chunk, this.fill);
    this.fill += chunk.length;
  }

  /** Follows frames from the candidate as far as the bytes go. */
  private walk(): Walk {
    const held = this.held;
    const fill = this.fill;
    for (;;) {
      const at = this.walkAt;
      if (at + 2 > fill) return WAITING;
      const flags = held[at];
      if ((flags & this.reservedFlags) !== 0) return INVALID;
      const command = (flags & 0x04) !== 0;
      if (command && ((flags & 0x01) !== 0 || this.afterMore)) return INVALID;
      let size: number;
      let body: number;
      if ((flags & 0x02) !== 0) {
        if (at + 9 > fill) return WAITING;
        if (held.readUInt32BE(at + 1) > MAX_PLAUSIBLE_HIGH_WORD) return INVALID;
        size = held.readUInt32BE(at + 5);
        // libzmq always uses the short form below 256 bytes.
        if (size < 256) return INVALID;
        body = at + 9;
      } else {
        size = held[at + 1];
        body = at + 2;
      }
      if (command) {
        const named = this.commandName(body, size);
        if (named === INVALID || named === WAITING) return named;
      } else if (size > 0) {
        this.evidence++;
        if (body + CURVE_MESSAGE.length <= fill && held.compare(CURVE_MESSAGE, 0, CURVE_MESSAGE.length, body, body + CURVE_MESSAGE.length) === 0) this.curveFrames++;
      }
      this.afterMore = !command && (flags & 0x01) !== 0;
      this.walkAt = body + size;
      if (this.evidence >= SYNC_CONFIRMING_FRAMES) return CONFIRMED;
    }
  }

  /** A command body starts with a length-prefixed upper-case name; known names count as evidence. */
  private commandName(body: number, size: number): Walk | undefined {
    if (body >= this.fill) return WAITING;
    const nameLength = this.held[body];
    if (nameLength === 0 || nameLength + 1 > size) return INVALID;
    if (body + 1 + nameLength > this.fill) return WAITING;
    const name = this.held.toString('latin1', body + 1, body + 1 + nameLength);
    if (!COMMAND_NAME.test(name)) return INVALID;
    if (KNOWN_COMMANDS.has(name)) this.evidence++;
    return undefined;
  }
}
