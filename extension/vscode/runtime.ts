// The registry of running examples and sniffers. Every event they report goes into the one shared
// capture store; the tree, status bar and commands read from here. Free of `vscode`: what it
// needs from the host (logging, settings) comes in as hooks.
import type { Socket } from 'zeromq';
import type { ExampleInfo, ExampleOptions, SnifferSource as ExampleSnifferSource } from '../examples';
import type { CaptureStore } from '../inspector/store';
import type { SnifferSource } from '../protocol';
import { formatEndpoint, isWildcardHost, parseEndpoint } from '../sniffer/endpoint';
import { Sniffer } from '../sniffer/sniffer';
import type { SnifferEvent } from '../sniffer/types';
import type { DecoderOptions } from '../zmtp/types';
import { PORT_RELEASE_WAIT_MS } from '../examples/session';
import { startPortCapture, type SnifferRecorder } from '../capture';
import type { TrafficControl } from '../stepping/trafficControl';
import { SourceRenamer, TrafficRecording } from './captureRecording';
import { ExampleRun, isLive, PortCaptureRun, SnifferRun, type Run } from './runs';

export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RuntimeHooks {
  log: RuntimeLog;
  /** Read when a sniffer starts, so setting changes apply to the next one. */
  decoderOptions(): DecoderOptions;
  /** A user sniffer's target refused or failed (told once per sniffer). */
  onTargetFailed?(run: SnifferRun, detail: string): void;
  /** Every event of every run, after the capture store took it (the diagnostics follow them). */
  onEvent?(source: SnifferSource, event: SnifferEvent): void;
  /** Each socket an example creates; the example uses the socket returned (ExampleHooks.watchSocket). */
  watchSocket?<T extends Socket>(socket: T): T;
  /** After Clear Capture, for what else goes with the rows (the diagnoses). */
  onClear?(): void;
  /** Read when a sniffer starts: with a TrafficControl it starts in step mode, coordinated by it. */
  stepping?(): TrafficControl | undefined;
}

export interface SniffRequest {
  target: string;
  listen: string;
  /** A label for people; the target endpoint by default. */
  name?: string;
}

/** 'runs': something started, stopped or finished; 'traffic': events arrived (listeners must be cheap). */
export type RuntimeChange = 'runs' | 'traffic';

/** Ended runs kept for the tree, oldest dropped first. */
export const ENDED_RUNS_KEPT = 20;
/** Program output lines logged per example run; the rest are counted. */
export const OUTPUT_LINES_PER_RUN = 2000;
const RELAY_ERRORS_LOGGED_PER_RUN = 100;
/** How long Stop waits for a stopped example to report its outcome. */
const ENDING_WAIT_MS = 5000;

