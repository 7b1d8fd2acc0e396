// "Send again" for the data message shown in the details pane: sends the captured frames once more
// through the socket chosen in the compose area. Offered only for data messages, and only while a
// socket that can send exists; the host's answer shows beside the button.
import type { ComposeSocket, HostToWebview, RowSummary, WebviewToHost } from '../extension/protocol';
import { el, setText } from './dom';
import { formatTime } from './format';

type SendResult = Extract<HostToWebview, { type: 'sendResult' }>;

export class ResendAction {
  readonly element: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly via: HTMLElement;
  private readonly status: HTMLElement;
  private readonly error: HTMLElement;
  private row: RowSummary | undefined;
  private socket: ComposeSocket | undefined;
  private pending: number | undefined;

  constructor(
    private readonly post: (message: WebviewToHost) => void,
    private readonly nextRequestId: () => number,
  ) {
    this.button = el('button', { className: 'text-button', attrs: { type: 'button' } }, [
      el('span', { className: 'codicon codicon-debug-restart', attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: 'Send again' }),
    ]);
    this.via = el('span', { className: 'resend-via' });
    this.status = el('span', { className: 'resend-status', attrs: { role: 'status' } });
    this.error = el('p', { className: 'compose-error', attrs: { role: 'alert', hidden: true } });
    this.element = el('div', { className: 'resend', attrs: { hidden: true } }, [el('div', { className: 'compose-row' }, [this.button, this.via, this.status]), this.error]);
    this.button.addEventListener('click', () => this.resend());
  }

  /** The row the details pane shows (undefined: none). */
  setRow(row: RowSummary | undefined): void {
    if (row?.seq !== this.row?.seq) this.clearResult();
    this.row = row;
    this.update();
  }

  /** The compose area's chosen socket, when it can send. */
  setSocket(socket: ComposeSocket | undefined): void {
    this.socket = socket;
    this.update();
  }

  showResult(result: SendResult): boolean {
    if (result.requestId !== this.pending) return false;
    this.pending = undefined;
    this.button.disabled = false;
    if (result.ok) setText(this.status, `Sent again at ${formatTime(Date.now())}.`);
    else {
      setText(this.status, '');
      this.error.hidden = false;
      this.error.textContent = result.error ?? 'The message was not sent again.';
    }
    return true;
  }

  private update(): void {
    const offered = this.row?.kind === 'message' && this.socket?.canSend === true;
    this.element.hidden = !offered;
    if (!offered || !this.socket) return;
    const name = `${this.socket.type} ${this.socket.label}`;
    setText(this.via, `through ${name}`);
    this.button.title = `Send message #${this.row?.seq} again through ${name} (the socket chosen under "Send a message")`;
  }

  private resend(): void {
    if (!this.row || !this.socket || this.pending !== undefined) return;
    this.clearResult();
    this.pending = this.nextRequestId();
    this.button.disabled = true;
    setText(this.status, 'Sending…');
    this.post({ type: 'resend', requestId: this.pending, socket: this.socket.id, seq: this.row.seq });
  }

  private clearResult(): void {
    setText(this.status, '');
    this.error.hidden = true;
    setText(this.error, '');
  }
}
