// Sockets the user creates with New Socket…: any type, bound or connected, always behind a
// sniffer so their traffic shows in the inspector. Bound: the socket binds an ephemeral loopback
// port and the sniffer listens where the user asked. Connected: the sniffer sits in front of the
// target and the socket connects to the sniffer. Free of `vscode`; the runtime's sniffers come in
// as a hook, so the tests run the same code with plain Sniffers.
import * as zmq from 'zeromq';
import { checkFrames } from './compose';
import { canReceive, canSend, createZmqSocket, takesRoutingId, type UserSocketType } from './socketTypes';

export interface UserSocketOptions {
  /** SUB / XSUB: topic prefixes to subscribe to ("" is everything). */
  subscriptions?: string[];
  routingId?: string;
  /** REQ: allow sending again before the reply arrives (ZMQ_REQ_RELAXED). */
  relaxed?: boolean;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  plain?: { username: string; password: string } | { server: true };
  /** Client: the server's public key (Z85); server: `server: true` and its secret key. */
  curve?: { serverKey: string } | { server: true; secretKey: string };
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
  /** Every message a user socket receives. */
  onReceived?(socket: UserSocketInfo, frames: Buffer[]): void;
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
/** Received messages kept per socket for the compose area; older ones are dropped. */
export const RECEIVED_KEPT = 50;

interface Entry {
  info: UserSocketInfo;
  socket: zmq.Socket;
  front: SnifferFront;
  awaitingReply: boolean;
  sending: boolean;
  received: Buffer[][];
  closed: boolean;
}

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
    const created = createZmqSocket(spec.type, socketOptions(spec.type, options));
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
      await front?.stop();
      throw error;
    }
    const entry: Entry = { info: { id: front.key, type: spec.type, label: `${mode} ${mode === 'bind' ? front.listen : endpoint}` }, socket, front, awaitingReply: false, sending: false, received: [], closed: false };
    this.entries.set(front.key, entry);
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
    if (type === 'REQ' && entry.awaitingReply && !(entry.socket as zmq.Request).relaxed) throw new UserSocketError(REQ_TWICE);
    if (type === 'REP' && !entry.awaitingReply) throw new UserSocketError('A REP can only send a reply after it received a request; wait for one, or use ROUTER.');
    if (entry.sending) throw new UserSocketError('The previous message on this socket is still being sent; wait for it (a peer must take it) before sending another.');
    checkFrames(frames);
    entry.sending = true;
    try {
      await (entry.socket as zmq.Socket & zmq.Writable).send(frames);
      if (type === 'REQ') entry.awaitingReply = true;
      if (type === 'REP') entry.awaitingReply = false;
    } catch (error) {
      throw new UserSocketError(explainSendError(type, error));
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
    this.entries.delete(entry.info.id);
    this.changed({ type: 'sockets' });
  }

  private async receiveLoop(entry: Entry): Promise<void> {
    try {
      while (!entry.closed) {
        const frames = await (entry.socket as zmq.Socket & zmq.Readable).receive();
        if (entry.info.type === 'REQ') entry.awaitingReply = false;
        if (entry.info.type === 'REP') entry.awaitingReply = true;
        entry.received.push(frames);
        if (entry.received.length > RECEIVED_KEPT) entry.received.shift();
        this.hooks.onReceived?.(entry.info, frames);
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
    if (options.routingId.length === 0 || Buffer.byteLength(options.routingId) > 255) throw new UserSocketError('A routing id is 1 to 255 bytes.');
    result.routingId = options.routingId;
  }
  if (options.relaxed) {
    if (type !== 'REQ') throw new UserSocketError('"relaxed" applies to REQ sockets only.');
    result.relaxed = true;
    result.correlate = true;
  }
  if (options.heartbeatIntervalMs !== undefined) result.heartbeatInterval = options.heartbeatIntervalMs;
  if (options.heartbeatTimeoutMs !== undefined) result.heartbeatTimeout = options.heartbeatTimeoutMs;
  if (options.plain) {
    if ('server' in options.plain) result.plainServer = true;
    else Object.assign(result, { plainUsername: options.plain.username, plainPassword: options.plain.password });
  }
  if (options.curve) {
    if ('server' in options.curve) Object.assign(result, { curveServer: true, curveSecretKey: options.curve.secretKey });
    else Object.assign(result, { curveServerKey: options.curve.serverKey, ...curveClientKeys() });
  }
  return result;
}

/** A CURVE client needs a key pair of its own; a fresh one per socket is what a debugging tool wants. */
function curveClientKeys(): { curvePublicKey: string; curveSecretKey: string } {
  const pair = zmq.curveKeyPair();
  return { curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey };
}

function subscribe(socket: zmq.Socket, type: UserSocketType, subscriptions: string[] | undefined): void {
  if (subscriptions === undefined) return;
  if (type === 'SUB') (socket as zmq.Subscriber).subscribe(...subscriptions);
  else if (type === 'XSUB') {
    // XSUB subscribes by sending the subscription message itself, once connected.
    throw new UserSocketError('An XSUB subscribes by sending a message whose first byte is 1 followed by the topic; send that from the compose area.');
  } else throw new UserSocketError(`"subscriptions" apply to SUB sockets, not ${type}.`);
}
