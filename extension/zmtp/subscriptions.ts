// Legacy subscriptions (ZMTP 3.0/2.0/1.0 form, and XSUB passing on application messages):
// a data frame starting with 01 (subscribe) or 00 (unsubscribe) followed by the topic prefix.
import type { CommandEvent, Frame } from './types';

export function legacySubscription(frame: Frame): CommandEvent | undefined {
  const body = frame.body;
  if (body.length === 0 || body[0] > 1) return undefined;
  const event: CommandEvent = {
    kind: 'command',
    offset: frame.offset,
    name: body[0] === 1 ? 'SUBSCRIBE' : 'CANCEL',
    size: frame.size,
    body,
    legacy: true,
    topic: body.subarray(1),
  };
  if (frame.truncated) event.problem = `topic cut to its first ${body.length - 1} of ${frame.size - 1} bytes (retainBytes)`;
  return event;
}
