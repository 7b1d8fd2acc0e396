// Rule 8: handshakes that fail. An ERROR command names its reason (a ZAP status, reference §3.1);
// otherwise libzmq just closes, and the reconnect loop makes many short connections that stop at
// the same step. Runs after handshake.ts, which claims the closes it can explain.
import { oppositeDirection, type Direction } from '../../zmtp/types';
import type { DiagnosticRef } from '../types';
import { DIRECTIONS, type WireConnection } from '../wire';
import type { Rule, RuleContext } from './context';

/** Failure tallies kept (per sniffer and step); more start the tally over. */
const TALLIES_KEPT = 1024;

const ZAP_STATUS: Readonly<Record<string, string>> = {
  '300': 'a temporary failure: the ZAP handler asked the client to try again later',
  '400': 'authentication failed: the ZAP handler refused the credentials',
  '500': 'an internal error in the ZAP handler',
};

function errorMessage(c: WireConnection, dir: Direction, reason: string): string {
  const mechanism = c.greeting[dir]?.mechanism;
  const check =
    mechanism === 'PLAIN'
      ? 'Check plainUsername and plainPassword against what the ZAP handler accepts.'
      : mechanism === 'CURVE'
        ? "Check that the client's curvePublicKey is one the ZAP handler allows."
        : "With NULL security the ZAP handler judges the peer's address and the zapDomain: check that it allows this client.";
  return `${c.side(dir)} sent ERROR "${reason}" during the handshake: ${ZAP_STATUS[reason] ?? 'a reason libzmq does not define'}. libzmq closes the connection and the client does not try again. ${check}`;
}

/** How far a handshake got before the connection closed, and what that usually means. */
function failedStep(c: WireConnection): { step: string; explanation: string } {
  const greeted = DIRECTIONS.filter((dir) => c.greeting[dir]);
  if (greeted.length === 1) {
    const silent = oppositeDirection(greeted[0]);
    return {
      step: `silent-${silent}`,
      explanation: `${c.side(silent)} closed the connection without sending a ZMTP greeting: it is probably not a ZeroMQ socket (an HTTP or other TCP server, or a STREAM socket). Check the endpoint.`,
    };
  }
  const mechanism = c.greeting.c2s?.mechanism;
  const client = DIRECTIONS.find((dir) => c.commands[dir].includes('HELLO'));
  if (client && (mechanism === 'PLAIN' || mechanism === 'CURVE')) {
    const server = c.side(oppositeDirection(client));
    const answers = c.commands[oppositeDirection(client)];
    if (!answers.includes('WELCOME') && mechanism === 'PLAIN') {
      return {
        step: 'plain-hello',
        explanation: `${server} closed the connection after the PLAIN HELLO without a WELCOME or an ERROR. A libzmq PLAIN server does that when no ZAP handler answers: run one (a REP or ROUTER bound to inproc://zeromq.zap.01 in the server's context) that replies to every request (RFC 27).`,
      };
    }
    if (!answers.includes('WELCOME')) {
      return {
        step: 'curve-hello',
        explanation: `${server} closed the connection after the CURVE HELLO without a WELCOME: it could not open the HELLO's box, which happens when the client's curveServerKey is not the public key of the server's curveSecretKey. Give the client the server's public key.`,
      };
    }
    if (c.commands[client].includes('INITIATE') && !answers.includes('READY')) {
      return {
        step: 'initiate',
        explanation: `${server} closed the connection after INITIATE without a READY or an ERROR: its ZAP handler gave no valid reply, or it refused the client's properties (such as its socket type).`,
      };
    }
  }
  if (c.commands.c2s.length === 0 && c.commands.s2c.length === 0) {
    return {
      step: 'greeting',
      explanation: 'The connection closed right after the greetings, before any command: libzmq does this when it refuses the other greeting, e.g. a ZMTP 1.0/2.0 peer talking to a socket that has security or a zapDomain.',
    };
  }
  return {
    step: 'ready',
    explanation: `The connection closed during the handshake (connecting side sent ${c.commands.c2s.join(', ') || 'nothing'}, bound side ${c.commands.s2c.join(', ') || 'nothing'}), before both sides had sent READY: one side refused the other's properties.`,
  };
}

export function handshakeFailureRules(context: RuleContext): Rule {
  const tallies = new Map<string, { count: number; refs: DiagnosticRef[] }>();

  const countFailure = (c: WireConnection, time: number) => {
    const { step, explanation } = failedStep(c);
    const key = `${c.source.id}:${step}`;
    let tally = tallies.get(key);
    if (!tally) {
      if (tallies.size >= TALLIES_KEPT) tallies.clear();
      tallies.set(key, (tally = { count: 0, refs: [] }));
    }
    tally.count++;
    if (tally.refs.length < context.settings.maxRefs) tally.refs.push(c.ref(time));
    const repeats = context.settings.handshakeFailureRepeats;
    if (tally.count < repeats) return;
    const message = `${explanation} This has happened to ${tally.count} short connection${tally.count === 1 ? '' : 's'} on ${c.source.name} so far.`;
    // The first report counts the failures that led up to it.
    context.report({ rule: 'handshake', cause: key, severity: 'error', message, time, refs: tally.refs, count: tally.count === repeats ? repeats : 1, sniffer: c.source.id });
    tally.refs = [];
  };

  return {
    onCommand(c, dir, event, time) {
      if (event.name !== 'ERROR') return;
      c.explained = true;
      const reason = event.reason ?? '';
      context.report({ rule: 'handshake', cause: `${c.source.id}:error:${reason}`, severity: 'error', message: errorMessage(c, dir, reason), time, refs: [c.ref(time, dir, event.offset)], sniffer: c.source.id });
    },

    onClose(c, time) {
      if (c.diedInHandshake(context.settings.shortConnectionMs) && (c.greeting.c2s || c.greeting.s2c)) countFailure(c, time);
    },
  };
}
