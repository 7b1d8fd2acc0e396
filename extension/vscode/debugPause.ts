// zmqInspector.stepping.holdWhenDebuggerPauses: a tracker on every debug adapter ('*', so any
// language's debugger) holds traffic through SessionHolds while a session is stopped, and lets go
// once the debuggee runs again. The decisions are in extension/stepping/sessionHolds.ts, tested in
// plain Node.
import * as vscode from 'vscode';
import type { Services } from './services';

/** Client requests after which the debuggee runs again (the adapter may not send `continued` for them). */
const RESUMING_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restartFrame']);

interface ProtocolMessage {
  type?: unknown;
  event?: unknown;
  command?: unknown;
}

/** Debug session ids are kept apart from example runs' ids in the shared SessionHolds. */
const holdId = (session: vscode.DebugSession): string => `debug:${session.id}`;

export function registerDebugPause(services: Services): vscode.Disposable {
  const { sessionHolds } = services;
  const enabled = () => services.settings().holdWhenDebuggerPauses && services.settings().steppingEnabled;
  const factory: vscode.DebugAdapterTrackerFactory = {
    createDebugAdapterTracker(session) {
      const id = holdId(session);
      const resumed = () => sessionHolds.release(id);
      return {
        onDidSendMessage(message: ProtocolMessage) {
          if (message.type !== 'event') return;
          if (message.event === 'stopped' && enabled()) sessionHolds.hold(id);
          else if (message.event === 'continued') resumed();
        },
        onWillReceiveMessage(message: ProtocolMessage) {
          if (message.type === 'request' && typeof message.command === 'string' && RESUMING_REQUESTS.has(message.command)) resumed();
        },
        onWillStopSession: resumed,
        onExit: resumed,
      };
    },
  };
  return vscode.debug.registerDebugAdapterTrackerFactory('*', factory);
}
