// "Sniff Endpoint…": from a command argument ({ target, listen?, name? }) or from the quick input.
import { isIPv6 } from 'node:net';
import * as vscode from 'vscode';
import { EndpointError } from '../sniffer/endpoint';
import { RelayError } from '../sniffer/relayErrors';
import { parseSniffArgs } from './commandArgs';
import type { SniffRequest } from './runtime';
import type { Services } from './services';
import { promptSniffRequest } from './sniffPrompt';
import type { NotificationAction } from './notify';

/** Starts a sniffer; resolves to its run key, or undefined when cancelled or refused (the user was told why). */
export async function sniffEndpoint(services: Services, args: unknown, prefillTarget?: string): Promise<string | undefined> {
  const host = services.settings().defaultListenHost;
  let request: SniffRequest | undefined;
  try {
    // Without a listen endpoint in the argument, any free port: a caller that passes none reads it back from the run.
    const fromArgs = parseSniffArgs(args, `tcp://${isIPv6(host) ? `[${host}]` : host}:*`);
    request = fromArgs ?? (await promptSniffRequest(services.recents, host, prefillTarget));
    if (!request) return undefined;
    const run = await services.runtime.startSniffer(request, host);
    // Only what the user typed or picked is offered again; callers passing arguments keep their own lists.
    if (!fromArgs) await services.recents.remember({ target: request.target, listen: request.listen });
    services.notifier.info(`Sniffing ${run.source.target}: connect your clients to ${run.source.listen}.`, [
      { title: 'Copy Listen Endpoint', run: () => vscode.env.clipboard.writeText(run.source.listen) },
      { title: 'Open Inspector', run: () => services.inspector.show() },
    ]);
    return run.key;
  } catch (error) {
    services.notifier.error('Could not start the sniffer', error, nextSteps(services, error, request));
    return undefined;
  }
}

function nextSteps(services: Services, error: unknown, request: SniffRequest | undefined): NotificationAction[] {
  if (!request) return [];
  const retry = (title: string): NotificationAction => ({ title, run: () => sniffEndpoint(services, undefined, request.target) });
  if (error instanceof RelayError && error.code === 'address-in-use') return [retry('Pick Another Listen Port')];
  if (error instanceof EndpointError || error instanceof RelayError) return [retry('Edit Endpoints')];
  return [];
}
