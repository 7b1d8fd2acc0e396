// Rules 6, 12 and 13 for sockets the extension runs, from their send()/receive() calls: a REQ that
// sends twice before its reply (EFSM), two concurrent sends or receives (EBUSY), and sends that
// gave up because the queue stayed full (EAGAIN after sendTimeout).
import type { HostSocket } from '../hostSockets';
import type { HostSocketEvent } from '../types';
import type { Rule, RuleContext } from './context';

type CallError = Extract<HostSocketEvent, { type: 'call-error' }>;

function busyMessage(socket: HostSocket, call: 'send' | 'receive'): string {
  const other = call === 'send' ? 'send()' : 'receive()';
  return (
    `${socket.label} (${socket.socketType}) was asked to ${call} while its previous ${other} was still waiting, and zeromq refused with EBUSY: ` +
    `a socket allows one pending ${other} at a time (and one of the other kind). Await each ${other} before starting the next, ` +
    `or feed all of them through one loop (e.g. a queue that a single async function drains).`
  );
}

function efsmMessage(socket: HostSocket): string {
  return (
    `${socket.label} (REQ) was asked to send a request before it had received the reply to its previous one. A REQ strictly alternates send and receive: ` +
    'libzmq refuses with EFSM, and zeromq holds the send until the reply arrives (or fails after sendTimeout), so the program may hang. ' +
    'Receive the reply first; if the server may not answer, close this socket and open a new one after a timeout, set relaxed and correlate (REQ_RELAXED, REQ_CORRELATE), or use a DEALER.'
  );
}

function timeoutMessage(socket: HostSocket): string {
  const hwm = socket.sendHighWaterMark !== undefined ? ` (sendHighWaterMark ${socket.sendHighWaterMark})` : '';
  return (
    `A send() on ${socket.label} (${socket.socketType}) gave up after its sendTimeout (EAGAIN), so that message never reached the wire: ` +
    `no peer was connected, or every peer's queue was at the high-water mark${hwm} because it reads too slowly. ` +
    'Make sure a peer is connected and reading, raise the high-water mark for short bursts, or retry later.'
  );
}

export function hostCallRules(context: RuleContext): Rule {
  /** REQ sockets that sent and have not received the reply yet, and whether that was already reported. */
  const awaitingReply = new Map<string, { reported: boolean }>();

  const report = (socket: HostSocket, event: HostSocketEvent, rule: 'req-rep' | 'ebusy' | 'backpressure', cause: string, severity: 'error' | 'warning', message: string) =>
    context.report({ rule, cause: `${socket.label}:${cause}`, severity, message, time: event.time, refs: [{ socket: socket.label, time: event.time }], socket: socket.label });

  const failed = (socket: HostSocket, event: CallError) => {
    if (event.code === 'EBUSY') return report(socket, event, 'ebusy', event.call, 'error', busyMessage(socket, event.call));
    if (event.call !== 'send') return;
    if (event.code === 'EFSM') {
      const waiting = awaitingReply.get(socket.label);
      if (!waiting?.reported) report(socket, event, 'req-rep', 'efsm', 'error', efsmMessage(socket));
      return;
    }
    if (socket.socketType === 'REQ') awaitingReply.delete(socket.label);
    if (event.code === 'EAGAIN') report(socket, event, 'backpressure', 'send-timeout', 'warning', timeoutMessage(socket));
  };

  return {
    onHost(event, socket) {
      switch (event.type) {
        case 'send': {
          if (socket.socketType !== 'REQ') return;
          const waiting = awaitingReply.get(socket.label);
          if (waiting && event.writable === false) {
            waiting.reported = true;
            report(socket, event, 'req-rep', 'efsm', 'error', efsmMessage(socket));
          } else {
            awaitingReply.set(socket.label, { reported: false });
          }
          return;
        }
        case 'receive':
          awaitingReply.delete(socket.label);
          return;
        case 'call-error':
          return failed(socket, event);
        case 'closed':
          awaitingReply.delete(socket.label);
          return;
      }
    },
  };
}
