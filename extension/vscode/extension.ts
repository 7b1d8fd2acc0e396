// Extension entry point. Grows with the features; for now it opens the inspector.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('zmqInspector.openInspector', () => {
      const panel = vscode.window.createWebviewPanel('zmqInspector.inspector', 'ZeroMQ Inspector', vscode.ViewColumn.Active, {});
      context.subscriptions.push(panel);
    }),
  );
}

export function deactivate(): void {}
