// The "Breakpoints" view in the ZeroMQ container and its commands: one item per message
// breakpoint (condition text, hit count, a checkbox to enable it), add / edit / remove, kept in
// the workspace. The set is the one every step-mode sniffer tests its messages against, so a
// change here applies to running sniffers at once.
import * as vscode from 'vscode';
import { BreakpointError, type BreakpointSet, type BreakpointSpec, type BreakpointState } from '../breakpoints/breakpointSet';
import { CONDITION_EXAMPLE, describeCondition, formatCondition, parseCondition } from '../breakpoints/breakpointText';
import { CommandArgumentError } from './commandArgs';
import type { Services } from './services';
import { Throttle } from './throttle';

export const BREAKPOINTS_VIEW_ID = 'zmqInspector.breakpoints';
/** Hit counts follow the traffic at most this often. */
export const BREAKPOINTS_REFRESH_MS = 250;
/** The workspaceState key of the saved breakpoints (BreakpointSet.toJSON()). */
export const BREAKPOINTS_STATE_KEY = 'zmqInspector.breakpoints';

const CONDITION_PROMPT = `Hold traffic at messages matching, e.g. ${CONDITION_EXAMPLE} · cmd:SUBSCRIBE · /Hello.*/ (payload) · conn:tasks#2 (that sniffer's connection 2) · hits:5 (from the 5th match)`;

/** What a breakpoint item is; commands from the view get it as their argument. */
export type BreakpointNode = Pick<BreakpointState, 'id'>;

/** The parse refusal of `text`, or undefined when it is a valid condition (the input box shows it as typed). */
export function conditionProblem(text: string): string | undefined {
  try {
    parseCondition(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export class BreakpointsTreeProvider implements vscode.TreeDataProvider<BreakpointNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<BreakpointNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly throttle = new Throttle(() => this.refreshIfChanged(), BREAKPOINTS_REFRESH_MS);
  private drawn = '';

  constructor(
    readonly breakpoints: BreakpointSet,
    /** The breakpoint whose message is held now, if any. */
    private readonly holdingAt: () => string | undefined = () => undefined,
  ) {}

  getTreeItem(node: BreakpointNode): vscode.TreeItem {
    const state = this.breakpoints.get(node.id);
    if (!state) return new vscode.TreeItem('(removed)');
    const item = new vscode.TreeItem(formatCondition(state));
    item.id = state.id;
    item.contextValue = 'breakpoint';
    item.description = hitsText(state.hits) + (this.holdingAt() === state.id ? ' · holding here' : '');
    item.checkboxState = state.enabled ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
    item.iconPath = new vscode.ThemeIcon(state.enabled ? 'debug-breakpoint' : 'debug-breakpoint-disabled', state.enabled ? new vscode.ThemeColor('debugIcon.breakpointForeground') : undefined);
    const from = state.hitCount !== undefined && state.hitCount > 1 ? ` (holds from match ${state.hitCount})` : '';
    item.tooltip = `${describeCondition(state)}\n${hitsText(state.hits)} so far${from}; ${state.enabled ? 'enabled' : 'disabled'}.`;
    return item;
  }

  getChildren(node?: BreakpointNode): BreakpointNode[] {
    return node ? [] : this.breakpoints.list().map(({ id }) => ({ id }));
  }

  /** Redraws soon, if hit counts or the held breakpoint changed. Cheap: called on every captured message. */
  scheduleRefresh(): void {
    this.throttle.schedule();
  }

  /** Redraws now (the list itself changed). */
  refresh(): void {
    this.drawn = this.snapshot();
    this.changeEmitter.fire(undefined);
  }

  dispose(): void {
    this.throttle.dispose();
    this.changeEmitter.dispose();
  }

  private refreshIfChanged(): void {
    if (this.snapshot() !== this.drawn) this.refresh();
  }

  private snapshot(): string {
    const states = this.breakpoints.list().map(({ id, hits, enabled }) => `${id}:${hits}:${enabled}`);
    return `${states.join(',')}|${this.holdingAt() ?? ''}`;
  }
}

const hitsText = (hits: number): string => `${hits} ${hits === 1 ? 'hit' : 'hits'}`;

/** The id `b<n>` one past the highest in use, so ids stay unique across a session and reloads. */
function nextId(set: BreakpointSet): string {
  const highest = Math.max(0, ...set.list().map(({ id }) => Number(/^b(\d+)$/.exec(id)?.[1] ?? 0)));
  return `b${highest + 1}`;
}

/** A command's breakpoint argument: the view's item or an id. */
function idOf(target: unknown, command: string): string {
  const id = typeof target === 'string' ? target : (target as Partial<BreakpointNode> | undefined)?.id;
  if (typeof id !== 'string') throw new CommandArgumentError(`${command} takes a breakpoint id such as "b1" (or an item of the Breakpoints view), not ${JSON.stringify(target) ?? 'nothing'}.`);
  return id;
}

function existing(set: BreakpointSet, id: string): BreakpointState {
  const state = set.get(id);
  if (!state) throw new BreakpointError(`There is no breakpoint ${JSON.stringify(id)}; the Breakpoints view lists them (it may have been removed meanwhile).`);
  return state;
}

/** A condition string or a BreakpointSpec-like object (id optional) from a command argument. */
function specOf(value: unknown, id: string): BreakpointSpec {
  if (typeof value === 'string') return { id, ...parseCondition(value) };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { id, ...(value as Partial<BreakpointSpec>) };
  throw new CommandArgumentError(`Add Breakpoint takes a condition such as "${CONDITION_EXAMPLE}" or an object such as { "topicPrefix": "10001", "dir": "c2s" }, not ${JSON.stringify(value)}.`);
}

function askCondition(title: string, value = ''): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, value, prompt: CONDITION_PROMPT, placeHolder: CONDITION_EXAMPLE, validateInput: conditionProblem });
}

