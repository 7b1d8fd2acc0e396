// The nodes of the "ZeroMQ" tree: a run (example or sniffer), the sniffers of an example, and the
// connections a sniffer saw. Nodes are rebuilt on every redraw from the runtime's live objects,
// so they hold no state of their own; their ids keep VS Code's expansion state across redraws.
import * as vscode from 'vscode';
import type { CaptureStore } from '../inspector/store';
import type { EdgeState } from '../protocol';
import type { ConnectionSummary } from '../sniffer/stats';
import { connectionBadge, snifferBadge, type ExtensionDiagnostics } from './diagnostics';
import { isLive, type Run, type RunSniffer } from './runs';

/** Connections listed per sniffer; the rest are counted in a last line (the inspector lists them all). */
export const CONNECTIONS_LISTED = 50;

export interface Node {
  readonly id: string;
  /** The run an inline Stop or Dismiss acts on. */
  readonly runKey?: string;
  /** What Reveal in Inspector shows: a connection (store key) or a sniffer's bound endpoint (topology node id). */
  readonly reveal?: { connection?: string; node?: string };
  item(): vscode.TreeItem;
  children(): Node[];
}

const stateIcons: Record<EdgeState, [string, string | undefined]> = {
  handshaking: ['loading~spin', undefined],
  open: ['plug', 'testing.iconPassed'],
  closed: ['debug-disconnect', undefined],
  failed: ['error', 'errorForeground'],
};

const icon = (id: string, colour?: string): vscode.ThemeIcon => new vscode.ThemeIcon(id, colour ? new vscode.ThemeColor(colour) : undefined);

/** A description followed by a diagnosis badge, when there is one. */
const withBadge = (description: string, badge: string | undefined): string => (badge ? `${badge} · ${description}` : description);

const formatBytes = (bytes: number): string =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

export class RunNode implements Node {
  constructor(
    private readonly run: Run,
    private readonly store: CaptureStore,
    private readonly diagnostics?: ExtensionDiagnostics,
  ) {}

  get id(): string {
    return `run:${this.run.key}`;
  }

  get runKey(): string {
    return this.run.key;
  }

  item(): vscode.TreeItem {
    const run = this.run;
    const live = isLive(run);
    const item = new vscode.TreeItem(run.label, live ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    // A sniffer run lists its connections directly, so its own diagnosis counts go here.
    const sniffer = run.kind === 'sniffer' ? run.sniffers()[0] : undefined;
    item.description = withBadge(`${run.detail} · ${run.state}`, sniffer && snifferBadge(this.diagnostics?.tally(sniffer.source.id)));
    item.contextValue = `${run.kind}.${live ? 'live' : 'ended'}`;
    const outcome = run.kind === 'example' ? run.outcome : undefined;
    item.iconPath = live
      ? icon(run.kind === 'example' ? 'play-circle' : 'radio-tower', 'charts.green')
      : run.state === 'failed' || outcome?.ok === false
        ? icon('warning', 'problemsWarningIcon.foreground')
        : icon(run.state === 'finished' ? 'pass' : 'circle-slash');
    item.tooltip = [`${run.label} (${run.key}): ${run.state}`, run.detail, ...(outcome ? [outcome.summary] : [])].join('\n');
    return item;
  }

  children(): Node[] {
    const sniffers = this.run.sniffers();
    if (this.run.kind === 'sniffer') return sniffers.flatMap((entry) => connectionNodes(entry, this.store, this.diagnostics));
    return sniffers.map((entry) => new SnifferNode(entry, this.store, this.diagnostics));
  }
}

export class SnifferNode implements Node {
  constructor(
    private readonly entry: RunSniffer,
    private readonly store: CaptureStore,
    private readonly diagnostics?: ExtensionDiagnostics,
  ) {}

  get id(): string {
    return `sniffer:${this.entry.source.id}`;
  }

  get reveal(): { node: string } {
    return { node: `bound:${this.entry.source.target}` };
  }

