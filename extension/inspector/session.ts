// One webview's connection to the capture store. It answers the webview's requests and pushes what
// changed at most once per flush interval (50 ms: ~20 posts a second however fast events arrive),
// each post carrying the counts, topology changes and, when the view follows the newest rows, the
// tail rows. Nothing is posted before the webview says `ready`, and nothing queues up: a post
// always describes the current state, so a slow webview just sees fewer, fuller updates.
import {
  MAX_FRAMES_LISTED,
  mergeFilter,
  parseWebviewMessage,
  PROTOCOL_VERSION,
  type ComposeFormatName,
  type ComposeState,
  type DiagnosticsState,
  type HostToWebview,
  type SteppingState,
  type TrafficAction,
  type RowFilter,
  type TailRows,
  type WebviewToHost,
} from '../protocol';
import { firstEvidenceRow, summarize, type DiagnosticsFeed } from './diagnosticsFeed';
import type { CaptureStore } from './store';
import type { FilteredView } from './view';
import { systemClock, type Clock } from '../clock';

export { systemClock, type Clock } from '../clock';

/** What Pause and Clear in the webview do; by default they act on the store. */
export interface InspectorControls {
  setPaused(paused: boolean): void;
  clear(): void;
}

export interface SessionOptions {
  clock?: Clock;
  /** Minimum time between two updates (default 50 ms). */
  flushIntervalMs?: number;
  /** How often edge rates are recomputed while traffic flows (default 500 ms). */
  rateIntervalMs?: number;
  /** Rows a new filter examines per slice before yielding (default 50,000). */
  scanSliceRows?: number;
  controls?: InspectorControls;
  /** Where to report webview messages that were refused (default: dropped with a notice to the webview). */
  onProtocolError?: (message: string) => void;
  /** The diagnoses to show; posted with updates only when they changed. */
  diagnostics?: DiagnosticsFeed;
  stepping?: SteppingFeed;
  compose?: ComposeFeed;
  /** The view gained or lost keyboard focus. */
  onFocus?: (focused: boolean) => void;
}

/** Something posted with updates only when it changed: the diagnoses, step mode, the compose area. */
export interface VersionedFeed<State> {
  /** Grows whenever the state changes; sessions compare it with what they posted. */
  readonly version: number;
  state(): State;
  onChange(listener: () => void): () => void;
}

/** Step mode (extension/stepping): what is held, and the Pause / Step / Continue buttons. */
export interface SteppingFeed extends VersionedFeed<SteppingState> {
  /** Carries out a button press; returns why it could not, in words for the user. */
  act(action: TrafficAction, conn?: string): string | undefined;
}

/** The compose area (extension/sockets/composeFeed): the user's sockets, their replies, and sending. */
export interface ComposeFeed extends VersionedFeed<ComposeState> {
  /** Rejects with a message for the user when the frames are invalid or the socket refuses. */
  send(socket: string, format: ComposeFormatName, text: string): Promise<void>;
  resend(socket: string, seq: number): Promise<void>;
  /** Asks the user for a new socket (quick picks on the host). */
  newSocket(): void;
}

export class InspectorSession {
  private readonly clock: Clock;
  private readonly flushInterval: number;
  private readonly rateInterval: number;
  private readonly scanSlice: number;
  private readonly controls: InspectorControls;
  private view: FilteredView | undefined;
  private follow = true;
  private visibleCount = 50;
  private topologyVersion = 0;
  private lastFlush = -Infinity;
  private flushTimer: unknown;
  private rateTimer: unknown;
  private scanTimer: unknown;
  private lastPosted = '';
  private readonly unsubscribe: () => void;
  private readonly unsubscribeFeeds: () => void;
  /** The version of each feed last posted. */
  private readonly posted = { diagnostics: -1, stepping: -1, compose: -1 };
  private disposed = false;
  /** A filter the host asked for before the webview was ready. */
  private pendingFocus: Partial<RowFilter> | undefined;
  /** Posts made, for tests and benchmarks. */
  posts = 0;

  constructor(
    private readonly store: CaptureStore,
    private readonly post: (message: HostToWebview) => void,
    private readonly options: SessionOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.flushInterval = options.flushIntervalMs ?? 50;
    this.rateInterval = options.rateIntervalMs ?? 500;
    this.scanSlice = options.scanSliceRows ?? 50_000;
    this.controls = options.controls ?? { setPaused: (paused) => store.setPaused(paused), clear: () => store.clear() };
    this.unsubscribe = store.onChange(() => this.markDirty());
    const feeds = [options.diagnostics, options.stepping, options.compose].filter((feed) => feed !== undefined);
    const unsubscribes = feeds.map((feed) => feed.onChange(() => this.markDirty()));
    this.unsubscribeFeeds = () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }

