// The compose area: pick one of the user's sockets (or ask the host for a new one), write a
// multipart message as text, hex, JSON or file paths, Send (Ctrl/Cmd+Enter), and read what the
// sockets received. The host parses and sends; its answer (sendResult) shows inline, an error as
// text in an alert. Replies are network data: they go in as text, and at most MAX_REPLIES_LISTED.
import { COMPOSE_FORMAT_NAMES, MAX_COMPOSE_TEXT, MAX_REPLIES_LISTED, type ComposeFormatName, type ComposeSocket, type ComposeState, type ReceivedReply, type WebviewToHost } from '../extension/protocol';
import { clear, el, setText } from './dom';
import { formatCount, formatTime } from './format';
import { inFrame } from './frame';
import { CollapsibleSection } from './section';
import { SendOutcome, socketName, type SendResult } from './sendOutcome';

/** What each format means (shown under the field) and an example (the field's placeholder). */
const FORMATS: Record<ComposeFormatName, { label: string; help: string; example: string }> = {
  text: { label: 'Text', help: 'One frame per line, sent as UTF-8. An empty line is an empty frame.', example: 'orders\n{"id": 7, "qty": 2}' },
  hex: { label: 'Hex', help: 'One frame per line in hex digits; spaces or colons between bytes are fine.', example: '00 01 02\nde:ad:be:ef' },
  json: { label: 'JSON', help: 'A JSON array with one entry per frame: strings go as text, anything else as its JSON.', example: '["orders", {"id": 7, "qty": 2}]' },
  file: { label: 'File', help: "One file path per line; each file's bytes make one frame. Absolute paths are safest.", example: '/tmp/header.bin\n/tmp/body.json' },
};

export class ComposeView {
  private readonly section = new CollapsibleSection('compose', 'Send a message', 'compose');
  private readonly socketSelect: HTMLSelectElement;
  private readonly socketNote: HTMLElement;
  private readonly format: HTMLSelectElement;
  private readonly help: HTMLElement;
  private readonly frames: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly outcome = new SendOutcome('compose-status');
  private readonly replies: HTMLElement;
  private sockets: ComposeSocket[] = [];
  private repliesShown = '';

