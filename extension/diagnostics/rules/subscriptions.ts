// Rules 3 and 4: a SUB that never subscribes, and a subscription that matches nothing the publisher
// sends. A publisher filters by prefix of the first frame (reference §5), so both starve the SUB
// without any error anywhere.
import { isPublisherType } from '../../zmtp/socketTypes';
import { oppositeDirection, type Direction } from '../../zmtp/types';
import type { Timer } from '../clock';
import { nearestTopic, startsWith, TopicSample } from '../topics';
import { DIRECTIONS, type WireConnection } from '../wire';
import { hexKey, plural, seconds, showBytes } from '../wording';
import type { Rule, RuleContext } from './context';

interface PendingSubscription {
  c: WireConnection;
  dir: Direction;
  prefix: Uint8Array;
  arrivedAt: number;
  offset: number;
  /** Publisher messages seen since it arrived, none of them matching. */
  misses: number;
}

interface Publisher {
  topics: TopicSample;
  pending: PendingSubscription[];
}

/** Subscriptions waiting for a verdict per publisher, and publishers (sniffers) remembered. */
const PENDING_KEPT = 64;
const PUBLISHERS_KEPT = 256;
const TOPICS_NAMED = 5;

/** The SUB side of a SUB/PUB or SUB/XPUB connection (XSUBs are proxies; they may rightly wait). */
function subscriberSide(c: WireConnection): Direction | undefined {
  return DIRECTIONS.find((dir) => c.socketType[dir] === 'SUB' && isPublisherType(c.socketType[oppositeDirection(dir)]));
}

export function subscriptionRules(context: RuleContext): Rule {
  const waiting = new Map<WireConnection, Timer>();
  const subscribed = new WeakSet<WireConnection>();
  const publishers = new Map<string, Publisher>();

  const publisher = (sourceId: string): Publisher => {
    let found = publishers.get(sourceId);
    if (!found) {
      if (publishers.size >= PUBLISHERS_KEPT) publishers.delete(publishers.keys().next().value as string);
      publishers.set(sourceId, (found = { topics: new TopicSample(), pending: [] }));
    }
    return found;
  };

  const reportSilentSub = (c: WireConnection, subDir: Direction, since: number) => {
    const { subscriptionWaitMs } = context.settings;
    const message =
      `${c.side(subDir)} on ${c.label} has been connected for ${seconds(subscriptionWaitMs)} without subscribing to anything, so ${c.side(oppositeDirection(subDir))} sends it nothing. ` +
      'Call subscribe() on it: subscribe("") for everything, or subscribe(prefix) for the topics it wants.';
    context.report({ rule: 'no-subscription', cause: `${c.source.id}:${subDir}`, severity: 'warning', message, time: since + subscriptionWaitMs, refs: [c.ref(since + subscriptionWaitMs)], sniffer: c.source.id });
  };

  const reportUnmatched = (entry: PendingSubscription, topics: TopicSample, time: number) => {
    const { c, prefix } = entry;
    const seen = topics.top(TOPICS_NAMED).map((name) => `"${name}"`);
    const more = topics.distinct > TOPICS_NAMED ? ` and ${topics.distinct - TOPICS_NAMED} more` : '';
    const prefixText = showBytes(prefix);
    const nearest = nearestTopic(Buffer.from(prefix).toString('utf8'), topics);
    const message =
      `The subscription ${prefixText} on ${c.label} matches none of the ${plural(topics.distinct, 'topic')} the publisher has sent (${seen.join(', ')}${more}), nor any of the ${entry.misses} messages since it arrived, so this subscriber receives nothing. ` +
      `${nearest !== undefined ? `Did you mean "${nearest}"? ` : ''}A subscription matches the first bytes of a message's first frame exactly: case, separators and leading bytes count.`;
    context.report({ rule: 'unmatched-subscription', cause: `${c.source.id}:${hexKey(prefix)}`, severity: 'warning', message, time, refs: [c.ref(entry.arrivedAt, entry.dir, entry.offset)], sniffer: c.source.id });
  };

  /** A message the publisher sent (seen on the wire or from its send() call). */
  const observe = (sourceId: string, firstFrame: Uint8Array, time: number) => {
    const { topics, pending } = publisher(sourceId);
    topics.observe(firstFrame);
    const { unmatchedAfterMessages, unmatchedAfterMs } = context.settings;
    for (let i = pending.length - 1; i >= 0; i--) {
      const entry = pending[i];
      if (startsWith(firstFrame, entry.prefix)) {
        pending.splice(i, 1);
      } else if (++entry.misses >= unmatchedAfterMessages && time - entry.arrivedAt >= unmatchedAfterMs) {
        pending.splice(i, 1);
        reportUnmatched(entry, topics, time);
      }
    }
  };

  const forget = (c: WireConnection, prefix?: Uint8Array) => {
    const found = publishers.get(c.source.id);
    if (found) found.pending = found.pending.filter((entry) => entry.c !== c || (prefix !== undefined && hexKey(entry.prefix) !== hexKey(prefix)));
  };

  return {
    onSocketType(c, _dir, time) {
      const subDir = subscriberSide(c);
      if (subDir === undefined || waiting.has(c) || subscribed.has(c)) return;
      waiting.set(
        c,
        context.timers.after(context.settings.subscriptionWaitMs, () => {
          waiting.delete(c);
          reportSilentSub(c, subDir, time);
        }),
      );
    },

    onCommand(c, dir, event, time) {
      if ((event.name !== 'SUBSCRIBE' && event.name !== 'CANCEL') || event.topic === undefined) return;
      subscribed.add(c);
      waiting.get(c)?.cancel();
      waiting.delete(c);
      if (event.name === 'CANCEL') return forget(c, event.topic);
      if (event.topic.length === 0) return;
      const { pending } = publisher(c.source.id);
      if (pending.length >= PENDING_KEPT) pending.shift();
      pending.push({ c, dir, prefix: Uint8Array.from(event.topic.subarray(0, 256)), arrivedAt: time, offset: event.offset, misses: 0 });
    },

    onMessage(c, dir, event, time) {
      const first = event.frames[0];
      if (first && !first.curve && isPublisherType(c.socketType[dir])) observe(c.source.id, first.body, time);
    },

    onHost(event, socket) {
      if (event.type !== 'send' || event.head === undefined || !isPublisherType(socket.socketType)) return;
      const sniffers = new Set([...socket.links].map((c) => c.source.id));
      for (const sourceId of sniffers) observe(sourceId, event.head, event.time);
    },

    onClose(c) {
      waiting.get(c)?.cancel();
      waiting.delete(c);
      forget(c);
    },
  };
}
