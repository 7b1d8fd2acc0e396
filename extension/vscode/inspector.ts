// The one place the rest of the extension opens the inspector panel through.
import * as vscode from 'vscode';
import type { CaptureStore } from '../inspector/store';

/** What Reveal in Inspector asks the panel to narrow its list to. */
export interface InspectorFocus {
  /** A connection key in the store ("<source id>#<connection id>"). */
  connection?: string;
  /** A topology node id, e.g. "bound:tcp://127.0.0.1:5555". */
  node?: string;
}

export interface InspectorOpener {
  /** Opens the inspector, or brings it forward when it is open. */
  show(focus?: InspectorFocus): void;
}

export const INSPECTOR_VIEW_TYPE = 'zmqInspector.inspector';

/** TEMPORARY until extension/vscode/inspectorPanel.ts lands: an empty panel so the commands work. */
export function createInspector(context: vscode.ExtensionContext, _store: CaptureStore): InspectorOpener {
  let panel: vscode.WebviewPanel | undefined;
  return {
    show() {
      if (panel) {
        panel.reveal();
        return;
      }
      panel = vscode.window.createWebviewPanel(INSPECTOR_VIEW_TYPE, 'ZeroMQ Inspector', vscode.ViewColumn.Active, {});
      panel.onDidDispose(() => (panel = undefined), undefined, context.subscriptions);
      context.subscriptions.push(panel);
    },
  };
}