  item(): vscode.TreeItem {
    const { source } = this.entry;
    const item = new vscode.TreeItem(source.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = withBadge(`${source.listen} → ${source.target}`, snifferBadge(this.diagnostics?.tally(source.id)));
    item.tooltip = `Sniffer "${source.name}": peers connect to ${source.listen}; it forwards to ${source.target}`;
    item.iconPath = icon('radio-tower');
    item.contextValue = 'sniffer';
    return item;
  }

  children(): Node[] {
    return connectionNodes(this.entry, this.store, this.diagnostics);
  }
}

export function connectionNodes(entry: RunSniffer, store: CaptureStore, diagnostics?: ExtensionDiagnostics): Node[] {
  const summaries = entry.sniffer.summaries();
  const nodes: Node[] = summaries.slice(0, CONNECTIONS_LISTED).map((summary) => new ConnectionNode(entry, summary, store, diagnostics));
  if (summaries.length > CONNECTIONS_LISTED) nodes.push(new MoreNode(`${entry.source.id}:more`, summaries.length - CONNECTIONS_LISTED));
  return nodes;
}

export class ConnectionNode implements Node {
  constructor(
    private readonly entry: RunSniffer,
    private readonly summary: ConnectionSummary,
    private readonly store: CaptureStore,
    private readonly diagnostics?: ExtensionDiagnostics,
  ) {}

  get id(): string {
    return `conn:${this.key}`;
  }

  /** The connection's key in the capture store ("<source id>#<connection id>"). */
  get key(): string {
    return `${this.entry.source.id}#${this.summary.conn}`;
  }

  get reveal(): { connection: string } {
    return { connection: this.key };
  }

  /** The topology knows handshaking and failed too; the sniffer's counters only open or closed. */
  private state(): { state: EdgeState; detail?: string } {
    const conn = this.store.topology.sources.get(this.entry.source.id)?.conns.get(this.summary.conn);
    return conn ? { state: conn.state, detail: conn.detail } : { state: this.summary.open ? 'open' : 'closed' };
  }

  item(): vscode.TreeItem {
    const { socketTypes, messages, bytes, commands, errors } = this.summary;
    const peer = socketTypes.c2s ?? '?';
    const bound = socketTypes.s2c ?? '?';
    const { state, detail } = this.state();
    const flows = [
      messages.c2s > 0 || messages.s2c === 0 ? `${peer}→${bound} ${messages.c2s}` : '',
      messages.s2c > 0 ? `${bound}→${peer} ${messages.s2c}` : '',
    ].filter(Boolean);
    const item = new vscode.TreeItem(`#${this.summary.conn} ${peer} ⇄ ${bound}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const tally = this.diagnostics?.tally(this.entry.source.id);
    const badge = connectionBadge(tally, this.summary.conn);
    item.description = withBadge(`${state} · ${flows.join(' · ')} msgs`, badge);
    item.tooltip = [
      `Connection ${this.summary.conn} of "${this.entry.source.name}": ${peer} (connected) ⇄ ${bound} (bound), ${state}${detail ? `: ${detail}` : ''}`,
      `Messages: ${messages.c2s} from ${peer}, ${messages.s2c} from ${bound}`,
      `Commands: ${commands.c2s + commands.s2c}; bytes: ${formatBytes(bytes.c2s)} from ${peer}, ${formatBytes(bytes.s2c)} from ${bound}`,
      ...(errors > 0 ? [`Decoding problems: ${errors}`] : []),
      ...(badge ? [`Diagnoses naming this connection: ${tally?.byConnection.get(this.summary.conn)} (listed in the inspector)`] : []),
    ].join('\n');
    const [iconId, colour] = stateIcons[state];
    item.iconPath = icon(iconId, colour);
    item.contextValue = 'connection';
    return item;
  }

  children(): Node[] {
    return [];
  }
}

class MoreNode implements Node {
  constructor(
    readonly id: string,
    private readonly count: number,
  ) {}

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(`… ${this.count} more connections`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.tooltip = 'Only the newest connections are listed here; the inspector shows them all.';
    return item;
  }

  children(): Node[] {
    return [];
  }
}
