// The inspector end to end, as a user runs it: a zeromq PUSH (child process) sends through a real
// Sniffer (relay + ZMTP decoder, in this process) to a real zeromq PULL (child process, peers.ts);
// the sniffer's events go into the real CaptureStore, and an InspectorSession posts to the real
// webview in headless Chromium (test/webview/harness.ts). 50,000 messages/s for 10 s measure the rows
// per second the webview learns of and its frame times; then a burst fills the 1,000,000-row ring
// past its capacity, and the host's memory is read with it full.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CDPSession, Page } from 'playwright-core';
import type { SnifferSource } from '../../extension/protocol';
import { CaptureStore } from '../../extension/inspector/store';
import { Sniffer } from '../../extension/sniffer/sniffer';
import { WebviewHarness } from '../webview/harness';
import type { Figure } from './figure';
import type { PeerParameters, ThroughputResult } from './peers';

const RATE = 50_000;
const PACED_SECONDS = 10;
const CAPACITY = 1_000_000;
/** Sent unpaced after the paced phase: enough for the ring to fill and evict 100,000 rows. */
const BURST = CAPACITY + 100_000 - RATE * PACED_SECONDS;
/** Every child process and wait gives up after this long, whatever happens. */
const LIFETIME_MS = 120_000;
const CATCH_UP_MS = 20_000;
const MiB = 2 ** 20;

export interface PacedPushParameters {
  endpoint: string;
  rate: number;
  pacedCount: number;
  burstCount: number;
  lifetimeMs: number;
}

/** Small JSON payloads (60-100 bytes), like telemetry, so previews and the decoder see real text. */
function payload(seq: number): Buffer {
  return Buffer.from(JSON.stringify({ seq, topic: 'telemetry', value: (seq % 1000) / 10, pad: 'x'.repeat(seq % 32) }));
}

/**
 * The sender, run in a child process: `rate` messages/s on a 1 ms clock for `pacedCount` messages,
 * then `burstCount` as fast as the path takes them. Prints a JSON line after each phase, then stays
 * until killed, since closing early could drop queued messages.
 */
export async function pacedPush(parameters: PacedPushParameters): Promise<void> {
  setTimeout(() => process.exit(3), parameters.lifetimeMs);
  const zmq = await import('zeromq');
  const socket = new zmq.Push({ sendHighWaterMark: 100_000 });
  socket.connect(parameters.endpoint);
  const say = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);
  const start = performance.now();
  let sent = 0;
  while (sent < parameters.pacedCount) {
    const due = Math.min(parameters.pacedCount, Math.floor(((performance.now() - start) / 1000) * parameters.rate));
    for (; sent < due; sent++) await socket.send(payload(sent));
    await new Promise((tick) => setTimeout(tick, 1));
  }
  say({ phase: 'paced', sent, seconds: (performance.now() - start) / 1000 });
  for (const end = sent + parameters.burstCount; sent < end; sent++) await socket.send(payload(sent));
  say({ phase: 'sent', sent });
}

/** A child process whose stdout is JSON lines, read one at a time. */
function child(args: string[]): { next<T>(): Promise<T>; stop(): Promise<void> } {
  const spawned = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => spawned.once('exit', resolve));
  const lines = createInterface({ input: spawned.stdout })[Symbol.asyncIterator]();
  return {
    async next<T>(): Promise<T> {
      const line = await lines.next();
      if (line.done) throw new Error(`benchmark child "${args.slice(0, 2).join(' ').slice(0, 80)}" ended before reporting; see its error above`);
      return JSON.parse(line.value) as T;
    },
    async stop() {
      if (spawned.exitCode === null && spawned.signalCode === null) spawned.kill('SIGKILL');
      await exited;
    },
  };
}

/** A transpiled test file in out/test/bench: next to this one, or found from the dist/bench bundle. */
function builtBenchFile(name: string): string {
  const candidates = [join(__dirname, name), join(__dirname, '..', '..', 'out', 'test', 'bench', name)];
  const found = candidates.find(existsSync);
  if (!found) throw new Error(`${name} is missing (looked in ${candidates.join(' and ')}); build first with "node esbuild.mjs".`);
  return found;
}

/** Heap and ArrayBuffer use after full collections, with pauses so freed buffers are returned. */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  for (let round = 0; round < 3; round++) {
    collect();
    await new Promise((pause) => setTimeout(pause, 50));
  }
  return process.memoryUsage();
}

