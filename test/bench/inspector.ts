// Inspector benchmarks: capture-store ingest rate, host memory with a million messages stored, and
// the webview's frame time in Chromium while the host streams batched updates at 50,000 messages/s.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CaptureStore } from '../../extension/inspector/store';
import type { SnifferEvent } from '../../extension/sniffer/types';
import { frontend, message, ready } from '../inspector/fixtures';
import { WebviewHarness } from '../webview/harness';
import type { Figure } from './figure';


const MiB = 1024 * 1024;

/** A REQ-style two-frame message event per index, from a small pool (the store copies what it keeps). */
function messagePool(size: number): SnifferEvent[] {
  return Array.from({ length: size }, (_, i) => ({ type: 'zmtp', conn: 1, dir: i % 2 ? 's2c' : 'c2s', time: Date.now(), event: message('', `{"id":${i},"payload":"${'x'.repeat(i % 40)}"}`) }));
}

function handshake(store: CaptureStore): void {
  store.ingest(frontend, { type: 'open', conn: 1, time: Date.now(), peer: '127.0.0.1:40000', listen: frontend.listen, target: frontend.target });
  store.ingest(frontend, { type: 'zmtp', conn: 1, dir: 'c2s', time: Date.now(), event: ready('REQ', '') });
  store.ingest(frontend, { type: 'zmtp', conn: 1, dir: 's2c', time: Date.now(), event: ready('REP') });
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function ingestRate(): Figure {
  const pool = messagePool(1024);
  const store = new CaptureStore({ capacity: 1_000_000 });
  handshake(store);
  const events = 3_000_000;
  for (let i = 0; i < 200_000; i++) store.ingest(frontend, pool[i & 1023]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) store.ingest(frontend, pool[i & 1023]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { name: 'store ingest, 2-frame messages, ring of 1,000,000 rows full', value: events / seconds, unit: 'events/s' };
}

/** Full collections with a pause between, so freed ArrayBuffer memory is returned before reading. */
async function settledMemory(gc: () => void): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((done) => setTimeout(done, 50));
  }
  return process.memoryUsage();
}

async function memoryWithMillion(): Promise<Figure[]> {
  const gc = gcFunction();
  const pool = messagePool(1024);
  const before = await settledMemory(gc);
  const store = new CaptureStore({ capacity: 1_000_000 });
  handshake(store);
  for (let i = 0; i < 1_000_000; i++) store.ingest(frontend, pool[i & 1023]);
  const after = await settledMemory(gc);
  const heap = (after.heapUsed - before.heapUsed) / MiB;
  const buffers = (after.arrayBuffers - before.arrayBuffers) / MiB;
  if (store.counts().stored < 1_000_000) throw new Error('the store did not keep a million rows');
  return [
    { name: 'host memory, 1,000,000 messages stored: JS heap', value: heap, unit: 'MiB' },
    { name: 'host memory, 1,000,000 messages stored: typed arrays and detail slabs', value: buffers, unit: 'MiB' },
    { name: 'host memory, 1,000,000 messages stored: total', value: heap + buffers, unit: 'MiB' },
  ];
}

async function webviewFrames(): Promise<Figure[]> {
  const RATE = 50_000;
  const SECONDS = 4;
  const pool = messagePool(1024);
  const store = new CaptureStore({ capacity: 1_000_000 });
  handshake(store);
  const harness = await WebviewHarness.open(store);
  try {
    const posts = harness.session.posts;
    const start = Date.now();
    let sent = 0;
    const feeder = setInterval(() => {
      const due = Math.min(RATE * SECONDS, Math.floor(((Date.now() - start) / 1000) * RATE));
      for (; sent < due; sent++) store.ingest(frontend, pool[sent & 1023]);
    }, 5);
    const deltas = await harness.page.evaluate(
      (ms) =>
        new Promise<number[]>((done) => {
          const out: number[] = [];
          let last = performance.now();
          const end = last + ms;
          const frame = (now: number) => {
            out.push(now - last);
            last = now;
            if (now < end) requestAnimationFrame(frame);
            else done(out);
          };
          requestAnimationFrame(frame);
        }),
      SECONDS * 1000,
    );
    clearInterval(feeder);
    const elapsed = (Date.now() - start) / 1000;
    const sorted = deltas.slice(1).sort((a, b) => a - b);
    const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
    const shown = await harness.page.locator('.list-viewport .row:not([hidden])').count();
    if (shown === 0) throw new Error('the webview showed no rows during the benchmark');
    return [
      { name: `webview frame time p95, ${RATE.toLocaleString('en')} msg/s batched (Chromium)`, value: percentile(0.95), unit: 'ms' },
      { name: 'webview frame time p50, same run', value: percentile(0.5), unit: 'ms' },
      { name: 'messages fed per second, same run', value: sent / elapsed, unit: 'msg/s' },
      { name: 'host updates posted per second, same run', value: (harness.session.posts - posts) / elapsed, unit: 'posts/s' },
    ];
  } finally {
    await harness.close();
  }
}

export async function benchInspector(): Promise<Figure[]> {
  // Memory first: later figures leave stores behind that the collector frees at its own pace.
  const memory = await memoryWithMillion();
  return [ingestRate(), ...memory, ...(await webviewFrames())];
}
