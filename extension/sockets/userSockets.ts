// Sockets the user creates with New Socket…: any type, bound or connected, always behind a
// sniffer so their traffic shows in the inspector. Bound: the socket binds an ephemeral loopback
// port and the sniffer listens where the user asked. Connected: the sniffer sits in front of the
// target and the socket connects to the sniffer. Free of `vscode`; the runtime's sniffers come in
// as a hook, so the tests run the same code with plain Sniffers.
import * as zmq from 'zeromq';
import { checkFrames } from './compose';
import { canReceive, canSend, createZmqSocket, takesRoutingId, type UserSocketType } from './socketTypes';
import { decideBy, isZ85Digit, isZ85Key, ZapHandler } from './zapHandler';

export interface UserSocketOptions {
  /** SUB / XSUB: topic prefixes to subscribe to ("" is everything). */
  subscriptions?: string[];
  routingId?: string;
  /** REQ: allow sending again before the reply arrives (ZMQ_REQ_RELAXED). */
  relaxed?: boolean;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /** Client: the credentials it offers; server: the pairs it accepts (absent: any). */
  plain?: { username: string; password: string } | { server: true; users?: { username: string; password: string }[] };
  /**
   * Client: the server's public key (Z85), and its own key pair (absent: a fresh one); server: its
   * secret key and the client public keys it accepts (absent: any).
   */
  curve?: { serverKey: string; publicKey?: string; secretKey?: string } | { server: true; secretKey: string; clients?: string[] };
}

export interface UserSocketSpec {
  type: UserSocketType;
  /** Where peers connect (the sniffer listens there); exactly one of bind and connect. */
  bind?: string;
  connect?: string;
  options?: UserSocketOptions;
}

/** A sniffer started for a user socket; `key` becomes the socket's id. */
export interface SnifferFront {
  key: string;
  listen: string;
  stop(): Promise<void>;
}

export interface UserSocketHooks {
  startSniffer(request: { listen: string; target: string; name: string }): Promise<SnifferFront>;
  /** Wraps each socket before use (the diagnostics' observeSocket). */
  watchSocket?<T extends zmq.Socket>(socket: T): T;
  /** A security handshake failed (wrong password, unknown key, mechanism mismatch); said once until one succeeds. */
  onRefused?(socket: UserSocketInfo, message: string): void;
}

export interface UserSocketInfo {
  id: string;
  type: UserSocketType;
  /** "bind tcp://127.0.0.1:5555" or "connect tcp://…". */
  label: string;
}

/** What listeners of UserSockets.onChange hear: the list of sockets changed, or one received a message. */
export type UserSocketsChange = { type: 'sockets' } | { type: 'received'; socket: UserSocketInfo; frames: Buffer[] };

export class UserSocketError extends Error {
  override name = 'UserSocketError';
}

/** How long a send waits for a peer to take the message before it is refused. */
export const SEND_TIMEOUT_MS = 3000;
/** Received messages kept per socket (received()); older ones are dropped. */
export const RECEIVED_KEPT = 50;
/** Bytes of received messages kept per socket, so a peer sending large messages cannot fill memory. */
export const RECEIVED_BYTES_KEPT = 4 * 1024 * 1024;

interface Entry {
  info: UserSocketInfo;
  socket: zmq.Socket;
  front: SnifferFront;
  awaitingReply: boolean;
  /** REQ_RELAXED, kept here because libzmq's option is write-only (reading it gives undefined). */
  relaxed: boolean;
  sending: boolean;
  received: Buffer[][];
  receivedBytes: number;
  closed: boolean;
  /** Answers the peers' PLAIN / CURVE credentials when this socket is the server. */
  zap?: ZapHandler;
  /** Why the last security handshake failed, until one succeeds. */
  refusal?: string;
}

const sizeOf = (frames: Buffer[]): number => frames.reduce((sum, frame) => sum + frame.length, 0);

