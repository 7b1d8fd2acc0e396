// "Send again" for the data message shown in the details pane: sends the captured frames once more
// through the socket chosen in the compose area. Offered only for data messages, and only while a
// socket that can send exists; the host's answer shows beside the button.
import type { ComposeSocket, RowSummary, WebviewToHost } from '../extension/protocol';
import { el, setText } from './dom';
import { SendOutcome, socketName, type SendResult } from './sendOutcome';

export class ResendAction {
  readonly element: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly via: HTMLElement;
  private readonly outcome = new SendOutcome('resend-status');
  private row: RowSummary | undefined;
  private socket: ComposeSocket | undefined;

  constructor(
    private readonly post: (message: WebviewToHost) => void,
    private readonly nextRequestId: () => number,
  ) {
    this.button = el('button', { className: 'text-button', attrs: { type: 'button' } }, [
      el('span', { className: 'codicon codicon-debug-restart', attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: 'Send again' }),
    ]);
    this.via = el('span', { className: 'resend-via' });
    this.element = el('div', { className: 'resend', attrs: { hidden: true } }, [el('div', { className: 'compose-row' }, [this.button, this.via, this.outcome.status]), this.outcome.error]);
    this.button.addEventListener('click', () => this.resend());
  }

  /** The row the details pane shows (undefined: none). */
  setRow(row: RowSummary | undefined): void {
    if (row?.seq !== this.row?.seq) this.outcome.clear();
    this.row = row;
    this.update();
  }

  /** The compose area's chosen socket, when it can send. */
  setSocket(socket: ComposeSocket | undefined): void {
    this.socket = socket;
    this.update();
  }

  showResult(result: SendResult): boolean {
    if (!this.outcome.finish(result, 'Sent again', 'The message was not sent again.')) return false;
    this.button.disabled = false;
    return true;
  }

  private update(): void {
    const offered = this.row?.kind === 'message' && this.socket?.canSend === true;
    this.element.hidden = !offered;
    if (!offered || !this.socket) return;
    const name = socketName(this.socket);
    setText(this.via, `through ${name}`);
    this.button.title = `Send message #${this.row?.seq} again through ${name} (the socket chosen under "Send a message")`;
  }

  private resend(): void {
    if (!this.row || !this.socket || this.outcome.busy) return;
    const requestId = this.nextRequestId();
    this.outcome.start(requestId);
    this.button.disabled = true;
    this.post({ type: 'resend', requestId, socket: this.socket.id, seq: this.row.seq });
  }
}
