// The extension's runtime registry in plain Node (it has no `vscode` import): real examples and
// sniffers feeding a real capture store. Plain Node also shows what the extension host cannot:
// after dispose() no socket, server or timer is left (mocha would not exit otherwise, and the
// active-resource counts are checked below).
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { findExample, type ExampleInfo } from '../../extension/examples';
import { CaptureStore } from '../../extension/inspector/store';
import { EndpointError } from '../../extension/sniffer/endpoint';
import { RelayError } from '../../extension/sniffer/relayErrors';
import type { ExampleRun, SnifferRun } from '../../extension/vscode/runs';
import { ENDED_RUNS_KEPT, OUTPUT_LINES_PER_RUN, Runtime } from '../../extension/vscode/runtime';
import { BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { TrafficControl } from '../../extension/stepping/trafficControl';

const hello = findExample('hello') as ExampleInfo;

function recordingLog() {
  const lines: string[] = [];
  return { lines, info: (line: string) => lines.push(`info ${line}`), warn: (line: string) => lines.push(`warn ${line}`), error: (line: string) => lines.push(`error ${line}`) };
}

function setUp(stepping?: TrafficControl) {
  const store = new CaptureStore({ capacity: 100_000 });
  const log = recordingLog();
  const targetFailures: string[] = [];
  const runtime = new Runtime(store, { log, decoderOptions: () => ({}), onTargetFailed: (run, detail) => targetFailures.push(`${run.key}: ${detail}`), stepping: () => stepping });
  return { store, log, runtime, targetFailures };
}

/** Rows of data messages in the store, as "<connection key> <preview>". */
function messageRows(store: CaptureStore): string[] {
  const rows: string[] = [];
  for (let seq = store.firstSeq; seq < store.firstSeq + store.counts().stored; seq++) {
    const row = store.summary(seq);
    if (row?.kind === 'message') rows.push(`${row.conn} ${row.preview}`);
  }
  return rows;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ended = (run: ExampleRun) => waitFor(`${run.key} to end`, () => (run.state === 'running' || run.state === 'stopping' ? undefined : run));
const portOf = (endpoint: string) => Number(/:(\d+)$/.exec(endpoint)?.[1]);

function bindFreely(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function listeningServer(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

describe('vscode runtime registry', () => {
  let current: ReturnType<typeof setUp> | undefined;
  const fresh = () => (current = setUp());

  afterEach(async () => {
    await current?.runtime.dispose();
    current = undefined;
  });

  it('runs an example to its end, files its events under run-unique sources and logs start, output and outcome', async () => {
    const { runtime, store, log } = fresh();
    const first = await runtime.startExample(hello, { count: 3, rate: 0 });
    const second = await runtime.startExample(hello, { count: 3, rate: 0 });
    await Promise.all([ended(first), ended(second)]);
    assert.deepEqual([first.state, second.state], ['finished', 'finished']);
    assert.deepEqual(store.sources().map((source) => source.id).sort(), [`${first.key}/hello`, `${second.key}/hello`]);
    assert.equal(runtime.messagesSeen, 12, '3 requests and 3 replies per run');
    assert.ok(log.lines.some((line) => line.startsWith(`info Hello World (${first.key}) started; sniffers hello: tcp://127.0.0.1:`)), log.lines.join('\n'));
    assert.ok(log.lines.includes(`info [${first.key}] client received: Hello client`));
    assert.ok(log.lines.includes(`info Hello World (${first.key}) finished: hello: 3 request/reply round trips`), log.lines.join('\n'));
    for (const { source } of first.sniffers()) {
      await bindFreely(portOf(source.listen));
      await bindFreely(portOf(source.target));
    }
  });

  it('stop() resolves with the example stopped, its outcome recorded and its ports free', async () => {
    const { runtime } = fresh();
    const run = await runtime.startExample(hello, { count: 0, rate: 0 });
    await waitFor('messages', () => (runtime.messagesSeen > 10 ? true : undefined));
    await runtime.stop(run.key);
    assert.equal(run.state, 'stopped');
    assert.match(run.outcome?.summary ?? '', /round trips/);
    assert.deepEqual(runtime.live(), []);
    for (const { source } of run.sniffers()) await bindFreely(portOf(source.listen));
  });

  it('logs at most OUTPUT_LINES_PER_RUN lines of an example\'s output, then says the rest was left out', async () => {
    const { runtime, log } = fresh();
    const run = await runtime.startExample(hello, { count: 0, rate: 0 });
    await waitFor('more output than is logged', () => (runtime.messagesSeen > OUTPUT_LINES_PER_RUN + 200 ? true : undefined), 30_000);
    await runtime.stop(run.key);
    const output = log.lines.filter((line) => line.startsWith(`info [${run.key}]`));
    assert.equal(output.length, OUTPUT_LINES_PER_RUN + 1);
    assert.match(output[output.length - 1], /more output not logged/);
  });

  it('refuses bad endpoints and a taken listen port with the engine\'s explanations, adding no run', async () => {
    const { runtime } = fresh();
    await assert.rejects(runtime.startSniffer({ target: 'tcp://127.0.0.1', listen: '0' }, '127.0.0.1'), (error: unknown) => error instanceof EndpointError && /has no port/.test(error.message));
    const { server, port } = await listeningServer();
    try {
      await assert.rejects(runtime.startSniffer({ target: 'tcp://127.0.0.1:5555', listen: String(port) }, '127.0.0.1'), (error: unknown) => error instanceof RelayError && error.code === 'address-in-use');
    } finally {
      server.close();
    }
    assert.deepEqual(runtime.runs(), []);
  });

  it('tells the host once per sniffer that its target cannot be reached', async () => {
    const { runtime, targetFailures } = fresh();
    // A port nothing listens on: bind one, note it, close it.
    const { server, port: deadPort } = await listeningServer();
    await new Promise((resolve) => server.close(resolve));
    const run = (await runtime.startSniffer({ target: `tcp://127.0.0.1:${deadPort}`, listen: 'tcp://127.0.0.1:*' }, '127.0.0.1')) as SnifferRun;
    for (let attempt = 0; attempt < 3; attempt++) {
      const client = net.connect(portOf(run.source.listen), '127.0.0.1');
      await new Promise((resolve) => client.once('close', resolve).once('error', () => undefined));
    }
    assert.equal(targetFailures.length, 1, targetFailures.join('\n'));
    assert.match(targetFailures[0], /refused/);
  });

  it(`keeps at most ${ENDED_RUNS_KEPT} ended runs, dropping the oldest`, async () => {
    const { runtime } = fresh();
    const keys: string[] = [];
    for (let i = 0; i < ENDED_RUNS_KEPT + 2; i++) {
      const run = await runtime.startExample(hello, { count: 1, rate: 0 });
      await ended(run);
      keys.push(run.key);
    }
    const kept = runtime.runs().map((run) => run.key);
    assert.equal(kept.length, ENDED_RUNS_KEPT + 1, 'the newest run is dropped only when the next one arrives');
    assert.deepEqual(kept, keys.slice(1));
    runtime.dismiss(keys[keys.length - 1]);
    assert.equal(runtime.get(keys[keys.length - 1]), undefined);
  });

  describe('in step mode', () => {
    const pubsub = findExample('pubsub') as ExampleInfo;
    const pipeline = findExample('pipeline') as ExampleInfo;
    let control: TrafficControl;
    const fresh = () => {
      control = new TrafficControl({ breakpoints: new BreakpointSet() });
      return (current = setUp(control));
    };
    const heldCount = () => control.state().heldCount;
    const holdFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('holds an example from its first message: it waits, not fails, while held, and Step lets exactly one message into the store', async function () {
      this.timeout(30_000);
      const { runtime, store } = fresh();
      control.hold();
      const run = await runtime.startExample(pubsub, { count: 3, rate: 0, prefixes: [''], topics: ['10001'] });
      await waitFor('three held updates', () => (heldCount() === 3 ? true : undefined));
      const [queue] = control.state().queues;
      assert.deepEqual([queue.conn, queue.connLabel, queue.dir], [`${run.key}/updates#1`, 'updates #1', 's2c']);
      // Longer than the example's own 200 ms wait for the last updates: it must keep waiting.
      await holdFor(1000);
      assert.equal(run.state, 'running');
      assert.equal(control.step(), true);
      await waitFor('one update in the store', () => (messageRows(store).length === 1 ? true : undefined));
      await holdFor(300);
      assert.deepEqual(messageRows(store), [`${run.key}/updates#1 10001 temperature=15 humidity=40`]);
      control.continue();
      await ended(run);
      assert.equal(run.state, 'finished', run.outcome?.summary);
      assert.equal(messageRows(store).length, 3);
    });

    it('a held pipeline outlasts its result wait and finishes once continued; the stopped run leaves the control', async function () {
      this.timeout(30_000);
      const { runtime } = fresh();
      control.hold();
      const run = await runtime.startExample(pipeline, { count: 4, workers: 2, rate: 0, resultWaitMs: 200 });
      await waitFor('held tasks', () => (heldCount() >= 1 ? true : undefined));
      await holdFor(1000);
      assert.equal(run.state, 'running');
      control.continue();
      await ended(run);
      assert.equal(run.state, 'finished', run.outcome?.summary);
      assert.match(control.act('hold', `${run.key}/tasks#1`) ?? '', /not running in step mode/);
    });

    it('starts Sniff Endpoint sniffers in step mode and detaches them when they stop', async () => {
      const { runtime } = fresh();
      const { server, port } = await listeningServer();
      try {
        const run = await runtime.startSniffer({ target: `tcp://127.0.0.1:${port}`, listen: 'tcp://127.0.0.1:*' }, '127.0.0.1');
        assert.match(control.act('hold', `${run.key}#1`) ?? '', /connection 1: it is not open on this sniffer/);
        await runtime.stop(run.key);
        assert.match(control.act('hold', `${run.key}#1`) ?? '', /not running in step mode/);
      } finally {
        server.close();
      }
    });
  });

  it('dispose() stops everything, leaves no server or timer behind, and refuses new starts', async () => {
    const { runtime } = fresh();
    // After a turn of the event loop mocha's own test timer is running: it belongs in the baseline.
    await new Promise((resolve) => setImmediate(resolve));
    const baseline = countResources();
    const { server, port } = await listeningServer();
    const example = await runtime.startExample(hello, { count: 0, rate: 20 });
    const sniffer = (await runtime.startSniffer({ target: `tcp://127.0.0.1:${port}`, listen: 'tcp://127.0.0.1:*' }, '127.0.0.1')) as SnifferRun;
    await waitFor('messages', () => (runtime.messagesSeen > 2 ? true : undefined));
    // Still binding its sockets when dispose() begins: it must be stopped as soon as it is up.
    const starting = runtime.startExample(hello, { count: 0, rate: 20 }).then(() => undefined, (error: unknown) => error);
    await runtime.dispose();
    assert.match(String(await starting), /shut down while this was starting/);
    assert.deepEqual([example.state, sniffer.state], ['stopped', 'stopped']);
    await new Promise((resolve) => server.close(resolve));
    await bindFreely(portOf(sniffer.source.listen));
    for (const { source } of example.sniffers()) await bindFreely(portOf(source.listen));
    await assert.rejects(runtime.startExample(hello), /shutting down/);
    const after = await waitFor(`servers and timers back to ${JSON.stringify(baseline)}`, () => {
      const now = countResources();
      return now.TCPServerWrap <= baseline.TCPServerWrap && now.Timeout <= baseline.Timeout ? now : undefined;
    });
    assert.ok(after.TCPServerWrap <= baseline.TCPServerWrap);
  });
});

function countResources(): Record<'TCPServerWrap' | 'Timeout', number> {
  const active = process.getActiveResourcesInfo();
  return { TCPServerWrap: active.filter((kind) => kind === 'TCPServerWrap').length, Timeout: active.filter((kind) => kind === 'Timeout').length };
}
