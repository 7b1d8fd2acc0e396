// The optional last step of New Socket… from the palette: the UserSocketOptions that apply to the
// chosen type, one at a time, each with the input boxes it needs, validated as typed by the same
// checks UserSockets.create applies to a command argument. Free of `vscode`: the quick picks and
// input boxes come in as an OptionsAsker, so the tests answer them in plain Node.
import * as zmq from 'zeromq';
import { takesRoutingId, type UserSocketType } from './socketTypes';
import { curveKeyProblem, heartbeatProblem, plainFieldProblem, routingIdProblem, type UserSocketOptions } from './userSockets';

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
}

export interface InputRequest {
  title: string;
  prompt: string;
  value?: string;
  /** Hide what is typed: passwords and secret keys. */
  password?: boolean;
  /** The message shown under the box while `text` is not acceptable; undefined accepts it. */
  validate(text: string): string | undefined;
}

/** A quick pick and an input box; each resolves undefined when the user cancels. */
export interface OptionsAsker {
  pick<T extends PickItem>(title: string, placeHolder: string, items: T[]): Promise<T | undefined>;
  input(request: InputRequest): Promise<string | undefined>;
}

export interface PromptedOptions {
  options: UserSocketOptions;
  /** The public key of a CURVE server key pair generated here: the clients need it as their server key. */
  generatedServerKey?: string;
}

const OPTIONS_TITLE = 'ZeroMQ: New Socket (4/4): Options';
export const CREATE_NOW = 'No options (create now)';
export const CREATE_WITH_OPTIONS = 'Create now';
/** A PLAIN server prompted here accepts at most this many users; more belong in a command argument. */
export const MAX_PLAIN_USERS = 10;

type OptionKind = 'routingId' | 'relaxed' | 'heartbeats' | 'plainClient' | 'plainServer' | 'curveClient' | 'curveServer';

interface OptionChoice extends PickItem {
  // Not `kind`: VS Code's QuickPickItem reads that one as separator or item.
  option: OptionKind;
}

const CHOICES: readonly OptionChoice[] = [
  { option: 'routingId', label: 'Routing id', detail: 'The name a ROUTER peer sees for this socket (ZMQ_ROUTING_ID)' },
  { option: 'relaxed', label: 'Relaxed REQ', detail: 'Allow sending again before the reply arrives (ZMQ_REQ_RELAXED with ZMQ_REQ_CORRELATE)' },
  { option: 'heartbeats', label: 'Heartbeats', detail: 'PING the peer every so often and drop the connection when it stops answering' },
  { option: 'plainClient', label: 'PLAIN client', detail: 'Log in to a PLAIN server with a username and password (sent in clear text)' },
  { option: 'plainServer', label: 'PLAIN server', detail: 'Ask connecting peers for a username and password' },
  { option: 'curveClient', label: 'CURVE client', detail: 'Encrypt, talking to a CURVE server whose public key you have' },
  { option: 'curveServer', label: 'CURVE server', detail: 'Encrypt with a key pair of its own; the clients need its public key' },
];

function isSet(kind: OptionKind, options: UserSocketOptions): boolean {
  if (kind === 'routingId') return options.routingId !== undefined;
  if (kind === 'relaxed') return options.relaxed !== undefined;
  if (kind === 'heartbeats') return options.heartbeatIntervalMs !== undefined;
  // A socket uses one security mechanism: once one is chosen, none is offered again.
  return options.plain !== undefined || options.curve !== undefined;
}

function appliesTo(kind: OptionKind, type: UserSocketType): boolean {
  if (kind === 'routingId') return takesRoutingId(type);
  if (kind === 'relaxed') return type === 'REQ';
  return true;
}

/** The options that apply to `type` and are not set in `options` yet, in the order offered. */
export function optionChoices(type: UserSocketType, options: UserSocketOptions): OptionChoice[] {
  return CHOICES.filter((choice) => appliesTo(choice.option, type) && !isSet(choice.option, options));
}

