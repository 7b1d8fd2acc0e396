// ZeroMQ: Pause Traffic, Step, Step Frame and Continue Traffic; the zmqInspector.trafficHeld
// context key; and what a breakpoint hit does in VS Code (reveal the inspector, a notification
// with Step and Continue). The holding itself is extension/stepping/trafficControl.ts.
import * as vscode from 'vscode';
import type { BreakpointHitInfo, HeldMessage, TrafficAction } from '../protocol';
import { CommandArgumentError } from './commandArgs';
import type { Services } from './services';

export const TRAFFIC_HELD_CONTEXT_KEY = 'zmqInspector.trafficHeld';
/** True while the inspector's view has the keyboard: the step keys' `when` clause needs it. */
export const INSPECTOR_FOCUSED_CONTEXT_KEY = 'zmqInspector.inspectorFocused';

/** What the inspector panel calls as its view gains and loses focus; sets the context key only on changes. */
export function trackInspectorFocus(): (focused: boolean) => void {
  let shown: boolean | undefined;
  return (focused) => {
    if (focused === shown) return;
    shown = focused;
    void vscode.commands.executeCommand('setContext', INSPECTOR_FOCUSED_CONTEXT_KEY, focused);
  };
}
/** Breakpoint hits closer together than this are logged, not each shown as a notification. */
const HIT_NOTICE_INTERVAL_MS = 1000;

export interface TrafficArgs {
  conn?: string;
  unit?: 'message' | 'frame';
}

/** { conn?, unit? } from a command argument (a keybinding, a test, another extension). */
export function parseTrafficArgs(value: unknown, command: string, allowUnit: boolean): TrafficArgs {
  if (value === undefined || value === null) return {};
  const usage = `${command} takes { "conn": "<connection key>"${allowUnit ? ', "unit": "message" | "frame"' : ''} } (both optional), as the inspector's rows name connections`;
  if (typeof value !== 'object' || Array.isArray(value)) throw new CommandArgumentError(`${usage}; got ${JSON.stringify(value)}.`);
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'conn' && !(allowUnit && key === 'unit'));
  if (unknown.length > 0) throw new CommandArgumentError(`${usage}; "${unknown[0]}" is not one of them.`);
  if (record.conn !== undefined && typeof record.conn !== 'string') throw new CommandArgumentError(`${usage}; "conn" must be a string, got ${JSON.stringify(record.conn)}.`);
  if (record.unit !== undefined && record.unit !== 'message' && record.unit !== 'frame') throw new CommandArgumentError(`${usage}; "unit" must be "message" or "frame", got ${JSON.stringify(record.unit)}.`);
  return { conn: record.conn as string | undefined, unit: record.unit as TrafficArgs['unit'] };
}

/** The connection key of a ZeroMQ view connection node (what its context menu passes), if it is one. */
function treeConnection(value: unknown): string | undefined {
  const connection = (value as { reveal?: { connection?: unknown } } | null | undefined)?.reveal?.connection;
  return typeof connection === 'string' ? connection : undefined;
}

/** Carries out one traffic action; true when it did something, else the user is told why not. */
function act(services: Services, action: TrafficAction, conn: string | undefined): boolean {
  const refusal = services.stepping.act(action, conn);
  if (refusal === undefined) return true;
  services.notifier.info(refusal);
  return false;
}

function describeHeld(message: HeldMessage): string {
  const command = message.name ? `the ${message.name} command` : 'a command';
  const what = message.kind === 'command' ? command : message.frames && message.frames > 1 ? `a ${message.frames}-frame message` : 'a message';
  return message.preview ? `${what} "${message.preview}"` : what;
}

export function registerStepCommands(services: Services): vscode.Disposable[] {
  const { stepping } = services;
  const command = (name: string, allowUnit: boolean, run: (args: TrafficArgs) => boolean) =>
    vscode.commands.registerCommand(name, (raw: unknown) => {
      try {
        const fromTree = treeConnection(raw);
        return run(fromTree !== undefined ? { conn: fromTree } : parseTrafficArgs(raw, name, allowUnit));
      } catch (error) {
        services.notifier.error(`The command ${name} failed`, error);
        return false;
      }
    });
  let held: boolean | undefined;
  const updateContext = () => {
    const now = stepping.holdingAll || stepping.anyHeld();
    if (now === held) return;
    held = now;
    void vscode.commands.executeCommand('setContext', TRAFFIC_HELD_CONTEXT_KEY, now);
  };
  updateContext();

  let lastNotice = -Infinity;
  const hitShown = (hit: BreakpointHitInfo, message: HeldMessage) => {
    services.inspector.show();
    const where = stepping.labelOf(hit.conn);
    const text = `Breakpoint ${hit.condition} (hit ${hit.hits}) held ${describeHeld(message)} on ${where} (${hit.dir === 'c2s' ? 'client → server' : 'server → client'}).`;
    if (Date.now() - lastNotice < HIT_NOTICE_INTERVAL_MS) {
      services.log.info(text);
      return;
    }
    lastNotice = Date.now();
    services.notifier.info(text, [
      { title: 'Step', run: () => act(services, 'step', hit.conn) },
      { title: 'Continue', run: () => act(services, 'continue', hit.conn) },
    ]);
  };

  return [
    command('zmqInspector.pauseTraffic', false, ({ conn }) => act(services, 'hold', conn)),
    command('zmqInspector.stepTraffic', true, ({ conn, unit }) => act(services, unit === 'frame' ? 'stepFrame' : 'step', conn)),
    command('zmqInspector.stepFrame', false, ({ conn }) => act(services, 'stepFrame', conn)),
    command('zmqInspector.continueTraffic', false, ({ conn }) => act(services, 'continue', conn)),
    new vscode.Disposable(stepping.onChange(updateContext)),
    new vscode.Disposable(stepping.onHit(hitShown)),
  ];
}
