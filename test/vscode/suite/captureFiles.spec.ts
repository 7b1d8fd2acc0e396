// Save Capture…, Open Capture… and Capture Port… in a real VS Code: the Hello World example's
// traffic saved as JSON Lines and pcapng and read back by the capture engine, reopened into the
// store after Clear, and a port watched live by tcpdump while the test's own REQ and REP talk.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import { readCapture } from '../../../extension/capture';
import type { RowSummary } from '../../../extension/protocol';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import { requestReply, rowsOfRun, treeChildren, useExtension, waitFor } from './harness';

const HELLO_COUNT = 3;
const helloExchange = Array.from({ length: HELLO_COUNT }, () => ['Hello server', 'Hello client']).flat();

/** What a row shows of a message: who sent it to whom, and its frames. */
const messageRows = (rows: RowSummary[]) => rows.filter((row) => row.kind === 'message').map((row) => [row.sender, row.receiver, row.frames, row.preview]);

/** The last frame of every message the capture engine decodes from the file. */
async function messagesInFile(path: string): Promise<string[]> {
  const texts: string[] = [];
  await readCapture(path, {
    onEvent: (event) => {
      if (event.type === 'zmtp' && event.event.kind === 'message') texts.push(Buffer.from(event.event.frames[event.event.frames.length - 1].body).toString());
    },
  });
  return texts;
}

describe('Save Capture, Open Capture and Capture Port', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  let folder: string;
  const sockets: zmq.Socket[] = [];

  before(() => (folder = mkdtempSync(join(tmpdir(), 'zmqi-captures-'))));
  after(() => rmSync(folder, { recursive: true, force: true }));
  beforeEach(() => (api = extension()));
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  /** Clears the capture, runs Hello World to its end and returns its run key. */
  async function helloRecorded(): Promise<string> {
    await vscode.commands.executeCommand('zmqInspector.clearCapture');
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello', { count: HELLO_COUNT, rate: 0 });
    assert.ok(key, 'Hello World did not start');
    await waitFor('Hello World to finish', () => (api.runtime.get(key)?.state === 'finished' ? true : undefined));
    return key;
  }

  it('saves the Hello World traffic as JSON Lines that the capture reader decodes to its requests and replies', async () => {
    await helloRecorded();
    const path = join(folder, 'hello.jsonl');
    const saved = await vscode.commands.executeCommand<string | undefined>('zmqInspector.saveCapture', { path });
    assert.equal(saved, path);
    assert.deepEqual(await messagesInFile(path), helloExchange);
  });

  it('after Clear, Open Capture restores the same message rows under a source named after the file', async () => {
    const key = await helloRecorded();
    const live = messageRows(rowsOfRun(api, key));
    assert.equal(live.length, HELLO_COUNT * 2, `rows of the run: ${JSON.stringify(live)}`);
    const path = join(folder, 'reopen.jsonl');
    assert.equal(await vscode.commands.executeCommand('zmqInspector.saveCapture', { path }), path);

    await vscode.commands.executeCommand('zmqInspector.clearCapture');
    assert.equal(api.store.counts().stored, 0);
    const opened = await vscode.commands.executeCommand<string | undefined>('zmqInspector.openCapture', { path });
    assert.ok(opened, 'the capture did not open');
    assert.deepEqual(messageRows(rowsOfRun(api, opened)), live);
    assert.ok(
      live.some(([, , , preview]) => String(preview).includes('Hello server')) && live.some(([, , , preview]) => String(preview).includes('Hello client')),
      `no Hello rows: ${JSON.stringify(live)}`,
    );
    const sources = api.store.sources().filter((source) => source.id.startsWith(`${opened}/`));
    assert.ok(sources.length > 0 && sources.every((source) => source.name.startsWith('reopen.jsonl')), `sources: ${JSON.stringify(sources)}`);
  });

  it('saves pcapng and gzip-compressed JSON Lines that read back to the same messages', async () => {
    await helloRecorded();
    for (const name of ['hello.pcapng', 'hello.jsonl.gz']) {
      const path = join(folder, name);
      assert.equal(await vscode.commands.executeCommand('zmqInspector.saveCapture', { path }), path, name);
      assert.deepEqual(await messagesInFile(path), helloExchange, name);
    }
  });

  it('Capture Port shows a REQ/REP exchange on a watched port as a run, and Stop ends it', async () => {
    const rep = new zmq.Reply({ linger: 0 });
    sockets.push(rep);
    await rep.bind('tcp://127.0.0.1:*');
    const endpoint = rep.lastEndpoint as string;
    const port = Number(/:(\d+)$/.exec(endpoint)?.[1]);
    // Loopback only: on this kernel tcpdump's "any" device drops about half the loopback packets
    // ("packets dropped by kernel"), which would turn the exchange into gaps.
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.capturePort', { port, interface: 'lo' });
    assert.ok(key, 'the port capture did not start (is tcpdump installed, and may it capture?)');
    const runNode = treeChildren(api).find((entry) => entry.node.runKey === key);
    assert.equal(runNode?.label, `Port ${port}`);
    assert.match(runNode?.description ?? '', /^tcpdump on tcp port \d+ \(lo\) · running$/);
    assert.equal(runNode?.contextValue, 'capture.live');

    await requestReply(endpoint, rep, sockets, 'ping through tcpdump', 'pong through tcpdump');

    const messages = await waitFor('both messages from tcpdump in the store', () => {
      const rows = messageRows(rowsOfRun(api, key));
      return rows.length >= 2 ? rows : undefined;
    });
    assert.deepEqual(messages, [
      ['REQ', 'REP', 2, '∅ · ping through tcpdump'],
      ['REP', 'REQ', 2, '∅ · pong through tcpdump'],
    ]);

    await vscode.commands.executeCommand('zmqInspector.stopItem', runNode?.node);
    assert.equal(api.runtime.get(key)?.state, 'stopped');
    assert.equal(treeChildren(api).find((entry) => entry.node.runKey === key)?.contextValue, 'capture.ended');
  });

  it('refuses a bad port, a missing file and a file name without a capture extension, starting and writing nothing', async () => {
    const runs = api.runtime.runs().length;
    for (const request of [{ port: 0 }, { port: 70000 }, { port: 'http' }, { port: 5.5 }, { port: 5555, interface: '-w' }, { port: 5555, interface: 'nosuchif0' }]) {
      assert.equal(await vscode.commands.executeCommand('zmqInspector.capturePort', request), undefined, JSON.stringify(request));
    }
    assert.equal(api.runtime.runs().length, runs, 'a run was added for a bad port');

    const sources = api.store.sources().length;
    const stored = api.store.counts().stored;
    assert.equal(await vscode.commands.executeCommand('zmqInspector.openCapture', { path: join(folder, 'no-such-capture.jsonl') }), undefined);
    assert.equal(await vscode.commands.executeCommand('zmqInspector.openCapture', { path: 'relative.jsonl' }), undefined);
    assert.equal(api.store.sources().length, sources);
    assert.equal(api.store.counts().stored, stored);

    await helloRecorded();
    const wrongName = join(folder, 'capture.txt');
    assert.equal(await vscode.commands.executeCommand('zmqInspector.saveCapture', { path: wrongName }), undefined);
    assert.equal(existsSync(wrongName), false, 'a file was written under a name without a capture extension');
  });
});
