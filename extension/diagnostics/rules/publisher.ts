// Rules 5 and 13 for publishers the extension runs: their send() calls are compared with each
// subscriber connection's subscriptions (as seen on the wire) and with the messages that really
// crossed it. Sends before the first subscription arrived are the slow joiner's losses; sends that
// matched but never showed up were dropped at the high-water mark.
import { isPublisherType } from '../../zmtp/socketTypes';
import type { Direction } from '../../zmtp/types';
import type { Timer } from '../clock';
import type { HostSocket } from '../hostSockets';
import { PrefixSet, startsWith } from '../topics';
import type { WireConnection } from '../wire';
import { plural, showBytes } from '../wording';
import type { Rule, RuleContext } from './context';

/** The start of the first frames of a publisher's latest sends, numbered, kept in a ring. */
class SendLog {
  static readonly kept = 1024;
  /** Enough for subscription prefixes; a longer prefix is compared on this much. */
  static readonly headBytes = 64;
  private readonly heads: Uint8Array[] = [];
  /** Number of the next send. */
  next = 0;

  add(head: Uint8Array): void {
    this.heads[this.next % SendLog.kept] = head.slice(0, SendLog.headBytes);
    this.next++;
  }

  /** How many sends numbered `from` on match `prefix`, and how many of those sends are forgotten. */
  matching(from: number, prefix: Uint8Array): { count: number; forgotten: number } {
    const oldest = Math.max(from, this.next - SendLog.kept);
    let count = 0;
    const compared = prefix.subarray(0, SendLog.headBytes);
    for (let n = oldest; n < this.next; n++) if (startsWith(this.heads[n % SendLog.kept], compared)) count++;
    return { count, forgotten: oldest - from };
  }
}

interface Link {
  c: WireConnection;
  /** The direction the publisher's messages travel in. */
  pubDir: Direction;
  subscriptions: PrefixSet;
  /** The publisher's send number when the connection opened; undefined once its first subscription arrived. */
  joinedAtSend: number | undefined;
  /** Sends after a settled subscription that matched it: each must show up on the wire. */
  expected: number;
  /** Sends until this time may race a subscription change, so they are not expected. */
  raceUntil: number;
  /** `expected` at the previous check: those sends have had a whole check interval to arrive. */
  matured: number;
  deliveredAtCheck: number;
  throttleChangesAtCheck: number;
  reportedDrops: number;
}

