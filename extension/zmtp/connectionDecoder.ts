// The decoder for one TCP connection: one direction decoder each way, linked because the greeting
// length and framing of each side depend on what the other side said (reference §1.2).
import type { ConnectionEventListener, DecoderOptions, Direction, PeerInfo } from './types';
import { DirectionDecoder, type DirectionSettings } from './directionDecoder';
import { DEFAULT_RETAIN_BYTES } from './limits';
import { MidStreamJoiner } from './midStream';

function settingsFrom(options: DecoderOptions): DirectionSettings {
  const retainBytes = options.retainBytes ?? DEFAULT_RETAIN_BYTES;
  if (!Number.isSafeInteger(retainBytes) || retainBytes < 0) {
    throw new RangeError(`ConnectionDecoder: retainBytes must be a whole number of bytes >= 0 (default ${DEFAULT_RETAIN_BYTES}), got ${String(options.retainBytes)}`);
  }
  return { retainBytes, revealPasswords: options.revealPasswords === true, emitFrames: options.emitFrames === true };
}

export class ConnectionDecoder {
  private readonly c2s: DirectionDecoder;
  private readonly s2c: DirectionDecoder;
  /** Directions whose bytes do not start where the stream does: a capture joined mid-way or lost bytes. */
  private readonly joiners: Partial<Record<Direction, MidStreamJoiner>> = {};

  constructor(listener: ConnectionEventListener, options: DecoderOptions = {}) {
    if (typeof listener !== 'function') throw new TypeError('ConnectionDecoder: the first argument must be a function (dir, event) => void that receives the events');
    const settings = settingsFrom(options);
    this.c2s = new DirectionDecoder('c2s', listener, settings);
    this.s2c = new DirectionDecoder('s2c', listener, settings);
    this.c2s.sibling = this.s2c;
    this.s2c.sibling = this.c2s;
  }

  /** Feeds the next bytes seen in `dir`. Never throws because of the bytes; events go to the listener. */
  push(dir: Direction, chunk: Buffer): void {
    const direction = this.direction(dir);
    const bytes: unknown = chunk;
    let buffer: Buffer;
    if (Buffer.isBuffer(bytes)) buffer = bytes;
    else if (bytes instanceof Uint8Array) buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else throw new TypeError(`ConnectionDecoder.push: chunk must be a Buffer, got ${bytes === null ? 'null' : typeof bytes}`);
    const joiner = this.joiners[dir];
    if (joiner === undefined) direction.push(buffer);
    else if (joiner.push(buffer)) delete this.joiners[dir];
  }

  /**
   * The bytes pushed next for `dir` may start anywhere in its stream (a capture that began after the
   * connection did): decoding starts at the greeting if they begin with one, else at the first
   * plausible frame boundary, which an error event (not fatal) marks.
   */
  joinMidStream(dir: Direction): void {
    this.joiners[dir] ??= MidStreamJoiner.join(this.direction(dir));
  }

  /** `bytes` of `dir`'s stream were lost by a capture: marked, and decoding resumes at the next plausible frame boundary. */
  gap(dir: Direction, bytes: number): void {
    const direction = this.direction(dir);
    if (!Number.isSafeInteger(bytes) || bytes < 1) throw new RangeError(`ConnectionDecoder.gap: bytes must be a whole number >= 1, got ${String(bytes)}`);
    const joiner = this.joiners[dir];
    if (joiner !== undefined) joiner.gap(bytes);
    else this.joiners[dir] = MidStreamJoiner.afterGap(direction, bytes);
  }

  /** No more bytes will come for `dir`: a direction still looking for a frame boundary settles with what it holds. */
  end(dir: Direction): void {
    const joiner = this.joiners[dir];
    this.direction(dir);
    if (joiner === undefined) return;
    delete this.joiners[dir];
    joiner.end();
  }

  /** What that side said about itself so far: version, mechanism, socket type, identity. */
  peer(dir: Direction): PeerInfo {
    return { ...this.direction(dir).info };
  }

  /** Stream offset decoding has reached: all bytes received, unless waiting for the other side's greeting or stopped. */
  decodedBytes(dir: Direction): number {
    return this.direction(dir).decodedBytes();
  }

  /** All bytes pushed for `dir`, decoded or not. */
  receivedBytes(dir: Direction): number {
    return this.joiners[dir]?.streamOffset() ?? this.direction(dir).receivedBytes();
  }

  /** Bytes the decoder holds for `dir` (partial frames, an unfinished message, bytes waiting for the other side). */
  retainedBytes(dir: Direction): number {
    return this.direction(dir).retainedBytes() + (this.joiners[dir]?.heldBytes() ?? 0);
  }

  /** True once a fatal error has made `dir` count raw bytes only. */
  isRaw(dir: Direction): boolean {
    return this.direction(dir).isRaw();
  }

  private direction(dir: Direction): DirectionDecoder {
    if (dir === 'c2s') return this.c2s;
    if (dir === 's2c') return this.s2c;
    throw new TypeError(`ConnectionDecoder: direction must be 'c2s' or 's2c', got ${JSON.stringify(dir)}`);
  }
}
