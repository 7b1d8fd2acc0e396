// One direction of a TCP connection rebuilt from captured segments: bytes in stream order,
// retransmissions and overlaps dropped, out-of-order segments held (bounded) until the bytes before
// them arrive, and what never arrives reported as a gap so decoding can resume after it.

export interface HalfStreamOutput {
  data(bytes: Buffer, time: number): void;
  gap(bytes: number, time: number): void;
  /** The sender's FIN, once every byte before it is accounted for. */
  end(time: number): void;
}

/** Out-of-order bytes held across all directions of one import; beyond it the holder gives up waiting. */
export class ReorderBudget {
  held = 0;
  constructor(readonly limit: number) {}
}

interface HeldSegment {
  offset: number;
  bytes: Buffer;
  /** Length on the wire (more than bytes.length when the capture cut the packet). */
  length: number;
  time: number;
}

/** Out-of-order bytes one direction may hold before it gives up waiting for the missing ones. */
export const MAX_HELD_PER_DIRECTION = 8 * 1024 * 1024;
const TWO_POW_32 = 0x1_0000_0000;

export class TcpHalfStream {
  /** Sequence number of stream offset 0 (the ISN + 1 once a SYN was seen). */
  private base: number | undefined;
  /** Stream offset every byte before which has been delivered (or reported lost). */
  next = 0;
  private finAt: number | undefined;
  ended = false;
  synSeen = false;
  private held: HeldSegment[] = [];
  private heldBytes = 0;
  retransmitted = 0;
  reordered = 0;
  gapBytes = 0;

  constructor(
    private readonly output: HalfStreamOutput,
    private readonly budget: ReorderBudget,
  ) {}

  /** The ISN this direction's SYN announced, as stream offset 0 minus one. */
  get initialSequence(): number | undefined {
    return this.base === undefined ? undefined : (this.base + TWO_POW_32 - 1) % TWO_POW_32;
  }

  syn(seq: number): void {
    if (this.base !== undefined && this.next > 0) return;
    this.base = (seq + 1) % TWO_POW_32;
    this.synSeen = true;
  }

  /** A segment: `payload` is what was captured of its `length` payload bytes. */
  segment(seq: number, payload: Buffer, length: number, fin: boolean, time: number): void {
    if (this.ended) {
      if (length > 0) this.retransmitted++;
      return;
    }
    this.base ??= seq;
    const offset = this.offsetOf(seq);
    if (fin) this.finAt ??= offset + length;
    if (length > 0) {
      if (offset + length <= this.next) this.retransmitted++;
      else if (offset <= this.next) this.deliver(offset, payload, length, time);
      else this.hold(offset, payload, length, time);
      this.drain(time);
    }
    this.checkEnd(time);
  }

  /** The capture is over or the connection was reset: held bytes are delivered, what is missing becomes gaps. */
  flush(time: number, includeFin: boolean): void {
    while (this.held.length > 0) this.skipToHeld(time);
    if (includeFin && this.finAt !== undefined && this.next < this.finAt) this.lose(this.finAt - this.next, time);
    this.checkEnd(time);
  }

  /** Where `seq` falls in the stream, taking 32-bit wrap-around into account relative to what is expected next. */
  private offsetOf(seq: number): number {
    const expected = ((this.base as number) + (this.next % TWO_POW_32)) % TWO_POW_32;
    return this.next + ((seq - expected) | 0);
  }

  private deliver(offset: number, payload: Buffer, length: number, time: number): void {
    const skip = this.next - offset;
    if (skip < payload.length) this.output.data(payload.subarray(skip), time);
    const captured = Math.max(skip, payload.length);
    this.next = offset + captured;
    if (captured < length) this.lose(length - captured, time);
  }

  private lose(bytes: number, time: number): void {
    this.gapBytes += bytes;
    this.next += bytes;
    this.output.gap(bytes, time);
  }

  private hold(offset: number, payload: Buffer, length: number, time: number): void {
    this.reordered++;
    // Copied: the packet's memory belongs to the file reader's chunk.
    const segment: HeldSegment = { offset, bytes: Buffer.from(payload), length, time };
    let at = this.held.length;
    while (at > 0 && this.held[at - 1].offset > offset) at--;
    this.held.splice(at, 0, segment);
    this.heldBytes += payload.length;
    this.budget.held += payload.length;
    while (this.held.length > 0 && (this.heldBytes > MAX_HELD_PER_DIRECTION || this.budget.held > this.budget.limit)) this.skipToHeld(time);
  }

  /** Gives up waiting for the bytes before the first held segment. */
  private skipToHeld(time: number): void {
    const first = this.held[0];
    if (first.offset > this.next) this.lose(first.offset - this.next, time);
    this.drain(time);
  }

  private drain(time: number): void {
    while (this.held.length > 0 && this.held[0].offset <= this.next) {
      const segment = this.held.shift() as HeldSegment;
      this.heldBytes -= segment.bytes.length;
      this.budget.held -= segment.bytes.length;
      if (segment.offset + segment.length <= this.next) this.retransmitted++;
      else this.deliver(segment.offset, segment.bytes, segment.length, Math.max(time, segment.time));
    }
  }

  private checkEnd(time: number): void {
    if (this.ended || this.finAt === undefined || this.next < this.finAt) return;
    this.ended = true;
    this.output.end(time);
  }
}