const errorCode = (error: unknown): string | undefined => (error as { code?: unknown } | null)?.code as string | undefined;

export class UserSockets {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: UserSocketsChange) => void>();

  constructor(private readonly hooks: UserSocketHooks) {}

  /** Sockets opened or closed, and messages received (e.g. for the compose area); returns the unsubscribe. */
  onChange(listener: (change: UserSocketsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: UserSocketsChange): void {
    for (const listener of this.listeners) listener(change);
  }

  list(): UserSocketInfo[] {
    return [...this.entries.values()].filter((entry) => !entry.closed).map((entry) => entry.info);
  }

  get(id: string): UserSocketInfo | undefined {
    const entry = this.entries.get(id);
    return entry && !entry.closed ? entry.info : undefined;
  }

  /** The last RECEIVED_KEPT messages the socket received, oldest first. */
  received(id: string): Buffer[][] {
    return [...(this.entries.get(id)?.received ?? [])];
  }

  /** Creates, binds or connects the socket behind a sniffer; throws UserSocketError / EndpointError saying what to fix. */
  async create(spec: UserSocketSpec): Promise<UserSocketInfo> {
    const endpoint = spec.bind ?? spec.connect;
    if ((spec.bind === undefined) === (spec.connect === undefined) || !endpoint) {
      throw new UserSocketError('A new socket needs exactly one of "bind" or "connect", e.g. { "type": "REQ", "connect": "tcp://127.0.0.1:5555" }.');
    }
    const options = spec.options ?? {};
    const zmqOptions = socketOptions(spec.type, options);
    const zap = await startZap(options, zmqOptions);
    let created: zmq.Socket;
    try {
      created = createZmqSocket(spec.type, zmqOptions);
    } catch (error) {
      await zap?.close();
      throw error;
    }
    const socket = this.hooks.watchSocket ? this.hooks.watchSocket(created) : created;
    const mode = spec.bind !== undefined ? 'bind' : 'connect';
    const name = `${spec.type} ${mode} ${endpoint}`;
    let front: SnifferFront | undefined;
    try {
      subscribe(socket, spec.type, options.subscriptions);
      if (mode === 'bind') {
        await socket.bind('tcp://127.0.0.1:*');
        front = await this.hooks.startSniffer({ listen: endpoint, target: socket.lastEndpoint ?? '', name });
      } else {
        front = await this.hooks.startSniffer({ listen: 'tcp://127.0.0.1:0', target: endpoint, name });
        socket.connect(front.listen);
      }
    } catch (error) {
      socket.close();
      await Promise.all([front?.stop(), zap?.close()]);
      throw error;
    }
    const entry: Entry = { info: { id: front.key, type: spec.type, label: `${mode} ${mode === 'bind' ? front.listen : endpoint}` }, socket, front, awaitingReply: false, relaxed: options.relaxed === true, sending: false, received: [], receivedBytes: 0, closed: false, zap };
    this.entries.set(front.key, entry);
    this.watchHandshakes(entry);
    if (canReceive(spec.type)) void this.receiveLoop(entry);
    this.changed({ type: 'sockets' });
    return entry.info;
  }

  /** Sends one multipart message; throws UserSocketError with what to do when it cannot. */
  async send(id: string, frames: Buffer[]): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.closed) throw new UserSocketError(`There is no open socket "${id}"; create one with ZeroMQ: New Socket….`);
    const { type } = entry.info;
    if (!canSend(type)) throw new UserSocketError(`A ${type} socket only receives; send from a ${type === 'SUB' ? 'PUB or XPUB' : 'PUSH'} socket instead.`);
    if (type === 'REQ' && entry.awaitingReply && !entry.relaxed) throw new UserSocketError(REQ_TWICE);
    if (type === 'REP' && !entry.awaitingReply) throw new UserSocketError('A REP can only send a reply after it received a request; wait for one, or use ROUTER.');
    if (entry.sending) throw new UserSocketError('The previous message on this socket is still being sent; wait for it (a peer must take it) before sending another.');
    checkFrames(frames);
    entry.sending = true;
    try {
      await (entry.socket as zmq.Socket & zmq.Writable).send(frames);
      if (type === 'REQ') entry.awaitingReply = true;
      if (type === 'REP') entry.awaitingReply = false;
    } catch (error) {
      throw new UserSocketError(errorCode(error) === 'EAGAIN' && entry.refusal ? `No peer took the message: ${entry.refusal}` : explainSendError(type, error));
    } finally {
      entry.sending = false;
    }
  }

  /** Closes the socket and stops its sniffer (idempotent). */
  async close(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.closeSocket(entry);
    await entry.front.stop();
  }

  /** Closes the sockets whose sniffer stopped elsewhere (the ZeroMQ view's Stop). */
  closeWhere(stopped: (id: string) => boolean): void {
    for (const entry of this.entries.values()) if (stopped(entry.info.id)) this.closeSocket(entry);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.close(id)));
  }

  private closeSocket(entry: Entry): void {
    if (entry.closed) return;
    entry.closed = true;
    entry.socket.close();
    void entry.zap?.close();
    this.entries.delete(entry.info.id);
    this.changed({ type: 'sockets' });
  }

  /** Remembers why a security handshake failed, for the next send's refusal and the user. */
  private watchHandshakes(entry: Entry): void {
    const { events } = entry.socket;
    events.on('handshake', () => (entry.refusal = undefined));
    const refused = (message: string) => {
      const first = entry.refusal === undefined;
      entry.refusal = message;
      if (first) this.hooks.onRefused?.(entry.info, message);
    };
    // Only PLAIN and CURVE servers get a ZAP handler.
    const serves = entry.zap !== undefined;
    events.on('handshake:error:auth', ({ error }) => refused(serves
      ? `this ${entry.info.type} refused a peer's credentials (ZAP status ${error.status}); the peer must offer a username and password (or CURVE key) this socket accepts.`
      : `the peer refused this ${entry.info.type}'s credentials (ZAP status ${error.status}); check the PLAIN username and password, or that the server accepts this CURVE client.`));
    events.on('handshake:error:protocol', ({ error }) => refused(`the security handshake with the peer failed (${error.code}); both ends must use the same mechanism (NULL, PLAIN or CURVE), and a CURVE client the server's public key.`));
  }

  private async receiveLoop(entry: Entry): Promise<void> {
    try {
      while (!entry.closed) {
        const frames = await (entry.socket as zmq.Socket & zmq.Readable).receive();
        if (entry.info.type === 'REQ') entry.awaitingReply = false;
        if (entry.info.type === 'REP') entry.awaitingReply = true;
        entry.received.push(frames);
        entry.receivedBytes += sizeOf(frames);
        while (entry.received.length > RECEIVED_KEPT || entry.receivedBytes > RECEIVED_BYTES_KEPT) entry.receivedBytes -= sizeOf(entry.received.shift() ?? []);
        this.changed({ type: 'received', socket: entry.info, frames });
      }
    } catch {
      // A receive rejects when the socket closes; that ends the loop.
    }
  }
}