/** Loads the saved breakpoints into `set`, dropping (with one warning) those that are no longer valid. */
function loadSaved(services: Services, set: BreakpointSet): void {
  const saved = services.context.workspaceState.get<unknown>(BREAKPOINTS_STATE_KEY);
  if (saved === undefined) return;
  const problems = set.restore(saved);
  if (problems.length === 0) return;
  services.notifier.warn(`${problems.length} saved breakpoint${problems.length === 1 ? ' was' : 's were'} dropped because ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''} Add them again from the Breakpoints view.`);
  save(services, set);
}

function save(services: Services, set: BreakpointSet): void {
  services.context.workspaceState.update(BREAKPOINTS_STATE_KEY, set.toJSON()).then(undefined, (error: unknown) => services.notifier.error('The breakpoints could not be saved in the workspace', error));
}

/** The registered view, as the test API shows it. */
export interface BreakpointsView extends vscode.Disposable {
  readonly provider: BreakpointsTreeProvider;
  /** What the workspace keeps (workspaceState), as saved after the last change. */
  saved(): unknown;
}

export function registerBreakpointsView(services: Services): BreakpointsView {
  const { breakpoints: set, stepping } = services;
  loadSaved(services, set);
  const provider = new BreakpointsTreeProvider(set, () => stepping.currentHit?.breakpoint);
  const view = vscode.window.createTreeView(BREAKPOINTS_VIEW_ID, { treeDataProvider: provider });
  const stopSaving = set.onChange(() => {
    save(services, set);
    provider.refresh();
  });
  // Hits count as messages pass the sniffers; a hit holds before its message reaches the store.
  // With no breakpoint no hit can change, and the list's own changes redraw at once.
  const stopFollowingStore = services.store.onChange(() => {
    if (set.size > 0) provider.scheduleRefresh();
  });
  const stopFollowingStepping = stepping.onChange(() => provider.scheduleRefresh());

  const add = async (value: unknown): Promise<string | undefined> => {
    const text = value === undefined ? await askCondition('ZeroMQ: Add Breakpoint') : value;
    if (text === undefined) return undefined;
    return set.add(specOf(text, nextId(set))).id;
  };
  const edit = async (target: unknown, condition?: unknown): Promise<string | undefined> => {
    const state = existing(set, idOf(target, 'Edit Breakpoint'));
    if (condition !== undefined && typeof condition !== 'string') throw new CommandArgumentError(`Edit Breakpoint's new condition is a string such as "${CONDITION_EXAMPLE}", not ${JSON.stringify(condition)}.`);
    const text = condition ?? (await askCondition(`ZeroMQ: Edit Breakpoint ${state.id}`, formatCondition(state)));
    if (text === undefined) return undefined;
    return set.replace({ id: state.id, enabled: state.enabled, ...parseCondition(text) }).id;
  };
  const toggle = (target: unknown, enabled?: unknown): boolean => {
    const state = existing(set, idOf(target, 'Toggle Breakpoint'));
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new CommandArgumentError(`Toggle Breakpoint's second argument is true (enable) or false (disable), not ${JSON.stringify(enabled)}.`);
    set.setEnabled(state.id, enabled ?? !state.enabled);
    return enabled ?? !state.enabled;
  };
  const handlers: Record<string, { what: string; run: (...args: unknown[]) => unknown }> = {
    'zmqInspector.addBreakpoint': { what: 'The breakpoint was not added', run: add },
    'zmqInspector.editBreakpoint': { what: 'The breakpoint was not changed', run: edit },
    'zmqInspector.removeBreakpoint': { what: 'The breakpoint was not removed', run: (target) => set.remove(existing(set, idOf(target, 'Remove Breakpoint')).id) },
    'zmqInspector.toggleBreakpoint': { what: 'The breakpoint was not changed', run: toggle },
    'zmqInspector.removeAllBreakpoints': { what: 'The breakpoints were not removed', run: () => set.clear() },
  };
  const commands = Object.entries(handlers).map(([command, { what, run }]) =>
    vscode.commands.registerCommand(command, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (error) {
        // A refused condition or argument is the user's to fix, said in the message; anything else is a bug.
        if (error instanceof BreakpointError || error instanceof CommandArgumentError) services.notifier.warn(`${what}: ${error.message}`);
        else services.notifier.error(`The command ${command} failed`, error);
        return undefined;
      }
    }),
  );
  const checkboxes = view.onDidChangeCheckboxState(({ items }) => {
    for (const [node, checkbox] of items) {
      if (set.get(node.id)) set.setEnabled(node.id, checkbox === vscode.TreeItemCheckboxState.Checked);
    }
  });
  const disposables = [provider, view, checkboxes, ...commands];
  return {
    provider,
    saved: () => services.context.workspaceState.get<unknown>(BREAKPOINTS_STATE_KEY),
    dispose: () => {
      stopSaving();
      stopFollowingStore();
      stopFollowingStepping();
      disposables.forEach((disposable) => disposable.dispose());
    },
  };
}
