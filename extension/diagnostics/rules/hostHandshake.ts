// Rules 2 and 8 from the monitor of a socket the extension runs (socket.events), for connections
// no sniffer sees. Where a sniffer sits in between, the wire rules already name the cause, with the
// frames to prove it, so the monitor's report would only repeat it.
import type { HostSocket } from '../hostSockets';
import { acceptanceText } from '../socketCompat';
import type { HostSocketEvent, RuleId } from '../types';
import type { Rule, RuleContext } from './context';

type HandshakeError = Extract<HostSocketEvent, { type: 'handshake-error' }>;

/** Connections followed per socket until their handshake ends; more are not followed. */
const UNFINISHED_KEPT = 1024;

const AUTH_STATUS: Readonly<Record<number, string>> = {
  300: 'a temporary failure (ZAP status 300): try again later',
  400: 'authentication failed (ZAP status 400): the ZAP handler refused the credentials',
  500: 'an internal error in the ZAP handler (ZAP status 500)',
};

function explain(socket: HostSocket, event: HandshakeError): { rule: RuleId; message: string } {
  const where = `${socket.label} (${socket.socketType}) failed the handshake with ${event.address}`;
  if (event.kind === 'auth') {
    return { rule: 'handshake', message: `${where}: ${AUTH_STATUS[event.status ?? 0] ?? `ZAP status ${String(event.status)}`}. Check the credentials (plainUsername/plainPassword, or the CURVE keys) against what the ZAP handler accepts.` };
  }
  if (event.code === 'ERR_ZMTP_MECHANISM_MISMATCH') {
    return { rule: 'mechanism', message: `${where}: the two sides use different security mechanisms (NULL, PLAIN, CURVE). Configure both sides alike: plainServer with plainUsername/plainPassword, or curveServer with curveServerKey and key pairs, or neither.` };
  }
  if (event.kind === 'other') {
    return { rule: 'handshake', message: `${where} for an unstated reason. For a PLAIN or CURVE server the usual cause is a missing ZAP handler: run one bound to inproc://zeromq.zap.01 in the same context.` };
  }
  return { rule: 'handshake', message: `${where}: the peer broke the ZMTP handshake (${event.code ?? 'protocol error'}). Check that both sides are ZeroMQ sockets with matching security settings.` };
}

function droppedMessage(socket: HostSocket, address: string): string {
  return (
    `${socket.label} (${socket.socketType}) connected to ${address}, but the peer closed the connection before the handshake finished, without saying why. ` +
    `libzmq peers do that when they refuse this socket: most often the socket types cannot talk (${acceptanceText(socket.socketType)}), ` +
    'or the two sides use different security mechanisms, or a PLAIN server has no ZAP handler. The socket reconnects and fails again (counted). ' +
    `Put a sniffer in front of ${address} to see which.`
  );
}

export function hostHandshakeRules(context: RuleContext): Rule {
  /** Connections a socket made whose handshake has not ended yet: "label address". */
  const unfinished = new Set<string>();

  return {
    onHost(event, socket) {
      if (event.type === 'closed') {
        for (const key of unfinished) if (key.startsWith(`${socket.label} `)) unfinished.delete(key);
        return;
      }
      if (event.type !== 'connection' && event.type !== 'handshake-error') return;
      const key = `${socket.label} ${event.address}`;
      if (event.type === 'connection' && event.stage === 'connected') {
        if (unfinished.size < UNFINISHED_KEPT) unfinished.add(key);
        return;
      }
      const dropped = event.type === 'connection' && event.stage === 'disconnected' && unfinished.has(key);
      unfinished.delete(key);
      if (context.isSniffed(event.address)) return;
      const refs = [{ socket: socket.label, time: event.time }];
      if (dropped) {
        context.report({ rule: 'handshake', cause: `${socket.label}:dropped:${event.address}`, severity: 'error', message: droppedMessage(socket, event.address), time: event.time, refs, socket: socket.label });
      } else if (event.type === 'handshake-error') {
        const { rule, message } = explain(socket, event);
        context.report({ rule, cause: `${socket.label}:${event.kind}:${event.code ?? event.status ?? ''}`, severity: 'error', message, time: event.time, refs, socket: socket.label });
      }
    },
  };
}
