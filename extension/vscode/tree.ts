// The "ZeroMQ" view's data provider. It redraws at most twice a second however fast traffic
// flows: runtime changes only schedule a redraw.
import * as vscode from 'vscode';
import type { CaptureStore } from '../inspector/store';
import type { ExtensionDiagnostics } from './diagnostics';
import type { Runtime } from './runtime';
import { Throttle } from './throttle';
import { RunNode, type Node } from './treeNodes';

export const TREE_VIEW_ID = 'zmqInspector.runs';
export const TREE_REFRESH_MS = 500;

export class RunsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly throttle = new Throttle(() => this.refresh(), TREE_REFRESH_MS);
  private readonly unsubscribe: () => void;
  /** Redraws so far: tests compare it with the number of events to see the throttle work. */
  refreshes = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly store: CaptureStore,
    private readonly diagnostics?: ExtensionDiagnostics,
  ) {
    const unsubscribeRuns = runtime.onDidChange(() => this.throttle.schedule());
    // Diagnoses arrive batched, often after the traffic that caused them has stopped.
    const unsubscribeDiagnostics = diagnostics?.onChange(() => this.throttle.schedule());
    this.unsubscribe = () => {
      unsubscribeRuns();
      unsubscribeDiagnostics?.();
    };
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node.item();
  }

  getChildren(node?: Node): Node[] {
    return node ? node.children() : this.runtime.runs().map((run) => new RunNode(run, this.store, this.diagnostics));
  }

  dispose(): void {
    this.unsubscribe();
    this.throttle.dispose();
    this.changeEmitter.dispose();
  }

  private refresh(): void {
    this.refreshes += 1;
    this.changeEmitter.fire(undefined);
  }
}
