// What the runtime keeps for each thing the user started: an example (its sockets and the
// sniffers in front of them) or a sniffer in front of the user's own endpoint. No `vscode` here,
// so the same objects feed the tree, the commands and the tests.
import type { ExampleInfo, ExampleOutcome, RunningExample, SnifferSource as ExampleSnifferSource } from '../examples';
import type { SnifferSource } from '../protocol';
import type { Sniffer } from '../sniffer/sniffer';
import type { CaptureTool, PortCapture } from '../capture';

/** How long a stop waits for libzmq to let go of the ports the example bound. */

export type RunState = 'running' | 'stopping' | 'finished' | 'stopped' | 'failed';

/** One sniffer of a run, with the source its events are filed under in the capture store. */
export interface RunSniffer {
  source: SnifferSource;
  sniffer: Sniffer;
}

interface RunBase {
  /** Unique for the life of the extension host: "hello-1", "sniff-2". */
  readonly key: string;
  readonly label: string;
  /** A short second line: the pattern, or where the sniffer listens and forwards. */
  readonly detail: string;
  readonly state: RunState;
  readonly startedAt: number;
  sniffers(): RunSniffer[];
}

export const isLive = (run: { state: RunState }): boolean => run.state === 'running' || run.state === 'stopping';

/** What to undo once a run's sniffers stopped (detaching them from step mode); each runs once. */
class StopCleanups {
  private readonly pending: (() => void)[] = [];

  add(cleanup: () => void): void {
    this.pending.push(cleanup);
  }

  run(): void {
    this.pending.splice(0).forEach((cleanup) => cleanup());
  }
}

export class ExampleRun implements RunBase {
  readonly kind = 'example';
  state: RunState = 'running';
  outcome: ExampleOutcome | undefined;
  /** Settles once the runtime has recorded how the example ended (set when it starts). */
  ended: Promise<void> = Promise.resolve();
  readonly startedAt = Date.now();
  /** The example's own source objects mapped to ones with run-unique ids, so two runs of one example never share connections in the store. */
  private readonly sources = new Map<ExampleSnifferSource, SnifferSource>();
  private running: RunningExample | undefined;
  private stopping: Promise<void> | undefined;
  private readonly cleanups = new StopCleanups();

  constructor(
    readonly key: string,
    readonly example: ExampleInfo,
  ) {}

  /** Runs `cleanup` once the example's sniffers stopped. */
  detachOnStop(cleanup: () => void): void {
    this.cleanups.add(cleanup);
  }

  get label(): string {
    return this.example.title;
  }

  get detail(): string {
    return this.example.pattern;
  }

  attach(running: RunningExample): void {
    this.running = running;
  }

  storeSource(source: ExampleSnifferSource): SnifferSource {
    let mapped = this.sources.get(source);
    if (!mapped || mapped.listen !== source.listen) {
      mapped = { id: `${this.key}/${source.name}`, name: source.name, listen: source.listen, target: source.target };
      this.sources.set(source, mapped);
    }
    return mapped;
  }

  sniffers(): RunSniffer[] {
    const session = this.running?.session;
    if (!session) return [];
    // The session pushes a sniffer and its source together, so the two lists line up.
    return session.sniffers.map((sniffer, index) => ({ sniffer, source: this.storeSource(session.snifferSources[index]) }));
  }

  /** Endpoints that still accepted connections PORT_RELEASE_WAIT_MS after the stop (none, normally). */
  unreleased: string[] = [];

  stop(): Promise<void> {
    const running = this.running;
    if (!running) {
      // Starting failed: the example stopped its own sniffers.
      this.cleanups.run();
      return Promise.resolve();
    }
    if (this.state === 'running') this.state = 'stopping';
    this.stopping ??= running.stop().then(() => {
      this.unreleased = running.session.unreleasedEndpoints;
      this.cleanups.run();
    });
    return this.stopping;
  }
}

export class SnifferRun implements RunBase {
  readonly kind = 'sniffer';
  state: RunState = 'running';
  readonly startedAt = Date.now();
  /** Target failures are told to the user once per sniffer, not once per connection attempt. */
  targetFailureReported = false;
  private stopping: Promise<void> | undefined;
  private readonly cleanups = new StopCleanups();

  constructor(
    readonly key: string,
    public source: SnifferSource,
    private sniffer: Sniffer | undefined,
  ) {}

  /** Runs `cleanup` once the sniffer stopped. */
  detachOnStop(cleanup: () => void): void {
    this.cleanups.add(cleanup);
  }

  get label(): string {
    return this.source.name;
  }

  get detail(): string {
    return `${this.source.listen} → ${this.source.target}`;
  }

  attach(sniffer: Sniffer): void {
    this.sniffer = sniffer;
    // A new object (not a mutation), so the store notices the now-known listen endpoint.
    this.source = { ...this.source, listen: sniffer.listenEndpoint, target: sniffer.targetEndpoint };
  }

  sniffers(): RunSniffer[] {
    return this.sniffer ? [{ sniffer: this.sniffer, source: this.source }] : [];
  }

  stop(): Promise<void> {
    if (!this.sniffer) return Promise.resolve();
    if (this.state === 'running') this.state = 'stopping';
    this.stopping ??= this.sniffer.stop().finally(() => {
      this.state = 'stopped';
      this.cleanups.run();
    });
    return this.stopping;
  }
}

/** Capture Port…: tcpdump or dumpcap watching a port; no sniffer, so the tree lists no connections under it. */
export class PortCaptureRun implements RunBase {
  readonly kind = 'capture';
  state: RunState = 'running';
  readonly startedAt = Date.now();
  /** Why the tool stopped on its own, when it did. */
  failure: string | undefined;
  /** Settles once the runtime has recorded how the capture ended (set when it starts). */
  ended: Promise<void> = Promise.resolve();
  private capture: PortCapture | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly key: string,
    readonly port: number,
    /** The network interface watched ("any": all of them). */
    readonly device: string,
  ) {}

  get tool(): CaptureTool | undefined {
    return this.capture?.tool;
  }

  get label(): string {
    return `Port ${this.port}`;
  }

  get detail(): string {
    return `${this.capture?.tool ?? 'capture'} on tcp port ${this.port} (${this.device === 'any' ? 'every interface' : this.device})`;
  }

  /** Settles when the capture ends, by Stop or because the tool exited; rejects when the tool failed. */
  get done(): Promise<unknown> {
    return this.capture?.done ?? Promise.resolve();
  }

  attach(capture: PortCapture): void {
    this.capture = capture;
  }

  sniffers(): RunSniffer[] {
    return [];
  }

  stop(): Promise<void> {
    const capture = this.capture;
    if (!capture) return Promise.resolve();
    if (this.state === 'running') this.state = 'stopping';
    // A tool that failed is reported through `ended`; stopping only has to wait for it.
    this.stopping ??= capture.stop().then(
      () => undefined,
      () => undefined,
    );
    return this.stopping.finally(() => {
      if (this.state === 'stopping') this.state = 'stopped';
    });
  }
}

export type Run = ExampleRun | SnifferRun | PortCaptureRun;