/** The options in words for the Create now item; never a password or a secret key. */
function describeOptions(options: UserSocketOptions): string {
  const parts: string[] = [];
  if (options.routingId !== undefined) parts.push(`routing id ${JSON.stringify(options.routingId)}`);
  if (options.relaxed) parts.push('relaxed');
  if (options.heartbeatIntervalMs !== undefined) parts.push(`heartbeat every ${options.heartbeatIntervalMs} ms, timeout ${options.heartbeatTimeoutMs ?? options.heartbeatIntervalMs} ms`);
  if (options.plain) parts.push('server' in options.plain ? `PLAIN server (${options.plain.users ? `${options.plain.users.length} user(s)` : 'any user'})` : `PLAIN client ${JSON.stringify(options.plain.username)}`);
  if (options.curve) parts.push('server' in options.curve ? `CURVE server (${options.curve.clients ? `${options.curve.clients.length} client key(s)` : 'any client'})` : 'CURVE client');
  return parts.join(', ');
}

/**
 * Asks for options one at a time until the user picks Create now; undefined when they cancel
 * (Escape anywhere cancels New Socket…, as in its earlier steps). `given`: options already set
 * (a SUB's subscriptions).
 */
export async function promptSocketOptions(type: UserSocketType, ask: OptionsAsker, given: UserSocketOptions = {}): Promise<PromptedOptions | undefined> {
  const prompted: PromptedOptions = { options: { ...given } };
  // Each round sets one option, which is then no longer offered, so this many rounds offer them all.
  for (let round = 0; round <= CHOICES.length; round += 1) {
    const summary = describeOptions(prompted.options);
    const create = { option: 'create' as const, label: summary ? CREATE_WITH_OPTIONS : CREATE_NOW, description: summary };
    const picked = await ask.pick<OptionChoice | typeof create>(OPTIONS_TITLE, 'Set an option for the socket, or create it now', [create, ...optionChoices(type, prompted.options)]);
    if (!picked) return undefined;
    if (picked.option === 'create') return prompted;
    if (!(await askFor[picked.option](ask, prompted))) return undefined;
  }
  return prompted;
}

/** Asks what the option needs and sets it in `prompted`; false when the user cancelled. */
type OptionQuestions = (ask: OptionsAsker, prompted: PromptedOptions) => Promise<boolean>;

const askFor: Record<OptionKind, OptionQuestions> = {
  routingId: async (ask, { options }) => {
    const routingId = await ask.input({ title: 'Routing id', prompt: 'The name ROUTER peers see for this socket (1 to 255 bytes)', validate: routingIdProblem });
    if (routingId === undefined) return false;
    options.routingId = routingId;
    return true;
  },
  relaxed: async (_ask, { options }) => {
    options.relaxed = true;
    return true;
  },
  heartbeats: async (ask, { options }) => {
    const interval = await ask.input({ title: 'Heartbeats (1/2)', prompt: 'Send a PING every … ms', value: '1000', validate: (text) => heartbeatProblem('The interval', wholeNumber(text)) });
    if (interval === undefined) return false;
    const timeout = await ask.input({
      title: 'Heartbeats (2/2)',
      prompt: 'Drop the connection when nothing arrives within … ms of a PING (libzmq uses the interval when unset)',
      value: interval.trim(),
      validate: (text) => heartbeatProblem('The timeout', wholeNumber(text)),
    });
    if (timeout === undefined) return false;
    options.heartbeatIntervalMs = Number(interval.trim());
    options.heartbeatTimeoutMs = Number(timeout.trim());
    return true;
  },
  plainClient: async (ask, { options }) => {
    const credentials = await askCredentials(ask, 'PLAIN client', 'The username and password this socket logs in with');
    if (!credentials) return false;
    options.plain = credentials;
    return true;
  },
  plainServer: async (ask, { options }) => {
    const anyUser = { label: 'Accept any username and password', any: true };
    const listed = { label: 'Accept only the users I enter', any: false };
    const who = await ask.pick('PLAIN server', 'Which clients may log in?', [anyUser, listed]);
    if (!who) return false;
    if (who.any) {
      options.plain = { server: true };
      return true;
    }
    const users = await askUsers(ask);
    if (!users) return false;
    options.plain = { server: true, users };
    return true;
  },
  curveClient: async (ask, { options }) => {
    const serverKey = await askKey(ask, 'CURVE client', "The server's public key (Z85, 40 characters)", "The server's public key");
    if (serverKey === undefined) return false;
    const fresh = { label: 'A fresh key pair of its own', detail: 'For servers that accept any client', fresh: true };
    const mine = { label: 'A key pair I enter', detail: 'For servers that list the client public keys they accept', fresh: false };
    const pair = await ask.pick('CURVE client', "The client's own key pair", [fresh, mine]);
    if (!pair) return false;
    if (pair.fresh) {
      options.curve = { serverKey };
      return true;
    }
    const publicKey = await askKey(ask, 'CURVE client: own key pair (1/2)', "This client's public key (Z85, 40 characters)", 'The public key');
    if (publicKey === undefined) return false;
    const secretKey = await askKey(ask, 'CURVE client: own key pair (2/2)', "This client's secret key (Z85, 40 characters; hidden as typed)", 'The secret key', true);
    if (secretKey === undefined) return false;
    options.curve = { serverKey, publicKey, secretKey };
    return true;
  },
  curveServer: async (ask, prompted) => {
    const generate = { label: 'Generate a new key pair', detail: 'Its public key is shown to copy once the socket is open', generate: true };
    const enter = { label: 'Enter the secret key I have', detail: 'The clients already know its public key', generate: false };
    const source = await ask.pick('CURVE server', "The server's key pair", [generate, enter]);
    if (!source) return false;
    let secretKey: string | undefined;
    if (source.generate) {
      const pair = zmq.curveKeyPair();
      secretKey = pair.secretKey;
      prompted.generatedServerKey = pair.publicKey;
    } else {
      secretKey = await askKey(ask, 'CURVE server', "The server's secret key (Z85, 40 characters; hidden as typed)", 'The secret key', true);
      if (secretKey === undefined) return false;
    }
    const anyClient = { label: 'Accept any client', any: true };
    const listed = { label: 'Accept only the client public keys I enter', any: false };
    const who = await ask.pick('CURVE server', 'Which clients may connect?', [anyClient, listed]);
    if (!who) return false;
    if (who.any) {
      prompted.options.curve = { server: true, secretKey };
      return true;
    }
    const clients = await ask.input({ title: 'CURVE server: clients', prompt: 'The client public keys it accepts, separated by commas or spaces', validate: clientKeysProblem });
    if (clients === undefined) return false;
    prompted.options.curve = { server: true, secretKey, clients: splitKeys(clients) };
    return true;
  },
};

