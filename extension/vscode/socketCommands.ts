// ZeroMQ: New Socket… and ZeroMQ: Send Message…: the user's own sockets, each behind a sniffer
// the runtime runs (so it is listed in the ZeroMQ view with Stop, and its traffic is captured).
import * as vscode from 'vscode';
import type { CaptureStore } from '../inspector/store';
import { COMPOSE_FORMAT_NAMES, type ComposeFormatName } from '../protocol';
import { ComposeFeed } from '../sockets/composeFeed';
import { promptSocketOptions, type OptionsAsker } from '../sockets/socketOptionsPrompt';
import { isUserSocketType, USER_SOCKET_TYPES } from '../sockets/socketTypes';
import { UserSockets, type UserSocketOptions, type UserSocketSpec } from '../sockets/userSockets';
import { CommandArgumentError } from './commandArgs';
import type { ExtensionDiagnostics } from './diagnostics';
import type { Runtime } from './runtime';
import type { Notifier } from './notify';
import { isLive } from './runs';
import type { Services } from './services';

export interface SendResult {
  ok: boolean;
  /** Why it was not sent, in words for the user. */
  error?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** { type, bind | connect, options } from a command argument; undefined when there is none (ask the user). */
export function parseNewSocketArgs(value: unknown): UserSocketSpec | undefined {
  if (value === undefined || value === null) return undefined;
  const usage = 'New Socket takes { "type": "REQ", "connect": "tcp://127.0.0.1:5555", "options": { … } } (or "bind" instead of "connect").';
  if (!isRecord(value)) throw new CommandArgumentError(usage);
  if (!isUserSocketType(value.type)) throw new CommandArgumentError(`"type" must be one of ${USER_SOCKET_TYPES.join(', ')}, not ${JSON.stringify(value.type)}. ${usage}`);
  for (const name of ['bind', 'connect'] as const) {
    if (value[name] !== undefined && typeof value[name] !== 'string') throw new CommandArgumentError(`"${name}" must be an endpoint string, not ${JSON.stringify(value[name])}.`);
  }
  if (value.options !== undefined && !isRecord(value.options)) throw new CommandArgumentError(`"options" must be an object, not ${JSON.stringify(value.options)}.`);
  return { type: value.type, bind: value.bind as string | undefined, connect: value.connect as string | undefined, options: value.options as UserSocketOptions | undefined };
}

/** The palette's quick picks and input boxes for the options step. */
const optionsAsker: OptionsAsker = {
  pick: async (title, placeHolder, items) => vscode.window.showQuickPick(items, { title, placeHolder }),
  // Keys and passwords are often copied from elsewhere: switching windows must not close the box.
  input: async ({ validate, ...request }) => vscode.window.showInputBox({ ...request, ignoreFocusOut: true, validateInput: validate }),
};

async function promptNewSocket(): Promise<{ spec: UserSocketSpec; generatedServerKey?: string } | undefined> {
  const type = await vscode.window.showQuickPick([...USER_SOCKET_TYPES], { title: 'ZeroMQ: New Socket (1/4)', placeHolder: 'Socket type' });
  if (!isUserSocketType(type)) return undefined;
  const mode = await vscode.window.showQuickPick(['connect', 'bind'], { title: 'ZeroMQ: New Socket (2/4)', placeHolder: 'Connect to a peer, or bind for peers to connect to?' });
  if (mode !== 'connect' && mode !== 'bind') return undefined;
  const endpoint = await vscode.window.showInputBox({
    title: 'ZeroMQ: New Socket (3/4)',
    prompt: mode === 'connect' ? 'Endpoint to connect to (a sniffer sits in front of it)' : 'Endpoint peers connect to (the sniffer listens there)',
    value: mode === 'connect' ? 'tcp://127.0.0.1:5555' : 'tcp://127.0.0.1:0',
  });
  if (!endpoint) return undefined;
  const subscribed: UserSocketOptions = {};
  if (type === 'SUB') {
    const topics = await vscode.window.showInputBox({ title: 'Subscriptions', prompt: 'Topic prefixes, comma separated (empty: everything)', value: '' });
    if (topics === undefined) return undefined;
    subscribed.subscriptions = topics === '' ? [''] : topics.split(',').map((topic) => topic.trim());
  }
  const prompted = await promptSocketOptions(type, optionsAsker, subscribed);
  if (!prompted) return undefined;
  return { spec: { type, [mode]: endpoint, options: prompted.options }, generatedServerKey: prompted.generatedServerKey };
}

/** The user's sockets and the inspector's compose area over them. */
export interface UserSocketsHost {
  readonly sockets: UserSockets;
  readonly feed: ComposeFeed;
}

export interface UserSocketsDeps {
  runtime: Runtime;
  store: CaptureStore;
  diagnostics: ExtensionDiagnostics;
  notifier: Notifier;
  /** Where a bound socket's sniffer listens when the endpoint names no host (the setting). */
  listenHost(): string;
}

/**
 * Made before the inspector (whose compose area shows the feed) and before the commands, which
 * use the same sockets. Each socket's sniffer is a runtime run.
 */
export function createUserSockets({ runtime, store, diagnostics, notifier, listenHost }: UserSocketsDeps): UserSocketsHost {
  const sockets = new UserSockets({
    startSniffer: async (request) => {
      const run = await runtime.startSniffer(request, listenHost());
      return { key: run.key, listen: run.source.listen, stop: () => runtime.stop(run.key) };
    },
    watchSocket: diagnostics.watchSocket,
    onRefused: (socket, message) => notifier.warn(`Socket ${socket.id} (${socket.type} ${socket.label}): ${message}`),
  });
  const feed = new ComposeFeed(sockets, store, { newSocket: () => void vscode.commands.executeCommand('zmqInspector.newSocket') });
  return { sockets, feed };
}

export function registerSocketCommands(services: Services, { sockets, feed }: UserSocketsHost): vscode.Disposable[] {
  const { runtime } = services;
  const stopWatching = runtime.onDidChange((change) => {
    if (change === 'runs') sockets.closeWhere((id) => !isLive(runtime.get(id) ?? { state: 'stopped' }));
  });

  const refused = (error: unknown): SendResult => {
    const message = error instanceof Error ? error.message : String(error);
    services.notifier.warn(`The message was not sent: ${message}`);
    return { ok: false, error: message };
  };

  const newSocket = async (args: unknown): Promise<string | undefined> => {
    try {
      const given = parseNewSocketArgs(args);
      const prompted = given ? { spec: given } : await promptNewSocket();
      if (!prompted) return undefined;
      const info = await sockets.create(prompted.spec);
      services.log.info(`Socket ${info.id}: ${info.type} ${info.label}`);
      if (args === undefined) services.notifier.info(`${info.type} socket ${info.id} is open (${info.label}); send from the inspector's compose area or ZeroMQ: Send Message.`, [{ title: 'Open Inspector', run: () => services.inspector.show() }]);
      const { generatedServerKey } = prompted;
      if (generatedServerKey) {
        // The public half only: clients need it as their server key; the secret stays in the socket.
        services.notifier.info(`CURVE server ${info.id}'s public key (clients connect with it as their server key): ${generatedServerKey}`, [{ title: 'Copy', run: () => vscode.env.clipboard.writeText(generatedServerKey) }]);
      }
      return info.id;
    } catch (error) {
      services.notifier.error('Could not create the socket', error);
      return undefined;
    }
  };

  const sendMessage = async (args: unknown): Promise<SendResult> => {
    try {
      const request = isRecord(args) ? args : await promptSend(sockets);
      if (!request) return { ok: false, error: 'cancelled' };
      const format = (request.format ?? 'text') as ComposeFormatName;
      if (typeof request.socket !== 'string') throw new CommandArgumentError('Send Message takes { "socket": "<id from New Socket>", "frames": "line per frame", "format": "text" }.');
      await feed.send(request.socket, format, request.frames as string);
      return { ok: true };
    } catch (error) {
      return refused(error);
    }
  };

  /** { seq, socket }: the captured message `seq` sent again through the user socket `socket`. */
  const resendMessage = async (args: unknown): Promise<SendResult> => {
    try {
      const request = isRecord(args) ? args : await promptResend(sockets);
      if (!request) return { ok: false, error: 'cancelled' };
      const { seq, socket } = request;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || typeof socket !== 'string') {
        throw new CommandArgumentError('Send Again takes { "seq": <the message\'s row number>, "socket": "<id from New Socket>" }.');
      }
      await feed.resend(socket, seq);
      return { ok: true };
    } catch (error) {
      return refused(error);
    }
  };

