// The extension as VS Code sees it: installed, activated, its commands registered, and its
// inspector opening as a webview tab.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { extensionId, inspectorTabs, waitFor } from './harness';

interface ContributedCommand {
  command: string;
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
    const [tab] = await waitFor('the inspector webview tab', () => (inspectorTabs().length > 0 ? inspectorTabs() : undefined));
    assert.equal(tab.isActive, true, 'the inspector tab opened but is not the active tab');
    await vscode.window.tabGroups.close(tab);
    assert.equal(inspectorTabs().length, 0, 'the inspector tab did not close');
  });
});
