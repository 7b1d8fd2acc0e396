// Groups data frames into messages (a run of MORE frames ended by a frame without MORE), with
// bounded memory: a multipart message lists at most MAX_LISTED_FRAMES frames and keeps at most
// MESSAGE_RETAIN_FACTOR × retainBytes of bodies in total.
import type { Frame, MessageEvent } from './types';
import { MAX_LISTED_FRAMES, MESSAGE_RETAIN_FACTOR } from './limits';

export class MessageAssembler {
  private frames: Frame[] | undefined;
  private offset = 0;
  private size = 0;
  private held = 0;
  private omitted = 0;
  private readonly messageBudget: number;

  constructor(private readonly retainBytes: number) {
    this.messageBudget = retainBytes * MESSAGE_RETAIN_FACTOR;
  }

  /** Body bytes the next frame may keep. */
  retainCap(): number {
    if (this.frames === undefined) return this.retainBytes;
    if (this.frames.length >= MAX_LISTED_FRAMES) return 0;
    return Math.max(0, Math.min(this.retainBytes, this.messageBudget - this.held));
  }

  heldBytes(): number {
    return this.held;
  }

  /** Adds a data frame; returns the message it completes, if any. */
  add(frame: Frame): MessageEvent | undefined {
    const frames = this.frames;
    if (frames === undefined) {
      // The common case, a single-frame message, costs the frame, its array and the event.
      if (!frame.more) return { kind: 'message', offset: frame.offset, frames: [frame], size: frame.size };
      this.frames = [frame];
      this.offset = frame.offset;
      this.size = frame.size;
      this.held = frame.body.length;
      this.omitted = 0;
      return undefined;
    }
    this.size += frame.size;
    if (frames.length < MAX_LISTED_FRAMES) {
      frames.push(frame);
      this.held += frame.body.length;
    } else {
      this.omitted++;
    }
    if (frame.more) return undefined;
    const message: MessageEvent = { kind: 'message', offset: this.offset, frames, size: this.size };
    if (this.omitted > 0) message.omittedFrames = this.omitted;
    this.reset();
    return message;
  }

  reset(): void {
    this.frames = undefined;
    this.held = 0;
  }
}