  return [
    vscode.commands.registerCommand('zmqInspector.newSocket', newSocket),
    vscode.commands.registerCommand('zmqInspector.resendMessage', resendMessage),
    vscode.commands.registerCommand('zmqInspector.sendMessage', sendMessage),
    new vscode.Disposable(() => {
      stopWatching();
      feed.dispose();
      sockets.closeWhere(() => true);
    }),
  ];
}

async function pickSocket(sockets: UserSockets, title: string): Promise<string | undefined> {
  const open = sockets.list();
  if (open.length === 0) throw new Error('No socket is open; create one with ZeroMQ: New Socket… first.');
  const picked = await vscode.window.showQuickPick(
    open.map((info) => ({ label: `${info.type} ${info.id}`, description: info.label, id: info.id })),
    { title, placeHolder: 'From which socket?' },
  );
  return picked?.id;
}

async function promptResend(sockets: UserSockets): Promise<Record<string, unknown> | undefined> {
  const socket = await pickSocket(sockets, 'ZeroMQ: Send Again');
  if (!socket) return undefined;
  const row = await vscode.window.showInputBox({ title: 'ZeroMQ: Send Again', prompt: "The captured message's number (the # in the inspector's Details title)", validateInput: (text) => (/^\d+$/.test(text.trim()) ? undefined : 'A row number, e.g. 12') });
  return row === undefined ? undefined : { socket, seq: Number(row.trim()) };
}

async function promptSend(sockets: UserSockets): Promise<Record<string, unknown> | undefined> {
  const socket = await pickSocket(sockets, 'ZeroMQ: Send Message');
  if (!socket) return undefined;
  const format = await vscode.window.showQuickPick([...COMPOSE_FORMAT_NAMES], { title: 'ZeroMQ: Send Message', placeHolder: 'Frames written as' });
  if (!format) return undefined;
  const frames = await vscode.window.showInputBox({ title: 'ZeroMQ: Send Message', prompt: 'Frames separated by " | " (each one text, hex, a JSON array, or a file path)' });
  if (frames === undefined) return undefined;
  return { socket, format, frames: format === 'json' ? frames : frames.split(' | ').join('\n') };
}
