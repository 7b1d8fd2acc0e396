// Save Capture… and Open Capture…: the raw traffic the runs recorded goes to a JSON Lines or
// pcapng file; a capture file (JSON Lines, pcap, pcapng, gzip-compressed or not) is read streaming
// into the shared store under sources named after the file. Neither opens a port.
import { basename, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { CaptureFileError, LiveCaptureError, readCapture, saveFormatFor, SAVE_EXTENSIONS, writeCaptureFile } from '../capture';
import { CommandArgumentError } from './commandArgs';
import { DEFAULT_RECORDING_BUDGET_MB, SourceRenamer } from './captureRecording';
import type { NotificationAction } from './notify';
import type { Services } from './services';

/** Warnings of one opened file shown in its notification; the log has them all (the reader bounds them). */
const WARNINGS_SHOWN = 3;

let capturesOpened = 0;

/** A `{ path }` command argument (tests, other extensions), or undefined to ask with a dialog. */
export function parsePathArg(value: unknown, command: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const path = (value as { path?: unknown }).path;
  if (typeof value !== 'object' || typeof path !== 'string' || !isAbsolute(path)) {
    throw new CommandArgumentError(`${command} takes { "path": "/absolute/path/to/capture.jsonl" }, not ${JSON.stringify(value)}.`);
  }
  return path;
}

/** Errors of files and capture tools already say what to do: shown as they are, without "report it". */
export function reportCaptureError(services: Services, what: string, error: unknown, actions: NotificationAction[] = []): void {
  if (!(error instanceof CaptureFileError || error instanceof LiveCaptureError)) {
    services.notifier.error(what, error, actions);
    return;
  }
  services.log.error(`${what}: ${error.message}`);
  const all = [...actions, { title: 'Show Log', run: () => services.log.show(true) }];
  void Promise.resolve(vscode.window.showErrorMessage(`${what}: ${error.message}`, ...all.map((action) => action.title))).then(
    (title) => all.find((action) => action.title === title)?.run(),
    () => undefined,
  );
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Writes what the runs recorded; resolves to the file written, or undefined (cancelled, nothing to save, or failed: the user was told). */
export async function saveCapture(services: Services, args: unknown): Promise<string | undefined> {
  const { recording } = services.runtime;
  const records = recording.snapshot();
  if (!records.some((record) => record.type !== 'source')) {
    services.notifier.info('Nothing is recorded to save yet: run an example, sniff an endpoint or capture a port first (Clear Capture empties the recording too).');
    return undefined;
  }
  const path = parsePathArg(args, 'Save Capture') ?? (await askSavePath());
  if (path === undefined) return undefined;
  if (saveFormatFor(path) === undefined) {
    reportCaptureError(services, 'Could not save the capture', new CaptureFileError(`cannot tell which format to write for "${path}": name the file ${SAVE_EXTENSIONS}`));
    return undefined;
  }
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Saving capture to ${basename(path)}` }, () => writeCaptureFile(path, records));
  } catch (error) {
    reportCaptureError(services, 'Could not save the capture', error);
    return undefined;
  }
  const held = megabytes(recording.retainedBytes);
  services.log.info(`Saved the capture (${held} recorded${recording.cut ? ', cut to the newest traffic' : ''}) to ${path}`);
  const reveal = { title: 'Reveal File', run: () => vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path)) };
  if (recording.cut) {
    services.notifier.warn(
      `Saved to ${path}, but only the newest ${megabytes(recording.budgetBytes)} of traffic were still recorded: older traffic is not in the file (it says so when opened). Raise "zmqInspector.captureMemoryMB" to keep more.`,
      [reveal],
    );
  } else {
    services.notifier.info(`Saved the capture to ${path}.`, [reveal]);
  }
  return path;
}

async function askSavePath(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    title: 'ZeroMQ: Save Capture',
    saveLabel: 'Save Capture',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'capture.jsonl') } : {}),
    filters: { 'ZeroMQ Inspector capture (JSON Lines)': ['jsonl'], 'pcapng (Wireshark, tcpdump)': ['pcapng'] },
  });
  return uri?.fsPath;
}

/** Reads a capture file into the store; resolves to the prefix of its sources' ids ("open-1"), or undefined when it could not be read (the user was told). */
export async function openCapture(services: Services, args: unknown): Promise<string | undefined> {
  const path = parsePathArg(args, 'Open Capture') ?? (await askOpenPath());
  if (path === undefined) return undefined;
  const { store, runtime, log } = services;
  if (store.paused) {
    services.notifier.warn(`Capture is paused, so ${basename(path)} would show nothing. Resume Capture, then open it again.`, [
      { title: 'Resume and Open', run: async () => (store.setPaused(false), openCapture(services, { path })) },
    ]);
    return undefined;
  }
  const name = basename(path);
  const sources = new SourceRenamer(`open-${++capturesOpened}`, name);
  const recording = runtime.recording.sinkFor(sources.id);
  const warnings: string[] = [];
  const onWarning = (message: string) => {
    log.warn(`${name}: ${message}`);
    if (warnings.length < WARNINGS_SHOWN) warnings.push(message);
  };
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Opening ${name}`, cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort(new CaptureFileError('you cancelled reading; what was read so far is shown')));
        return readCapture(path, {
          signal: abort.signal,
          decoder: { revealPasswords: services.settings().revealPlainPasswords },
          onEvent: (event, source) => store.ingest(sources.of(source), event),
          onRecord: (record) => recording.sink.write(record),
          onWarning,
        });
      },
    );
    const messages = result.connections.reduce((sum, connection) => sum + connection.messages.c2s + connection.messages.s2c, 0);
    const what = `${result.format}${result.compressed ? ', gzip' : ''}, ${result.connections.length} connection(s), ${messages} message(s)`;
    log.info(`Opened ${path} (${what}) as ${sources.prefix}`);
    if (warnings.length > 0) services.notifier.warn(`Opened ${name} (${what}) with problems: ${warnings.join('; ')}. The log lists them all.`);
    else if (result.connections.length === 0) services.notifier.warn(`${name} holds no ZeroMQ connections (${what}). If the traffic is ZMTP 1.0 or joined mid-way, the CLI's "decode --port N" can force a port.`);
    services.inspector.show();
    return sources.prefix;
  } catch (error) {
    reportCaptureError(services, `Could not open ${name}`, error);
    return undefined;
  } finally {
    recording.release();
  }
}

