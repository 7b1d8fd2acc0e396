// The extension's settings, read and checked in one place. A value out of range is replaced by
// the nearest allowed one and reported, so a typo in settings.json never stops the extension.
import { isIPv6 } from 'node:net';
import * as vscode from 'vscode';
import { DEFAULT_CAPACITY, DEFAULT_PREVIEW_BYTES, MAX_CAPACITY, MAX_PREVIEW_BYTES, MIN_CAPACITY, MIN_PREVIEW_BYTES } from '../inspector/store';
import { EndpointError, parseEndpoint } from '../sniffer/endpoint';

export const SECTION = 'zmqInspector';

export interface Settings {
  captureLimit: number;
  previewBytes: number;
  defaultListenHost: string;
  revealPlainPasswords: boolean;
  openInspectorOnExampleStart: boolean;
  /** zmqInspector.stepping.enabled: sniffers start able to hold traffic (Pause, Step, breakpoints). */
  steppingEnabled: boolean;
  /** zmqInspector.stepping.holdCommands: Pause holds handshakes and heartbeats too. */
  holdCommands: boolean;
  /** zmqInspector.stepping.holdWhenDebuggerPauses. */
  holdWhenDebuggerPauses: boolean;
}

export const DEFAULT_LISTEN_HOST = '127.0.0.1';

export interface ReadSettings {
  settings: Settings;
  /** One sentence per setting that was out of range, saying what is used instead. */
  problems: string[];
}

function wholeNumber(config: vscode.WorkspaceConfiguration, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const value = config.get<unknown>(name, fallback);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return value;
  const used = typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
  problems.push(`${SECTION}.${name} is ${JSON.stringify(value)}; it must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}. Using ${used.toLocaleString('en')}; fix it in your settings.`);
  return used;
}

/**
 * Settings that open ports or reveal secrets are taken only from the user's own settings, never
 * from a workspace's .vscode/settings.json, whatever its trust (package.json also scopes them
 * "machine" and lists them as restricted in untrusted workspaces).
 */
function userOnly<T>(config: vscode.WorkspaceConfiguration, name: string, fallback: T): unknown {
  const inspected = config.inspect<unknown>(name);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

/** A listen host parseEndpoint accepts (IPv4, IPv6, a name or *), or the reason it is not one. */
export function checkListenHost(host: string): string | undefined {
  try {
    parseEndpoint(`tcp://${isIPv6(host) ? `[${host}]` : host}:0`, 'listen');
    return undefined;
  } catch (error) {
    return error instanceof EndpointError ? error.message : String(error);
  }
}

export function readSettings(): ReadSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const problems: string[] = [];
  const captureLimit = wholeNumber(config, 'captureLimit', DEFAULT_CAPACITY, MIN_CAPACITY, MAX_CAPACITY, problems);
  const previewBytes = wholeNumber(config, 'previewBytes', DEFAULT_PREVIEW_BYTES, MIN_PREVIEW_BYTES, MAX_PREVIEW_BYTES, problems);

  let defaultListenHost = DEFAULT_LISTEN_HOST;
  const host = userOnly(config, 'defaultListenHost', DEFAULT_LISTEN_HOST);
  if (typeof host === 'string' && host.trim() !== '') {
    const hostProblem = checkListenHost(host.trim());
    if (hostProblem === undefined) defaultListenHost = host.trim();
    else problems.push(`${SECTION}.defaultListenHost "${host}" is not usable (${hostProblem}) Using ${DEFAULT_LISTEN_HOST}; fix it in your user settings.`);
  } else if (host !== DEFAULT_LISTEN_HOST) {
    problems.push(`${SECTION}.defaultListenHost must be a host name or IP address such as 127.0.0.1. Using ${DEFAULT_LISTEN_HOST}.`);
  }

  return {
    settings: {
      captureLimit,
      previewBytes,
      defaultListenHost,
      revealPlainPasswords: userOnly(config, 'revealPlainPasswords', false) === true,
      openInspectorOnExampleStart: config.get<unknown>('openInspectorOnExampleStart', true) !== false,
      steppingEnabled: config.get<unknown>('stepping.enabled', true) !== false,
      holdCommands: config.get<unknown>('stepping.holdCommands', false) === true,
      holdWhenDebuggerPauses: config.get<unknown>('stepping.holdWhenDebuggerPauses', false) === true,
    },
    problems,
  };
}

/** Calls `listener` with fresh settings whenever one of ours changes. */
export function onSettingsChanged(listener: (read: ReadSettings, changed: (name: keyof Settings) => boolean) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(SECTION)) return;
    listener(readSettings(), (name) => event.affectsConfiguration(`${SECTION}.${name}`));
  });
}