interface PageRecord {
  /** requestAnimationFrame intervals, ms. */
  deltas: number[];
  /** [page time, rows captured] from each host message that carried counts. */
  counts: [number, number][];
}

/** Starts recording frame intervals and the row counts the host tells the page, until stopRecording. */
function startRecording(page: Page): Promise<void> {
  return page.evaluate((maxSamples) => {
    const record = { deltas: [] as number[], counts: [] as [number, number][], latest: 0, recording: true };
    (window as unknown as { __bench: typeof record }).__bench = record;
    window.addEventListener('message', (event: MessageEvent) => {
      const captured = (event.data as { counts?: { captured?: number } } | null)?.counts?.captured;
      if (typeof captured !== 'number') return;
      record.latest = captured;
      if (record.recording && record.counts.length < maxSamples) record.counts.push([performance.now(), captured]);
    });
    let last = performance.now();
    const frame = (now: number) => {
      record.deltas.push(now - last);
      last = now;
      if (record.recording && record.deltas.length < maxSamples) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, 100_000);
}

function stopRecording(page: Page): Promise<PageRecord> {
  return page.evaluate(() => {
    const record = (window as unknown as { __bench: PageRecord & { recording: boolean } }).__bench;
    record.recording = false;
    return { deltas: record.deltas, counts: record.counts };
  });
}

/** Waits until the page has been told of every row the store captured. */
async function pageCaughtUp(page: Page, store: CaptureStore): Promise<void> {
  const deadline = Date.now() + CATCH_UP_MS;
  for (;;) {
    const told = await page.evaluate(() => (window as unknown as { __bench: { latest: number } }).__bench.latest);
    if (told === store.counts().captured) return;
    if (Date.now() > deadline) throw new Error(`the webview was told of ${told} rows, the store captured ${store.counts().captured}, ${CATCH_UP_MS / 1000} s after the last message`);
    await new Promise((pause) => setTimeout(pause, 100));
  }
}

const MAIN_THREAD_METRICS = ['TaskDuration', 'ThreadTime', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'LayoutCount'] as const;
type MainThreadMetrics = Record<(typeof MAIN_THREAD_METRICS)[number], number>;

/**
 * Chromium's cumulative counters for the page's main thread (CDP Performance.getMetrics): durations
 * in seconds of wall time, except ThreadTime, its CPU time, which a busy machine does not inflate.
 */
async function mainThreadMetrics(cdp: CDPSession): Promise<MainThreadMetrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const values = Object.fromEntries(MAIN_THREAD_METRICS.map((name) => [name, metrics.find((metric) => metric.name === name)?.value ?? 0]));
  return values as MainThreadMetrics;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

export async function benchInspectorThroughSniffer(): Promise<Figure[]> {
  const total = RATE * PACED_SECONDS + BURST;
  const pullParameters: PeerParameters = { count: total, warmup: 0, size: 0, lifetimeMs: LIFETIME_MS };
  const pull = child([builtBenchFile('peers.js'), 'pull', JSON.stringify(pullParameters)]);
  let push: ReturnType<typeof child> | undefined;
  let sniffer: Sniffer | undefined;
  let harness: WebviewHarness | undefined;
  try {
    const { endpoint } = await pull.next<{ endpoint: string }>();
    const store = new CaptureStore({ capacity: CAPACITY });
    harness = await WebviewHarness.open(store);
    const source: SnifferSource = { id: 'bench', name: 'bench', listen: '', target: endpoint };
    sniffer = await Sniffer.start({ listen: 'tcp://127.0.0.1:0', target: endpoint, name: source.name, onEvent: (event) => store.ingest(source, event) });
    source.listen = sniffer.listenEndpoint;
    const before = await settledMemory();

    // Main-thread time tells the webview's own work apart from frames lost to a busy machine.
    const cdp = await harness.page.context().newCDPSession(harness.page);
    await cdp.send('Performance.enable');
    await startRecording(harness.page);
    const posts = harness.session.posts;
    const mainBefore = await mainThreadMetrics(cdp);
    const pushParameters: PacedPushParameters = { endpoint: sniffer.listenEndpoint, rate: RATE, pacedCount: RATE * PACED_SECONDS, burstCount: BURST, lifetimeMs: LIFETIME_MS };
    push = child(['-e', `require(${JSON.stringify(builtBenchFile('inspectorSniffer.js'))}).pacedPush(${JSON.stringify(pushParameters)})`]);
    const paced = await push.next<{ sent: number; seconds: number }>();
    const record = await stopRecording(harness.page);
    const pacedPosts = harness.session.posts - posts;
    const mainAfter = await mainThreadMetrics(cdp);
    await cdp.detach();

    await push.next<{ sent: number }>();
    const pulled = await pull.next<ThroughputResult>();
    await pageCaughtUp(harness.page, store);
    const counts = store.counts();
    if (pulled.received !== total || counts.stored !== CAPACITY || counts.evicted === 0) {
      throw new Error(`expected ${total} messages through the sniffer and a full ring of ${CAPACITY}; the PULL got ${pulled.received}, the store holds ${counts.stored} (${counts.evicted} evicted)`);
    }
    const after = await settledMemory();

    const frames = record.deltas.slice(1).sort((a, b) => a - b);
    const [firstTime, firstRows] = record.counts[0] ?? [0, 0];
    const [lastTime, lastRows] = record.counts[record.counts.length - 1] ?? [0, 0];
    if (frames.length === 0 || lastTime <= firstTime) throw new Error('the webview recorded no frames or no updates while the traffic was paced');
    const main = (name: keyof MainThreadMetrics) => mainAfter[name] - mainBefore[name];
    const heap = (after.heapUsed - before.heapUsed) / MiB;
    const buffers = (after.arrayBuffers - before.arrayBuffers) / MiB;
    return [
      { name: `messages sent through the sniffer, paced phase (${PACED_SECONDS} s)`, value: paced.sent / paced.seconds, unit: 'msg/s', target: `${RATE.toLocaleString('en')}` },
      { name: 'rows the webview was told of per second, paced phase', value: (lastRows - firstRows) / ((lastTime - firstTime) / 1000), unit: 'rows/s', target: `>= ${RATE.toLocaleString('en')}` },
      { name: 'host updates posted per second, paced phase', value: pacedPosts / paced.seconds, unit: 'posts/s', target: '<= ~20' },
      { name: 'webview frame time p95, paced phase (Chromium)', value: percentile(frames, 0.95), unit: 'ms', target: '<= 16 (one 60 Hz frame: 16.7)' },
      { name: 'webview frame time p50, paced phase', value: percentile(frames, 0.5), unit: 'ms' },
      { name: 'webview frame time max, paced phase', value: frames[frames.length - 1], unit: 'ms' },
      { name: 'webview main thread CPU time, paced phase', value: (100 * main('ThreadTime')) / paced.seconds, unit: '% of a core' },
      { name: 'webview main thread task time (wall), paced phase', value: (100 * main('TaskDuration')) / paced.seconds, unit: '% of wall time' },
      { name: 'webview script + style + layout (wall) per host update', value: (1000 * (main('ScriptDuration') + main('RecalcStyleDuration') + main('LayoutDuration'))) / pacedPosts, unit: 'ms' },
      { name: 'webview layouts per host update', value: main('LayoutCount') / pacedPosts, unit: 'layouts' },
      { name: `rows stored after ${total.toLocaleString('en')} messages (capacity ${CAPACITY.toLocaleString('en')})`, value: counts.stored, unit: 'rows', target: `<= ${CAPACITY.toLocaleString('en')}` },
      { name: 'host memory, ring full: JS heap used (whole process)', value: after.heapUsed / MiB, unit: 'MiB' },
      { name: 'host memory, ring full: JS heap growth', value: heap, unit: 'MiB' },
      { name: 'host memory, ring full: typed arrays and detail slabs growth', value: buffers, unit: 'MiB' },
      { name: 'host memory, ring full: total growth', value: heap + buffers, unit: 'MiB' },
      { name: 'host memory, ring full: the store\'s own account (retainedBytes)', value: store.retainedBytes / MiB, unit: 'MiB' },
      // Frame times depend on what else the machine runs; this says how busy it was.
      { name: `machine load average (1 min) at the end, ${os.cpus().length} cores`, value: os.loadavg()[0], unit: '' },
    ];
  } finally {
    await Promise.all([push?.stop(), pull.stop()]);
    await sniffer?.stop();
    await harness?.close();
  }
}
