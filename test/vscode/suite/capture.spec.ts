// Capture controls, the status bar, the view's throttle and the settings, in a real VS Code.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import { delay, useExtension, waitFor } from './harness';

async function boundReply(): Promise<zmq.Reply> {
  const rep = new zmq.Reply({ linger: 0 });
  await rep.bind('tcp://127.0.0.1:*');
  return rep;
}

describe('capture controls, status bar and settings', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  beforeEach(() => (api = extension()));

  afterEach(async () => {
    await vscode.commands.executeCommand('zmqInspector.resumeCapture');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('zmqInspector').update('captureLimit', undefined, vscode.ConfigurationTarget.Global);
  });

  it('Pause Capture keeps new messages out of the store and shows "paused"; Resume lets them in again', async () => {
    await vscode.commands.executeCommand('zmqInspector.pauseCapture');
    assert.equal(api.store.paused, true);
    await waitFor('the status bar to say paused', () => (api.statusBar.text.includes('paused') ? true : undefined));
    const stored = api.store.counts().captured;
    const key = await vscode.commands.executeCommand<string>('zmqInspector.runExampleHello', { count: 3, rate: 0 });
    await waitFor('the example to end', () => (api.runtime.live().length === 0 ? true : undefined));
    assert.equal(api.store.counts().captured, stored, 'rows were stored while paused');
    assert.ok(api.store.counts().droppedWhilePaused > 0, 'the paused store did not count what it dropped');
    assert.ok(key);

    await vscode.commands.executeCommand('zmqInspector.resumeCapture');
    assert.equal(api.store.paused, false);
    await waitFor('the status bar to say recording', () => (api.statusBar.text.startsWith('$(record)') ? true : undefined));
    await vscode.commands.executeCommand('zmqInspector.runExampleHello', { count: 3, rate: 0 });
    await waitFor('rows after Resume', () => (api.store.counts().captured > stored ? true : undefined));
  });

  it('Clear Capture empties the store', async () => {
    await vscode.commands.executeCommand('zmqInspector.runExampleHello', { count: 2, rate: 0 });
    await waitFor('rows', () => (api.store.counts().stored > 0 ? true : undefined));
    await waitFor('the example to end', () => (api.runtime.live().length === 0 ? true : undefined));
    await vscode.commands.executeCommand('zmqInspector.clearCapture');
    assert.equal(api.store.counts().stored, 0);
  });

  it('redraws the view and the status bar at most twice a second while messages flow', async () => {
    const refreshes = api.tree.refreshes;
    const draws = api.statusBar.draws;
    const messages = api.runtime.messagesSeen;
    const started = Date.now();
    await vscode.commands.executeCommand('zmqInspector.runExampleHello', { count: 0, rate: 0 });
    await delay(2_000);
    await vscode.commands.executeCommand('zmqInspector.stopAll');
    const elapsed = Date.now() - started;
    const flowed = api.runtime.messagesSeen - messages;
    // One redraw per started 500 ms, plus the one a stop schedules: never one per event.
    const bound = Math.ceil(elapsed / 500) + 2;
    assert.ok(flowed > 2 * bound, `only ${flowed} messages flowed; the check needs many more events than redraws`);
    assert.ok(api.tree.refreshes - refreshes <= bound, `the view redrew ${api.tree.refreshes - refreshes} times in ${elapsed} ms for ${flowed} messages`);
    assert.ok(api.statusBar.draws - draws <= bound, `the status bar redrew ${api.statusBar.draws - draws} times in ${elapsed} ms`);
    await waitFor('the status bar without a rate once nothing runs', () => (api.statusBar.text === '$(record) ZeroMQ' ? true : undefined));
  });

  it('shows the live message rate in the status bar while an example runs', async () => {
    await vscode.commands.executeCommand('zmqInspector.runExampleHello', { count: 0, rate: 50 });
    const text = await waitFor('a non-zero rate', () => (/ZeroMQ [1-9][\d.,]* msg\/s$/.test(api.statusBar.text) ? api.statusBar.text : undefined));
    assert.match(text, /^\$\(record\) ZeroMQ/);
  });

  it('takes the listen host from user settings, and ignores a workspace that asks for another host or revealed passwords', async () => {
    const config = () => vscode.workspace.getConfiguration('zmqInspector');
    const sniffWithoutListen = async () => {
      const rep = await boundReply();
      const key = await vscode.commands.executeCommand<string>('zmqInspector.sniffEndpoint', { target: rep.lastEndpoint });
      const run = api.runtime.get(key);
      rep.close();
      assert.ok(run?.kind === 'sniffer', 'the sniffer did not start');
      return run.source.listen;
    };

    await config().update('defaultListenHost', '127.0.0.2', vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the user setting', () => (api.settings().defaultListenHost === '127.0.0.2' ? true : undefined));
      assert.match(await sniffWithoutListen(), /^tcp:\/\/127\.0\.0\.2:\d+$/);
    } finally {
      await config().update('defaultListenHost', undefined, vscode.ConfigurationTarget.Global);
    }

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs without a workspace folder');
    const file = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
    // captureLimit may come from a workspace: its change shows the file was read.
    const settings = { 'zmqInspector.defaultListenHost': '0.0.0.0', 'zmqInspector.revealPlainPasswords': true, 'zmqInspector.captureLimit': 700 };
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(settings)));
    try {
      await waitFor('the workspace settings file to be read', () => (api.store.capacity === 700 ? true : undefined));
      assert.equal(api.settings().defaultListenHost, '127.0.0.1');
      assert.equal(api.settings().revealPlainPasswords, false);
      assert.match(await sniffWithoutListen(), /^tcp:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await vscode.workspace.fs.delete(file);
      await waitFor('the workspace settings to be gone', () => (api.store.capacity === 100_000 ? true : undefined));
    }
  });

  it('a captureLimit change resizes the store; an out-of-range one is clamped', async () => {
    const config = () => vscode.workspace.getConfiguration('zmqInspector');
    await config().update('captureLimit', 500, vscode.ConfigurationTarget.Global);
    await waitFor('capacity 500', () => (api.store.capacity === 500 ? true : undefined));
    assert.equal(api.settings().captureLimit, 500);
    await config().update('captureLimit', 5, vscode.ConfigurationTarget.Global);
    await waitFor('capacity clamped to 100', () => (api.store.capacity === 100 ? true : undefined));
    await config().update('captureLimit', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the default capacity', () => (api.store.capacity === 100_000 ? true : undefined));
  });
});
