// Step mode in a real VS Code: Run Example { step: true } holds the example's traffic from its
// first message, ZeroMQ: Step lets exactly one message cross (one row at a time in the store),
// Continue Traffic lets the example finish, and a message breakpoint reveals the inspector.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import type { ExampleRun } from '../../../extension/vscode/runs';
import { delay, extensionId, inspectorTabs, rowsOfRun, useExtension, waitFor } from './harness';

const STEP_COMMANDS = ['zmqInspector.pauseTraffic', 'zmqInspector.stepTraffic', 'zmqInspector.stepFrame', 'zmqInspector.continueTraffic'];
/** Long enough for a message let through by mistake to reach the store. */
const QUIET_MS = 500;

/** Stops at a `debugger` statement soon after starting; ends by itself after a while, so a failed stop cannot leave it behind. */
const PAUSING_DEBUGGEE = 'setTimeout(() => { debugger; }, 300);\nsetTimeout(() => undefined, 30_000);\n';

const messageRows = (api: ZmqInspectorApi, key: string) => rowsOfRun(api, key).filter((row) => row.kind === 'message');

function ended(api: ZmqInspectorApi, key: string): Promise<ExampleRun> {
  return waitFor(`run ${key} to finish`, () => {
    const run = api.runtime.get(key);
    return run?.kind === 'example' && run.state !== 'running' && run.state !== 'stopping' ? run : undefined;
  }, 30_000);
}

