// Capture Port…: tcpdump or dumpcap watches a TCP port, so traffic of an application that was not
// reconfigured shows in the inspector. It runs as a run in the ZeroMQ view until Stop or Stop All.
// Starting it is always the user's own action; it opens no port.
import * as vscode from 'vscode';
import { CommandArgumentError } from './commandArgs';
import { reportCaptureError } from './captureCommands';
import type { Services } from './services';

/** The port as typed, or a sentence saying what is wrong with it. */
export function checkPort(text: string): number | string {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return `"${trimmed}" is not a port: type a whole number from 1 to 65535, e.g. 5555`;
  const port = Number(trimmed);
  return port >= 1 && port <= 65535 ? port : `${port} is not a TCP port: ports go from 1 to 65535`;
}

/** `{ port }` from a command argument, or undefined to ask the user. */
function portArg(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const port = (value as { port?: unknown }).port;
  const checked = typeof port === 'number' || typeof port === 'string' ? checkPort(String(port)) : undefined;
  if (typeof checked !== 'number') {
    throw new CommandArgumentError(`Capture Port takes { "port": 5555 } with a whole number from 1 to 65535, not ${JSON.stringify(value)}${checked ? ` (${checked})` : ''}.`);
  }
  return checked;
}

async function askPort(): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'ZeroMQ: Capture Port',
    prompt: 'TCP port to watch with tcpdump (or dumpcap); the application keeps running as it is',
    placeHolder: '5555',
    validateInput: (value) => {
      const checked = checkPort(value);
      return typeof checked === 'number' ? undefined : checked;
    },
  });
  if (text === undefined) return undefined;
  const checked = checkPort(text);
  return typeof checked === 'number' ? checked : undefined;
}

/** Starts the capture; resolves to its run key, or undefined when cancelled or refused (the user was told why). */
export async function capturePort(services: Services, args: unknown): Promise<string | undefined> {
  let port: number | undefined;
  try {
    port = portArg(args) ?? (await askPort());
    if (port === undefined) return undefined;
    const run = await services.runtime.startPortCapture(port);
    void run.ended.then(() => {
      if (run.failure !== undefined) services.notifier.warn(`The capture of port ${run.port} stopped: ${run.failure}`);
    });
    services.notifier.info(`Capturing tcp port ${port} with ${run.tool}: its ZeroMQ traffic shows in the inspector. Stop it in the ZeroMQ view.`, [
      { title: 'Open Inspector', run: () => services.inspector.show() },
      { title: 'Stop', run: () => services.runtime.stop(run.key) },
    ]);
    return run.key;
  } catch (error) {
    const again = port === undefined ? [] : [{ title: 'Try Again', run: () => capturePort(services, { port }) }];
    reportCaptureError(services, `Could not capture port ${port ?? ''}`.trim(), error, again);
    return undefined;
  }
}
