// The one place the rest of the extension opens the inspector panel through (the panel itself is
// inspectorPanel.ts). Also registers the serializer that restores the panel after a reload.
import * as vscode from 'vscode';
import type { CaptureStore } from '../inspector/store';
import { InspectorPanel, registerInspectorSerializer } from './inspectorPanel';

/** What Reveal in Inspector would narrow the panel's list to. */
export interface InspectorFocus {
  /** A connection key in the store ("<source id>#<connection id>"). */
  connection?: string;
  /** A topology node id, e.g. "bound:tcp://127.0.0.1:5555". */
  node?: string;
}

export interface InspectorOpener {
  /**
   * Opens the inspector, or brings it forward when it is open. The panel has no way yet to be
   * told a filter from the host, so `focus` only opens it; the user selects the connection there.
   */
  show(focus?: InspectorFocus): void;
}

export function createInspector(context: vscode.ExtensionContext, store: CaptureStore, log: vscode.LogOutputChannel): InspectorOpener {
  const options = { log: (message: string) => log.warn(message) };
  context.subscriptions.push(registerInspectorSerializer(context, store, options), { dispose: () => InspectorPanel.instance?.dispose() });
  return {
    show() {
      InspectorPanel.show(context, store, options);
    },
  };
}
