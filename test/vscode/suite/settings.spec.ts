// zmqInspector.previewBytes in a real VS Code: a change reaches the capture store and the previews
// of real traffic through a sniffer; an out-of-range value is clamped.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import { rowsOfRun, useExtension, waitFor } from './harness';

const config = () => vscode.workspace.getConfiguration('zmqInspector');
const PAYLOAD = 'abcdefghijklmnopqrstuvwxyz'.repeat(40);

describe('the previewBytes setting', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  const sockets: zmq.Socket[] = [];
  beforeEach(() => (api = extension()));

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  after(async () => {
    await config().update('previewBytes', undefined, vscode.ConfigurationTarget.Global);
  });

  /** PUSH -> sniffer -> PULL, one message of PAYLOAD; returns the preview the store shows for it. */
  async function previewOfSniffedMessage(): Promise<() => string> {
    const pull = new zmq.Pull({ linger: 0, receiveTimeout: 10_000 });
    sockets.push(pull);
    await pull.bind('tcp://127.0.0.1:*');
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.sniffEndpoint', { target: pull.lastEndpoint, name: 'preview test' });
    assert.ok(key, 'the sniffer did not start');
    const run = api.runtime.get(key);
    assert.ok(run?.kind === 'sniffer', 'the sniffer did not start');
    const listen = run.source.listen;
    const push = new zmq.Push({ linger: 0 });
    sockets.push(push);
    push.connect(listen);
    await push.send(PAYLOAD);
    assert.equal(String((await pull.receive())[0]), PAYLOAD);
    await waitFor('the message in the capture', () => (rowsOfRun(api, key).some((row) => row.kind === 'message') ? true : undefined));
    return () => rowsOfRun(api, key).find((row) => row.kind === 'message')?.preview ?? '';
  }

  it('sets the preview length of the capture store, at once for rows already captured', async () => {
    assert.equal(api.store.previewLength, 64, 'the default');
    const preview = await previewOfSniffedMessage();
    assert.equal(preview(), `${PAYLOAD.slice(0, 63)}…`);

    await config().update('previewBytes', 300, vscode.ConfigurationTarget.Global);
    await waitFor('preview length 300', () => (api.store.previewLength === 300 ? true : undefined));
    assert.equal(api.settings().previewBytes, 300);
    assert.equal(preview(), `${PAYLOAD.slice(0, 299)}…`);

    await config().update('previewBytes', 2000, vscode.ConfigurationTarget.Global);
    await waitFor('preview length 2000', () => (api.store.previewLength === 2000 ? true : undefined));
    assert.equal(preview(), PAYLOAD, 'a payload shorter than the preview shows whole, unmarked');
  });

  it('clamps an out-of-range value to 8 to 4096 bytes', async () => {
    await config().update('previewBytes', 2, vscode.ConfigurationTarget.Global);
    await waitFor('preview length clamped to 8', () => (api.store.previewLength === 8 ? true : undefined));
    await config().update('previewBytes', 100_000, vscode.ConfigurationTarget.Global);
    await waitFor('preview length clamped to 4096', () => (api.store.previewLength === 4096 ? true : undefined));
    await config().update('previewBytes', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the default preview length', () => (api.store.previewLength === 64 ? true : undefined));
  });
});
