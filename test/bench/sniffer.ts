// Relay cost, measured side by side in one run: zeromq PUSH→PULL throughput and REQ/REP round-trip
// latency, direct and through the relay. Both zeromq peers are child processes (peers.ts); the relay
// and its observer run here, so this process's event loop is the relay's alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Relay } from '../../extension/sniffer/relay';
import type { Figure } from './figure';
import type { LatencyResult, PeerParameters, ThroughputResult } from './peers';

/** Something that listens, forwards to `target`, and can be stopped: the bare relay or a whole Sniffer. */
export interface Forwarder {
  listenEndpoint: string;
  stop(): Promise<void>;
}

export interface RelayBenchOptions {
  /** What sits between the peers on the 'relay' route; default: the bare relay, no observer. */
  startForwarder?: (target: string) => Promise<Forwarder>;
  /** Names that route in the figures, e.g. "through the sniffer (decoding)". */
  label?: string;
  /** Alternating direct/relay rounds; the median of each is reported. */
  rounds?: number;
}

type Route = 'direct' | 'relay';

const MESSAGE_BYTES = 100;
const THROUGHPUT = { count: 200_000, warmup: 20_000, size: MESSAGE_BYTES, lifetimeMs: 30_000 };
const LATENCY = { count: 5_000, warmup: 500, size: MESSAGE_BYTES, lifetimeMs: 30_000 };

export async function benchRelay(options: RelayBenchOptions = {}): Promise<Figure[]> {
  const peers = peersScript();
  const rounds = options.rounds ?? 3;
  const startForwarder = options.startForwarder ?? ((target: string) => Relay.start({ listen: 'tcp://127.0.0.1:0', target }));
  const rates: Record<Route, number[]> = { direct: [], relay: [] };
  const latencies: Record<Route, LatencyResult[]> = { direct: [], relay: [] };
  for (let round = 0; round < rounds; round++) {
    for (const route of ['direct', 'relay'] as Route[]) {
      const throughput = await measure<ThroughputResult>(peers, route, ['pull', 'push'], THROUGHPUT, startForwarder);
      rates[route].push(throughput.received / throughput.seconds);
      latencies[route].push(await measure<LatencyResult>(peers, route, ['rep', 'req'], LATENCY, startForwarder));
    }
  }
  const via = options.label ?? 'through the relay';
  const rate = { direct: median(rates.direct), relay: median(rates.relay) };
  const p50 = { direct: median(latencies.direct.map((l) => l.p50)), relay: median(latencies.relay.map((l) => l.p50)) };
  const p99 = { direct: median(latencies.direct.map((l) => l.p99)), relay: median(latencies.relay.map((l) => l.p99)) };
  return [
    { name: `PUSH→PULL ${MESSAGE_BYTES} B messages, direct`, value: rate.direct, unit: 'msg/s' },
    { name: `PUSH→PULL ${MESSAGE_BYTES} B messages, ${via}`, value: rate.relay, unit: 'msg/s' },
    { name: `PUSH→PULL throughput ${via} / direct`, value: rate.relay / rate.direct, unit: 'ratio' },
    { name: `REQ/REP round trip p50, direct`, value: p50.direct, unit: 'µs' },
    { name: `REQ/REP round trip p50, ${via}`, value: p50.relay, unit: 'µs' },
    { name: `REQ/REP round trip p99, direct`, value: p99.direct, unit: 'µs' },
    { name: `REQ/REP round trip p99, ${via}`, value: p99.relay, unit: 'µs' },
    { name: `REQ/REP latency added by the relay, p50`, value: p50.relay - p50.direct, unit: 'µs' },
    { name: `REQ/REP latency added by the relay, p99`, value: p99.relay - p99.direct, unit: 'µs' },
  ];
}

/** Runs one binder/connecter pair, with or without a relay between them, and returns the reporting peer's result. */
async function measure<T>(peers: string, route: Route, [binderRole, connecterRole]: [string, string], parameters: Omit<PeerParameters, 'endpoint'>, startForwarder: (target: string) => Promise<Forwarder>): Promise<T> {
  const binder = new Peer(peers, binderRole, parameters);
  let connecter: Peer | undefined;
  let relay: Forwarder | undefined;
  try {
    const { endpoint } = await binder.next<{ endpoint: string }>();
    if (route === 'relay') relay = await startForwarder(endpoint);
    connecter = new Peer(peers, connecterRole, { ...parameters, endpoint: relay?.listenEndpoint ?? endpoint });
    // The pull side (binder) reports throughput; the req side (connecter) reports latency.
    return await (binderRole === 'pull' ? binder : connecter).next<T>();
  } finally {
    await Promise.all([binder.stop(), connecter?.stop()]);
    await relay?.stop();
  }
}

/** A child process speaking JSON lines. */
class Peer {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;
  private readonly exited: Promise<unknown>;

  constructor(script: string, role: string, parameters: PeerParameters) {
    this.child = spawn(process.execPath, [script, role, JSON.stringify(parameters)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
  }

  async next<T>(): Promise<T> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`a benchmark peer (${this.child.spawnargs.slice(2, 3).join(' ')}) exited before reporting; see its error above`);
    return JSON.parse(value) as T;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** peers.js sits next to this file in out/, or in out/ when this runs from the dist/bench bundle. */
function peersScript(): string {
  const candidates = [join(__dirname, 'peers.js'), join(__dirname, '..', '..', 'out', 'test', 'bench', 'peers.js')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`The benchmark peers script is missing (looked for ${candidates.join(' and ')}); build first with "node esbuild.mjs".`);
  return found;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
