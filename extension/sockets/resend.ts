// "Send again": the frames of a captured message, copied out of the store, ready for a user socket.
import type { CaptureStore } from '../inspector/store';
import { ComposeError } from './compose';
import type { UserSocketType } from './socketTypes';

/**
 * The frames of row `seq` as they crossed the wire. REQ and REP add (and strip) the empty
 * delimiter themselves, so for them a captured leading empty frame is left out.
 */
export function framesToResend(store: CaptureStore, seq: number, through: UserSocketType): Buffer[] {
  if (!store.has(seq)) throw new ComposeError(`Message #${seq} is no longer in the capture (older rows are dropped at the capture limit); pick a newer one.`);
  if (store.kindOf(seq) !== 'message') throw new ComposeError(`Row #${seq} is not a message (it is a ${store.kindOf(seq)}); only messages can be sent again.`);
  const { frames, released } = store.storedFrames(seq);
  if (released) throw new ComposeError(`The bytes of message #${seq} were released to keep memory bounded; only its summary is left, so it cannot be sent again.`);
  if (frames.some((frame) => frame.curve)) throw new ComposeError(`Message #${seq} is CURVE-encrypted; its plaintext never crossed the wire, so it cannot be sent again.`);
  if (store.summary(seq)?.truncated || frames.some((frame) => frame.truncated)) throw new ComposeError(`Only part of message #${seq} was kept (large frames are cut); it cannot be sent again whole.`);
  const copies = frames.map((frame) => Buffer.from(frame.body));
  const dropDelimiter = (through === 'REQ' || through === 'REP') && copies.length > 1 && copies[0].length === 0;
  return dropDelimiter ? copies.slice(1) : copies;
}