/** True when `promise` settles within `ms`; the timer never outlives the wait. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

export class Runtime {
  private readonly runsByKey = new Map<string, Run>();
  private readonly listeners = new Set<(change: RuntimeChange) => void>();
  private readonly starting = new Set<Promise<unknown>>();
  private readonly linesLogged = new Map<string, number>();
  private readonly recorders = new Map<string, { recorder: SnifferRecorder; release(): void }>();
  private nextKey = 1;
  private disposed = false;
  /** The raw traffic of every run, within a memory budget: what Save Capture… writes. */
  readonly recording = new TrafficRecording();
  /** Data messages seen by every sniffer (paused or not): the status bar's rate is made from it. */
  messagesSeen = 0;

  constructor(
    private readonly store: CaptureStore,
    private readonly hooks: RuntimeHooks,
  ) {}

  onDidChange(listener: (change: RuntimeChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every run in start order, ended ones included. */
  runs(): Run[] {
    return [...this.runsByKey.values()];
  }

  live(kind?: Run['kind']): Run[] {
    return this.runs().filter((run) => isLive(run) && (kind === undefined || run.kind === kind));
  }

  get(key: string): Run | undefined {
    return this.runsByKey.get(key);
  }

  startExample(example: ExampleInfo, options: Partial<ExampleOptions> = {}): Promise<ExampleRun> {
    return this.whileStarting(async () => {
      const run = new ExampleRun(`${example.id}-${this.nextKey++}`, example);
      const control = this.hooks.stepping?.();
      const stepping = control && {
        options: (source: ExampleSnifferSource) => control.snifferOptions(run.storeSource(source).id),
        attach: (source: ExampleSnifferSource, sniffer: Sniffer) => run.detachOnStop(control.attach(run.storeSource(source).id, sniffer, source.name)),
      };
      const running = await example.start({
        ...options,
        // Examples always stay on loopback: they are demonstrations, not services.
        host: '127.0.0.1',
        decoder: this.hooks.decoderOptions(),
        onEvent: (source, event) => this.ingest(run, run.storeSource(source), event),
        onData: (source, conn, dir, chunk) => this.recorder(run.storeSource(source)).data(conn, dir, chunk),
        onLog: (line) => this.programOutput(run, line),
        watchSocket: this.hooks.watchSocket,
        stepping,
      }).catch(async (error: unknown) => {
        await run.stop();
        throw error;
      });
      run.attach(running);
      this.add(run);
      const endpoints = run.sniffers().map(({ source }) => `${source.name}: ${source.listen} → ${source.target}`);
      this.hooks.log.info(`${run.label} (${run.key}) started; sniffers ${endpoints.join(', ')}`);
      run.ended = running.finished.then(
        (outcome) => this.exampleEnded(run, outcome.ok ? 'finished' : 'failed', outcome.summary, outcome),
        (error: unknown) => this.exampleEnded(run, 'failed', `failed: ${error instanceof Error ? error.message : String(error)}`),
      );
      return run;
    });
  }

  /** Starts a sniffer; throws EndpointError / RelayError with a message for the user. */
  startSniffer(request: SniffRequest, defaultListenHost: string): Promise<SnifferRun> {
    return this.whileStarting(async () => {
      const target = parseEndpoint(request.target, 'target');
      const listen = parseEndpoint(request.listen, 'listen', defaultListenHost);
      const name = request.name?.trim() || formatEndpoint(target);
      const key = `sniff-${this.nextKey++}`;
      const provisional: SnifferSource = { id: key, name, listen: formatEndpoint(listen), target: formatEndpoint(target) };
      const run = new SnifferRun(key, provisional, undefined);
      const control = this.hooks.stepping?.();
      const sniffer = await Sniffer.start({
        listen,
        target,
        name,
        decoder: this.hooks.decoderOptions(),
        onEvent: (event) => this.ingest(run, run.source, event),
        onData: (conn, dir, chunk) => this.recorder(run.source).data(conn, dir, chunk),
        ...control?.snifferOptions(key),
      });
      run.attach(sniffer);
      if (control) run.detachOnStop(control.attach(key, sniffer, name));
      this.add(run);
      this.hooks.log.info(`Sniffer ${run.label} (${key}) started: connect clients to ${run.source.listen}; traffic is forwarded to ${run.source.target}`);
      if (listen.transport === 'tcp' && (isWildcardHost(listen.host) || !isLoopback(listen.host))) {
        this.hooks.log.warn(`Sniffer ${key} listens on ${run.source.listen}, which other machines can reach; use 127.0.0.1 unless that is what you want.`);
      }
      return run;
    });
  }

  /** Capture Port…: starts tcpdump or dumpcap on `port`; throws LiveCaptureError saying what to install or permit. */
  startPortCapture(port: number, device?: string): Promise<PortCaptureRun> {
    return this.whileStarting(async () => {
      const run = new PortCaptureRun(`capture-${this.nextKey++}`, port, device ?? 'any');
      const sources = new SourceRenamer(run.key, `port ${port}`);
      const recording = this.recording.sinkFor(sources.id);
      try {
        run.attach(
          await startPortCapture({
            port,
            tool: 'auto',
            interface: run.device,
            decoder: this.hooks.decoderOptions(),
            onRecord: (record) => recording.sink.write(record),
            onEvent: (event, source) => this.ingest(run, sources.of(source), event),
            onWarning: (message) => this.hooks.log.warn(`${run.label} (${run.key}): ${message}`),
          }),
        );
      } catch (error) {
        recording.release();
        throw error;
      }
      this.add(run);
      this.hooks.log.info(`${run.label} (${run.key}): ${run.detail} started`);
      run.ended = run.done.then(
        () => this.captureEnded(run, undefined, recording.release),
        (error: unknown) => this.captureEnded(run, error instanceof Error ? error.message : String(error), recording.release),
      );
      return run;
    });
  }

  /** Clear Capture: the rows, the recorded traffic and what hooks.onClear clears. */
  clearCapture(): void {
    this.store.clear();
    this.recording.clear();
    this.hooks.onClear?.();
  }

  /** Stops one run (idempotent); its sockets, ports and timers are free when this resolves. */
  async stop(key: string): Promise<void> {
    const run = this.runsByKey.get(key);
    if (!run || !isLive(run)) return;
    await run.stop();
    if (run.kind !== 'example') {
      this.releaseRecorders(run.key);
      this.hooks.log.info(`${run.kind === 'sniffer' ? 'Sniffer ' : ''}${run.label} (${run.key}) stopped`);
      this.changed('runs');
    } else if (!(await settlesWithin(run.ended, ENDING_WAIT_MS))) {
      // Its sockets are closed already; only the example's own bookkeeping is late.
      this.hooks.log.warn(`${run.label} (${run.key}) stopped, but its programs did not report an outcome within ${ENDING_WAIT_MS} ms.`);
    }
  }

  /** Stops every live run, including ones still starting, and resolves once all are free. */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.starting]);
    await Promise.all(this.live().map((run) => this.stop(run.key)));
  }

  /** Forgets an ended run (the tree's "dismiss"); live runs stay. */
  dismiss(key: string): void {
    const run = this.runsByKey.get(key);
    if (!run || isLive(run)) return;
    this.forget(key);
    this.changed('runs');
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stopAll();
    this.listeners.clear();
  }

  private async whileStarting<T extends Run>(start: () => Promise<T>): Promise<T> {
    if (this.disposed) throw new Error('ZeroMQ Inspector is shutting down; nothing new can start.');
    const promise = start();
    this.starting.add(promise);
    try {
      const run = await promise;
      if (this.disposed) {
        await run.stop();
        throw new Error('ZeroMQ Inspector shut down while this was starting; it was stopped again.');
      }
      return run;
    } finally {
      this.starting.delete(promise);
    }
  }

  private add(run: Run): void {
    this.runsByKey.set(run.key, run);
    const ended = this.runs().filter((candidate) => !isLive(candidate));
    for (const old of ended.slice(0, Math.max(0, ended.length - ENDED_RUNS_KEPT))) this.forget(old.key);
    this.changed('runs');
  }

  private forget(key: string): void {
    this.runsByKey.delete(key);
    this.linesLogged.delete(key);
    this.linesLogged.delete(`${key}:relay`);
  }

  private ingest(run: Run, source: SnifferSource, event: SnifferEvent): void {
    if (run.kind !== 'capture') this.recorder(source).event(event);
    this.store.ingest(source, event);
    this.hooks.onEvent?.(source, event);
    if (event.type === 'zmtp' && event.event.kind === 'message') this.messagesSeen += 1;
    else if (event.type === 'relay-error') this.relayProblem(run, event.message);
    else if (event.type === 'close' && event.reason === 'target-failed' && run.kind === 'sniffer' && !run.targetFailureReported) {
      run.targetFailureReported = true;
      const detail = event.detail ?? `the target ${run.source.target} could not be reached`;
      this.hooks.log.warn(`Sniffer ${run.label} (${run.key}): ${detail}`);
      this.hooks.onTargetFailed?.(run, detail);
    }
    this.changed('traffic');
  }

  /** The recorder of a sniffer's traffic, made on its first event. */
  private recorder(source: SnifferSource): SnifferRecorder {
    let entry = this.recorders.get(source.id);
    if (entry === undefined) {
      entry = this.recording.recorderFor(source);
      this.recorders.set(source.id, entry);
    }
    return entry.recorder;
  }

  /** Forgets the recorders of a run that stopped (its connections are closed). */
  private releaseRecorders(runKey: string): void {
    for (const [id, entry] of this.recorders) {
      if (id === runKey || id.startsWith(`${runKey}/`)) {
        entry.release();
        this.recorders.delete(id);
      }
    }
  }

  private captureEnded(run: PortCaptureRun, failure: string | undefined, release: () => void): void {
    release();
    if (run.state === 'running') {
      // The tool ended on its own (killed, interface gone): not a stop the user asked for.
      run.state = failure === undefined ? 'finished' : 'failed';
      run.failure = failure;
      if (failure === undefined) this.hooks.log.info(`${run.label} (${run.key}): ${run.tool ?? 'the capture tool'} exited`);
      else this.hooks.log.error(`${run.label} (${run.key}) stopped: ${failure}`);
      this.changed('runs');
    }
  }

  private relayProblem(run: Run, message: string): void {
    const verdict = this.countLine(`${run.key}:relay`, RELAY_ERRORS_LOGGED_PER_RUN);
    if (verdict === 'log') this.hooks.log.warn(`${run.label} (${run.key}): ${message}`);
    else if (verdict === 'notice') this.hooks.log.warn(`${run.label} (${run.key}): more connection problems not logged (the first ${RELAY_ERRORS_LOGGED_PER_RUN} are kept per run)`);
  }

  private programOutput(run: ExampleRun, line: string): void {
    const key = run.key;
    const verdict = this.countLine(key, OUTPUT_LINES_PER_RUN);
    if (verdict === 'log') this.hooks.log.info(`[${key}] ${line}`);
    else if (verdict === 'notice') this.hooks.log.info(`[${key}] (more output not logged: the first ${OUTPUT_LINES_PER_RUN} lines are kept per run)`);
  }

  /** Counts a log line under `key`: log it while within `limit`, then one notice, then drop. */
  private countLine(key: string, limit: number): 'log' | 'notice' | 'drop' {
    const count = (this.linesLogged.get(key) ?? 0) + 1;
    if (count > limit + 1) return 'drop';
    this.linesLogged.set(key, count);
    return count <= limit ? 'log' : 'notice';
  }

  private async exampleEnded(run: ExampleRun, state: 'finished' | 'failed', summary: string, outcome?: ExampleRun['outcome']): Promise<void> {
    run.outcome = outcome ?? { ok: false, summary };
    const stoppedByUser = run.state !== 'running';
    try {
      await run.stop();
    } catch (error) {
      this.hooks.log.error(`${run.label} (${run.key}) did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (run.unreleased.length > 0) {
      this.hooks.log.warn(`${run.label} (${run.key}): ${run.unreleased.join(', ')} still accepted connections ${PORT_RELEASE_WAIT_MS} ms after the stop; libzmq may release them a little later.`);
    }
    this.releaseRecorders(run.key);
    run.state = stoppedByUser ? 'stopped' : state;
    const how = stoppedByUser ? 'stopped' : state === 'finished' ? 'finished' : 'ended with a problem';
    const log = state === 'failed' && !stoppedByUser ? this.hooks.log.warn : this.hooks.log.info;
    log.call(this.hooks.log, `${run.label} (${run.key}) ${how}: ${summary}`);
    this.changed('runs');
  }

  private changed(change: RuntimeChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
