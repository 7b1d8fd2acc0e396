// The "ZeroMQ from scratch" walkthrough's commands: Open Example Source shows a bundled example
// read-only (a virtual document, so the learner cannot edit the extension's copy by accident),
// and Run Python Example runs the pyzmq versions through sniffers.
import * as vscode from 'vscode';
import { CommandArgumentError } from './commandArgs';
import { runPythonExample } from './pythonExamples';
import type { Services } from './services';

export const EXAMPLE_SCHEME = 'zmq-inspector-example';

/**
 * What Open Example Source may show: the name the editor shows (its extension picks the syntax
 * colouring) -> the file under media/examples. The TypeScript copies end in .txt so they are
 * neither compiled, linted nor left out of the package as sources.
 */
export const exampleSources: Readonly<Record<string, string>> = {
  'typescript/hello.ts': 'typescript/hello.ts.txt',
  'typescript/pubsub.ts': 'typescript/pubsub.ts.txt',
  'typescript/pipeline.ts': 'typescript/pipeline.ts.txt',
  'python/hello.py': 'python/hello.py',
  'python/manager.py': 'python/manager.py',
  'python/worker.py': 'python/worker.py',
  'python/sink.py': 'python/sink.py',
  'python/proto.py': 'python/proto.py',
};

const exampleFileOf = (uri: vscode.Uri): string | undefined => exampleSources[uri.path.replace(/^\//, '')];

class ExampleSourceProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = exampleFileOf(uri);
    if (!file) return `// There is no bundled example "${uri.path}". Known ones: ${Object.keys(exampleSources).join(', ')}.\n`;
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'media', 'examples', file));
    return new TextDecoder().decode(bytes);
  }
}

/** { "file": "python/hello.py" } -> the virtual document's address; anything else is refused with the list. */
export function parseExampleSourceArgs(value: unknown): vscode.Uri {
  const file = (value as { file?: unknown } | undefined)?.file;
  if (typeof file !== 'string' || !(file in exampleSources)) {
    throw new CommandArgumentError(`Open Example Source takes { "file": ... } naming one of ${Object.keys(exampleSources).join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return vscode.Uri.from({ scheme: EXAMPLE_SCHEME, path: `/${file}` });
}

/** Opens the example beside whatever is open (the walkthrough stays visible); resolves to the document's address. */
async function openExampleSource(args: unknown): Promise<string | undefined> {
  // From the command palette there is no argument: ask which one.
  const file = args === undefined ? await vscode.window.showQuickPick(Object.keys(exampleSources), { title: 'ZeroMQ: Open Example Source', placeHolder: 'Which example?' }) : undefined;
  if (args === undefined && file === undefined) return undefined;
  const uri = parseExampleSourceArgs(args ?? { file });
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  return uri.toString();
}

export function registerWalkthrough(services: Services): vscode.Disposable[] {
  const guard =
    (command: string, handler: (args: unknown) => Promise<unknown>) =>
    async (args: unknown) => {
      try {
        return await handler(args);
      } catch (error) {
        services.notifier.error(`The command ${command} failed`, error);
        return undefined;
      }
    };
  return [
    vscode.workspace.registerTextDocumentContentProvider(EXAMPLE_SCHEME, new ExampleSourceProvider(services.context.extensionUri)),
    vscode.commands.registerCommand('zmqInspector.openExampleSource', guard('zmqInspector.openExampleSource', openExampleSource)),
    vscode.commands.registerCommand('zmqInspector.runPythonExample', guard('zmqInspector.runPythonExample', (args) => runPythonExample(services, args))),
  ];
}
