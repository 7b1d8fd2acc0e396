// The quick input behind "Sniff Endpoint…": pick a recent pair, or type the target and listen
// endpoints, each checked as it is typed with parseEndpoint's own message.
import { isIPv6 } from 'node:net';
import * as vscode from 'vscode';
import { EndpointError, formatEndpoint, parseEndpoint, type Endpoint } from '../sniffer/endpoint';
import type { SniffRequest } from './runtime';

const RECENT_KEY = 'zmqInspector.recentSniffs';
export const RECENT_SNIFFS_KEPT = 10;

export interface RecentSniff {
  target: string;
  listen: string;
}

/** Recently sniffed endpoint pairs, newest first, in the user's global state (not the workspace's). */
export class RecentSniffs {
  constructor(private readonly state: vscode.Memento) {}

  list(): RecentSniff[] {
    const stored = this.state.get<unknown>(RECENT_KEY, []);
    if (!Array.isArray(stored)) return [];
    return stored
      .filter((entry): entry is RecentSniff => typeof entry?.target === 'string' && typeof entry?.listen === 'string')
      .slice(0, RECENT_SNIFFS_KEPT);
  }

  async remember(entry: RecentSniff): Promise<void> {
    const rest = this.list().filter((old) => old.target !== entry.target || old.listen !== entry.listen);
    await this.state.update(RECENT_KEY, [{ target: entry.target, listen: entry.listen }, ...rest].slice(0, RECENT_SNIFFS_KEPT));
  }
}

const hostInUrl = (host: string): string => (isIPv6(host) ? `[${host}]` : host);

/** Where to listen unless the user says otherwise: the next port on the default host, or a sibling socket file. */
export function suggestedListen(target: Endpoint, defaultListenHost: string): string {
  if (target.transport === 'ipc') return `ipc://${target.path}.sniffer`;
  return `tcp://${hostInUrl(defaultListenHost)}:${target.port < 65535 ? target.port + 1 : '*'}`;
}

function endpointProblem(text: string, role: 'target' | 'listen', defaultListenHost: string): string | undefined {
  try {
    parseEndpoint(text, role, defaultListenHost);
    return undefined;
  } catch (error) {
    return error instanceof EndpointError ? error.message : String(error);
  }
}

/** What is wrong with a listen endpoint for this target, as typed; undefined when it is fine. */
export function listenProblem(text: string, target: Endpoint, defaultListenHost: string): string | undefined {
  const problem = endpointProblem(text, 'listen', defaultListenHost);
  if (problem) return problem;
  if (formatEndpoint(parseEndpoint(text, 'listen', defaultListenHost)) === formatEndpoint(target)) {
    return 'The listen endpoint is the target itself; the sniffer would forward to itself. Pick another port (or path).';
  }
  return undefined;
}

interface RecentItem extends vscode.QuickPickItem {
  recent?: RecentSniff;
}

/** Asks for a target and listen endpoint; undefined when the user cancels. */
export async function promptSniffRequest(recents: RecentSniffs, defaultListenHost: string, prefillTarget?: string): Promise<SniffRequest | undefined> {
  const recent = recents.list();
  if (prefillTarget === undefined && recent.length > 0) {
    const items: RecentItem[] = [
      { label: '$(add) New endpoint…', description: 'type the target and listen endpoints' },
      { label: 'Recent', kind: vscode.QuickPickItemKind.Separator },
      ...recent.map((entry) => ({ label: entry.target, description: `listen on ${entry.listen}`, recent: entry })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'ZeroMQ: Sniff Endpoint', placeHolder: 'Sniff a recent endpoint again, or a new one' });
    if (!picked) return undefined;
    if (picked.recent) return { ...picked.recent };
  }

  const targetText = await vscode.window.showInputBox({
    title: 'ZeroMQ: Sniff Endpoint (1/2): target',
    prompt: 'The endpoint your server is bound to; the sniffer forwards every connection there.',
    placeHolder: 'tcp://127.0.0.1:5555 or ipc:///tmp/app.ipc',
    value: prefillTarget ?? recent[0]?.target ?? '',
    ignoreFocusOut: true,
    validateInput: (text) => endpointProblem(text, 'target', defaultListenHost),
  });
  if (targetText === undefined) return undefined;
  const target = parseEndpoint(targetText, 'target');

  const suggestion = suggestedListen(target, defaultListenHost);
  const listenText = await vscode.window.showInputBox({
    title: 'ZeroMQ: Sniff Endpoint (2/2): listen',
    prompt: `Where the sniffer listens; point your clients here instead of ${formatEndpoint(target)}. A bare port means ${defaultListenHost}; * picks a free port.`,
    value: suggestion,
    valueSelection: target.transport === 'tcp' ? [suggestion.lastIndexOf(':') + 1, suggestion.length] : undefined,
    ignoreFocusOut: true,
    validateInput: (text) => listenProblem(text, target, defaultListenHost),
  });
  if (listenText === undefined) return undefined;
  return { target: formatEndpoint(target), listen: listenText.trim() };
}
