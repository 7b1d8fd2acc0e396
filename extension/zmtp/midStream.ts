// One direction of a connection whose bytes do not start at the stream's beginning: a capture that
// began after the connection did, or resumes after bytes it lost. Bytes are held until a plausible
// frame boundary is found (frameSync.ts), then the direction decoder takes over from there. Both
// events are marked with a (non-fatal) error event, so nobody mistakes a guess for the whole story.
import type { DirectionDecoder } from './directionDecoder';
import { FrameSync } from './frameSync';
import { FRAMING_1_0, FRAMING_2_0, FRAMING_3, SIGNATURE_LENGTH } from './greeting';
import { STOPS_DECODING } from './problems';

const plural = (count: number, word: string) => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;

export class MidStreamJoiner {
  private sync: FrameSync;
  /** Joined at stream offset 0: the greeting may be there after all, which bytes 0 and 9 tell. */
  private greetingPossible: boolean;
  private readonly early: Buffer[] = [];
  private earlyBytes = 0;

  private constructor(
    private readonly direction: DirectionDecoder,
    private readonly afterGap: boolean,
  ) {
    const offset = direction.receivedBytes();
    this.greetingPossible = !afterGap && offset === 0;
    this.sync = this.newSync(offset);
  }

  /** The bytes pushed next may start anywhere in the stream. */
  static join(direction: DirectionDecoder): MidStreamJoiner {
    return new MidStreamJoiner(direction, false);
  }

  /** `bytes` were lost at the direction's current offset; undefined when its framing cannot be found again (ZMTP 1.0). */
  static afterGap(direction: DirectionDecoder, bytes: number): MidStreamJoiner | undefined {
    const offset = direction.receivedBytes();
    const range = `${plural(bytes, 'byte')} at offsets ${offset}-${offset + bytes - 1}`;
    direction.skip(bytes);
    if (direction.framingInUse() === FRAMING_1_0) {
      direction.fatal(offset, `${range} are missing from the capture, and ZMTP 1.0 frames cannot be found again after a gap — ${STOPS_DECODING}`);
      return undefined;
    }
    direction.problem(offset, `${range} are missing from the capture (lost or cut by the capture, not by the connection): the frame and message in progress are lost; decoding resumes at the next plausible frame boundary`);
    return new MidStreamJoiner(direction, true);
  }

  streamOffset(): number {
    return this.greetingPossible ? this.earlyBytes : this.sync.streamOffset();
  }

  heldBytes(): number {
    return this.earlyBytes + this.sync.heldBytes();
  }

  /** Returns true once the direction decoder has taken over (later bytes go to it directly). */
  push(chunk: Buffer): boolean {
    if (this.greetingPossible) {
      this.early.push(chunk);
      this.earlyBytes += chunk.length;
      const first = this.early[0];
      if (first[0] === 0xff && this.earlyBytes < SIGNATURE_LENGTH) return false;
      this.greetingPossible = false;
      const early = Buffer.concat(this.early, this.earlyBytes);
      this.early.length = 0;
      this.earlyBytes = 0;
      // libzmq reads a stream as ZMTP 2.0/3.x when byte 0 is FF and bit 0 of byte 9 is set.
      if (early[0] === 0xff && (early[SIGNATURE_LENGTH - 1] & 1) === 1) {
        this.direction.push(early);
        return true;
      }
      return this.feed(early);
    }
    return this.feed(chunk);
  }

  /** More bytes were lost while still looking: start looking again after them. */
  gap(bytes: number): void {
    this.passOver();
    this.early.length = 0;
    this.earlyBytes = 0;
    this.greetingPossible = false;
    const replaced = MidStreamJoiner.afterGap(this.direction, bytes);
    this.sync = replaced === undefined ? this.newSync(this.direction.receivedBytes()) : replaced.sync;
  }

  /** The stream ended: settle with what was held. */
  end(): void {
    if (this.greetingPossible && this.earlyBytes > 0) {
      this.greetingPossible = false;
      if (this.feed(Buffer.concat(this.early, this.earlyBytes))) return;
    }
    if (this.sync.end()) {
      this.start();
      return;
    }
    const from = this.direction.receivedBytes();
    const count = this.streamOffset() - from;
    this.passOver();
    if (count > 0) {
      this.direction.problem(from, `no plausible ZMTP frame boundary in the last ${plural(count, 'byte')} of this direction (offsets ${from}-${from + count - 1}): they are counted, not decoded`);
    }
  }

  /** Every byte pushed so far is given up on: the direction counts them so its offsets stay true. */
  private passOver(): void {
    this.direction.skip(this.streamOffset() - this.direction.receivedBytes());
  }

  private newSync(offset: number): FrameSync {
    return new FrameSync(offset, this.direction.framingInUse() !== FRAMING_2_0);
  }

  private feed(chunk: Buffer): boolean {
    if (!this.sync.push(chunk)) return false;
    this.start();
    return true;
  }

  private start(): void {
    const result = this.sync.result!;
    const framing = this.direction.framingInUse() === FRAMING_2_0 ? FRAMING_2_0 : FRAMING_3;
    const passed = result.skipped > 0 ? `, after passing over ${plural(result.skipped, 'byte')}` : '';
    const guess = result.confirmed ? '' : '; too few frames followed to confirm it, so it is a guess';
    if (this.afterGap) {
      this.direction.problem(result.offset, `decoding resumes at offset ${result.offset}, the first plausible frame boundary after the missing bytes${passed}${guess}`);
    } else {
      const mechanism = result.curve ? ' with CURVE (the frames are MESSAGE boxes)' : '';
      this.direction.problem(
        result.offset,
        `joined mid-stream: the capture does not have the start of this direction (no greeting), so decoding starts at the first plausible frame boundary, offset ${result.offset}${passed}; ` +
          `assuming ZMTP 3.x${mechanism}; the first message may lack its first frames${guess}`,
      );
    }
    this.direction.joinAt(result.offset, framing, result.curve);
    const rest = this.sync.rest();
    if (rest.length > 0) this.direction.push(rest);
  }
}
