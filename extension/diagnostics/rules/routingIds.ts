// Rule 11: two peers with the same routing id on one ROUTER. libzmq keeps the first and ignores
// the newcomer (unless ROUTER_HANDOVER), so everything the second peer sends vanishes.
import type { WireConnection } from '../wire';
import { hexKey, showBytes } from '../wording';
import type { Rule, RuleContext } from './context';

/** Identities tracked per ROUTER (sniffer); more are not tracked. */
const IDENTITIES_KEPT = 10_000;

export function routingIdRules(context: RuleContext): Rule {
  const byRouter = new Map<string, Map<string, Set<WireConnection>>>();
  const registered = new Map<WireConnection, string>();

  return {
    onSocketType(c, _dir, time) {
      const identity = c.identity.c2s;
      if (c.socketType.s2c !== 'ROUTER' || !identity || identity.length === 0 || registered.has(c)) return;
      let identities = byRouter.get(c.source.id);
      if (!identities) byRouter.set(c.source.id, (identities = new Map()));
      const key = hexKey(identity, 255);
      let holders = identities.get(key);
      if (!holders) {
        if (identities.size >= IDENTITIES_KEPT) return;
        identities.set(key, (holders = new Set()));
      }
      holders.add(c);
      registered.set(c, key);
      if (holders.size < 2) return;
      const [first] = holders;
      const message =
        `Two peers present the routing id ${showBytes(identity)} to ${c.side('s2c')}: ${first.label} (from ${first.peer}) and ${c.label} (from ${c.peer}). ` +
        "libzmq's ROUTER keeps the first and ignores the other: what the second sends is dropped, and replies to that id reach only the first " +
        '(with ROUTER_HANDOVER the newcomer takes over instead). Give every peer a unique routingId, or leave it unset so the ROUTER makes one up.';
      context.report({ rule: 'duplicate-routing-id', cause: `${c.source.id}:${key}`, severity: 'error', message, time, refs: [first.ref(time), c.ref(time, 'c2s')], sniffer: c.source.id });
    },

    onClose(c) {
      const key = registered.get(c);
      if (key === undefined) return;
      registered.delete(c);
      const identities = byRouter.get(c.source.id);
      const holders = identities?.get(key);
      holders?.delete(c);
      if (holders?.size === 0) identities?.delete(key);
      if (identities?.size === 0) byRouter.delete(c.source.id);
    },
  };
}