export const REQ_TWICE = 'a REQ must receive the reply before sending again; use DEALER or REQ_RELAXED (the "relaxed" option)';

function explainSendError(type: UserSocketType, error: unknown): string {
  const code = errorCode(error);
  if (code === 'EFSM') return type === 'REQ' ? REQ_TWICE : `A ${type} cannot send in its current state (EFSM): it must receive first.`;
  if (code === 'EAGAIN') return `No peer took the message within ${SEND_TIMEOUT_MS / 1000} s: nothing is connected to this ${type}. Check that the endpoint is reachable and its peer is running.`;
  if (code === 'EHOSTUNREACH') return 'The ROUTER does not know the peer named in the first frame; make the first frame the routing id of a connected peer.';
  return `The send failed: ${error instanceof Error ? error.message : String(error)}`;
}

function socketOptions(type: UserSocketType, options: UserSocketOptions): Record<string, unknown> {
  // A send with no peer would otherwise wait forever; receive-only types have no send timeout.
  const result: Record<string, unknown> = canSend(type) ? { linger: 0, sendTimeout: SEND_TIMEOUT_MS } : { linger: 0 };
  if (options.routingId !== undefined) {
    if (!takesRoutingId(type)) throw new UserSocketError(`A ${type} takes no routing id here; routing ids apply to REQ, REP, DEALER and ROUTER.`);
    throwIfProblem(routingIdProblem(options.routingId));
    result.routingId = options.routingId;
  }
  if (options.relaxed) {
    if (type !== 'REQ') throw new UserSocketError('"relaxed" applies to REQ sockets only.');
    result.relaxed = true;
    result.correlate = true;
  }
  if (options.heartbeatIntervalMs !== undefined) result.heartbeatInterval = heartbeatMs('"heartbeatIntervalMs"', options.heartbeatIntervalMs);
  if (options.heartbeatTimeoutMs !== undefined) result.heartbeatTimeout = heartbeatMs('"heartbeatTimeoutMs"', options.heartbeatTimeoutMs);
  if (options.plain && options.curve) throw new UserSocketError('A socket uses one security mechanism: give "plain" or "curve", not both.');
  if (options.plain) {
    if (!isPlainOption(options.plain)) throw new UserSocketError('"plain" takes { "username": "…", "password": "…" } for a client, or { "server": true, "users": [{ "username": "…", "password": "…" }] } for a server (no "users": any credentials are accepted).');
    for (const credentials of 'server' in options.plain ? options.plain.users ?? [] : [options.plain]) throwIfProblem(plainCredentialsProblem(credentials));
    if ('server' in options.plain) result.plainServer = true;
    else Object.assign(result, { plainUsername: options.plain.username, plainPassword: options.plain.password, ...onlyToAcceptedPeers });
  }
  if (options.curve) {
    const key = 'server' in options.curve ? options.curve.secretKey : options.curve.serverKey;
    throwIfProblem(curveKeyProblem(`"${'server' in options.curve ? 'secretKey' : 'serverKey'}"`, key));
    if ('server' in options.curve) {
      for (const client of options.curve.clients ?? []) throwIfProblem(curveKeyProblem('Each of "clients"', client));
      Object.assign(result, { curveServer: true, curveSecretKey: key });
    } else Object.assign(result, { curveServerKey: key, ...curveClientKeys(options.curve), ...onlyToAcceptedPeers });
  }
  return result;
}

