// Capture Port…: tcpdump or dumpcap watches a TCP port, so traffic of an application that was not
// reconfigured shows in the inspector. It runs as a run in the ZeroMQ view until Stop or Stop All.
// Starting it is always the user's own action; it opens no port.
import * as vscode from 'vscode';
import { CommandArgumentError } from './commandArgs';
import { reportCaptureError } from './captureCommands';
import type { Services } from './services';

export interface PortCaptureRequest {
  port: number;
  /** Network interface; tcpdump's "any" when absent. */
  interface?: string;
}

const INTERFACE_NAME = /^[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,63}$/;

/** "5555" or "5555 lo" as typed, or a sentence saying what is wrong with it. */
export function parsePortRequest(text: string): PortCaptureRequest | string {
  const [portText = '', device, ...rest] = text.trim().split(/\s+/);
  if (!/^\d{1,5}$/.test(portText)) return `"${portText}" is not a port: type a whole number from 1 to 65535, e.g. 5555 (optionally followed by an interface: 5555 lo)`;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `${port} is not a TCP port: ports go from 1 to 65535`;
  if (rest.length > 0) return 'type a port and at most one interface name, e.g. 5555 or 5555 lo';
  if (device !== undefined && !INTERFACE_NAME.test(device)) return `"${device}" is not a network interface name (letters, digits and . _ : @ -), e.g. lo, eth0 or any`;
  return device === undefined ? { port } : { port, interface: device };
}

/** `{ port, interface? }` from a command argument, or undefined to ask the user. */
function requestArg(value: unknown): PortCaptureRequest | undefined {
  if (value === undefined || value === null) return undefined;
  const { port, interface: device } = value as { port?: unknown; interface?: unknown };
  const typed = typeof port === 'number' || typeof port === 'string' ? `${String(port)}${typeof device === 'string' ? ` ${device}` : ''}` : undefined;
  const checked = typed === undefined || (device !== undefined && typeof device !== 'string') ? undefined : parsePortRequest(typed);
  if (checked === undefined || typeof checked === 'string') {
    throw new CommandArgumentError(`Capture Port takes { "port": 5555 } with a whole number from 1 to 65535, and optionally "interface": "lo", not ${JSON.stringify(value)}${checked ? ` (${checked})` : ''}.`);
  }
  return checked;
}

async function askRequest(): Promise<PortCaptureRequest | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'ZeroMQ: Capture Port',
    prompt: 'TCP port to watch with tcpdump (or dumpcap), optionally followed by a network interface (default: any); the application keeps running as it is',
    placeHolder: '5555   or   5555 lo',
    validateInput: (value) => {
      const checked = parsePortRequest(value);
      return typeof checked === 'string' ? checked : undefined;
    },
  });
  const checked = text === undefined ? undefined : parsePortRequest(text);
  return typeof checked === 'object' ? checked : undefined;
}

/** Starts the capture; resolves to its run key, or undefined when cancelled or refused (the user was told why). */
export async function capturePort(services: Services, args: unknown): Promise<string | undefined> {
  let request: PortCaptureRequest | undefined;
  try {
    request = requestArg(args) ?? (await askRequest());
    if (request === undefined) return undefined;
    const run = await services.runtime.startPortCapture(request.port, request.interface);
    void run.ended.then(() => {
      if (run.failure !== undefined) services.notifier.warn(`The capture of port ${run.port} stopped: ${run.failure}`);
    });
    services.notifier.info(`Capturing tcp port ${run.port} with ${run.tool}: its ZeroMQ traffic shows in the inspector. Stop it in the ZeroMQ view.`, [
      { title: 'Open Inspector', run: () => services.inspector.show() },
      { title: 'Stop', run: () => services.runtime.stop(run.key) },
    ]);
    return run.key;
  } catch (error) {
    const retry = request;
    const again = retry === undefined ? [] : [{ title: 'Try Again', run: () => capturePort(services, retry) }];
    reportCaptureError(services, `Could not capture port ${retry?.port ?? ''}`.trim(), error, again);
    return undefined;
  }
}
