// How a send from the webview (the compose area, Send again) shows its outcome: "Sending…", then
// the host's sendResult as "Sent at …" or its error as text in an alert. One request at a time.
import type { ComposeSocket, HostToWebview } from '../extension/protocol';
import { el, setText } from './dom';
import { formatTime } from './format';

export type SendResult = Extract<HostToWebview, { type: 'sendResult' }>;

/** A user socket as the webview names it: "PUSH connect tcp://127.0.0.1:5555". */
export const socketName = (socket: ComposeSocket): string => `${socket.type} ${socket.label}`;

export class SendOutcome {
  readonly status: HTMLElement;
  readonly error: HTMLElement;
  private pending: number | undefined;

  constructor(statusClass: string) {
    this.status = el('span', { className: statusClass, attrs: { role: 'status' } });
    this.error = el('p', { className: 'compose-error', attrs: { role: 'alert', hidden: true } });
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  start(requestId: number): void {
    this.clear();
    this.pending = requestId;
    setText(this.status, 'Sending…');
  }

  /** Shows the host's answer to the pending request; false when the answer is to another one. */
  finish(result: SendResult, sent: string, notSent: string): boolean {
    if (result.requestId !== this.pending) return false;
    this.pending = undefined;
    if (result.ok) setText(this.status, `${sent} at ${formatTime(Date.now())}.`);
    else this.fail(result.error ?? notSent);
    return true;
  }

  fail(message: string): void {
    setText(this.status, '');
    this.error.hidden = false;
    this.error.textContent = message;
  }

  clear(): void {
    setText(this.status, '');
    this.error.hidden = true;
    setText(this.error, '');
  }
}