describe('Step mode', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  beforeEach(() => (api = extension()));
  afterEach(() => {
    api.stepping.breakpoints.list().forEach(({ id }) => api.stepping.breakpoints.remove(id));
    api.stepping.continue();
  });

  it('registers Pause / Step / Step Frame / Continue, with keys bound only while the inspector has focus', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(STEP_COMMANDS.filter((command) => !registered.has(command)), []);
    const keybindings: { command: string; key: string; when?: string }[] = vscode.extensions.getExtension(extensionId)?.packageJSON.contributes?.keybindings ?? [];
    assert.deepEqual(keybindings.map(({ command, key }) => `${key} ${command}`).sort(), ['f10 zmqInspector.stepTraffic', 'f5 zmqInspector.continueTraffic', 'f6 zmqInspector.pauseTraffic', 'shift+f10 zmqInspector.stepFrame']);
    // The active editor stays the inspector while the focus is in the side bar or the debug console, so the focus key is needed too.
    for (const binding of keybindings) assert.equal(binding.when, "activeWebviewPanelId == 'zmqInspector.inspector' && zmqInspector.inspectorFocused", `${binding.key} would take the debugger's key outside the inspector`);
  });

  it('Run Example Hello { step: true } holds its traffic; each Step lets one message into the store; Continue lets it finish', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello', { step: true, count: 3, rate: 0 });
    assert.ok(key, 'the example did not start');
    await waitFor('the inspector webview tab', () => inspectorTabs()[0]);
    assert.equal(api.stepping.holdingAll, true);
    await waitFor('the first request held', () => (api.stepping.state().queues.some((queue) => queue.conn.startsWith(`${key}/`) && queue.messages.some((message) => message.kind === 'message')) ? true : undefined));
    await delay(QUIET_MS);
    assert.deepEqual(messageRows(api, key), [], '"Hello server" reached the store while held');
    const [queue] = api.stepping.state().queues;
    assert.equal(queue.messages[0].frames, 2, 'the held request: the REQ delimiter and "Hello server"');

    const expected = ['∅ · Hello server', '∅ · Hello client', '∅ · Hello server'];
    for (let i = 0; i < expected.length; i++) {
      // The reply is only sent once the request arrived: wait until something is held again.
      await waitFor(`something held before step ${i + 1}`, () => (api.stepping.heldCount() > 0 ? true : undefined));
      assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.stepTraffic'), true, `step ${i + 1} released nothing`);
      await waitFor(`row ${i + 1}`, () => (messageRows(api, key).length === i + 1 ? true : undefined));
      await delay(i === 0 ? QUIET_MS : 100);
      assert.deepEqual(messageRows(api, key).map((row) => row.preview), expected.slice(0, i + 1), `after step ${i + 1}`);
    }
    assert.equal(api.runtime.get(key)?.state, 'running', 'a held example must wait, not finish or fail');

    assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.continueTraffic'), true);
    assert.equal(api.stepping.holdingAll, false);
    const run = await ended(api, key);
    assert.equal(run.state, 'finished', `outcome: ${run.outcome?.summary}`);
    assert.equal(messageRows(api, key).length, 6);
    assert.equal(api.stepping.state().heldCount, 0);
  });

  it('a step-mode run lets go of its Pause when it is stopped, but never of a Pause the user made', async function () {
    this.timeout(60_000);
    const first = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello', { step: true, count: 2 });
    assert.ok(first);
    await waitFor('the first request held', () => (api.stepping.heldCount() > 0 ? true : undefined));
    await vscode.commands.executeCommand('zmqInspector.stopExample', first);
    assert.equal(api.stepping.holdingAll, false, 'the stopped run kept traffic paused');

    assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.pauseTraffic'), true);
    const second = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello', { step: true, count: 2 });
    assert.ok(second);
    await waitFor('the second run held', () => (api.stepping.heldCount() > 0 ? true : undefined));
    await vscode.commands.executeCommand('zmqInspector.stopExample', second);
    assert.equal(api.stepping.holdingAll, true, "the run let go of the user's own Pause");
  });

  it('holds traffic while the debugger is paused when zmqInspector.stepping.holdWhenDebuggerPauses is on, and lets go when it continues', async function () {
    this.timeout(60_000);
    const config = vscode.workspace.getConfiguration('zmqInspector');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has no folder to write the debuggee into');
    const program = path.join(folder.uri.fsPath, 'stepping-debuggee.js');
    fs.writeFileSync(program, PAUSING_DEBUGGEE);
    try {
      await config.update('stepping.holdWhenDebuggerPauses', true, vscode.ConfigurationTarget.Global);
      await waitFor('the setting to apply', () => (api.settings().holdWhenDebuggerPauses ? true : undefined));
      assert.equal(api.stepping.holdingAll, false);
      assert.ok(await vscode.debug.startDebugging(folder, { type: 'node', request: 'launch', name: 'stepping debuggee', program }));
      await waitFor('traffic held at the debugger statement', () => (api.stepping.holdingAll ? true : undefined), 30_000);
      await vscode.commands.executeCommand('workbench.action.debug.continue');
      await waitFor('traffic let go when the debuggee runs again', () => (api.stepping.holdingAll ? undefined : true));
    } finally {
      await vscode.debug.stopDebugging();
      await config.update('stepping.holdWhenDebuggerPauses', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(program, { force: true });
    }
  });

  it('refuses in words instead of failing: nothing to step, bad arguments, an unknown connection', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.stepTraffic'), false);
    assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.stepTraffic', { unit: 'byte' }), false);
    assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.continueTraffic', { conn: 'nowhere#1' }), false);
    assert.equal(api.stepping.holdingAll, false);
  });

  it('a payload breakpoint holds the matching reply, reveals the inspector, and Step / Continue let it go', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api.stepping.breakpoints.add({ id: 'stepping-spec', payload: 'Hello client' });
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello', { count: 2, rate: 0 });
    assert.ok(key);
    const hit = await waitFor('the breakpoint hit', () => api.stepping.state().hit);
    assert.deepEqual([hit.breakpoint, hit.dir, hit.conn.startsWith(`${key}/hello#`)], ['stepping-spec', 's2c', true]);
    await waitFor('the inspector revealed', () => inspectorTabs()[0]);
    await delay(QUIET_MS);
    assert.deepEqual(messageRows(api, key).map((row) => row.preview), ['∅ · Hello server'], 'only the request crossed');
    assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.stepTraffic', { conn: hit.conn }), true);
    await waitFor('the reply in the store', () => (messageRows(api, key).length >= 2 ? true : undefined));
    // The second reply is a hit again; Continue with the breakpoint removed lets the run finish.
    await waitFor('the second hit', () => (api.stepping.state().hit?.hits === 2 ? true : undefined));
    api.stepping.breakpoints.remove('stepping-spec');
    assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.continueTraffic'), true);
    const run = await ended(api, key);
    assert.equal(run.state, 'finished', `outcome: ${run.outcome?.summary}`);
    assert.equal(api.stepping.state().hit, undefined);
  });

  it('Pause / Step / Continue on a connection of the ZeroMQ view act on that connection only', async function () {
    this.timeout(60_000);
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello', { count: 0, rate: 20 });
    assert.ok(key, 'the example did not start');
    try {
      const connection = await waitFor('the hello connection in the ZeroMQ view', () => connectionNodeOf(api, key));
      assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.pauseTraffic', connection), true);
      assert.equal(api.stepping.holdingAll, false, 'a Pause on one connection held everything');
      await waitFor('a message held on that connection', () => api.stepping.state().queues.find((queue) => queue.conn === connection.reveal?.connection && queue.messages.length > 0));
      const before = messageRows(api, key).length;
      await delay(QUIET_MS);
      assert.equal(messageRows(api, key).length, before, 'messages crossed a held connection');
      assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.stepTraffic', connection), true);
      await waitFor('the stepped message in the store', () => (messageRows(api, key).length === before + 1 ? true : undefined));
      assert.equal(await vscode.commands.executeCommand<boolean>('zmqInspector.continueTraffic', connection), true);
      await waitFor('traffic flowing again', () => (messageRows(api, key).length > before + 3 ? true : undefined));
    } finally {
      await vscode.commands.executeCommand('zmqInspector.stopAll');
    }
  });
});

/** The first connection node under the run `runKey` in the ZeroMQ view, as its context menu passes it. */
function connectionNodeOf(api: ZmqInspectorApi, runKey: string) {
  const runNode = api.tree.getChildren().find((node) => node.runKey === runKey);
  if (!runNode) return undefined;
  for (const snifferNode of api.tree.getChildren(runNode)) {
    const connection = api.tree.getChildren(snifferNode).find((node) => api.tree.getTreeItem(node).contextValue === 'connection');
    if (connection) return connection;
  }
  return undefined;
}