function throwIfProblem(problem: string | undefined): void {
  if (problem !== undefined) throw new UserSocketError(problem);
}

/** Why `routingId` cannot be a routing id, or undefined when it can. */
export const routingIdProblem = (routingId: string): string | undefined =>
  routingId.length === 0 || Buffer.byteLength(routingId) > 255 ? 'A routing id is 1 to 255 bytes.' : undefined;

/**
 * Heartbeat intervals and timeouts accepted, in ms: below 10 ms a PING would go out faster than
 * it can come back; above an hour the peer is long gone before anyone notices.
 */
const HEARTBEAT_MS = { min: 10, max: 3_600_000 } as const;

/** Why `ms` cannot be the heartbeat time `what` names, or undefined when it can. */
export const heartbeatProblem = (what: string, ms: unknown): string | undefined =>
  typeof ms === 'number' && Number.isInteger(ms) && ms >= HEARTBEAT_MS.min && ms <= HEARTBEAT_MS.max
    ? undefined
    : `${what} must be a whole number of milliseconds from ${HEARTBEAT_MS.min} to ${HEARTBEAT_MS.max} (an hour), not ${JSON.stringify(ms)}.`;

function heartbeatMs(what: string, ms: number): number {
  throwIfProblem(heartbeatProblem(what, ms));
  return ms;
}