  /** A message from the webview (unchecked: it is validated here). */
  receive(raw: unknown): void {
    if (this.disposed) return;
    const message = parseWebviewMessage(raw);
    if (typeof message === 'string') {
      const text = `Ignored a message from the inspector view: ${message}.`;
      if (this.options.onProtocolError) this.options.onProtocolError(text);
      this.send({ type: 'notice', level: 'warning', message: text });
      return;
    }
    this.handle(message);
  }

  /**
   * Narrows the view from the host side (e.g. "Reveal in Inspector" on a connection); the webview
   * shows the new filter in its controls. Before the webview is ready, it is applied on `ready`.
   */
  focus(change: Partial<RowFilter>): void {
    if (this.disposed) return;
    if (!this.view) {
      this.pendingFocus = { ...this.pendingFocus, ...change };
      return;
    }
    const filter = mergeFilter(this.view.filter, change);
    this.setView(filter);
    this.send({ type: 'applyFilter', filter });
    this.markDirty();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unsubscribe();
    this.unsubscribeFeeds();
    for (const timer of [this.flushTimer, this.rateTimer, this.scanTimer]) if (timer !== undefined) this.clock.clearTimeout(timer);
    this.flushTimer = this.rateTimer = this.scanTimer = undefined;
    if (this.view) this.store.disposeView(this.view);
    this.view = undefined;
  }

