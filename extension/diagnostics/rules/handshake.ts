// Rules 1 and 2: peers whose socket types or security mechanisms cannot match. libzmq closes such
// a connection without saying why (reference §0.7, §4), often before it has sent its own half of
// the handshake, so the cause is also inferred from who stopped where, across the reconnect loop.
import { oppositeDirection, type Direction } from '../../zmtp/types';
import { acceptanceText, acceptedPeers, canTalk } from '../socketCompat';
import { DIRECTIONS, type WireConnection } from '../wire';
import { oneOf } from '../wording';
import type { Rule, RuleContext } from './context';

/** Sniffers whose handshake facts are remembered across connections. */
const SNIFFERS_REMEMBERED = 1024;
/** libzmq sends the first 10 or 11 bytes of its greeting before it has read the peer's. */
const GREETING_START = 10;
const GREETING_LENGTH = 64;

function typesMessage(c: WireConnection, client: string, server: string): string {
  const fixes = [server, client].filter((type) => acceptedPeers(type).length > 0).map((type) => `keep the ${type} and make the other side ${oneOf(acceptedPeers(type))}`);
  return (
    `${c.side('c2s', client)} and ${c.side('s2c', server)} cannot talk: ${acceptanceText(server)}, and ${acceptanceText(client)}. ` +
    'libzmq closes such a connection right after the READY handshake without sending an ERROR; a side that only sees the close reconnects ' +
    `(every 100 ms by default) and fails again, which the count shows. Use a valid pair: ${fixes.join(', or ') || 'see the socket-type table of RFC 37'}.`
  );
}

function probableTypesMessage(c: WireConnection, known: Direction): string {
  const other = oppositeDirection(known);
  return (
    `${c.side(other)} closed the connection as soon as it had read the READY of ${c.side(known)}, without a READY of its own and without an ERROR. ` +
    `libzmq does exactly that when the socket types cannot talk: ${acceptanceText(c.socketType[known] ?? '?')}. ` +
    `Check that the ${other === 'c2s' ? 'connecting' : 'bound'} socket is one of those types.`
  );
}

function mechanismAdvice(mechanisms: string[]): string {
  const advice: string[] = [];
  if (mechanisms.includes('CURVE')) advice.push("For CURVE, the server needs curveServer: true and its curveSecretKey; every client needs curveServerKey (the server's public key) and its own curvePublicKey and curveSecretKey.");
  if (mechanisms.includes('PLAIN')) advice.push('For PLAIN, the server needs plainServer: true (and a ZAP handler); every client needs plainUsername and plainPassword.');
  if (mechanisms.includes('NULL')) advice.push('For no security, remove those options from the side that has them.');
  return advice.join(' ');
}

function mechanismMessage(connecting: string, bound: string, mechanisms: Record<Direction, string>): string {
  return (
    `${connecting} greets with the ${mechanisms.c2s} security mechanism and ${bound} with ${mechanisms.s2c}. Both sides must use the same mechanism; ` +
    `libzmq drops the connection right after reading the other greeting, without an ERROR; a connecting side that only saw the close retries. ${mechanismAdvice([mechanisms.c2s, mechanisms.s2c])}`
  );
}

function probableMechanismMessage(c: WireConnection, greeted: Direction, mechanism: string): string {
  return (
    `${c.side(oppositeDirection(greeted))} closed the connection as soon as it had read the greeting of ${c.side(greeted)}, which offers the ${mechanism} security mechanism, without finishing its own greeting. ` +
    `libzmq does that when the two sides use different mechanisms. ${mechanismAdvice([mechanism, 'NULL', 'PLAIN', 'CURVE'])}`
  );
}

export function handshakeRules(context: RuleContext): Rule {
  /** Per sniffer, what each side showed in some connection: its socket type and its mechanism. */
  const types = new Map<string, Partial<Record<Direction, string>>>();
  const mechanisms = new Map<string, Partial<Record<Direction, string>>>();
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (!map.has(key) && map.size >= SNIFFERS_REMEMBERED) map.clear();
    map.set(key, value);
  };

  const reportTypes = (c: WireConnection, time: number, message: string) => {
    c.explained = true;
    context.report({ rule: 'socket-types', cause: c.source.id, severity: 'error', message, time, refs: [c.ref(time)], sniffer: c.source.id });
  };

  const reportMechanism = (c: WireConnection, time: number, message: string, dir?: Direction) => {
    c.explained = true;
    const offset = dir && c.greeting[dir]?.offset;
    context.report({ rule: 'mechanism', cause: c.source.id, severity: 'error', message, time, refs: [c.ref(time, dir, offset)], sniffer: c.source.id });
  };

  /** One side sent its whole greeting, the other only its first bytes and then closed: it refused the greeting it read. */
  const refusedGreeting = (c: WireConnection, time: number): boolean => {
    const greeted = DIRECTIONS.filter((dir) => c.greeting[dir]);
    if (greeted.length !== 1) return false;
    const [dir] = greeted;
    const mechanism = c.greeting[dir]!.mechanism;
    const sent = c.closedBytes?.[oppositeDirection(dir)] ?? 0;
    if (c.greeting[dir]!.length !== GREETING_LENGTH || sent < GREETING_START || sent >= GREETING_LENGTH) return false;
    const seen = { ...mechanisms.get(c.source.id) };
    const other = seen[oppositeDirection(dir)];
    const both = other !== undefined && other !== mechanism ? ({ [dir]: mechanism, [oppositeDirection(dir)]: other } as Record<Direction, string>) : undefined;
    reportMechanism(c, time, both ? mechanismMessage(c.side('c2s'), c.side('s2c'), both) : probableMechanismMessage(c, dir, mechanism), dir);
    return true;
  };

  return {
    onGreeting(c, dir, event, time) {
      remember(mechanisms, c.source.id, { ...mechanisms.get(c.source.id), [dir]: event.mechanism });
      const { c2s, s2c } = c.mechanism;
      if (c2s !== undefined && s2c !== undefined && c2s !== s2c) reportMechanism(c, time, mechanismMessage(c.side('c2s'), c.side('s2c'), { c2s, s2c }), dir);
    },

    onSocketType(c, dir, time) {
      remember(types, c.source.id, { ...types.get(c.source.id), [dir]: c.socketType[dir] });
      const { c2s, s2c } = c.socketType;
      if (c2s !== undefined && s2c !== undefined && !c.explained && !canTalk(c2s, s2c)) reportTypes(c, time, typesMessage(c, c2s, s2c));
    },

    onClose(c, time) {
      if (!c.diedInHandshake(context.settings.shortConnectionMs) || refusedGreeting(c, time)) return;
      const known = DIRECTIONS.find((dir) => c.socketType[dir] !== undefined);
      const other = known && oppositeDirection(known);
      if (!known || !other || !c.greeting[other] || c.readyAt[other] !== undefined || c.mechanism.c2s === 'CURVE') return;
      // The reconnect loop shows each side's READY in some connection: together they name the pair.
      const seen = { ...types.get(c.source.id), [known]: c.socketType[known] };
      const pair = seen.c2s !== undefined && seen.s2c !== undefined && !canTalk(seen.c2s, seen.s2c);
      reportTypes(c, time, pair ? typesMessage(c, seen.c2s!, seen.s2c!) : probableTypesMessage(c, known));
    },
  };
}
