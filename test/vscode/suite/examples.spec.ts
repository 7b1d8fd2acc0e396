// Run Example commands in a real VS Code: the inspector opens, and the shared capture store and
// the ZeroMQ view show the example's sockets, connections and messages as the sniffers saw them.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import type { ExampleRun } from '../../../extension/vscode/runs';
import { assertRunPortsFree, inspectorTabs, rowsOfRun, treeChildren, useExtension, waitFor } from './harness';

/** Waits until the run has ended on its own (the example did all its work). */
function ended(api: ZmqInspectorApi, key: string): Promise<ExampleRun> {
  return waitFor(`run ${key} to finish`, () => {
    const run = api.runtime.get(key);
    return run?.kind === 'example' && run.state !== 'running' && run.state !== 'stopping' ? run : undefined;
  }, 30_000);
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('Run Example commands', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  beforeEach(() => (api = extension()));

  it('Hello World opens the inspector and captures REQ → REP "Hello server" / REP → REQ "Hello client"', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello');
    assert.ok(key, 'the command returned no run key: the example did not start');
    await waitFor('the inspector webview tab', () => inspectorTabs()[0]);

    const run = await ended(api, key);
    assert.equal(run.state, 'finished', `outcome: ${run.outcome?.summary}`);
    assert.match(run.outcome?.summary ?? '', /10 request\/reply round trips/);

    const messages = rowsOfRun(api, key).filter((row) => row.kind === 'message');
    // REQ and REP put an empty delimiter frame (∅) before the body: that is what crosses the wire.
    const requests = messages.filter((row) => row.preview === '∅ · Hello server');
    const replies = messages.filter((row) => row.preview === '∅ · Hello client');
    assert.equal(requests.length, 10, `requests seen: ${JSON.stringify(messages.slice(0, 4))}`);
    assert.equal(replies.length, 10);
    assert.deepEqual([requests[0].sender, requests[0].receiver, requests[0].dir], ['REQ', 'REP', 'c2s']);
    assert.deepEqual([replies[0].sender, replies[0].receiver, replies[0].dir], ['REP', 'REQ', 's2c']);

    const [source] = run.sniffers().map((entry) => entry.source);
    const nodes = api.store.topology.snapshot().nodes.filter((node) => node.source === source.name && (node.id === `bound:${source.target}` || node.id.startsWith(`peer:${key}/`)));
    assert.deepEqual(nodes.map((node) => `${node.role} ${node.socketType}`).sort(), ['bound REP', 'connecting REQ']);

    // Finished examples free their ports at once.
    await assertRunPortsFree(run);
  });

  it('Pipeline shows the manager, three workers and the sink with task and result counts', async () => {
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExamplePipeline');
    assert.ok(key, 'the pipeline did not start');
    const run = await ended(api, key);
    assert.equal(run.state, 'finished', `outcome: ${run.outcome?.summary}`);

    const runNode = treeChildren(api).find((entry) => entry.node.runKey === key);
    assert.ok(runNode, 'the run is not in the ZeroMQ view');
    assert.equal(runNode.label, 'Pipeline');
    assert.match(runNode.description, /Manager\/Workers\/Sink · finished/);
    const sniffers = treeChildren(api, runNode.node);
    assert.deepEqual(sniffers.map((entry) => entry.label), ['tasks', 'results']);

    const [tasks, results] = sniffers.map((entry) => treeChildren(api, entry.node));
    assert.equal(tasks.length, 3, 'one tasks connection per worker');
    assert.equal(results.length, 3, 'one results connection per worker');
    // Workers connect: a worker's PULL connects to the manager's PUSH, its PUSH to the sink's PULL.
    tasks.forEach((conn) => assert.match(conn.label, /^#\d+ PULL ⇄ PUSH$/));
    results.forEach((conn) => assert.match(conn.label, /^#\d+ PUSH ⇄ PULL$/));
    const count = (entries: typeof tasks) => sum(entries.map((conn) => Number(/PUSH→PULL (\d+)/.exec(conn.description)?.[1] ?? NaN)));
    assert.equal(count(tasks), 20, `tasks: ${tasks.map((conn) => conn.description).join(' | ')}`);
    assert.equal(count(results), 20, `results: ${results.map((conn) => conn.description).join(' | ')}`);

    const nodes = api.store.topology.snapshot().nodes.filter((node) => node.id.startsWith(`peer:${key}/`) || run.sniffers().some(({ source }) => node.id === `bound:${source.target}`));
    const roles = nodes.map((node) => `${node.role} ${node.source} ${node.socketType}`).sort();
    assert.deepEqual(roles, [
      'bound results PULL', // the sink
      'bound tasks PUSH', // the manager
      'connecting results PUSH',
      'connecting results PUSH',
      'connecting results PUSH',
      'connecting tasks PULL',
      'connecting tasks PULL',
      'connecting tasks PULL',
    ]);
  });

  it('Publish/Subscribe captures the three subscriptions and exactly the updates the subscribers received', async () => {
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExamplePubSub', { count: 12 });
    assert.ok(key, 'pub/sub did not start');
    const run = await ended(api, key);
    const rows = rowsOfRun(api, key);
    const subscribes = rows.filter((row) => row.kind === 'command' && row.name === 'SUBSCRIBE');
    assert.deepEqual(subscribes.map((row) => row.receiver).sort(), ['PUB', 'PUB', 'PUB'], 'one SUBSCRIBE per subscriber');
    // The PUB filters by prefix before sending, so the wire carries what each subscriber gets: the
    // capture must hold exactly the received counts the example reports ("10001": 4/4, ...).
    const summary = run.outcome?.summary ?? '';
    const received = [...summary.matchAll(/": (\d+)\/\d+/g)].map((match) => Number(match[1]));
    assert.equal(received.length, 3, `no per-subscriber counts in the outcome: ${summary}`);
    const updates = rows.filter((row) => row.kind === 'message' && row.sender === 'PUB' && row.receiver === 'SUB');
    assert.equal(updates.length, sum(received), `outcome: ${summary}`);
    assert.ok(updates.every((row) => /^1000[123] temperature=/.test(row.preview)), `an update without its topic: ${updates.map((row) => row.preview).join(' | ')}`);
  });

  it('refuses bad options with a notification instead of starting', async () => {
    const before = api.runtime.runs().length;
    const key = await vscode.commands.executeCommand('zmqInspector.runExampleHello', { count: -1 });
    assert.equal(key, undefined);
    assert.equal(api.runtime.runs().length, before, 'a run was added for refused options');
  });
});
