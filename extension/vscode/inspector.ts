// The one place the rest of the extension opens the inspector panel through (the panel itself is
// inspectorPanel.ts). Also registers the serializer that restores the panel after a reload.
import * as vscode from 'vscode';
import type { CaptureStore } from '../inspector/store';
import type { RowFilter } from '../protocol';
import { InspectorPanel, registerInspectorSerializer, type InspectorPanelOptions } from './inspectorPanel';

/** What Reveal in Inspector narrows the panel's list to. */
export interface InspectorFocus {
  /** A connection key in the store ("<source id>#<connection id>"). */
  connection?: string;
  /** A topology node id, e.g. "bound:tcp://127.0.0.1:5555". */
  node?: string;
}

export interface InspectorOpener {
  /** Opens the inspector, or brings it forward when it is open; `focus` narrows its list to one connection or socket. */
  show(focus?: InspectorFocus): void;
}

/** The list filter for a focus: one connection, or every connection of one socket (the other part cleared). */
function filterFor(focus: InspectorFocus | undefined): Partial<RowFilter> | undefined {
  if (focus?.connection) return { connections: [focus.connection], node: undefined };
  if (focus?.node) return { node: focus.node, connections: undefined };
  return undefined;
}

/** `panel`: what the panel's Pause and Clear do, and the diagnoses it lists. */
export function createInspector(context: vscode.ExtensionContext, store: CaptureStore, log: vscode.LogOutputChannel, panel: Omit<InspectorPanelOptions, 'log'> = {}): InspectorOpener {
  const options: InspectorPanelOptions = { ...panel, log: (message: string) => log.warn(message) };
  context.subscriptions.push(registerInspectorSerializer(context, store, options), { dispose: () => InspectorPanel.instance?.dispose() });
  return {
    show(focus) {
      InspectorPanel.show(context, store, options, filterFor(focus));
    },
  };
}
