// The "ZeroMQ from scratch" walkthrough in a real VS Code: its steps' markdown exists, every
// button names a registered command with JSON arguments and does what it says when pressed,
// sources open read-only, and Run Python Example runs or says what to install.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ZmqInspectorApi } from '../../../extension/vscode/api';
import { extensionId, inspectorTabs, rowsOfRun, stopEverything, useExtension, waitFor } from './harness';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
}

interface CommandLink {
  step: string;
  title: string;
  command: string;
  args: unknown[];
}

const EXAMPLE_SCHEME = 'zmq-inspector-example';

function extension(): vscode.Extension<ZmqInspectorApi> {
  const found = vscode.extensions.getExtension<ZmqInspectorApi>(extensionId);
  assert.ok(found, `extension ${extensionId} is not loaded`);
  return found;
}

function steps(): WalkthroughStep[] {
  const walkthroughs: { id: string; steps: WalkthroughStep[] }[] = extension().packageJSON.contributes?.walkthroughs ?? [];
  const fromScratch = walkthroughs.find((walkthrough) => walkthrough.id === 'zeromqFromScratch');
  assert.ok(fromScratch, 'package.json contributes no walkthrough "zeromqFromScratch"');
  return fromScratch.steps;
}

/** Every [title](command:id?args) in a text; args is URI-encoded JSON, an array meaning several arguments. */
function commandLinks(step: string, text: string): CommandLink[] {
  return [...text.matchAll(/\[([^\]]+)\]\(command:([\w.]+)(?:\?([^)\s]*))?\)/g)].map(([, title, command, query]) => {
    let args: unknown[] = [];
    if (query) {
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(decodeURIComponent(query))), `step "${step}", button "${title}": its arguments are not URI-encoded JSON: ${query}`);
      args = Array.isArray(parsed) ? parsed : [parsed];
    }
    return { step, title, command, args };
  });
}

const allLinks = (): CommandLink[] =>
  steps().flatMap((step) => {
    const markdownPath = step.media.markdown ? path.join(extension().extensionPath, step.media.markdown) : undefined;
    const markdown = markdownPath && fs.existsSync(markdownPath) ? fs.readFileSync(markdownPath, 'utf8') : '';
    return [...commandLinks(step.id, step.description), ...commandLinks(step.id, markdown)];
  });

function pyzmqImportable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import zmq'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

