// Sniff Endpoint in a real VS Code, in front of a zeromq REP the test binds: the REQ's request and
// the reply cross the sniffer and show in the store and the ZeroMQ view; Stop frees the port.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import { assertPortFree, freePort, requestReply, rowsOfRun, treeChildren, useExtension, waitFor } from './harness';

describe('Sniff Endpoint', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  const sockets: zmq.Socket[] = [];
  const servers: net.Server[] = [];
  beforeEach(() => (api = extension()));

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function boundReply(): Promise<{ rep: zmq.Reply; target: string }> {
    const rep = new zmq.Reply({ linger: 0 });
    sockets.push(rep);
    await rep.bind('tcp://127.0.0.1:*');
    return { rep, target: rep.lastEndpoint as string };
  }

  it('shows the frames a REQ and a REP exchange through it, and Stop frees its port', async () => {
    const { rep, target } = await boundReply();
    const port = await freePort();
    const listen = `tcp://127.0.0.1:${port}`;
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.sniffEndpoint', { target, listen, name: 'test server' });
    assert.ok(key, 'the sniffer did not start');

    await requestReply(listen, rep, sockets, ['ping', 'second frame'], 'pong');

    const messages = await waitFor('both messages in the capture', () => {
      const rows = rowsOfRun(api, key).filter((row) => row.kind === 'message');
      return rows.length >= 2 ? rows : undefined;
    });
    // REQ puts an empty delimiter frame first: that is what crossed the wire.
    assert.deepEqual(messages.map((row) => [row.sender, row.receiver, row.frames, row.preview]), [
      ['REQ', 'REP', 3, '∅ · ping · second frame'],
      ['REP', 'REQ', 2, '∅ · pong'],
    ]);

    const runNode = await waitFor('the connection in the ZeroMQ view', () => {
      const node = treeChildren(api).find((entry) => entry.node.runKey === key);
      return node && treeChildren(api, node.node).length > 0 ? node : undefined;
    });
    assert.equal(runNode.label, 'test server');
    assert.equal(runNode.contextValue, 'sniffer.live');
    const [connection] = treeChildren(api, runNode.node);
    assert.equal(connection.label, '#1 REQ ⇄ REP');
    assert.match(connection.description, /^open · REQ→REP 1 · REP→REQ 1 msgs$/);

    await vscode.commands.executeCommand('zmqInspector.stopSniffer');
    assert.equal(api.runtime.get(key)?.state, 'stopped');
    await assertPortFree(port, `the sniffer's listen port ${listen}`);
  });

  it('refuses a target without a port and starts nothing', async () => {
    const key = await vscode.commands.executeCommand('zmqInspector.sniffEndpoint', { target: 'tcp://127.0.0.1' });
    assert.equal(key, undefined);
    assert.equal(api.runtime.live('sniffer').length, 0);
  });

  it('reports a listen port in use and starts nothing', async () => {
    const { target } = await boundReply();
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const taken = (server.address() as net.AddressInfo).port;
    const key = await vscode.commands.executeCommand('zmqInspector.sniffEndpoint', { target, listen: `tcp://127.0.0.1:${taken}` });
    assert.equal(key, undefined);
    assert.equal(api.runtime.live('sniffer').length, 0);
  });

  it('listens on a free port of the default host when the argument names no listen endpoint', async () => {
    const { target } = await boundReply();
    const key = await vscode.commands.executeCommand<string>('zmqInspector.sniffEndpoint', { target });
    const run = api.runtime.get(key);
    assert.ok(run?.kind === 'sniffer');
    assert.match(run.source.listen, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(run.source.listen, target);
  });
});
