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

/** One way of sitting between the peers, measured against direct and against the others. */
export interface ForwarderRoute {
  /** Names the route in the figures, e.g. "through the sniffer (decoding)". */
  label: string;
  start: (target: string) => Promise<Forwarder>;
}

export interface RelayBenchOptions {
  /** What sits between the peers, each a route of its own; default: the bare relay, no observer. */
  forwarders?: ForwarderRoute[];
  /** Rounds, each measuring direct and every forwarder in turn; the median of each is reported. */
  rounds?: number;
}

const MESSAGE_BYTES = 100;
const THROUGHPUT = { count: 200_000, warmup: 20_000, size: MESSAGE_BYTES, lifetimeMs: 30_000 };
const LATENCY = { count: 5_000, warmup: 500, size: MESSAGE_BYTES, lifetimeMs: 30_000 };

const bareRelay: ForwarderRoute = { label: 'through the relay', start: (target) => Relay.start({ listen: 'tcp://127.0.0.1:0', target }) };

/**
 * Direct and every forwarder, interleaved round by round so that a busy moment of the machine
 * falls on all of them alike; ratios compare routes measured in the same run.
 */
export async function benchRelay(options: RelayBenchOptions = {}): Promise<Figure[]> {
  const peers = peersScript();
  const rounds = options.rounds ?? 3;
  const forwarders = options.forwarders ?? [bareRelay];
  const routes: (ForwarderRoute | undefined)[] = [undefined, ...forwarders];
  const rates = routes.map(() => [] as number[]);
  const latencies = routes.map(() => [] as LatencyResult[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, route] of routes.entries()) {
      const throughput = await measure<ThroughputResult>(peers, route, ['pull', 'push'], THROUGHPUT);
      rates[index].push(throughput.received / throughput.seconds);
      latencies[index].push(await measure<LatencyResult>(peers, route, ['rep', 'req'], LATENCY));
    }
  }
  const rate = rates.map(median);
  const p50 = latencies.map((results) => median(results.map((l) => l.p50)));
  const p99 = latencies.map((results) => median(results.map((l) => l.p99)));
  const figures: Figure[] = [
    { name: `PUSH→PULL ${MESSAGE_BYTES} B messages, direct`, value: rate[0], unit: 'msg/s' },
    { name: `REQ/REP round trip p50, direct`, value: p50[0], unit: 'µs' },
    { name: `REQ/REP round trip p99, direct`, value: p99[0], unit: 'µs' },
  ];
  forwarders.forEach(({ label }, i) => {
    const at = i + 1;
    figures.push(
      { name: `PUSH→PULL ${MESSAGE_BYTES} B messages, ${label}`, value: rate[at], unit: 'msg/s' },
      { name: `PUSH→PULL throughput ${label} / direct`, value: rate[at] / rate[0], unit: 'ratio' },
      { name: `REQ/REP round trip p50, ${label}`, value: p50[at], unit: 'µs' },
      { name: `REQ/REP latency added ${label}, p50`, value: p50[at] - p50[0], unit: 'µs' },
      { name: `REQ/REP latency added ${label}, p99`, value: p99[at] - p99[0], unit: 'µs' },
    );
    if (i > 0) figures.push({ name: `PUSH→PULL throughput ${label} / ${forwarders[0].label}`, value: rate[at] / rate[1], unit: 'ratio' });
  });
  return figures;
}

/** Runs one binder/connecter pair, with or without a relay between them, and returns the reporting peer's result. */
async function measure<T>(peers: string, route: ForwarderRoute | undefined, [binderRole, connecterRole]: [string, string], parameters: Omit<PeerParameters, 'endpoint'>): Promise<T> {
  const binder = new Peer(peers, binderRole, parameters);
  let connecter: Peer | undefined;
  let relay: Forwarder | undefined;
  try {
    const { endpoint } = await binder.next<{ endpoint: string }>();
    if (route) relay = await route.start(endpoint);
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