describe('walkthrough "ZeroMQ from scratch"', () => {
  const api = useExtension();

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('follows the talk, and every step has its markdown file', () => {
    assert.deepEqual(
      steps().map((step) => step.id),
      ['what', 'why', 'reqrep', 'pubsub', 'pushpull', 'hello', 'sink', 'worker', 'manager', 'python'],
    );
    for (const step of steps()) {
      assert.ok(step.media.markdown, `step "${step.id}" has no markdown`);
      const file = path.join(extension().extensionPath, step.media.markdown);
      assert.ok(fs.existsSync(file), `step "${step.id}": ${step.media.markdown} does not exist`);
      assert.match(fs.readFileSync(file, 'utf8'), /^# \S/, `${step.media.markdown} does not start with a heading`);
    }
  });

  it('names only registered commands in its buttons, each with JSON arguments', async () => {
    const links = allLinks();
    assert.ok(links.length >= 15, `only ${links.length} command links in the walkthrough`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const unknown = links.filter((link) => !registered.has(link.command)).map((link) => `${link.step}: ${link.command}`);
    assert.deepEqual(unknown, [], 'buttons naming commands that are not registered');
    for (const step of steps()) {
      if (step.id === 'what' || step.id === 'why') continue;
      assert.ok(links.some((link) => link.step === step.id && /^zmqInspector\.run/.test(link.command)), `step "${step.id}" has no button that runs an example`);
    }
  });

  it('runs every button\'s command: examples start (and stop), sources open, the inspector opens', async function () {
    this.timeout(180_000);
    const python = pyzmqImportable();
    for (const link of allLinks()) {
      const what = `step "${link.step}", button "${link.title}" (${link.command} ${JSON.stringify(link.args)})`;
      const result = await vscode.commands.executeCommand<unknown>(link.command, ...link.args);
      if (link.command === 'zmqInspector.openInspector') {
        await waitFor(`the inspector for ${what}`, () => (inspectorTabs().length > 0 ? true : undefined));
      } else if (link.command === 'zmqInspector.openExampleSource') {
        assert.equal(typeof result, 'string', `${what} opened nothing`);
        assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), result, `${what}: the opened source is not the active editor`);
      } else if (link.command === 'zmqInspector.runPythonExample') {
        assert.equal((result as { started?: boolean } | undefined)?.started, python, `${what}: returned ${JSON.stringify(result)} although pyzmq is ${python ? '' : 'not '}importable`);
      } else {
        assert.equal(typeof result, 'string', `${what} did not start a run (it returned ${JSON.stringify(result)})`);
        const run = api().runtime.get(result as string);
        assert.ok(run, `${what}: no run ${String(result)}`);
      }
      await stopEverything(api());
    }
  });

  it('opens a Python source read-only, with the file\'s text and Python colouring', async () => {
    const address = await vscode.commands.executeCommand<string>('zmqInspector.openExampleSource', { file: 'python/hello.py' });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened');
    const { document } = editor;
    assert.equal(document.uri.toString(), address);
    assert.equal(document.uri.scheme, EXAMPLE_SCHEME);
    assert.equal(document.languageId, 'python');
    const onDisk = fs.readFileSync(path.join(extension().extensionPath, 'media', 'examples', 'python', 'hello.py'), 'utf8');
    assert.equal(document.getText(), onDisk);
    assert.match(document.getText(), /socket\.bind\(endpoint\)/);

    // A virtual document has nowhere to be saved: an edit is refused or, if accepted in memory, cannot be written back.
    let applied = false;
    try {
      applied = await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), 'x'));
    } catch {
      applied = false;
    }
    if (applied) assert.equal(await document.save(), false, 'the example source was saved back');
    else assert.equal(document.getText(), onDisk, 'a refused edit changed the text');
  });

  it('opens the TypeScript version of an example as TypeScript', async () => {
    await vscode.commands.executeCommand('zmqInspector.openExampleSource', { file: 'typescript/pipeline.ts' });
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document, 'no editor opened');
    assert.equal(document.languageId, 'typescript');
    assert.match(document.getText(), /new zmq\.Push\(\)/);
  });

  it('refuses a source it does not bundle, opening nothing', async () => {
    const result = await vscode.commands.executeCommand<unknown>('zmqInspector.openExampleSource', { file: '../../package.json' });
    assert.equal(result, undefined);
    assert.equal(vscode.window.activeTextEditor, undefined, 'an editor opened for a refused file');
  });

  it('runs the Python hello through a sniffer, or says to pip install pyzmq when python3 cannot import zmq', async function () {
    this.timeout(60_000);
    const before = api().runtime.runs().length;
    const result = await vscode.commands.executeCommand<{ started: boolean; reason?: string; sniffers?: string[] }>('zmqInspector.runPythonExample', { example: 'hello' });
    if (!pyzmqImportable()) {
      assert.deepEqual(result?.started, false);
      assert.match(result?.reason ?? '', /pip install pyzmq/);
      assert.equal(api().runtime.runs().length, before, 'a sniffer started although Python cannot run');
      return;
    }
    assert.equal(result?.started, true, JSON.stringify(result));
    const [key] = result.sniffers ?? [];
    assert.ok(key, 'no sniffer run key');
    await waitFor('the Python client\'s "Hello client" replies through the sniffer', () =>
      rowsOfRun(api(), key).filter((row) => row.preview.includes('Hello client')).length >= 10 ? true : undefined,
    30_000);
  });
});