  constructor(
    private readonly post: (message: WebviewToHost) => void,
    private readonly nextRequestId: () => number,
    private readonly onSocketChange: (socket: ComposeSocket | undefined) => void,
  ) {
    this.socketSelect = el('select', { className: 'compose-socket', attrs: { 'aria-label': 'Socket', title: 'The socket that sends' } });
    const newSocket = el('button', { className: 'text-button', text: 'New Socket…', attrs: { type: 'button', title: 'Create a socket to send from (the extension asks for its type and endpoint)' } });
    this.socketNote = el('p', { className: 'compose-note', attrs: { id: 'compose-socket-note' } });
    this.format = el('select', { className: 'compose-format', attrs: { 'aria-label': 'Format', title: 'How the frames are written' } }, COMPOSE_FORMAT_NAMES.map((name) => el('option', { text: FORMATS[name].label, attrs: { value: name } })));
    this.help = el('p', { className: 'compose-note', attrs: { id: 'compose-help' } });
    this.frames = el('textarea', { className: 'compose-frames mono', attrs: { 'aria-label': 'Frames', 'aria-describedby': 'compose-help', rows: 4, spellcheck: 'false' } });
    this.sendButton = el('button', { className: 'text-button primary', text: 'Send', attrs: { type: 'button', title: 'Send (Ctrl+Enter)', 'aria-keyshortcuts': 'Control+Enter Meta+Enter' } });
    this.replies = el('ol', { className: 'compose-replies', attrs: { 'aria-label': 'Received messages, newest last', tabindex: 0 } });
    this.section.body.append(
      el('div', { className: 'compose-row' }, [this.socketSelect, newSocket]),
      this.socketNote,
      el('div', { className: 'compose-row' }, [this.format]),
      this.frames,
      this.help,
      el('div', { className: 'compose-row' }, [this.sendButton, this.outcome.status]),
      this.outcome.error,
      el('h3', { className: 'compose-replies-heading', text: 'Received' }),
      this.replies,
    );
    newSocket.addEventListener('click', () => this.post({ type: 'newSocket' }));
    this.socketSelect.addEventListener('change', () => this.socketChanged());
    this.format.addEventListener('change', () => this.showFormat());
    this.sendButton.addEventListener('click', () => this.send());
    this.frames.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
      event.preventDefault();
      this.send();
    });
    this.showFormat();
    this.showSockets();
  }

  get element(): HTMLElement {
    return this.section.element;
  }

  private get selectedSocket(): ComposeSocket | undefined {
    return this.sockets.find((socket) => socket.id === this.socketSelect.value);
  }

  setState(state: ComposeState): void {
    this.section.element.hidden = false;
    this.sockets = state.sockets;
    this.showSockets();
    this.showReplies(state.replies.slice(-MAX_REPLIES_LISTED));
    this.section.setSummary(`${formatCount(state.sockets.length)} ${state.sockets.length === 1 ? 'socket' : 'sockets'}`);
  }

  /** Shows the host's answer to a send this view made; false when the answer is someone else's. */
  showResult(result: SendResult): boolean {
    if (!this.outcome.finish(result, 'Sent', 'The message was not sent.')) return false;
    this.sendButton.disabled = this.sockets.length === 0;
    if (!result.ok) this.frames.setAttribute('aria-invalid', 'true');
    return true;
  }

  private send(): void {
    if (this.outcome.busy) return;
    const socket = this.selectedSocket;
    const text = this.frames.value;
    const problem = !socket
      ? 'Choose a socket to send from; New Socket… creates one.'
      : !socket.canSend
        ? `A ${socket.type} socket only receives; choose or create a socket that sends.`
        : text.length > MAX_COMPOSE_TEXT
          ? `The message is ${formatCount(text.length)} characters; at most ${formatCount(MAX_COMPOSE_TEXT)} can be sent from here (the file format sends larger ones).`
          : undefined;
    if (problem || !socket) {
      this.showError(problem ?? '');
      return;
    }
    const requestId = this.nextRequestId();
    this.outcome.start(requestId);
    this.frames.removeAttribute('aria-invalid');
    this.sendButton.disabled = true;
    this.post({ type: 'send', requestId, socket: socket.id, format: this.format.value as ComposeFormatName, text });
  }

  private showError(message: string): void {
    this.outcome.fail(message);
    this.frames.setAttribute('aria-invalid', 'true');
  }

  private showFormat(): void {
    const format = FORMATS[this.format.value as ComposeFormatName];
    setText(this.help, format.help);
    this.frames.placeholder = format.example;
    this.frames.removeAttribute('aria-invalid');
  }

  private showSockets(): void {
    const chosen = this.socketSelect.value;
    const same = this.socketSelect.options.length === this.sockets.length && this.sockets.every((socket, i) => this.socketSelect.options[i].value === socket.id && this.socketSelect.options[i].text === socketName(socket));
    if (!same) {
      this.socketSelect.replaceChildren(...this.sockets.map((socket) => el('option', { text: socketName(socket), attrs: { value: socket.id } })));
      const keep = this.sockets.find((socket) => socket.id === chosen) ?? this.sockets.find((socket) => socket.canSend) ?? this.sockets[0];
      this.socketSelect.value = keep?.id ?? '';
    }
    this.socketSelect.disabled = this.sockets.length === 0;
    this.sendButton.disabled = this.sockets.length === 0 || this.outcome.busy;
    this.socketChanged();
  }

  private socketChanged(): void {
    const socket = this.selectedSocket;
    setText(
      this.socketNote,
      this.sockets.length === 0 ? 'No socket yet: New Socket… creates one, connected or bound behind a sniffer so its traffic shows here.' : socket && !socket.canSend ? `A ${socket.type} socket only receives: its messages show under Received.` : '',
    );
    this.socketNote.hidden = this.socketNote.textContent === '';
    // A narrow column cuts the name in the closed picker: the title has all of it.
    this.socketSelect.title = socket ? `Sends from ${socketName(socket)}` : 'The socket that sends';
    this.onSocketChange(socket?.canSend ? socket : undefined);
  }

  private showReplies(replies: ReceivedReply[]): void {
    // Posted whenever a socket or reply changed: redraw only when the replies did.
    const shown = JSON.stringify(replies);
    if (shown === this.repliesShown) return;
    this.repliesShown = shown;
    const names = new Map(this.sockets.map((socket) => [socket.id, socketName(socket)]));
    clear(this.replies);
    if (replies.length === 0) this.replies.appendChild(el('li', { className: 'compose-note', text: 'Nothing received yet.' }));
    for (const reply of replies) {
      const frames = reply.frames.map((frame, index) => el('li', { className: 'reply-frame mono', text: frame, attrs: { 'aria-label': `Frame ${index + 1}: ${frame}` } }));
      if (reply.omitted > 0) frames.push(el('li', { className: 'compose-note', text: `+${formatCount(reply.omitted)} more frames` }));
      this.replies.appendChild(
        el('li', { className: 'reply' }, [
          el('span', { className: 'reply-meta', text: `${formatTime(reply.time)} · ${names.get(reply.socket) ?? reply.socket}` }),
          el('ol', { className: 'reply-frames' }, frames),
        ]),
      );
    }
    inFrame('compose-replies', () => (this.replies.scrollTop = this.replies.scrollHeight), 'last');
  }
}
