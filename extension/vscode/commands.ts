// Every command the extension contributes, registered in one table. Handlers never throw: a
// problem becomes a notification with a next step, so nothing reaches the extension host.
import * as vscode from 'vscode';
import type { ExampleId } from '../examples';
import { openCapture, saveCapture, trackRecordingBudget } from './captureCommands';
import { capturePort } from './capturePort';
import type { InspectorFocus } from './inspector';
import { runExample, stopAll, stopRuns, stopTreeItem, runKeyOf } from './runCommands';
import type { Services } from './services';
import { sniffEndpoint } from './sniffCommand';

export const PAUSED_CONTEXT_KEY = 'zmqInspector.capturePaused';

const exampleCommands: Record<string, ExampleId> = {
  'zmqInspector.runExampleHello': 'hello',
  'zmqInspector.runExamplePipeline': 'pipeline',
  'zmqInspector.runExamplePubSub': 'pubsub',
};

/** A tree node's reveal target; anything else from the outside is ignored. */
function focusOf(node: unknown): InspectorFocus | undefined {
  const reveal = (node as { reveal?: { connection?: unknown; node?: unknown } } | undefined)?.reveal;
  if (!reveal) return undefined;
  const focus: InspectorFocus = {};
  if (typeof reveal.connection === 'string') focus.connection = reveal.connection;
  if (typeof reveal.node === 'string') focus.node = reveal.node;
  return focus;
}

export function registerCommands(services: Services): vscode.Disposable[] {
  const { store, runtime } = services;
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'zmqInspector.openInspector': () => services.inspector.show(),
    'zmqInspector.stopExample': (key) => stopRuns(services, 'example', key),
    'zmqInspector.stopSniffer': (key) => stopRuns(services, 'sniffer', key),
    'zmqInspector.stopAll': () => stopAll(services),
    'zmqInspector.sniffEndpoint': (args) => sniffEndpoint(services, args),
    'zmqInspector.pauseCapture': () => store.setPaused(true),
    'zmqInspector.resumeCapture': () => store.setPaused(false),
    'zmqInspector.clearCapture': () => runtime.clearCapture(),
    'zmqInspector.saveCapture': (args) => saveCapture(services, args),
    'zmqInspector.openCapture': (args) => openCapture(services, args),
    'zmqInspector.capturePort': (args) => capturePort(services, args),
    'zmqInspector.stopItem': (node) => stopTreeItem(services, node),
    'zmqInspector.dismissItem': (node) => {
      const key = runKeyOf(node);
      if (key !== undefined) runtime.dismiss(key);
    },
    'zmqInspector.revealInInspector': (node) => services.inspector.show(focusOf(node)),
  };
  for (const [command, id] of Object.entries(exampleCommands)) handlers[command] = (args) => runExample(services, id, args);

  const commands = Object.entries(handlers).map(([command, handler]) =>
    vscode.commands.registerCommand(command, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        services.notifier.error(`The command ${command} failed`, error);
        return undefined;
      }
    }),
  );
  return [...commands, trackRecordingBudget(services)];
}

/** Keeps the context key that shows either Pause Capture or Resume Capture in step with the store. */
export function trackPausedContext(services: Services): vscode.Disposable {
  let shown: boolean | undefined;
  const update = () => {
    if (services.store.paused === shown) return;
    shown = services.store.paused;
    void vscode.commands.executeCommand('setContext', PAUSED_CONTEXT_KEY, shown);
  };
  update();
  // Called on every ingest, so it only compares a flag.
  return new vscode.Disposable(services.store.onChange(update));
}
