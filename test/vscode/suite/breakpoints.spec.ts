// The Breakpoints view in a real VS Code: the zmqInspector.*Breakpoint commands add, edit,
// enable/disable and remove message breakpoints; the view lists them with their hit counts, and
// the workspace keeps them. A breakpoint holds the Hello World example's traffic at its request
// until Continue.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import { conditionProblem, type BreakpointsView } from '../../../extension/vscode/breakpointsView';
import { rowsOfRun, useExtension, waitFor } from './harness';

/** The view's items as it draws them. */
function breakpointItems(view: BreakpointsView) {
  return view.provider.getChildren().map((node) => {
    const item = view.provider.getTreeItem(node);
    return { id: node.id, label: String(item.label), description: String(item.description ?? ''), checked: item.checkboxState === vscode.TreeItemCheckboxState.Checked, tooltip: String(item.tooltip ?? '') };
  });
}

describe('the Breakpoints view', () => {
  const extension = useExtension();
  let api: ZmqInspectorApi;
  let view: BreakpointsView;
  beforeEach(async () => {
    api = extension();
    assert.ok(api.breakpoints, 'the test API has no breakpoints view');
    view = api.breakpoints;
    await vscode.commands.executeCommand('zmqInspector.removeAllBreakpoints');
  });
  after(() => vscode.commands.executeCommand('zmqInspector.removeAllBreakpoints'));

  it('adds a breakpoint from a condition, lists it with 0 hits, and keeps it in the workspace', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('zmqInspector.addBreakpoint', 'dir:c2s topic:10001 type:pub');
    assert.ok(id, 'Add Breakpoint returned no id');
    const [item, ...others] = breakpointItems(view);
    assert.deepEqual(others, []);
    assert.deepEqual([item.id, item.label, item.description, item.checked], [id, 'type:PUB dir:c2s topic:10001', '0 hits', true]);
    assert.match(item.tooltip, /data messages whose first frame starts with "10001"/);
    assert.deepEqual(view.saved(), [{ id, socketType: 'PUB', dir: 'c2s', topicPrefix: '10001', enabled: true }]);

    const fromObject = await vscode.commands.executeCommand<string | undefined>('zmqInspector.addBreakpoint', { command: 'SUBSCRIBE', hitCount: 2 });
    assert.ok(fromObject && fromObject !== id, `the second breakpoint got id ${fromObject}`);
    assert.deepEqual(breakpointItems(view).map((entry) => entry.label), ['type:PUB dir:c2s topic:10001', 'cmd:SUBSCRIBE hits:2']);
  });

  it('disables, edits and removes a breakpoint, saving each change', async () => {
    const id = await vscode.commands.executeCommand<string>('zmqInspector.addBreakpoint', '/Hello.*/');
    const other = await vscode.commands.executeCommand<string>('zmqInspector.addBreakpoint', 'cmd:PING');

    assert.equal(await vscode.commands.executeCommand('zmqInspector.toggleBreakpoint', id), false);
    assert.equal(breakpointItems(view)[0].checked, false);
    assert.equal((view.saved() as { enabled: boolean }[])[0].enabled, false);
    // The view passes its item (an object with the id), as a click on the inline action does.
    assert.equal(await vscode.commands.executeCommand('zmqInspector.toggleBreakpoint', { id }), true);
    assert.equal(breakpointItems(view)[0].checked, true);

    assert.equal(await vscode.commands.executeCommand('zmqInspector.editBreakpoint', { id }, 'topic:"a b" hits:3'), id);
    assert.deepEqual(breakpointItems(view).map((entry) => entry.label), ['topic:"a b" hits:3', 'cmd:PING'], 'the edited breakpoint keeps its place');
    assert.deepEqual((view.saved() as unknown[])[0], { id, topicPrefix: 'a b', hitCount: 3, enabled: true });

    assert.equal(await vscode.commands.executeCommand('zmqInspector.removeBreakpoint', id), true);
    assert.deepEqual(breakpointItems(view).map((entry) => entry.id), [other]);
    await vscode.commands.executeCommand('zmqInspector.addBreakpoint', 'conn:2');
    await vscode.commands.executeCommand('zmqInspector.removeAllBreakpoints');
    assert.deepEqual(breakpointItems(view), []);
    assert.deepEqual(view.saved(), []);
  });

  it('refuses a bad condition with the parse message, changing nothing', async () => {
    await vscode.commands.executeCommand('zmqInspector.addBreakpoint', 'topic:1');
    const before = view.saved();
    assert.equal(await vscode.commands.executeCommand('zmqInspector.addBreakpoint', 'topic:1 size:3'), undefined);
    assert.equal(await vscode.commands.executeCommand('zmqInspector.editBreakpoint', view.provider.getChildren()[0], '/(/'), undefined);
    assert.equal(await vscode.commands.executeCommand('zmqInspector.removeBreakpoint', 'no-such-id'), undefined);
    assert.equal(await vscode.commands.executeCommand('zmqInspector.addBreakpoint', 42), undefined);
    assert.deepEqual(view.saved(), before);
    assert.deepEqual(breakpointItems(view).map((entry) => entry.label), ['topic:1']);

    // The message the input box shows while typing.
    assert.match(conditionProblem('topic:1 size:3') ?? '', /^"size:3" at column 9 has the unknown key "size"\. .*the keys are conn:, type:, dir:, topic:, cmd:, hits:/);
    assert.equal(conditionProblem('topic:1 dir:s2c'), undefined);
  });

  it('holds the Hello World traffic at /Hello server/, counting hits, until Continue', async () => {
    const id = await vscode.commands.executeCommand<string>('zmqInspector.addBreakpoint', '/Hello server/');
    const key = await vscode.commands.executeCommand<string | undefined>('zmqInspector.runExampleHello', { count: 3 });
    assert.ok(key, 'the example did not start');
    const item = () => breakpointItems(view).find((entry) => entry.id === id);
    const replies = () => rowsOfRun(api, key).filter((row) => row.kind === 'message' && row.preview === '∅ · Hello client').length;

    const first = await waitFor('the first breakpoint hit', () => (api.stepping.currentHit?.breakpoint === id ? api.stepping.currentHit : undefined));
    assert.equal(first.hits, 1);
    await waitFor('the view to show 1 hit, holding', () => (item()?.description === '1 hit · holding here' ? true : undefined), 5_000);
    assert.equal(replies(), 0, 'a reply came back although the request is held');
    assert.equal(api.runtime.get(key)?.state, 'running');

    await vscode.commands.executeCommand('zmqInspector.continueTraffic');
    // The breakpoint is still on: the next request stops again.
    await waitFor('the second hit', () => (api.stepping.currentHit?.hits === 2 ? true : undefined));
    await waitFor('the view to show 2 hits', () => (item()?.description === '2 hits · holding here' ? true : undefined), 5_000);
    assert.equal(replies(), 1, 'exactly the first round trip completed');

    await vscode.commands.executeCommand('zmqInspector.toggleBreakpoint', id, false);
    await vscode.commands.executeCommand('zmqInspector.continueTraffic');
    const run = await waitFor('the example to finish', () => {
      const current = api.runtime.get(key);
      return current?.kind === 'example' && current.state !== 'running' && current.state !== 'stopping' ? current : undefined;
    }, 30_000);
    assert.equal(run.state, 'finished', `outcome: ${run.outcome?.summary}`);
    assert.equal(replies(), 3);
    await waitFor('the view to show 2 hits, not holding', () => (item()?.description === '2 hits' ? true : undefined), 5_000);
  });
});
