// The extension as VS Code sees it: installed, activated, its commands registered, and its
// inspector opening as a webview tab.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

const extensionId = 'zeromq-inspector.zeromq-inspector';
const inspectorViewType = 'zmqInspector.inspector';
const tabWaitMs = 15_000;

interface ContributedCommand {
  command: string;
}

function inspectorTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    // VS Code prefixes the view type of extension webviews (e.g. "mainThreadWebview-").
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(inspectorViewType));
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('extension activation', () => {
  it('is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `extension ${extensionId} is not loaded; is the development path the repository root?`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command that package.json contributes', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    await extension.activate();
    const contributed: ContributedCommand[] = extension.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((entry) => entry.command).filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('opens the inspector as a webview tab', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(inspectorTabs().length, 0, 'an inspector tab was open before the command ran');
    await vscode.commands.executeCommand('zmqInspector.openInspector');
    const [tab] = await waitFor('the inspector webview tab', () => (inspectorTabs().length > 0 ? inspectorTabs() : undefined), tabWaitMs);
    assert.equal(tab.isActive, true, 'the inspector tab opened but is not the active tab');
    await vscode.window.tabGroups.close(tab);
    assert.equal(inspectorTabs().length, 0, 'the inspector tab did not close');
  });
});
