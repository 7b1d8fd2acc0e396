// Cuts a byte stream that arrives in arbitrary chunks into the units of a file format (pcap
// records, pcapng blocks). Units lying whole in a chunk are handed over as views on it; only a unit
// that straddles chunks is copied, so memory stays at one unit whatever the file size.
import { atByte, CaptureFileError } from './errors';

export abstract class UnitStream {
  /** File offset of the next unit, for error messages. */
  protected offset = 0;
  private carry: Buffer | undefined;
  private carryFill = 0;

  /**
   * Bytes the unit at buf[pos] needs in total, judging from the `available` bytes there: when its
   * header is incomplete, at least one more than available. Throws CaptureFileError for a bad header.
   */
  protected abstract unitLength(buf: Buffer, pos: number, available: number): number;
  /** A whole unit at buf[pos, pos + length). */
  protected abstract unit(buf: Buffer, pos: number, length: number): void;
  /** The unit being read, for messages: "packet record 12", "block 3". */
  protected abstract nextUnitLabel(): string;
  /** What was read before it, for messages: "the 11 packets before it". */
  protected abstract readSoFar(): string;

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.carryFill > 0) {
      pos = this.completeCarried(chunk);
      if (pos < 0) return;
    }
    const end = chunk.length;
    while (pos < end) {
      const need = this.unitLength(chunk, pos, end - pos);
      if (end - pos < need) break;
      this.deliver(chunk, pos, need);
      pos += need;
    }
    if (pos < end) {
      this.carry = Buffer.allocUnsafe(Math.max(end - pos, 64));
      chunk.copy(this.carry, 0, pos, end);
      this.carryFill = end - pos;
    }
  }

  /** The stream ended: a unit cut short means the file was truncated. */
  end(): void {
    if (this.carryFill === 0) return;
    const need = this.unitLength(this.carry as Buffer, 0, this.carryFill);
    throw new CaptureFileError(
      `the file ends inside ${this.nextUnitLabel()} at ${atByte(this.offset)}: only ${this.carryFill} of at least ${need} bytes are there. ` +
        `The file was cut short (copied while still being written, or an interrupted download); ${this.readSoFar()} were read.`,
    );
  }

  /** Adds chunk bytes to the carried partial unit; returns where the chunk continues, or -1 when it was used up. */
  private completeCarried(chunk: Buffer): number {
    let pos = 0;
    for (;;) {
      const carry = this.carry as Buffer;
      const need = this.unitLength(carry, 0, this.carryFill);
      if (this.carryFill >= need) {
        this.carry = undefined;
        this.carryFill = 0;
        this.deliver(carry, 0, need);
        return pos;
      }
      if (pos === chunk.length) return -1;
      if (carry.length < need) {
        const grown = Buffer.allocUnsafe(need);
        carry.copy(grown, 0, 0, this.carryFill);
        this.carry = grown;
      }
      const take = Math.min(need - this.carryFill, chunk.length - pos);
      chunk.copy(this.carry as Buffer, this.carryFill, pos, pos + take);
      this.carryFill += take;
      pos += take;
    }
  }

  private deliver(buf: Buffer, pos: number, length: number): void {
    this.unit(buf, pos, length);
    this.offset += length;
  }
}