async function askOpenPath(): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title: 'ZeroMQ: Open Capture',
    openLabel: 'Open Capture',
    canSelectMany: false,
    filters: { 'Captures (JSON Lines, pcap, pcapng)': ['jsonl', 'pcap', 'pcapng', 'gz'], 'All files': ['*'] },
  });
  return uris?.[0]?.fsPath;
}

const BUDGET_SETTING = 'captureMemoryMB';
const BUDGET_MB = { min: 16, max: 16384 } as const;

/** Keeps the recording's memory budget in step with zmqInspector.captureMemoryMB. */
export function trackRecordingBudget(services: Services): vscode.Disposable {
  const apply = () => {
    const wanted = vscode.workspace.getConfiguration('zmqInspector').get<number>(BUDGET_SETTING, DEFAULT_RECORDING_BUDGET_MB);
    const mb = typeof wanted === 'number' && Number.isFinite(wanted) ? Math.min(BUDGET_MB.max, Math.max(BUDGET_MB.min, Math.round(wanted))) : DEFAULT_RECORDING_BUDGET_MB;
    if (mb !== wanted) services.notifier.warn(`"zmqInspector.${BUDGET_SETTING}" is a number of MiB from ${BUDGET_MB.min} to ${BUDGET_MB.max}, not ${JSON.stringify(wanted)}; using ${mb}.`);
    const bytes = mb * 1024 * 1024;
    if (bytes === services.runtime.recording.budgetBytes) return;
    services.runtime.recording.setBudget(bytes);
    services.log.info(`Save Capture… keeps the newest ${mb} MiB of recorded traffic`);
  };
  apply();
  return vscode.workspace.onDidChangeConfiguration((change) => {
    if (change.affectsConfiguration(`zmqInspector.${BUDGET_SETTING}`)) apply();
  });
}
