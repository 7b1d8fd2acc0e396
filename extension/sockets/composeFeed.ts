// The inspector's compose area on the host: the user's sockets, what they received, and sending
// from text or from a captured row. Replies are kept as printable previews, not bytes, so the
// list costs a bounded amount of memory however large the messages are.
import { previewLine } from '../inspector/preview';
import type { CaptureStore } from '../inspector/store';
import type { ComposeFeed as ComposeFeedContract } from '../inspector/session';
import { MAX_FRAMES_LISTED, MAX_REPLIES_LISTED, type ComposeFormatName, type ComposeState, type ReceivedReply } from '../protocol';
import { composeFrames } from './compose';
import { framesToResend } from './resend';
import { canSend } from './socketTypes';
import { UserSocketError, type UserSockets, type UserSocketsChange } from './userSockets';

/** Bytes of each received frame shown in the compose area's reply list. */
const REPLY_PREVIEW_BYTES = 120;

export interface ComposeFeedOptions {
  /** Asks the user for a new socket (in VS Code: the zmqInspector.newSocket command). */
  newSocket(): void;
  now?: () => number;
}

export class ComposeFeed implements ComposeFeedContract {
  private currentVersion = 0;
  private readonly replies: ReceivedReply[] = [];
  private readonly listeners = new Set<() => void>();
  private cached: { version: number; state: ComposeState } | undefined;
  private readonly stopWatching: () => void;

  constructor(
    private readonly sockets: UserSockets,
    private readonly store: CaptureStore,
    private readonly options: ComposeFeedOptions,
  ) {
    this.stopWatching = sockets.onChange((change) => this.take(change));
  }

  get version(): number {
    return this.currentVersion;
  }

  state(): ComposeState {
    if (this.cached?.version !== this.currentVersion) {
      const sockets = this.sockets.list().map((info) => ({ id: info.id, type: info.type, label: info.label, canSend: canSend(info.type) }));
      this.cached = { version: this.currentVersion, state: { sockets, replies: [...this.replies] } };
    }
    return this.cached.state;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The frames are checked first: what is wrong with them holds whichever socket they go to. */
  async send(socket: string, format: ComposeFormatName, text: string): Promise<void> {
    // UserSockets.send refuses an unknown socket, after the frames were found sound.
    await this.sockets.send(socket, await composeFrames(text, format));
  }

  async resend(socket: string, seq: number): Promise<void> {
    const info = this.openSocket(socket);
    await this.sockets.send(socket, framesToResend(this.store, seq, info.type));
  }

  newSocket(): void {
    this.options.newSocket();
  }

  dispose(): void {
    this.stopWatching();
    this.listeners.clear();
  }

  private openSocket(id: string) {
    const info = this.sockets.get(id);
    if (!info) throw new UserSocketError(`There is no open socket "${id}"; create one with ZeroMQ: New Socket… (it may have been stopped in the ZeroMQ view).`);
    return info;
  }

  private take(change: UserSocketsChange): void {
    if (change.type === 'received') {
      const { frames } = change;
      const listed = frames.slice(0, MAX_FRAMES_LISTED).map((frame) => previewLine(frame, REPLY_PREVIEW_BYTES));
      this.replies.push({ socket: change.socket.id, time: (this.options.now ?? Date.now)(), frames: listed, omitted: frames.length - listed.length });
      if (this.replies.length > MAX_REPLIES_LISTED) this.replies.splice(0, this.replies.length - MAX_REPLIES_LISTED);
    }
    this.currentVersion += 1;
    for (const listener of this.listeners) listener();
  }
}
