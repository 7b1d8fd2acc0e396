// What `activate` returns. VS Code hands it to anyone who asks:
//   const api = vscode.extensions.getExtension('zeromq-inspector.zeromq-inspector')?.exports;
// The integration tests read the extension's state through it; other extensions may too. It is
// the live objects, not copies: treat them as read-only and start or stop things through the
// zmqInspector.* commands.
import type { CaptureStore } from '../inspector/store';
import type { TrafficControl } from '../stepping/trafficControl';
import type { ComposeFeed } from '../sockets/composeFeed';
import type { BreakpointsView } from './breakpointsView';
import type { ExtensionDiagnostics } from './diagnostics';
import type { Runtime } from './runtime';
import type { Settings } from './settings';
import type { CaptureStatusBar } from './statusBar';
import type { RunsTreeProvider } from './tree';

export interface ZmqInspectorApi {
  /** The capture every sniffer feeds (rows, counts, topology). */
  readonly store: CaptureStore;
  /** Running and recently ended examples and sniffers. */
  readonly runtime: Runtime;
  /** The ZeroMQ view's data provider (getChildren / getTreeItem as the view calls them). */
  readonly tree: RunsTreeProvider;
  readonly statusBar: CaptureStatusBar;
  /** The diagnoses of every run's traffic and of the examples' sockets (list(), flush()). */
  readonly diagnostics: ExtensionDiagnostics;
  /** The inspector's compose area: the sockets made with New Socket…, their replies, send and resend. */
  readonly compose?: ComposeFeed;
  /** The Breakpoints view: its data provider (`provider.breakpoints` is the set it shows) and what the workspace keeps. */
  readonly breakpoints?: BreakpointsView;
  /** Step mode: what every step-mode sniffer holds (state()), and hold/step/continue. */
  readonly stepping: TrafficControl;
  /** The settings as the extension uses them now (after range checks). */
  settings(): Settings;
}
