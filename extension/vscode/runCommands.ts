// Run Example, Stop Example, Stop Sniffer, Stop All and the tree's inline Stop / Dismiss.
import * as vscode from 'vscode';
import { findExample, type ExampleId } from '../examples';
import { CommandArgumentError, parseExampleArgs } from './commandArgs';
import { isLive, type Run } from './runs';
import type { Services } from './services';

/** Run Example's own `step` option split from the example's options: { "step": true } runs it in step mode. */
function splitStepArg(args: unknown): { step: boolean; options: unknown } {
  if (typeof args !== 'object' || args === null || Array.isArray(args) || !('step' in args)) return { step: false, options: args };
  const { step, ...options } = args as Record<string, unknown>;
  if (typeof step !== 'boolean') throw new CommandArgumentError(`"step" is true (hold the example's traffic from its first message, to step through it) or false, not ${JSON.stringify(step)}.`);
  return { step, options };
}

let stepRuns = 0;

/**
 * Pause Traffic before the example's first message, on behalf of the run: once it ends, the
 * Pause is let go (unless the user paused or continued themselves meanwhile). Returns the hold's
 * id (release it when the run does), or undefined when step mode is off (the user is told).
 */
function holdFromStart(services: Services, title: string): string | undefined {
  if (!services.settings().steppingEnabled) {
    services.notifier.warn(`Step mode is off (zmqInspector.stepping.enabled), so ${title} runs without holding its traffic. Turn it on and run it again to step through it.`, [
      { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'zmqInspector.stepping') },
    ]);
    return undefined;
  }
  const id = `step-run:${++stepRuns}`;
  services.sessionHolds.hold(id);
  return id;
}

/** Starts an example (`{ "step": true }`: held from its first message); resolves to its run key, or undefined when it could not start (the user was told why). */
export async function runExample(services: Services, id: ExampleId, args: unknown): Promise<string | undefined> {
  const example = findExample(id);
  if (!example) throw new Error(`no example "${id}" in the catalogue`);
  try {
    const { step, options } = splitStepArg(args);
    const parsed = parseExampleArgs(options);
    const held = step ? holdFromStart(services, example.title) : undefined;
    const run = await services.runtime.startExample(example, parsed).catch((error: unknown) => {
      if (held) services.sessionHolds.release(held);
      throw error;
    });
    // Every end of the run (finished, failed, stopped) goes through its stop().
    if (held) run.detachOnStop(() => services.sessionHolds.release(held));
    if (step || services.settings().openInspectorOnExampleStart) services.inspector.show();
    if (held) {
      services.notifier.info(`${example.title} runs in step mode: its traffic is held. Press Step (F10 in the inspector) to let one message cross, Continue Traffic (F5) to let everything go.`, [
        { title: 'Step', run: () => vscode.commands.executeCommand('zmqInspector.stepTraffic') },
        { title: 'Continue', run: () => vscode.commands.executeCommand('zmqInspector.continueTraffic') },
      ]);
    }
    return run.key;
  } catch (error) {
    services.notifier.error(`Could not start the ${example.title} example`, error, [{ title: 'Try Again', run: () => runExample(services, id, args) }]);
    return undefined;
  }
}

interface RunItem extends vscode.QuickPickItem {
  runs: Run[];
}

/**
 * Stops the run named by `key`, or else the only live run of `kind`, or else the ones the user
 * picks. Resolves when they are stopped and their ports are free.
 */
export async function stopRuns(services: Services, kind: Run['kind'], key: unknown): Promise<void> {
  const { runtime } = services;
  const noun = kind === 'example' ? 'example' : 'sniffer';
  let chosen: Run[];
  if (typeof key === 'string') {
    const run = runtime.get(key);
    if (!run || run.kind !== kind || !isLive(run)) {
      services.notifier.warn(`There is no running ${noun} "${key}"; the ZeroMQ view lists what runs.`);
      return;
    }
    chosen = [run];
  } else {
    const live = runtime.live(kind);
    if (live.length === 0) {
      services.notifier.info(`No ${noun} is running.`);
      return;
    }
    chosen = live.length === 1 ? live : await pickRuns(live, noun);
  }
  await stopEach(services, chosen);
}

async function pickRuns(live: Run[], noun: string): Promise<Run[]> {
  const items: RunItem[] = [
    ...live.map((run) => ({ label: run.label, description: run.key, detail: run.detail, runs: [run] })),
    { label: `$(debug-stop) All ${live.length} running ${noun}s`, runs: live },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `ZeroMQ: Stop ${noun[0].toUpperCase()}${noun.slice(1)}`, placeHolder: `Which ${noun} should stop?` });
  return picked?.runs ?? [];
}

async function stopEach(services: Services, runs: Run[]): Promise<void> {
  const results = await Promise.allSettled(runs.map((run) => services.runtime.stop(run.key)));
  results.forEach((result, index) => {
    if (result.status === 'rejected') services.notifier.error(`${runs[index].label} (${runs[index].key}) did not stop cleanly`, result.reason);
  });
}

export async function stopAll(services: Services): Promise<void> {
  const live = services.runtime.live();
  try {
    await services.runtime.stopAll();
    services.log.info(`Stop All: ${live.length} run(s) stopped`);
  } catch (error) {
    services.notifier.error('Stop All did not stop everything cleanly', error);
  }
}

/** Inline actions on tree nodes get the node; only its run key is trusted from it. */
export const runKeyOf = (node: unknown): string | undefined => {
  const key = (node as { runKey?: unknown } | undefined)?.runKey;
  return typeof key === 'string' ? key : undefined;
};

export async function stopTreeItem(services: Services, node: unknown): Promise<void> {
  const key = runKeyOf(node);
  const run = key === undefined ? undefined : services.runtime.get(key);
  if (run) await stopEach(services, [run]);
}