/**
 * Why `value` cannot be a PLAIN username or password, or undefined when it can: PLAIN's HELLO
 * gives each a one-byte length, and libzmq refuses an empty one (EINVAL).
 */
export const plainFieldProblem = (field: 'username' | 'password', value: string): string | undefined =>
  value.length === 0 || Buffer.byteLength(value) > 255 ? `A PLAIN ${field} is 1 to 255 bytes.` : undefined;

const plainCredentialsProblem = ({ username, password }: { username: string; password: string }): string | undefined =>
  plainFieldProblem('username', username) ?? plainFieldProblem('password', password);

/** Why `key` cannot be the CURVE key `what` names, or undefined when it can; a typo is named before libzmq refuses it with EINVAL. */
export function curveKeyProblem(what: string, key: unknown): string | undefined {
  if (isZ85Key(key)) return undefined;
  const wrong = typeof key !== 'string' ? `not ${JSON.stringify(key)}` : key.length !== 40 ? `not ${key.length}` : `"${[...key].find((char) => !isZ85Digit(char))}" is not a Z85 character`;
  return `${what} must be a CURVE key in Z85: 40 characters (${wrong}), as zmq_curve_keypair or zmq.curveKeyPair() write them.`;
}

const isCredentials = (value: unknown): boolean => typeof (value as { username?: unknown })?.username === 'string' && typeof (value as { password?: unknown })?.password === 'string';

function isPlainOption(plain: unknown): plain is UserSocketOptions['plain'] {
  if ((plain as { server?: unknown })?.server !== true) return isCredentials(plain);
  const users = (plain as { users?: unknown }).users;
  return users === undefined || (Array.isArray(users) && users.every(isCredentials));
}

/** For a PLAIN or CURVE server: a ZAP handler in a context of its own, which `zmqOptions` then names. */
async function startZap(options: UserSocketOptions, zmqOptions: Record<string, unknown>): Promise<ZapHandler | undefined> {
  const plainServer = options.plain && 'server' in options.plain ? options.plain : undefined;
  const curveServer = options.curve && 'server' in options.curve ? options.curve : undefined;
  if (!plainServer && !curveServer) return undefined;
  const context = new zmq.Context();
  zmqOptions.context = context;
  return ZapHandler.start(context, decideBy({ plainUsers: plainServer?.users, curveClients: curveServer?.clients }));
}

/**
 * A client offering credentials queues messages only for peers that accepted them; otherwise a
 * send after a refusal would sit in the queue and succeed, and the user would never hear why.
 */
const onlyToAcceptedPeers = { immediate: true };

/** A CURVE client needs a key pair of its own: the one given (a server may list it), else a fresh one. */
function curveClientKeys(given: { publicKey?: string; secretKey?: string }): { curvePublicKey: string; curveSecretKey: string } {
  if (given.publicKey === undefined && given.secretKey === undefined) {
    const pair = zmq.curveKeyPair();
    return { curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey };
  }
  throwIfProblem(curveKeyProblem('A CURVE client\'s own "publicKey" (give "secretKey" too, or leave both out for a fresh pair)', given.publicKey) ?? curveKeyProblem('Its "secretKey"', given.secretKey));
  return { curvePublicKey: given.publicKey as string, curveSecretKey: given.secretKey as string };
}

function subscribe(socket: zmq.Socket, type: UserSocketType, subscriptions: string[] | undefined): void {
  if (subscriptions === undefined) return;
  if (type === 'SUB') (socket as zmq.Subscriber).subscribe(...subscriptions);
  else if (type === 'XSUB') {
    // XSUB subscribes by sending the subscription message itself, once connected.
    throw new UserSocketError('An XSUB subscribes by sending a message whose first byte is 1 followed by the topic; send that from the compose area.');
  } else throw new UserSocketError(`"subscriptions" apply to SUB sockets, not ${type}.`);
}