export function publisherRules(context: RuleContext): Rule {
  const links = new Map<WireConnection, Link>();
  const checks = new Map<HostSocket, Timer>();
  const sendLogs = new Map<HostSocket, SendLog>();
  const sendLog = (socket: HostSocket): SendLog => {
    let log = sendLogs.get(socket);
    if (!log) sendLogs.set(socket, (log = new SendLog()));
    return log;
  };

  const reportSlowJoiner = (link: Link, missed: number, forgotten: number, prefix: Uint8Array, time: number, subDir: Direction, offset: number) => {
    const { c } = link;
    const publisher = c.host?.socket.label ?? 'the publisher';
    const overflow = forgotten > 0 ? ` (at least: ${forgotten} earlier sends were not remembered)` : '';
    const message =
      `${publisher} sent ${plural(missed, 'message')} matching ${showBytes(prefix)} on ${c.label} before that subscriber's subscription arrived, ${time - c.openedAt} ms after it connected${overflow}. ` +
      'A publisher drops messages for peers that have not subscribed yet, so these never reached it (the slow joiner). ' +
      'Start publishing only once subscribers are ready (e.g. wait for a hello from each, or watch subscriptions arrive on an XPUB), or make early messages unnecessary (resend state, last-value cache).';
    context.report({ rule: 'slow-joiner', cause: `${c.source.id}:${publisher}`, severity: 'warning', message, time, refs: [c.ref(time, subDir, offset)], count: missed, sniffer: c.source.id, socket: c.host?.socket.label });
  };

  const reportDrops = (link: Link, dropped: number, time: number) => {
    const { c, pubDir } = link;
    const socket = c.host?.socket;
    const hwm = socket?.sendHighWaterMark !== undefined ? ` (sendHighWaterMark ${socket.sendHighWaterMark})` : '';
    const message =
      `At least ${plural(dropped, 'message')} that ${socket?.label ?? 'the publisher'} sent for ${c.label}, and that matched its subscriptions, never reached the wire. ` +
      `A publisher drops messages for a subscriber whose queue is full${hwm}: that subscriber reads more slowly than it is sent to. ` +
      'Slow the publisher down, speed up or add subscribers, or raise sendHighWaterMark and the subscriber\'s receiveHighWaterMark if the bursts are short.';
    context.report({ rule: 'backpressure', cause: `${c.source.id}:drops:${socket?.label ?? ''}`, severity: 'warning', message, time, refs: [c.ref(time, pubDir)], count: dropped, sniffer: c.source.id, socket: socket?.label });
  };

  /** Compares what matured with what arrived, once nothing is in flight on the connection. */
  const check = (socket: HostSocket) => {
    checks.delete(socket);
    let again = false;
    for (const link of links.values()) {
      if (link.c.host?.socket !== socket) continue;
      const delivered = link.c.messages[link.pubDir];
      const throttleChanges = link.c.throttleChanges[link.pubDir];
      const settled = !link.c.throttled[link.pubDir] && throttleChanges === link.throttleChangesAtCheck && delivered === link.deliveredAtCheck;
      // Delivered messages may include racing sends that were not expected, so this is a lower bound.
      const dropped = link.matured - delivered;
      if (settled && dropped > link.reportedDrops) {
        reportDrops(link, dropped - link.reportedDrops, context.now());
        link.reportedDrops = dropped;
      }
      if (!settled || link.expected !== link.matured) again = true;
      Object.assign(link, { matured: link.expected, deliveredAtCheck: delivered, throttleChangesAtCheck: throttleChanges });
    }
    if (again && !socket.closed) scheduleCheck(socket);
  };

  const scheduleCheck = (socket: HostSocket) => {
    if (!checks.get(socket)?.active) checks.set(socket, context.timers.after(context.settings.dropCheckMs, () => check(socket)));
  };

  const sent = (socket: HostSocket, head: Uint8Array, time: number) => {
    sendLog(socket).add(head);
    for (const c of socket.links) {
      const link = links.get(c);
      if (link && link.joinedAtSend === undefined && link.subscriptions.matches(head) && time >= link.raceUntil) link.expected++;
    }
    scheduleCheck(socket);
  };

  return {
    onOpen(c) {
      if (!c.host || !isPublisherType(c.host.socket.socketType)) return;
      const joinedAtSend = sendLog(c.host.socket).next;
      links.set(c, { c, pubDir: c.host.dir, subscriptions: new PrefixSet(), joinedAtSend, expected: 0, raceUntil: 0, matured: 0, deliveredAtCheck: 0, throttleChangesAtCheck: 0, reportedDrops: 0 });
    },

    onCommand(c, dir, event, time) {
      const link = links.get(c);
      if (!link || dir === link.pubDir || event.topic === undefined) return;
      if (event.name === 'CANCEL') link.subscriptions.remove(event.topic);
      if (event.name !== 'SUBSCRIBE') return;
      link.subscriptions.add(event.topic);
      link.raceUntil = time + context.settings.subscriptionRaceMs;
      const joinedAtSend = link.joinedAtSend;
      const log = link.c.host && sendLogs.get(link.c.host.socket);
      if (joinedAtSend === undefined || !log) return;
      link.joinedAtSend = undefined;
      // Sniffer and socket events arrive in the order things happened in this process: the relay
      // forwards a subscription before reporting it, and send() reports before it sends. So every
      // send reported before this SUBSCRIBE left before the publisher could have had it.
      const { count, forgotten } = log.matching(joinedAtSend, event.topic);
      if (count > 0) reportSlowJoiner(link, count, forgotten, event.topic, time, dir, event.offset);
    },

    onHost(event, socket) {
      if (event.type === 'send' && event.head !== undefined) sent(socket, event.head, event.time);
      if (event.type === 'closed') {
        checks.get(socket)?.cancel();
        checks.delete(socket);
        sendLogs.delete(socket);
      }
    },

    onClose(c) {
      links.delete(c);
    },
  };
}
