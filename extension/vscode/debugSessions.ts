// Sniffers that live as long as a debug session: those of the zmqInspector.sniffers setting and of
// the session's launch configuration (its `zmqInspector` block) start when the session starts and
// stop when it ends. Only debug sessions are watched, so any debugger of any language works.
//
// Sessions are keyed by their root: a debugger's child sessions (js-debug's per-process ones, an
// attach under a launch) share the root's sniffers. Identical declarations of several root
// sessions (settings, or a compound's configurations) share one sniffer, stopped with the last.
import * as vscode from 'vscode';
import { isLive, type SnifferRun } from './runs';
import type { SniffRequest } from './runtime';
import type { Services } from './services';
import { SECTION } from './settings';
import { declarationKey, parseLaunchBlock, parseSnifferList, type DebugSnifferDeclarations } from './debugSniffers';

interface PooledSniffer {
  /** Root session ids that declared it. */
  readonly owners: Set<string>;
  readonly run: Promise<SnifferRun>;
  /** Set once started: a sniffer the user stopped by hand is started again by the next session. */
  started?: SnifferRun;
}

interface SessionSniffers {
  readonly name: string;
  readonly declarationKeys: string[];
  /** Settles when every sniffer of the session started or failed (and the user was told). */
  readonly ready: Promise<void>;
}

const UNTRUSTED_NOTICE =
  'This workspace is not trusted, so sniffers declared in its settings or launch configurations do not start (they would open ports). ' +
  'Trust the workspace to use them; sniffers in your user settings still start.';

const rootOf = (session: vscode.DebugSession): vscode.DebugSession => {
  let root = session;
  // Bounded: a parent chain longer than this would be a debugger bug, not a real tree.
  for (let depth = 0; root.parentSession && depth < 100; depth++) root = root.parentSession;
  return root;
};

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class DebugSessionSniffers implements vscode.Disposable {
  private readonly pool = new Map<string, PooledSniffer>();
  private readonly sessions = new Map<string, SessionSniffers>();
  private readonly subscriptions: vscode.Disposable[];
  private untrustedNoticeLogged = false;

  constructor(private readonly services: Services) {
    this.subscriptions = [
      vscode.debug.onDidStartDebugSession((session) => this.sessionStarted(session)),
      vscode.debug.onDidTerminateDebugSession((session) => void this.sessionEnded(session)),
    ];
    // The extension may activate while a session runs (its start event went by unseen).
    const active = vscode.debug.activeDebugSession;
    if (active) this.sessionStarted(active);
  }

  /** Resolves once the sniffers of the root session `rootId` are started (or refused); for tests and callers that wait. */
  async whenReady(rootId: string): Promise<void> {
    await this.sessions.get(rootId)?.ready;
  }

  dispose(): void {
    this.subscriptions.forEach((subscription) => subscription.dispose());
    // The runtime stops every sniffer on deactivate; only the bookkeeping goes here.
    this.sessions.clear();
    this.pool.clear();
  }

  private sessionStarted(session: vscode.DebugSession): void {
    const root = rootOf(session);
    if (this.sessions.has(root.id)) return;
    const launch = parseLaunchBlock(session.configuration.zmqInspector ?? root.configuration.zmqInspector, root.name, this.services.settings().defaultListenHost);
    const declared = this.trusted(launch, this.settingsSniffers());
    if (declared.sniffers.length === 0 && declared.problems.length === 0) return;
    const declarationKeys: string[] = [];
    const starts = declared.sniffers.map((request) => {
      declarationKeys.push(declarationKey(request));
      return this.acquire(request, root.id).then(
        () => undefined,
        (error: unknown) => `"${request.name}" (${request.listen} → ${request.target}) did not start: ${describeError(error)}`,
      );
    });
    const ready = Promise.all(starts).then((failures) => {
      const problems = [...declared.problems, ...failures.filter((failure): failure is string => failure !== undefined)];
      const started = declared.sniffers.length - (problems.length - declared.problems.length);
      this.services.log.info(`Debug session "${root.name}": ${started} of ${declared.sniffers.length} ZeroMQ sniffer(s) running until it ends`);
      if (problems.length > 0) this.reportProblems(root.name, problems);
      if (started > 0 && launch?.openInspector !== false) this.services.inspector.show();
    });
    this.sessions.set(root.id, { name: root.name, declarationKeys, ready });
  }

  private async sessionEnded(session: vscode.DebugSession): Promise<void> {
    const entry = this.sessions.get(session.id);
    if (!entry) return;
    this.sessions.delete(session.id);
    await entry.ready;
    await Promise.all(entry.declarationKeys.map((key) => this.release(key, session.id)));
    this.services.log.info(`Debug session "${entry.name}" ended; its ZeroMQ sniffers stopped`);
  }

  private acquire(request: SniffRequest, owner: string): Promise<SnifferRun> {
    const key = declarationKey(request);
    const pooled = this.pool.get(key);
    if (pooled && (!pooled.started || isLive(pooled.started))) {
      pooled.owners.add(owner);
      return pooled.run;
    }
    const owners = new Set([...(pooled?.owners ?? []), owner]);
    const run = this.services.runtime.startSniffer(request, this.services.settings().defaultListenHost);
    const entry: PooledSniffer = { owners, run };
    this.pool.set(key, entry);
    run.then(
      (started) => (entry.started = started),
      () => {
        if (this.pool.get(key) === entry) this.pool.delete(key);
      },
    );
    return run;
  }

  private async release(key: string, owner: string): Promise<void> {
    const pooled = this.pool.get(key);
    if (!pooled) return;
    pooled.owners.delete(owner);
    if (pooled.owners.size > 0) return;
    this.pool.delete(key);
    const run = await pooled.run.catch(() => undefined);
    if (run) await this.services.runtime.stop(run.key);
  }

  /** The user-settings part of zmqInspector.sniffers in an untrusted workspace; the effective value otherwise. */
  private settingsSniffers(): DebugSnifferDeclarations {
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown>('sniffers');
    const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
    if (fromWorkspace !== undefined && !vscode.workspace.isTrusted) this.logUntrustedOnce();
    const value = vscode.workspace.isTrusted ? (fromWorkspace ?? inspected?.globalValue) : inspected?.globalValue;
    return parseSnifferList(value, `${SECTION}.sniffers`, this.services.settings().defaultListenHost);
  }

  /** Settings sniffers plus, when the workspace is trusted, the launch configuration's. */
  private trusted(launch: DebugSnifferDeclarations | undefined, settings: DebugSnifferDeclarations): DebugSnifferDeclarations {
    if (launch && !vscode.workspace.isTrusted) {
      // A launch configuration normally lives in the workspace's .vscode/launch.json.
      this.logUntrustedOnce();
      return settings;
    }
    return { sniffers: [...settings.sniffers, ...(launch?.sniffers ?? [])], problems: [...settings.problems, ...(launch?.problems ?? [])] };
  }

  private logUntrustedOnce(): void {
    if (this.untrustedNoticeLogged) return;
    this.untrustedNoticeLogged = true;
    this.services.log.warn(UNTRUSTED_NOTICE);
  }

  private reportProblems(sessionName: string, problems: string[]): void {
    this.services.notifier.warn(`Debug session "${sessionName}": ${problems.length === 1 ? 'a ZeroMQ sniffer' : `${problems.length} ZeroMQ sniffers`} did not start. ${problems.join(' ')}`, [
      { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.sniffers`) },
    ]);
  }
}

export function registerDebugSessions(services: Services): vscode.Disposable {
  return new DebugSessionSniffers(services);
}
