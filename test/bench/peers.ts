// The zeromq peers of the relay benchmark, run as child processes so that the relay (in the
// benchmark's process) does not share an event loop with them. Usage:
//   node out/test/bench/peers.js <role> '<json parameters>'
// Each peer prints JSON lines on stdout: first {"endpoint"} for binders, then its result.
import * as zmq from 'zeromq';

type Role = 'pull' | 'push' | 'rep' | 'req';

export interface PeerParameters {
  /** Where a connecting peer connects (binders bind to tcp://127.0.0.1:*). */
  endpoint?: string;
  /** Messages (push/pull) or round trips (req) measured after the warm-up. */
  count: number;
  warmup: number;
  size: number;
  /** The peer gives up after this long, whatever happens. */
  lifetimeMs: number;
}

export interface ThroughputResult {
  received: number;
  seconds: number;
}

export interface LatencyResult {
  /** Round-trip times in microseconds, sorted. */
  p50: number;
  p99: number;
  count: number;
}

const say = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function bindAndAnnounce(socket: zmq.Socket): Promise<void> {
  await socket.bind('tcp://127.0.0.1:*');
  say({ endpoint: socket.lastEndpoint });
}

async function pull(parameters: PeerParameters): Promise<void> {
  const socket = new zmq.Pull({ receiveTimeout: parameters.lifetimeMs });
  await bindAndAnnounce(socket);
  for (let i = 0; i < parameters.warmup; i++) await socket.receive();
  const start = process.hrtime.bigint();
  for (let i = 0; i < parameters.count; i++) await socket.receive();
  const result: ThroughputResult = { received: parameters.count, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  say(result);
}

async function push(parameters: PeerParameters): Promise<void> {
  const socket = new zmq.Push({ sendHighWaterMark: 100_000 });
  socket.connect(parameters.endpoint!);
  const message = Buffer.alloc(parameters.size, 0x5a);
  for (let i = 0; i < parameters.warmup + parameters.count; i++) await socket.send(message);
  // Stay until the parent has its result and ends this process: closing now could drop queued messages.
}

async function rep(_parameters: PeerParameters): Promise<void> {
  const socket = new zmq.Reply();
  await bindAndAnnounce(socket);
  for (;;) {
    const [request] = await socket.receive();
    await socket.send(request);
  }
}

async function req(parameters: PeerParameters): Promise<void> {
  const socket = new zmq.Request({ receiveTimeout: parameters.lifetimeMs });
  socket.connect(parameters.endpoint!);
  const message = Buffer.alloc(parameters.size, 0x5a);
  const times: number[] = [];
  for (let i = 0; i < parameters.warmup + parameters.count; i++) {
    const start = process.hrtime.bigint();
    await socket.send(message);
    await socket.receive();
    if (i >= parameters.warmup) times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  const result: LatencyResult = { p50: percentile(times, 0.5), p99: percentile(times, 0.99), count: times.length };
  say(result);
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

const roles: Record<Role, (parameters: PeerParameters) => Promise<void>> = { pull, push, rep, req };

if (require.main === module) {
  const [role, json] = process.argv.slice(2);
  const run = roles[role as Role];
  if (!run || !json) {
    console.error(`usage: peers.js <${Object.keys(roles).join('|')}> '<json parameters>'`);
    process.exit(2);
  }
  const parameters = JSON.parse(json) as PeerParameters;
  setTimeout(() => process.exit(3), parameters.lifetimeMs);
  run(parameters).catch((error: unknown) => {
    console.error(`peer ${role}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
