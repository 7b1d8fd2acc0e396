// Debug-session sniffers in a real VS Code: a Node program started under the built-in JavaScript
// debugger (ms-vscode.js-debug ships with code-server 1.100.3) with a launch configuration whose
// `zmqInspector` block declares a sniffer in front of a zeromq REP the test binds. While the
// session runs the sniffer exists and relays the test's REQ; when the session ends its port is free.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import type { Run } from '../../../extension/vscode/runs';
import { assertPortFree, freePort, requestReply, rowsOfRun, useExtension, waitFor } from './harness';

// Ends by itself after a while, so a failed stop cannot leave it behind.
const DEBUGGEE = 'const until = Date.now() + 45_000;\nconst timer = setInterval(() => { if (Date.now() > until) clearInterval(timer); }, 200);\n';

const config = () => vscode.workspace.getConfiguration('zmqInspector');

describe('debug sessions', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  const sockets: zmq.Socket[] = [];
  const files: string[] = [];
  beforeEach(() => (api = extension()));

  afterEach(async () => {
    await vscode.debug.stopDebugging();
    for (const socket of sockets.splice(0)) socket.close();
    for (const file of files.splice(0)) fs.rmSync(file, { force: true });
    await config().update('sniffers', undefined, vscode.ConfigurationTarget.Global);
  });

  async function boundReply(): Promise<{ rep: zmq.Reply; target: string }> {
    const rep = new zmq.Reply({ linger: 0, receiveTimeout: 10_000 });
    sockets.push(rep);
    await rep.bind('tcp://127.0.0.1:*');
    return { rep, target: rep.lastEndpoint as string };
  }

  /** Starts the debuggee under the `node` debugger; resolves to its root session. */
  async function debugProgram(name: string, extra: Record<string, unknown>): Promise<vscode.DebugSession> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has no folder to write the debuggee into');
    const program = path.join(folder.uri.fsPath, `${name.replace(/\W+/g, '-')}.js`);
    fs.writeFileSync(program, DEBUGGEE);
    files.push(program);
    let root: vscode.DebugSession | undefined;
    const watch = vscode.debug.onDidStartDebugSession((session) => {
      if (!session.parentSession && session.name === name) root = session;
    });
    try {
      const started = await vscode.debug.startDebugging(folder, { type: 'node', request: 'launch', name, program, ...extra });
      assert.ok(started, `VS Code did not start the debug session "${name}"`);
      return await waitFor(`the debug session "${name}"`, () => root);
    } finally {
      watch.dispose();
    }
  }

  async function endSession(session: vscode.DebugSession): Promise<void> {
    let ended = false;
    const watch = vscode.debug.onDidTerminateDebugSession((terminated) => {
      if (terminated.id === session.id) ended = true;
    });
    try {
      await vscode.debug.stopDebugging(session);
      await waitFor('the debug session to end', () => (ended ? true : undefined));
    } finally {
      watch.dispose();
    }
  }

  const liveSniffersNamed = (name: string): Run[] => api.runtime.live('sniffer').filter((run) => run.label === name);

  /** A REQ through `listen` to `rep`; returns once the reply came back. */
  async function talkThrough(listen: string, rep: zmq.Reply): Promise<void> {
    await requestReply(listen, rep, sockets, 'while debugging', 'reply');
  }

  it("starts the launch configuration's sniffer with the session, once for all its child sessions, and stops it when the session ends", async () => {
    const { rep, target } = await boundReply();
    const port = await freePort();
    const listen = `tcp://127.0.0.1:${port}`;
    const session = await debugProgram('zmqi debuggee', { zmqInspector: { sniffers: [{ name: 'debugged api', listen, target }], openInspector: false } });

    const run = await waitFor('the launch configuration sniffer', () => liveSniffersNamed('debugged api')[0]);
    assert.ok(run.kind === 'sniffer');
    assert.equal(run.source.listen, listen);
    assert.equal(run.source.target, target);
    await talkThrough(listen, rep);
    const messages = await waitFor('the request and reply in the capture', () => {
      const rows = rowsOfRun(api, run.key).filter((row) => row.kind === 'message');
      return rows.length >= 2 ? rows : undefined;
    });
    assert.deepEqual(messages.map((row) => [row.sender, row.receiver, row.preview]), [
      ['REQ', 'REP', '∅ · while debugging'],
      ['REP', 'REQ', '∅ · reply'],
    ]);
    // js-debug runs the program in a child session of the launch; it must not start a second sniffer.
    assert.equal(liveSniffersNamed('debugged api').length, 1);

    await endSession(session);
    await waitFor('the sniffer to stop with the session', () => (api.runtime.get(run.key)?.state === 'stopped' ? true : undefined));
    await assertPortFree(port, "the debug sniffer's listen port");
  });

  it('starts the valid zmqInspector.sniffers entries of the settings for any session and skips an invalid one', async () => {
    const { rep, target } = await boundReply();
    const port = await freePort();
    const listen = `tcp://127.0.0.1:${port}`;
    await config().update('sniffers', [{ name: 'from settings', listen, target }, { name: 'broken', listen: '5999', target: 'tcp://127.0.0.1' }], vscode.ConfigurationTarget.Global);
    const session = await debugProgram('zmqi settings debuggee', {});

    const run = await waitFor('the settings sniffer', () => liveSniffersNamed('from settings')[0]);
    await talkThrough(listen, rep);
    assert.deepEqual(liveSniffersNamed('broken'), [], 'the entry without a target port started');

    await endSession(session);
    await waitFor('the sniffer to stop with the session', () => (api.runtime.get(run.key)?.state === 'stopped' ? true : undefined));
    await assertPortFree(port, "the settings sniffer's listen port");
  });
});
