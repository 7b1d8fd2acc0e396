// What the command handlers share, passed around as one object instead of module globals.
import type * as vscode from 'vscode';
import type { BreakpointSet } from '../breakpoints/breakpointSet';
import type { CaptureStore } from '../inspector/store';
import type { SessionHolds } from '../stepping/sessionHolds';
import type { TrafficControl } from '../stepping/trafficControl';
import type { ExtensionDiagnostics } from './diagnostics';
import type { InspectorOpener } from './inspector';
import type { Notifier } from './notify';
import type { Runtime } from './runtime';
import type { Settings } from './settings';
import type { RecentSniffs } from './sniffPrompt';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly runtime: Runtime;
  readonly store: CaptureStore;
  readonly log: vscode.LogOutputChannel;
  readonly notifier: Notifier;
  readonly inspector: InspectorOpener;
  readonly diagnostics: ExtensionDiagnostics;
  readonly recents: RecentSniffs;
  /** Pause / Step / Continue of every step-mode sniffer, and what they hold. */
  readonly stepping: TrafficControl;
  /** Pause Traffic on behalf of paused debug sessions and step-mode example runs. */
  readonly sessionHolds: SessionHolds;
  /** The message breakpoints every step-mode sniffer tests (kept in the workspace by the breakpoints view). */
  readonly breakpoints: BreakpointSet;
  /** The current settings (re-read on every change). */
  settings(): Settings;
}
