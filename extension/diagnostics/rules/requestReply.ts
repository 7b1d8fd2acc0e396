// Rules 6 and 7 on the wire: REQ requests that never get a reply, and envelopes that REP or REQ
// silently discard (reference §6: REQ sends an empty delimiter and drops replies without one; REP
// discards requests without one; a DEALER must add it itself).
import { oppositeDirection, type Direction, type Frame, type MessageEvent } from '../../zmtp/types';
import { Deadline } from '../clock';
import type { WireConnection } from '../wire';
import { seconds } from '../wording';
import type { Rule, RuleContext } from './context';

const isDelimiter = (frame: Frame | undefined): boolean => frame !== undefined && frame.size === 0 && frame.more;

/** REQ_CORRELATE puts a 4-byte request id before the delimiter. */
const correlated = (frames: Frame[]): boolean => frames.length > 2 && frames[0].size === 4 && frames[0].more && isDelimiter(frames[1]);

/** A REP keeps frames up to the first empty one as the envelope; a request without one is discarded. */
function hasDelimiter(message: MessageEvent): boolean | undefined {
  const { frames } = message;
  if (frames.slice(0, -1).some(isDelimiter)) return true;
  return message.omittedFrames ? undefined : false;
}

const FIXES_FOR_STUCK_REQ =
  'A REQ socket cannot send again until that reply arrives. Make sure the server answers every request exactly once; ' +
  'if it may not answer, close this REQ and open a new one after a timeout (the Lazy Pirate pattern), set relaxed and correlate (REQ_RELAXED, REQ_CORRELATE), or use a DEALER.';

export function requestReplyRules(context: RuleContext): Rule {
  const waiting = new Map<WireConnection, Deadline<{ since: number; dir: Direction; offset: number }>>();
  const correlatedRequests = new WeakMap<WireConnection, boolean>();

  const request = (c: WireConnection, dir: Direction, message: MessageEvent, time: number) => {
    if (!correlatedRequests.has(c)) correlatedRequests.set(c, correlated(message.frames));
    let deadline = waiting.get(c);
    if (!deadline) {
      const { replyTimeoutMs } = context.settings;
      deadline = new Deadline(context.timers, replyTimeoutMs, (unanswered) => {
        const text = `The request ${c.side(unanswered.dir)} sent on ${c.label} has had no reply for ${seconds(replyTimeoutMs)}. ${FIXES_FOR_STUCK_REQ}`;
        const refs = [c.ref(unanswered.since, unanswered.dir, unanswered.offset)];
        context.report({ rule: 'req-rep', cause: `${c.source.id}:no-reply`, severity: 'warning', message: text, time: unanswered.since + replyTimeoutMs, refs, sniffer: c.source.id });
      });
      waiting.set(c, deadline);
    }
    deadline.start({ since: time, dir, offset: message.offset });
  };

  const reply = (c: WireConnection, dir: Direction, message: MessageEvent, time: number) => {
    waiting.get(c)?.answer();
    const { frames } = message;
    if (frames.some((frame) => frame.curve)) return;
    const withId = correlatedRequests.get(c) === true;
    const shapeOk = withId ? correlated(frames) : isDelimiter(frames[0]);
    if (shapeOk) return;
    const expected = withId ? 'a 4-byte request id frame, then an empty delimiter frame' : 'an empty delimiter frame';
    const text =
      `${c.side(dir)} sent a reply on ${c.label} that does not start with ${expected}, so the REQ drops it silently and keeps waiting. ` +
      `${c.socketType[dir] === 'ROUTER' ? 'A ROUTER answering a REQ must send [routing id, "", reply...]: keep every frame it received before the empty one, then the empty frame.' : 'Send the envelope the request came with back in front of the reply.'}`;
    context.report({ rule: 'envelope', cause: `${c.source.id}:reply-shape:${dir}`, severity: 'error', message: text, time, refs: [c.ref(time, dir, message.offset)], sniffer: c.source.id });
  };

  const dealerToRep = (c: WireConnection, dir: Direction, message: MessageEvent, time: number) => {
    if (message.frames.some((frame) => frame.curve) || hasDelimiter(message) !== false) return;
    const text =
      `${c.side(dir)} sent a message on ${c.label} without an empty delimiter frame before its body, so ${c.side(oppositeDirection(dir))} discards it silently and never answers. ` +
      'A DEALER talking to a REP must send the empty frame itself, e.g. send(["", "request"]), and will get ["", "reply"] back.';
    context.report({ rule: 'envelope', cause: `${c.source.id}:no-delimiter:${dir}`, severity: 'error', message: text, time, refs: [c.ref(time, dir, message.offset)], sniffer: c.source.id });
  };

  return {
    onMessage(c, dir, message, time) {
      const from = c.socketType[dir];
      const to = c.socketType[oppositeDirection(dir)];
      if (from === 'REQ') request(c, dir, message, time);
      else if (to === 'REQ') reply(c, dir, message, time);
      else if (from === 'DEALER' && to === 'REP') dealerToRep(c, dir, message, time);
    },

    onClose(c) {
      waiting.get(c)?.cancel();
      waiting.delete(c);
    },
  };
}
