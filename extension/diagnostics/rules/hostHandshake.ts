// Rules 1, 2 and 8 from the monitor of a socket the extension runs (socket.events), for connections
// no sniffer sees. Where a sniffer sits in between, the wire rules already name the cause, with the
// frames to prove it, so the monitor's report would only repeat it.
import type { HostSocket } from '../hostSockets';
import type { HostSocketEvent, RuleId } from '../types';
import type { Rule, RuleContext } from './context';

type HandshakeError = Extract<HostSocketEvent, { type: 'handshake-error' }>;

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
  if (event.code === 'ERR_ZMTP_INVALID_METADATA') {
    return { rule: 'socket-types', message: `${where}: it refused the peer's READY properties, which almost always means the peer's socket type cannot talk to a ${socket.socketType}. Check the socket types of both sides (RFC 37's table).` };
  }
  if (event.kind === 'other') {
    return { rule: 'handshake', message: `${where} for an unstated reason. For a PLAIN or CURVE server the usual cause is a missing ZAP handler: run one bound to inproc://zeromq.zap.01 in the same context.` };
  }
  return { rule: 'handshake', message: `${where}: the peer broke the ZMTP handshake (${event.code ?? 'protocol error'}). Check that both sides are ZeroMQ sockets with matching security settings.` };
}

export function hostHandshakeRules(context: RuleContext): Rule {
  return {
    onHost(event, socket) {
      if (event.type !== 'handshake-error' || context.isSniffed(event.address)) return;
      const { rule, message } = explain(socket, event);
      context.report({ rule, cause: `${socket.label}:${event.kind}:${event.code ?? event.status ?? ''}`, severity: 'error', message, time: event.time, refs: [{ socket: socket.label, time: event.time }], socket: socket.label });
    },
  };
}
