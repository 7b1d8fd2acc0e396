// Rule 13 on the wire: a relay direction whose sender stays held back because its receiver reads
// more slowly than it is sent to. The relay's own buffer is bounded; the queue grows behind it.
import { oppositeDirection, type Direction } from '../../zmtp/types';
import type { Timer } from '../clock';
import type { WireConnection } from '../wire';
import { kib, seconds } from '../wording';
import type { Rule, RuleContext } from './context';

/** What ZeroMQ does once a sender of this type reaches its high-water mark. */
function atHighWaterMark(type: string | undefined): string {
  if (type === 'PUB' || type === 'XPUB' || type === 'RADIO') return 'drops new messages for this subscriber';
  if (type === 'ROUTER') return 'drops messages for this peer (or fails with EHOSTUNREACH when ROUTER_MANDATORY is set)';
  return 'makes send() wait (or fail with EAGAIN after sendTimeout)';
}

export function backpressureRules(context: RuleContext): Rule {
  const held = new Map<WireConnection, Partial<Record<Direction, { timer: Timer; largest: number }>>>();

  const stop = (c: WireConnection, dir: Direction) => {
    const entry = held.get(c)?.[dir];
    entry?.timer.cancel();
    if (entry) delete held.get(c)![dir];
  };

  return {
    onBackpressure(c, dir, bufferedBytes, time) {
      if (!c.throttled[dir]) return stop(c, dir);
      let perDirection = held.get(c);
      if (!perDirection) held.set(c, (perDirection = {}));
      const entry = perDirection[dir];
      if (entry) {
        entry.largest = Math.max(entry.largest, bufferedBytes);
        return;
      }
      const { backpressureMs } = context.settings;
      const state = {
        largest: bufferedBytes,
        timer: context.timers.after(backpressureMs, () => {
          const sender = c.socketType[dir];
          const message =
            `The relay has been holding back ${c.side(dir)} on ${c.label} for ${seconds(backpressureMs)}: ${c.side(oppositeDirection(dir))} reads more slowly than it is sent to, ` +
            `so the relay's buffer filled (${kib(state.largest)}) and it paused the sender. Behind the relay the sender's queue grows up to its high-water mark, and then ZeroMQ ${atHighWaterMark(sender)}. ` +
            'Make the receiver faster or add receivers, send less, or, for latest-value data, set conflate on the receiver.';
          context.report({ rule: 'backpressure', cause: `${c.source.id}:held:${dir}`, severity: 'warning', message, time: time + backpressureMs, refs: [c.ref(time, dir)], sniffer: c.source.id });
        }),
      };
      perDirection[dir] = state;
    },

    onClose(c) {
      stop(c, 'c2s');
      stop(c, 's2c');
      held.delete(c);
    },
  };
}