  private handle(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready': {
        this.follow = message.state.follow;
        this.visibleCount = message.visibleCount;
        const focused = this.pendingFocus ? mergeFilter(message.state.filter, this.pendingFocus) : undefined;
        this.pendingFocus = undefined;
        this.setView(focused ?? message.state.filter);
        this.sendSnapshot(focused);
        break;
      }
      case 'setFilter':
        this.setView(message.filter);
        this.markDirty();
        break;
      case 'viewport':
        this.follow = message.follow;
        this.visibleCount = message.visibleCount;
        if (this.follow) this.flushNow();
        break;
      case 'requestRows':
        this.answerRows(message.requestId, message.start, message.count);
        break;
      case 'requestDetail': {
        const detail = this.store.detail(message.seq);
        this.send(detail ? { type: 'detail', seq: message.seq, detail } : { type: 'detail', seq: message.seq, missing: 'This row has left the capture (the ring buffer is full, or it was cleared).' });
        break;
      }
      case 'requestFrames': {
        const answer = this.store.frameSummaries(message.seq, MAX_FRAMES_LISTED);
        this.send({ type: 'frames', seq: message.seq, ...answer });
        break;
      }
      case 'setPaused':
        this.controls.setPaused(message.paused);
        break;
      case 'clear':
        this.controls.clear();
        break;
      case 'revealDiagnostic':
        this.revealDiagnostic(message.id);
        break;
      case 'traffic': {
        const problem = this.options.stepping ? this.options.stepping.act(message.action, message.conn) : 'step mode is not available here';
        if (problem) this.send({ type: 'notice', level: 'warning', message: problem });
        break;
      }
      case 'send':
      case 'resend':
        void this.sendFromCompose(message);
        break;
      case 'newSocket':
        this.options.compose?.newSocket();
        break;
      case 'focus':
        this.options.onFocus?.(message.focused);
        break;
    }
  }

  private setView(filter: RowFilter): void {
    if (this.view) this.store.disposeView(this.view);
    this.view = this.store.createView(filter);
    this.scheduleScan();
  }

  private scheduleScan(): void {
    if (this.scanTimer !== undefined || !this.view?.scanning) return;
    this.scanTimer = this.clock.setTimeout(() => {
      this.scanTimer = undefined;
      if (!this.view || this.disposed) return;
      this.view.scan(this.scanSlice);
      this.markDirty();
      this.scheduleScan();
    }, 0);
  }

  private sendSnapshot(filter?: RowFilter): void {
    const view = this.view as FilteredView;
    this.topologyVersion = this.store.topology.version;
    this.send({
      type: 'snapshot',
      protocol: PROTOCOL_VERSION,
      paused: this.store.paused,
      counts: this.store.counts(),
      view: view.info(),
      topology: this.store.topology.snapshot(),
      sources: this.store.sources(),
      tail: this.follow ? this.tail(view) : undefined,
      filter,
      diagnostics: this.feedIfChanged('diagnostics', true),
      stepping: this.feedIfChanged('stepping', true),
      compose: this.feedIfChanged('compose', true),
    });
    this.lastFlush = this.clock.now();
    this.startRates();
  }

  private answerRows(requestId: number, start: number, count: number): void {
    const view = this.view;
    if (!view) return;
    const from = Math.max(start, view.base);
    const to = Math.min(start + count, view.base + view.length);
    const rows = [];
    for (let ordinal = from; ordinal < to; ordinal++) {
      const seq = view.seqAt(ordinal);
      const row = seq === undefined ? undefined : this.store.summary(seq);
      if (row) rows.push(row);
    }
    this.send({ type: 'rows', requestId, generation: view.generation, start: from, rows, view: view.info() });
  }

  private tail(view: FilteredView): TailRows {
    const count = Math.min(this.visibleCount, view.length);
    const start = view.base + view.length - count;
    const rows = [];
    for (let ordinal = start; ordinal < start + count; ordinal++) {
      const seq = view.seqAt(ordinal);
      const row = seq === undefined ? undefined : this.store.summary(seq);
      if (row) rows.push(row);
    }
    return { start, rows };
  }

  private markDirty(): void {
    if (this.disposed || !this.view || this.flushTimer !== undefined) return;
    const delay = Math.max(0, this.lastFlush + this.flushInterval - this.clock.now());
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.flushNow();
    }, delay);
    this.startRates();
  }

  private flushNow(): void {
    const view = this.view;
    if (!view || this.disposed) return;
    this.lastFlush = this.clock.now();
    const topology = this.store.topology;
    const counts = this.store.counts();
    const info = view.info();
    const key = `${this.store.paused}|${counts.captured}|${counts.stored}|${counts.droppedWhilePaused}|${info.generation}|${info.base}|${info.length}|${info.scanning}|${topology.version}|${this.options.diagnostics?.version}|${this.options.stepping?.version}|${this.options.compose?.version}`;
    if (key === this.lastPosted) return;
    this.lastPosted = key;
    if (topology.version !== this.topologyVersion) {
      const delta = topology.delta(this.topologyVersion);
      this.topologyVersion = topology.version;
      if (!delta) {
        this.sendSnapshot();
        return;
      }
      this.send({ type: 'update', paused: this.store.paused, counts, view: info, topology: delta, sources: this.store.sources(), tail: this.follow ? this.tail(view) : undefined, ...this.changedFeeds() });
      return;
    }
    this.send({ type: 'update', paused: this.store.paused, counts, view: info, tail: this.follow ? this.tail(view) : undefined, ...this.changedFeeds() });
  }

  private changedFeeds(): { diagnostics?: DiagnosticsState; stepping?: SteppingState; compose?: ComposeState } {
    return { diagnostics: this.feedIfChanged('diagnostics'), stepping: this.feedIfChanged('stepping'), compose: this.feedIfChanged('compose') };
  }

  /** A feed's state when it changed since the last post (or `always`), else undefined: the webview keeps what it has. */
  private feedIfChanged<K extends keyof InspectorSession['posted']>(name: K, always = false): ReturnType<NonNullable<SessionOptions[K]>['state']> | undefined {
    const feed = this.options[name];
    if (!feed || (!always && feed.version === this.posted[name])) return undefined;
    this.posted[name] = feed.version;
    return feed.state() as ReturnType<NonNullable<SessionOptions[K]>['state']>;
  }

  private async sendFromCompose(message: Extract<WebviewToHost, { type: 'send' | 'resend' }>): Promise<void> {
    const compose = this.options.compose;
    try {
      if (!compose) throw new Error('sending is not available here');
      await (message.type === 'send' ? compose.send(message.socket, message.format, message.text) : compose.resend(message.socket, message.seq));
      this.send({ type: 'sendResult', requestId: message.requestId, ok: true });
    } catch (error) {
      this.send({ type: 'sendResult', requestId: message.requestId, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Narrows the list to the diagnosis's connections and tells the webview which row shows it first. */
  private revealDiagnostic(id: string): void {
    const diagnostic = this.options.diagnostics?.find(id);
    if (!diagnostic) {
      this.send({ type: 'notice', level: 'info', message: 'That diagnosis is no longer listed (the capture was cleared since); the list shows the current ones.' });
      return;
    }
    const connections = summarize(diagnostic).connections;
    if (connections.length > 0) this.focus({ connections, node: undefined });
    this.send({ type: 'diagnosticTarget', id, seq: firstEvidenceRow(this.store, diagnostic) });
  }

  /** Edge rates need sampling while traffic flows, and once more after it stops so they fall to zero. */
  private startRates(): void {
    if (this.rateTimer !== undefined || this.disposed) return;
    this.rateTimer = this.clock.setTimeout(() => {
      this.rateTimer = undefined;
      if (this.disposed) return;
      const topology = this.store.topology;
      const before = topology.version;
      topology.sampleRates(this.clock.now());
      if (topology.version !== before) this.markDirty();
      if (topology.hasTraffic) this.startRates();
    }, this.rateInterval);
  }

  private send(message: HostToWebview): void {
    if (this.disposed) return;
    this.posts += 1;
    this.post(message);
  }
}