/** `text` as a number when it is digits only, else as typed, so the problem quotes what was typed. */
const wholeNumber = (text: string): number | string => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);

/** Keys as typed in one box: Z85 has neither commas nor spaces, so either separates them. */
const splitKeys = (text: string): string[] => text.split(/[\s,]+/).filter((key) => key !== '');

/** Why `text` is not a list of client public keys, naming the first wrong one. */
export function clientKeysProblem(text: string): string | undefined {
  const keys = splitKeys(text);
  if (keys.length === 0) return 'Enter at least one client public key, or go back and accept any client.';
  for (const [index, key] of keys.entries()) {
    const problem = curveKeyProblem(`Client key ${index + 1}`, key);
    if (problem) return problem;
  }
  return undefined;
}

async function askKey(ask: OptionsAsker, title: string, prompt: string, what: string, secret = false): Promise<string | undefined> {
  const key = await ask.input({ title, prompt, password: secret, validate: (text) => curveKeyProblem(what, text.trim()) });
  return key?.trim();
}

async function askCredentials(ask: OptionsAsker, title: string, prompt: string): Promise<{ username: string; password: string } | undefined> {
  const username = await ask.input({ title: `${title}: username`, prompt, validate: (text) => plainFieldProblem('username', text) });
  if (username === undefined) return undefined;
  const password = await ask.input({ title: `${title}: password for ${JSON.stringify(username)}`, prompt: 'The password (hidden as typed)', password: true, validate: (text) => plainFieldProblem('password', text) });
  return password === undefined ? undefined : { username, password };
}

/** One user after another until the user says Done, at most MAX_PLAIN_USERS. */
async function askUsers(ask: OptionsAsker): Promise<{ username: string; password: string }[] | undefined> {
  const users: { username: string; password: string }[] = [];
  while (users.length < MAX_PLAIN_USERS) {
    const user = await askCredentials(ask, `PLAIN server: user ${users.length + 1}`, 'A username this server accepts');
    if (!user) return undefined;
    users.push(user);
    if (users.length === MAX_PLAIN_USERS) break;
    const more = await ask.pick('PLAIN server', `${users.length} user(s) so far`, [{ label: 'Done', more: false }, { label: 'Add another user', more: true }]);
    if (!more) return undefined;
    if (!more.more) break;
  }
  return users;
}
