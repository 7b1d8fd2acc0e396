// The slides' examples with real zeromq sockets, every connection through a real sniffer.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { startHello } from '../../extension/examples/hello';
import { startPipeline } from '../../extension/examples/pipeline';
import { startPubSub } from '../../extension/examples/pubsub';
import type { RunningExample, SnifferSource } from '../../extension/examples/session';
import type { SnifferEvent } from '../../extension/sniffer/types';
import type { CommandEvent, MessageEvent } from '../../extension/zmtp/types';

interface Recorded {
  source: SnifferSource;
  event: SnifferEvent;
}

function recorder() {
  const events: Recorded[] = [];
  return {
    events,
    onEvent: (source: SnifferSource, event: SnifferEvent) => events.push({ source, event }),
    messages: (sniffer?: string) =>
      events.flatMap(({ source, event }) =>
        event.type === 'zmtp' && event.event.kind === 'message' && (!sniffer || source.name === sniffer) ? [{ dir: event.dir, conn: event.conn, message: event.event as MessageEvent }] : [],
      ),
    commands: (name: string) => events.flatMap(({ event }) => (event.type === 'zmtp' && event.event.kind === 'command' && event.event.name === name ? [event.event as CommandEvent] : [])),
  };
}

const text = (message: MessageEvent) => message.frames.map((frame) => Buffer.from(frame.body).toString());

/** True when nothing listens on the endpoint any more. */
function portIsFree(endpoint: string): Promise<boolean> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname.replace(/^\[|\]$/g, ''));
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
}

async function stopAndCheckFreed(running: RunningExample): Promise<void> {
  const endpoints = running.session.snifferSources.flatMap((source) => [source.listen, source.target]);
  await running.stop();
  for (const endpoint of endpoints) assert.ok(await portIsFree(endpoint), `${endpoint} still accepts connections after stop()`);
}

describe('examples', () => {
  it('hello: REQ sends "Hello server", REP answers "Hello client", seen on the wire with the REQ envelope', async () => {
    const record = recorder();
    const logs: string[] = [];
    const running = await startHello({ count: 3, rate: 0, onEvent: record.onEvent, onLog: (line) => logs.push(line) });
    const outcome = await running.finished;
    await stopAndCheckFreed(running);
    assert.ok(outcome.ok, outcome.summary);
    const requests = record.messages().filter((m) => m.dir === 'c2s');
    const replies = record.messages().filter((m) => m.dir === 's2c');
    assert.equal(requests.length, 3);
    assert.equal(replies.length, 3);
    // REQ puts an empty delimiter frame before the body; REP echoes it back.
    assert.deepEqual(text(requests[0].message), ['', 'Hello server']);
    assert.deepEqual(text(replies[0].message), ['', 'Hello client']);
    const types = record.commands('READY').map((ready) => ready.metadata?.find((m) => m.name === 'Socket-Type')?.text).sort();
    assert.deepEqual(types, ['REP', 'REQ']);
    assert.ok(logs.includes('client received: Hello client'));
  });

  it('pipeline (diagram form): every task reaches a worker and every result reaches the sink', async () => {
    const record = recorder();
    const running = await startPipeline({ count: 12, workers: 3, taskSize: 5, rate: 0, onEvent: record.onEvent });
    const outcome = await running.finished;
    await stopAndCheckFreed(running);
    assert.ok(outcome.ok, outcome.summary);
    const tasks = record.messages('tasks');
    const results = record.messages('results');
    assert.equal(tasks.length, 12);
    assert.equal(results.length, 12);
    assert.equal(new Set(tasks.map((t) => t.conn)).size, 3, 'PUSH spreads tasks over all three workers');
    // Connections are observed independently, so compare the set of tasks, not their interleaving.
    const firstNumbers = tasks.map((t) => Number(text(t.message)[0].split('::')[0])).sort((a, b) => a - b);
    assert.deepEqual(firstNumbers, Array.from({ length: 12 }, (_, i) => i * 5));
    assert.ok(tasks.some((t) => text(t.message)[0] === '0::1::2::3::4'));
    const total = results.reduce((sum, r) => sum + Number(text(r.message)[0].split('::')[1]), 0);
    assert.equal(total, (60 * 59) / 2);
  });

  it('pipeline (code form): results travel PUB -> SUB with a subscribe-all from the sink', async () => {
    const record = recorder();
    const running = await startPipeline({ count: 6, workers: 2, taskSize: 3, rate: 20, form: 'code', onEvent: record.onEvent });
    const outcome = await running.finished;
    await stopAndCheckFreed(running);
    const subscriptions = record.commands('SUBSCRIBE');
    assert.ok(subscriptions.length >= 2, 'the sink subscribes on each worker connection');
    assert.ok(subscriptions.every((s) => s.topic?.length === 0));
    // Results published before a subscription arrives are lost: the outcome must say so when it happens.
    const results = record.messages('results').length;
    assert.equal(outcome.ok, results === 6, outcome.summary);
    if (results < 6) assert.match(outcome.summary, /slow joiner/);
  });

  it('pubsub: each subscriber gets only its prefix; subscriptions are visible on the wire', async () => {
    const record = recorder();
    const running = await startPubSub({ count: 9, rate: 0, prefixes: ['10001', '10002', ''], onEvent: record.onEvent });
    const outcome = await running.finished;
    await stopAndCheckFreed(running);
    assert.ok(outcome.ok, outcome.summary);
    const topics = record.commands('SUBSCRIBE').map((s) => Buffer.from(s.topic ?? []).toString()).sort();
    assert.deepEqual(topics, ['', '10001', '10002']);
    const perConnection = new Map<number, number>();
    for (const m of record.messages('updates')) perConnection.set(m.conn, (perConnection.get(m.conn) ?? 0) + 1);
    // 9 updates cycling 3 topics: 3 for "10001", 3 for "10002", 9 for "".
    assert.deepEqual([...perConnection.values()].sort((a, b) => a - b), [3, 3, 9]);
  });

  it('stop() in the middle of an endless example frees every socket, port and timer', async () => {
    const running = await startHello({ count: 0, rate: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stopAndCheckFreed(running);
    const outcome = await running.finished;
    assert.match(outcome.summary, /round trips/);
  });
});
