// Run Python Example: the walkthrough's pyzmq programs (media/examples/python) run as child
// processes with a sniffer in front of every endpoint they bind, so their traffic shows in the
// inspector like the built-in examples'. Without python3 or pyzmq it says what to install.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { CommandArgumentError } from './commandArgs';
import { isLive } from './runs';
import type { Services } from './services';
import { freeLoopbackPort } from '../sniffer/freePort';

export const PYZMQ_INSTALL_HINT = 'python3 -m pip install pyzmq';

export type PythonRunResult = { started: true; sniffers: string[] } | { started: false; reason: string };

interface PythonProgram {
  script: string;
  args: string[];
}

type PythonExampleId = 'hello' | 'pipeline';
type PipelineForm = 'diagram' | 'code';

/** A stuck program is killed after this long, so a run never outlives its purpose. */
const RUN_LIMIT_MS = 60_000;
const CHECK_LIMIT_MS = 10_000;
const MAX_LOGGED_LINE = 500;
const TASKS = 20;
const WORKERS = 3;

function parseArgs(value: unknown): { example: PythonExampleId; form: PipelineForm } {
  const { example, form = 'diagram' } = (value ?? {}) as { example?: unknown; form?: unknown };
  if (example !== 'hello' && example !== 'pipeline') {
    throw new CommandArgumentError(`Run Python Example takes { "example": "hello" } or { "example": "pipeline", "form": "diagram" | "code" }, not ${JSON.stringify(value)}.`);
  }
  if (form !== 'diagram' && form !== 'code') throw new CommandArgumentError(`"form" is "diagram" (results PUSH → PULL) or "code" (results PUB → SUB), not ${JSON.stringify(form)}.`);
  return { example, form };
}

/** From the command palette there is no argument: ask which one. */
async function pickExample(): Promise<unknown> {
  const items = [
    { label: 'hello.py', description: 'REQ/REP', args: { example: 'hello' } },
    { label: 'manager.py, worker.py ×3, sink.py', description: 'results PUSH → PULL (the slide diagram)', args: { example: 'pipeline', form: 'diagram' } },
    { label: 'manager.py, worker.py ×3, sink.py', description: 'results PUB → SUB (the talk\'s code)', args: { example: 'pipeline', form: 'code' } },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'ZeroMQ: Run Python Example', placeHolder: 'Which example?' }))?.args;
}

/** Why the Python examples cannot run here, or undefined when python3 imports zmq. */
export function pyzmqMissing(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', 'import zmq'], { timeout: CHECK_LIMIT_MS }, (error) => {
      if (!error) resolve(undefined);
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve(`The Python examples need python3, which is not on the PATH: install Python 3, then run "${PYZMQ_INSTALL_HINT}".`);
      else resolve(`The Python examples need pyzmq, which python3 cannot import: run "${PYZMQ_INSTALL_HINT}" (or "pip install pyzmq"), then try again.`);
    });
  });
}


/** The programs of one example, given where each bound endpoint is and where its sniffer listens. */
function programsOf(example: PythonExampleId, form: PipelineForm, endpoint: (name: string) => { bind: string; connect: string }): PythonProgram[] {
  if (example === 'hello') {
    const server = endpoint('hello');
    return [{ script: 'hello.py', args: ['--bind', server.bind, '--connect', server.connect] }];
  }
  const tasks = endpoint('tasks');
  const results = endpoint('results');
  const workers = Array.from({ length: WORKERS }, (_, index) => ({
    script: 'worker.py',
    args: ['--index', String(index), '--tasks', tasks.connect, '--results', results.connect, '--form', form],
  }));
  return [
    { script: 'sink.py', args: ['--bind', results.bind, '--limit', String(TASKS), '--form', form] },
    ...workers,
    { script: 'manager.py', args: ['--bind', tasks.bind, '--count', String(TASKS)] },
  ];
}

/** Starts the example; resolves to its sniffers' run keys, or to the reason it cannot run (also shown to the user). */
export async function runPythonExample(services: Services, value: unknown): Promise<PythonRunResult | undefined> {
  const chosen = value ?? (await pickExample());
  if (chosen === undefined) return undefined;
  const { example, form } = parseArgs(chosen);
  const missing = await pyzmqMissing();
  if (missing) {
    services.notifier.warn(missing, [{ title: 'Copy Install Command', run: () => vscode.env.clipboard.writeText(PYZMQ_INSTALL_HINT) }]);
    return { started: false, reason: missing };
  }
  const names = example === 'hello' ? ['hello'] : ['tasks', 'results'];
  const endpoints = new Map<string, { bind: string; connect: string }>();
  const sniffers: string[] = [];
  try {
    for (const name of names) {
      const bind = `tcp://127.0.0.1:${await freeLoopbackPort()}`;
      const run = await services.runtime.startSniffer({ target: bind, listen: 'tcp://127.0.0.1:*', name: `python ${name}` }, '127.0.0.1');
      sniffers.push(run.key);
      endpoints.set(name, { bind, connect: run.source.listen });
    }
  } catch (error) {
    await Promise.allSettled(sniffers.map((key) => services.runtime.stop(key)));
    throw error;
  }
  const programs = programsOf(example, form, (name) => endpoints.get(name) as { bind: string; connect: string });
  const cwd = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'examples', 'python').fsPath;
  const children = programs.map((program) => startProgram(services, cwd, program, sniffers));
  void stopWhenDone(services, children, sniffers);
  if (services.settings().openInspectorOnExampleStart) services.inspector.show();
  return { started: true, sniffers };
}

function startProgram(services: Services, cwd: string, program: PythonProgram, sniffers: string[]): Promise<void> {
  const label = `${program.script} ${program.args.join(' ')}`;
  services.log.info(`Python example: python3 ${label}`);
  const child = spawn('python3', ['-u', program.script, ...program.args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const relay = (stream: NodeJS.ReadableStream | null) =>
    stream?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim()) services.log.info(`[${program.script}] ${line.slice(0, MAX_LOGGED_LINE)}`);
    });
  relay(child.stdout);
  relay(child.stderr);
  return exited(services, child, label, sniffers);
}

/** Resolves when the program ends: by itself, after RUN_LIMIT_MS, or when one of its sniffers is stopped. */
function exited(services: Services, child: ChildProcess, label: string, sniffers: string[]): Promise<void> {
  return new Promise((resolve) => {
    const limit = setTimeout(() => {
      services.log.warn(`Python example: ${label} still ran after ${RUN_LIMIT_MS / 1000} s; stopping it`);
      child.kill();
    }, RUN_LIMIT_MS);
    const stopWatching = services.runtime.onDidChange((change) => {
      // Stop All, the tree's Stop or deactivation ended a sniffer: the programs behind it go too.
      if (change === 'runs' && !sniffers.every((key) => isLiveKey(services, key))) child.kill();
    });
    child.once('error', (error) => services.log.error(`Python example: ${label} could not start: ${error.message}`));
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      stopWatching();
      services.log.info(`Python example: ${label} ended (${signal ?? `exit code ${code}`})`);
      resolve();
    });
  });
}

const isLiveKey = (services: Services, key: string): boolean => {
  const run = services.runtime.get(key);
  return run !== undefined && isLive(run);
};

/** Once every program has ended, its sniffers stop too (their runs stay in the tree with the traffic). */
async function stopWhenDone(services: Services, children: Promise<void>[], sniffers: string[]): Promise<void> {
  await Promise.all(children);
  await Promise.allSettled(sniffers.map((key) => services.runtime.stop(key)));
}
