// The inspector's VS Code panel: one webview panel (revealed if already open), restored after a
// window reload by a WebviewPanelSerializer, wired to the capture store through an
// InspectorSession. The webview may load only dist/, media/ and the codicons; its HTML carries a
// strict CSP with a fresh nonce per load (see extension/inspector/html.ts).
import * as vscode from 'vscode';
import type { RowFilter } from '../protocol';
import type { DiagnosticsFeed } from '../inspector/diagnosticsFeed';
import { buildInspectorHtml, makeNonce } from '../inspector/html';
import { InspectorSession, type ComposeFeed, type InspectorControls, type SteppingFeed } from '../inspector/session';
import type { CaptureStore } from '../inspector/store';

export const INSPECTOR_VIEW_TYPE = 'zmqInspector.inspector';
const TITLE = 'ZeroMQ Inspector';

export interface InspectorPanelOptions {
  /** What the webview's Pause and Clear buttons do (default: pause / clear the store). */
  controls?: InspectorControls;
  /** Where refused webview messages are reported (default: the console of the extension host). */
  log?: (message: string) => void;
  /** The diagnoses the panel lists. */
  diagnostics?: DiagnosticsFeed;
  /** What is held, and the Pause / Step / Continue buttons. */
  stepping?: SteppingFeed;
  /** The compose area's sockets, replies and sending. */
  compose?: ComposeFeed;
  /** Keyboard focus entered or left the panel's view (false too when the panel closes or goes to the background). */
  onFocus?: (focused: boolean) => void;
}

function codiconsRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'node_modules', '@vscode', 'codicons', 'dist');
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // The host keeps the data and rehydrates a hidden-then-shown webview, so it need not stay alive.
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media'), codiconsRoot(context)],
  };
}

export class InspectorPanel {
  private static current: InspectorPanel | undefined;
  private readonly session: InspectorSession;
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * Opens the inspector, or reveals it when it is already open. `focus` narrows the list, e.g.
   * `{ connections: ['<source id>#3'], node: undefined }` for one connection, `{ node: 'bound:tcp://…' }`
   * for a socket (undefined keys clear that part of the filter).
   */
  static show(context: vscode.ExtensionContext, store: CaptureStore, options: InspectorPanelOptions = {}, focus?: Partial<RowFilter>): InspectorPanel {
    let inspector = InspectorPanel.current;
    if (inspector) {
      inspector.panel.reveal();
    } else {
      const panel = vscode.window.createWebviewPanel(INSPECTOR_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, webviewOptions(context));
      inspector = InspectorPanel.current = new InspectorPanel(panel, context, store, options);
    }
    if (focus) inspector.focus(focus);
    return inspector;
  }

  /** Adopts a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, store: CaptureStore, options: InspectorPanelOptions = {}): InspectorPanel {
    InspectorPanel.current?.dispose();
    panel.webview.options = webviewOptions(context);
    InspectorPanel.current = new InspectorPanel(panel, context, store, options);
    return InspectorPanel.current;
  }

  /** The open panel, if any (for tests and commands). */
  static get instance(): InspectorPanel | undefined {
    return InspectorPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    store: CaptureStore,
    options: InspectorPanelOptions,
  ) {
    const webview = panel.webview;
    const log = options.log ?? ((message: string) => console.warn(`[ZeroMQ Inspector] ${message}`));
    this.session = new InspectorSession(
      store,
      (message) => {
        // A hidden webview drops posts; it asks for a snapshot again when it comes back.
        void webview.postMessage(message);
      },
      { controls: options.controls, onProtocolError: log, diagnostics: options.diagnostics, stepping: options.stepping, compose: options.compose, onFocus: options.onFocus },
    );
    webview.html = buildInspectorHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'inspector.css')).toString(),
      codiconsUri: webview.asWebviewUri(vscode.Uri.joinPath(codiconsRoot(context), 'codicon.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => this.session.receive(message)),
      panel.onDidDispose(() => {
        options.onFocus?.(false);
        this.disposeResources();
      }),
      panel.onDidChangeViewState(() => {
        if (!panel.active) options.onFocus?.(false);
      }),
    );
  }

  /** Narrows the list from the host side; the webview shows the filter in its controls. */
  focus(change: Partial<RowFilter>): void {
    this.session.focus(change);
  }

  dispose(): void {
    this.panel.dispose();
  }

  private disposeResources(): void {
    if (InspectorPanel.current === this) InspectorPanel.current = undefined;
    this.session.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** Restores the inspector after a window reload. Register it on activation. */
export function registerInspectorSerializer(context: vscode.ExtensionContext, store: CaptureStore, options: InspectorPanelOptions = {}): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
      InspectorPanel.revive(panel, context, store, options);
    },
  });
}
