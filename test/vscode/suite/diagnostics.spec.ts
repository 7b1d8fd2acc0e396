// Diagnostics in a real VS Code: a Sniff Endpoint in front of a zeromq PUSH the test binds, with a
// zeromq PUB connecting through it (libzmq rejects the pair and the PUB reconnects in a loop), is
// one rule-1 diagnosis in the extension's API with counts in the ZeroMQ view; Clear Capture
// forgets it; the Hello World example raises none.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import { delay, freePort, treeChildren, useExtension, waitFor } from './harness';

const describeAll = (api: ZmqInspectorApi): string =>
  api.diagnostics
    .list()
    .map((diagnostic) => `${diagnostic.id} ×${diagnostic.count}: ${diagnostic.message}`)
    .join('\n') || 'none';

describe('Diagnostics', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  const sockets: zmq.Socket[] = [];
  beforeEach(async () => {
    api = extension();
    await vscode.commands.executeCommand('zmqInspector.clearCapture');
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('a PUB connecting to a PUSH through Sniff Endpoint is one rule-1 error, counted in the ZeroMQ view, and Clear Capture forgets it', async () => {
    const push = new zmq.Push({ linger: 0 });
    sockets.push(push);
    await push.bind('tcp://127.0.0.1:*');
    const listen = `tcp://127.0.0.1:${await freePort()}`;
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.sniffEndpoint', { target: push.lastEndpoint as string, listen, name: 'mismatched' });
    assert.ok(key, 'the sniffer did not start');
    const pub = new zmq.Publisher({ linger: 0 });
    sockets.push(pub);
    pub.connect(listen);

    // Whether libzmq's PUB reconnects depends on which side reads the other's READY first (a
    // connecting side that sees the protocol error itself stops for good), so wait for the diagnosis
    // and then for a while longer: however many connections follow, they stay one diagnosis.
    await waitFor('the rule-1 diagnosis', () => {
      api.diagnostics.flush();
      return api.diagnostics.list().find((candidate) => candidate.rule === 'socket-types' && candidate.sniffer === key);
    });
    await delay(1000);
    api.diagnostics.flush();
    const diagnostic = api.diagnostics.list().find((candidate) => candidate.rule === 'socket-types' && candidate.sniffer === key)!;
    assert.ok(diagnostic.count >= 1);
    assert.deepEqual([diagnostic.ruleNumber, diagnostic.severity, diagnostic.title], [1, 'error', 'Incompatible socket types']);
    assert.match(diagnostic.message, /PUB sockets accept only SUB or XSUB peers|PUSH sockets accept only PULL peers/);
    assert.equal(api.diagnostics.list().filter((candidate) => candidate.sniffer === key).length, 1, `one diagnosis for the cause, not one per reconnect: ${describeAll(api)}`);

    const runNode = treeChildren(api).find((entry) => entry.node.runKey === key);
    assert.ok(runNode, 'the sniffer is not in the ZeroMQ view');
    assert.match(runNode.description, /^⚠ 1 error · /);
    const connections = treeChildren(api, runNode.node);
    const marked = connections.filter((entry) => /^⚠ 1 · /.test(entry.description));
    assert.ok(marked.length >= 1, `a connection with its count: ${connections.map((entry) => `${entry.label}: ${entry.description}`).join('; ')}`);

    pub.close();
    await vscode.commands.executeCommand('zmqInspector.stopSniffer', key);
    await vscode.commands.executeCommand('zmqInspector.clearCapture');
    assert.equal(describeAll(api), 'none', 'Clear Capture clears the diagnoses');
    const after = treeChildren(api).find((entry) => entry.node.runKey === key);
    assert.doesNotMatch(after?.description ?? '', /⚠/);
  });

  it('the Hello World example raises no diagnosis', async () => {
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello');
    assert.ok(key, 'the example did not start');
    const run = await waitFor('the example to finish', () => {
      const candidate = api.runtime.get(key);
      return candidate && candidate.state !== 'running' && candidate.state !== 'stopping' ? candidate : undefined;
    }, 30_000);
    assert.equal(run.state, 'finished');
    assert.ok(api.store.counts().stored > 0, 'its traffic was captured (and so diagnosed)');
    // Past the notification batch, so a late diagnosis would be listed.
    await delay(500);
    api.diagnostics.flush();
    assert.equal(describeAll(api), 'none');
  });
});
