// Rule 9: ZMTP 3.1 heartbeats. libzmq answers every PING with a PONG at once (reference §0.8), so
// a PING left unanswered means a stuck or non-libzmq peer; and a side that never pings cannot
// notice a dead connection by itself.
import { oppositeDirection, type CommandEvent, type Direction } from '../../zmtp/types';
import type { Timer } from '../clock';
import type { WireConnection } from '../wire';
import { seconds } from '../wording';
import type { Rule, RuleContext } from './context';

interface UnansweredPing {
  time: number;
  offset: number;
  timer: Timer;
}

interface Heartbeats {
  unanswered: Partial<Record<Direction, UnansweredPing>>;
  pings: Record<Direction, number>;
}

export function heartbeatRules(context: RuleContext): Rule {
  const byConnection = new Map<WireConnection, Heartbeats>();

  const reportNoPong = (c: WireConnection, dir: Direction, ping: UnansweredPing, waitedMs: number, closed: boolean) => {
    const outcome = closed ? `the connection closed ${waitedMs} ms later without one` : `none came within ${seconds(waitedMs)}`;
    const message =
      `${c.side(dir)} sent a PING on ${c.label} and ${outcome}. libzmq answers every PING with a PONG straight away, so ${c.side(oppositeDirection(dir))} is stuck, overloaded, ` +
      'or not libzmq (e.g. a ZMTP 3.0 implementation without heartbeats). Without an answer or other traffic, the pinging side closes the connection after its heartbeat timeout and reconnects. ' +
      'Check that the peer is alive and supports ZMTP 3.1 heartbeats, or turn heartbeats off on this side (heartbeatInterval 0).';
    context.report({ rule: 'heartbeat', cause: `${c.source.id}:no-pong:${dir}`, severity: 'warning', message, time: ping.time + waitedMs, refs: [c.ref(ping.time, dir, ping.offset)], sniffer: c.source.id });
  };

  const ping = (c: WireConnection, state: Heartbeats, dir: Direction, event: CommandEvent, time: number) => {
    state.pings[dir]++;
    if (!state.unanswered[dir]) {
      // The TTL tells the peer how long to wait for the pinger; it is the natural bound for the PONG too.
      const waitMs = event.ttl ? event.ttl * 100 : context.settings.pongTimeoutMs;
      const entry: UnansweredPing = {
        time,
        offset: event.offset,
        timer: context.timers.after(waitMs, () => {
          delete state.unanswered[dir];
          reportNoPong(c, dir, entry, waitMs, false);
        }),
      };
      state.unanswered[dir] = entry;
    }
    const other = oppositeDirection(dir);
    if (state.pings[dir] === context.settings.oneSidedPings && state.pings[other] === 0) {
      const message =
        `Only ${c.side(dir)} sends heartbeats on ${c.label}; ${c.side(other)} never pings, so it cannot notice by itself when this connection dies ` +
        '(a peer that vanished without closing TCP), and keeps queueing messages for it. Set heartbeatInterval (and heartbeatTimeout) on both sockets.';
      context.report({ rule: 'heartbeat', cause: `${c.source.id}:one-sided:${dir}`, severity: 'info', message, time, refs: [c.ref(time, dir, event.offset)], sniffer: c.source.id });
    }
  };

  return {
    onCommand(c, dir, event, time) {
      if (event.name !== 'PING' && event.name !== 'PONG') return;
      let state = byConnection.get(c);
      if (!state) byConnection.set(c, (state = { unanswered: {}, pings: { c2s: 0, s2c: 0 } }));
      if (event.name === 'PING') return ping(c, state, dir, event, time);
      const answered = oppositeDirection(dir);
      state.unanswered[answered]?.timer.cancel();
      delete state.unanswered[answered];
    },

    onClose(c, time) {
      const state = byConnection.get(c);
      byConnection.delete(c);
      for (const [dir, entry] of Object.entries(state?.unanswered ?? {}) as [Direction, UnansweredPing][]) {
        entry.timer.cancel();
        // A healthy peer answers within milliseconds; a close this much later without a PONG is the heartbeat timeout.
        if (time - entry.time >= context.settings.pongGraceMs && c.closeReason !== 'stopped') reportNoPong(c, dir, entry, time - entry.time, true);
      }
    },
  };
}
