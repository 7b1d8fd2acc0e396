// zmqInspector.stepping.holdWhenDebuggerPauses: a tracker on every debug adapter ('*', so any
// language's debugger) tells DebuggerHolds when a session stops and runs again. The decisions are
// in extension/stepping/debuggerHolds.ts, tested in plain Node.
import * as vscode from 'vscode';
import { DebuggerHolds } from '../stepping/debuggerHolds';
import type { Services } from './services';

/** Client requests after which the debuggee runs again (the adapter may not send `continued` for them). */
const RESUMING_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restartFrame']);

interface ProtocolMessage {
  type?: unknown;
  event?: unknown;
  command?: unknown;
}

export function registerDebugPause(services: Services): { holds: DebuggerHolds; disposable: vscode.Disposable } {
  const { stepping } = services;
  const holds = new DebuggerHolds(stepping, () => services.settings().holdWhenDebuggerPauses && services.settings().steppingEnabled);
  // Continue pressed anywhere (inspector button, command) ends the hold: it is the user's from then on.
  const stopWatching = stepping.onChange(() => {
    if (!stepping.holdingAll) holds.userActed();
  });
  const factory: vscode.DebugAdapterTrackerFactory = {
    createDebugAdapterTracker(session) {
      const id = session.id;
      return {
        onDidSendMessage(message: ProtocolMessage) {
          if (message.type !== 'event') return;
          if (message.event === 'stopped') holds.sessionStopped(id);
          else if (message.event === 'continued') holds.sessionResumed(id);
        },
        onWillReceiveMessage(message: ProtocolMessage) {
          if (message.type === 'request' && typeof message.command === 'string' && RESUMING_REQUESTS.has(message.command)) holds.sessionResumed(id);
        },
        onWillStopSession: () => holds.sessionEnded(id),
        onExit: () => holds.sessionEnded(id),
      };
    },
  };
  const disposable = vscode.Disposable.from(vscode.debug.registerDebugAdapterTrackerFactory('*', factory), new vscode.Disposable(stopWatching));
  return { holds, disposable };
}
