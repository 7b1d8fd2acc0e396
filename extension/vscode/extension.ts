// Extension entry point: builds the shared capture store and runtime, and wires the commands,
// the ZeroMQ view, the status bar, the log and the settings to them. Deactivation stops every
// example and sniffer, so no socket, port or timer outlives the extension.
import * as vscode from 'vscode';
import { BreakpointSet } from '../breakpoints/breakpointSet';
import { formatCondition } from '../breakpoints/breakpointText';
import { CaptureStore } from '../inspector/store';
import { SessionHolds } from '../stepping/sessionHolds';
import { TrafficControl } from '../stepping/trafficControl';
import type { ZmqInspectorApi } from './api';
import { registerCommands, trackPausedContext } from './commands';
import { registerDebugPause } from './debugPause';
import { registerDebugSessions } from './debugSessions';
import { ExtensionDiagnostics } from './diagnostics';
import { createInspector } from './inspector';
import { Notifier } from './notify';
import { Runtime } from './runtime';
import type { Services } from './services';
import { onSettingsChanged, readSettings, type ReadSettings } from './settings';
import { RecentSniffs } from './sniffPrompt';
import { registerStepCommands, trackInspectorFocus } from './stepCommands';
import { CaptureStatusBar } from './statusBar';
import { RunsTreeProvider, TREE_VIEW_ID } from './tree';
import { createUserSockets, registerSocketCommands } from './socketCommands';
import { registerWalkthrough } from './walkthrough';
import { registerBreakpointsView } from './breakpointsView';

let activeRuntime: Runtime | undefined;
let activeDiagnostics: ExtensionDiagnostics | undefined;

export function activate(context: vscode.ExtensionContext): ZmqInspectorApi {
  const log = vscode.window.createOutputChannel('ZeroMQ Inspector', { log: true });
  context.subscriptions.push(log);
  const notifier = new Notifier(log);

  let current: ReadSettings = readSettings();
  const reportProblems = (read: ReadSettings) => read.problems.forEach((problem) => notifier.warn(problem, [{ title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'zmqInspector') }]));
  reportProblems(current);

  const store = new CaptureStore({ capacity: current.settings.captureLimit, previewBytes: current.settings.previewBytes });
  const diagnostics = (activeDiagnostics = new ExtensionDiagnostics());
  const breakpoints = new BreakpointSet();
  const stepping = new TrafficControl({
    breakpoints,
    holdCommands: () => current.settings.holdCommands,
    describeBreakpoint: (id) => {
      const breakpoint = breakpoints.get(id);
      return breakpoint ? formatCondition(breakpoint) : id;
    },
  });
  stepping.setAvailable(current.settings.steppingEnabled);
  const sessionHolds = new SessionHolds(stepping);
  const runtime = new Runtime(store, {
    log,
    onEvent: (source, event) => diagnostics.ingest(source, event),
    watchSocket: diagnostics.watchSocket,
    onClear: () => diagnostics.clear(),
    decoderOptions: () => ({ revealPasswords: current.settings.revealPlainPasswords }),
    stepping: () => (current.settings.steppingEnabled ? stepping : undefined),
    onTargetFailed: (run, detail) =>
      notifier.warn(`Sniffer ${run.label} cannot reach its target: ${detail}`, [{ title: 'Stop Sniffer', run: () => vscode.commands.executeCommand('zmqInspector.stopSniffer', run.key) }]),
  });
  activeRuntime = runtime;
  const userSockets = createUserSockets({ runtime, store, diagnostics, notifier, listenHost: () => current.settings.defaultListenHost });

  const services: Services = {
    context,
    runtime,
    store,
    log,
    notifier,
    inspector: createInspector(context, store, log, { diagnostics: diagnostics.feed, compose: userSockets.feed, stepping, onFocus: trackInspectorFocus(), controls: { setPaused: (paused) => store.setPaused(paused), clear: () => runtime.clearCapture() } }),
    diagnostics,
    recents: new RecentSniffs(context.globalState),
    settings: () => current.settings,
    stepping,
    sessionHolds,
    breakpoints,
  };

  const tree = new RunsTreeProvider(runtime, store, diagnostics);
  const statusBar = new CaptureStatusBar(runtime, store);
  const breakpointsView = registerBreakpointsView(services);
  context.subscriptions.push(
    tree,
    vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    statusBar,
    trackPausedContext(services),
    ...registerCommands(services),
    ...registerWalkthrough(services),
    ...registerSocketCommands(services, userSockets),
    registerDebugSessions(services),
    sessionHolds,
    registerDebugPause(services),
    ...registerStepCommands(services),
    breakpointsView,
    onSettingsChanged((read, changed) => {
      current = read;
      reportProblems(read);
      stepping.setAvailable(read.settings.steppingEnabled);
      if (changed('captureLimit') && store.capacity !== read.settings.captureLimit) {
        store.setCapacity(read.settings.captureLimit);
        log.info(`Capture limit is now ${read.settings.captureLimit.toLocaleString('en')} rows`);
      }
      if (changed('previewBytes')) store.setPreviewBytes(read.settings.previewBytes);
    }),
  );
  log.info(`ZeroMQ Inspector ${context.extension.packageJSON.version} active; capture limit ${store.capacity.toLocaleString('en')} rows`);
  return { store, runtime, tree, statusBar, diagnostics, compose: userSockets.feed, breakpoints: breakpointsView, stepping, settings: () => current.settings };
}

/** VS Code waits for this promise: every example and sniffer is stopped and its ports freed. */
export async function deactivate(): Promise<void> {
  const runtime = activeRuntime;
  activeRuntime = undefined;
  await runtime?.dispose();
  // After the runs: the examples' sockets are closed and their probes have reported it.
  activeDiagnostics?.dispose();
  activeDiagnostics = undefined;
}
