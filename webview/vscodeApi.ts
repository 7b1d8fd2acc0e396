// The webview's handle on VS Code: typed posting and the saved view state.
import type { HostToWebview, ViewState, WebviewToHost } from '../extension/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The view state as saved, plus webview-only parts (details tab). */
export interface SavedState extends ViewState {
  detailsTab?: DetailsTab;
}

export type DetailsTab = 'text' | 'hex' | 'json' | 'bytes';

export class Host {
  private readonly api: VsCodeApi;

  constructor() {
    if (typeof acquireVsCodeApi !== 'function') throw new Error('The inspector must run inside a VS Code webview (acquireVsCodeApi is missing).');
    this.api = acquireVsCodeApi();
  }

  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  onMessage(handler: (message: HostToWebview) => void): void {
    window.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as unknown;
      if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') handler(data as HostToWebview);
    });
  }

  loadState(): SavedState {
    const saved = this.api.getState() as Partial<SavedState> | undefined;
    return { filter: {}, follow: true, ...(typeof saved === 'object' && saved ? saved : {}) };
  }

  saveState(state: SavedState): void {
    this.api.setState(state);
  }
}
