// What step mode holds: per connection and direction, the held messages in stream order (kind,
// frames, bytes, a preview as text), "+N more" for those not listed, and Step / Continue for that
// connection. A breakpoint hit is highlighted, scrolled into view and announced. The host bounds
// the lists (MAX_HELD_QUEUES × MAX_HELD_LISTED), so this view draws what it is given.
import { type BreakpointHitInfo, type HeldMessage, type HeldQueue, type SteppingState, type TrafficAction } from '../extension/protocol';
import { clear, el, iconButton, setText } from './dom';
import { directionArrow, directionWords, formatCount, formatSize, formatTime } from './format';
import { inFrame } from './frame';
import { CollapsibleSection } from './section';
import { HOLD_COMMANDS_WHY } from './stepBar';

const isHit = (hit: BreakpointHitInfo | undefined, queue: HeldQueue, message: HeldMessage): boolean =>
  hit !== undefined && hit.conn === queue.conn && hit.dir === queue.dir && hit.offset === message.offset;

const describeKind = (message: HeldMessage): string =>
  message.kind === 'message' ? 'message' : message.kind === 'greeting' ? `greeting${message.name ? ` ${message.name}` : ''}` : (message.name ?? 'command');

const queueTitle = (queue: HeldQueue): string => `${queue.connLabel} ${directionArrow(queue.dir)}`;

const hitKey = (hit: BreakpointHitInfo): string => `${hit.breakpoint}|${hit.conn}|${hit.dir}|${hit.offset}|${hit.hits}`;

export class HeldView {
  private readonly section = new CollapsibleSection('held', 'Held traffic', 'held');
  private readonly banner: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly queues: HTMLElement;
  private readonly omittedQueues: HTMLElement;
  private announced: string | undefined;
  /** What the queues were drawn from: a Pause or a count elsewhere changes the state but not them. */
  private drawn = '';

  constructor(private readonly post: (action: TrafficAction, conn: string) => void) {
    // Announced when its text changes: a new hit reads out without moving the keyboard focus. It is
    // never hidden, only emptied, since a live region must already be there when the text arrives.
    this.banner = el('div', { className: 'held-hit-banner', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
    this.empty = el('p', { className: 'held-empty', text: 'Nothing is held. Pause Traffic (F6) or a breakpoint stops messages here.' });
    this.queues = el('div', { className: 'held-queues' });
    this.omittedQueues = el('p', { className: 'held-more', attrs: { hidden: true } });
    const why = el('p', { className: 'held-why', text: HOLD_COMMANDS_WHY });
    this.section.body.append(this.banner, this.empty, this.queues, this.omittedQueues, why);
    this.queues.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
      if (button?.dataset.conn) this.post(button.dataset.action as TrafficAction, button.dataset.conn);
    });
  }

  get element(): HTMLElement {
    return this.section.element;
  }

  setState(state: SteppingState): void {
    this.section.element.hidden = !state.available;
    this.section.setSummary(state.heldCount > 0 ? `${formatCount(state.heldCount)} held` : 'none held');
    const drawn = JSON.stringify([state.queues, state.hit]);
    if (drawn !== this.drawn) {
      this.drawn = drawn;
      const focused = this.focusedButtonKey();
      clear(this.queues);
      for (const queue of state.queues) this.queues.appendChild(this.drawQueue(queue, state.hit));
      if (focused) this.queues.querySelector<HTMLElement>(`button[data-key="${CSS.escape(focused)}"]`)?.focus();
    }
    this.empty.hidden = state.queues.length > 0;
    this.omittedQueues.hidden = state.omittedQueues === 0;
    setText(this.omittedQueues, `+${formatCount(state.omittedQueues)} more connection directions hold messages (not listed).`);
    this.showHit(state.hit, state.queues);
  }

  private drawQueue(queue: HeldQueue, hit: BreakpointHitInfo | undefined): HTMLElement {
    const title = queueTitle(queue);
    const held = queue.messages.length + queue.omitted;
    const header = el('div', { className: 'held-queue-header' }, [
      el('span', { className: `held-conn dir-${queue.dir}`, text: title, attrs: { title: `${queue.connLabel}: ${directionWords(queue.dir)}` } }),
      el('span', { className: 'held-count', text: `${formatCount(held)} held` }),
      this.queueButton('step', 'debug-step-over', `Step ${queue.connLabel}: release its oldest held message`, queue.conn),
      this.queueButton('continue', 'debug-continue', `Continue ${queue.connLabel}: release all it holds`, queue.conn),
    ]);
    const list = el('ol', { className: 'held-messages', attrs: { 'aria-label': `Held on ${queue.connLabel}, ${directionWords(queue.dir)}, oldest first` } });
    for (const message of queue.messages) list.appendChild(this.drawMessage(message, isHit(hit, queue, message) ? hit : undefined));
    if (queue.omitted > 0) list.appendChild(el('li', { className: 'held-more', text: `+${formatCount(queue.omitted)} more` }));
    return el('div', { className: 'held-queue', attrs: { role: 'group', 'aria-label': `${queue.connLabel}, ${directionWords(queue.dir)}: ${formatCount(held)} held` } }, [header, list]);
  }

  private queueButton(action: TrafficAction, icon: string, label: string, conn: string): HTMLButtonElement {
    const button = iconButton(icon, label);
    button.dataset.action = action;
    button.dataset.conn = conn;
    // Actions of one connection share a key across its two directions: focus returns to the first.
    button.dataset.key = `${action}|${conn}`;
    return button;
  }

  private drawMessage(message: HeldMessage, hit: BreakpointHitInfo | undefined): HTMLElement {
    const facts = [describeKind(message), message.frames !== undefined ? `${formatCount(message.frames)} ${message.frames === 1 ? 'frame' : 'frames'}` : undefined, formatSize(message.bytes)].filter((fact) => fact !== undefined);
    const item = el('li', { className: `held-message kind-${message.kind}` }, [
      el('span', { className: 'held-facts', text: facts.join(' · ') }),
      el('span', { className: 'held-preview mono', text: message.preview ?? '' }),
    ]);
    if (message.breakpoint) item.classList.add('held-at-breakpoint');
    if (hit) {
      item.classList.add('held-hit');
      item.setAttribute('aria-current', 'true');
      item.appendChild(el('span', { className: 'held-condition', text: `Breakpoint ${hit.breakpoint}: ${hit.condition}` }));
    }
    return item;
  }

  private showHit(hit: BreakpointHitInfo | undefined, queues: readonly HeldQueue[]): void {
    if (!hit) {
      this.announced = undefined;
      setText(this.banner, '');
      return;
    }
    const key = hitKey(hit);
    if (key === this.announced) return;
    this.announced = key;
    this.section.setExpanded(true);
    const queue = queues.find((candidate) => candidate.conn === hit.conn && candidate.dir === hit.dir);
    const queueLabel = queue ? queueTitle(queue) : hit.conn;
    setText(this.banner, `Stopped at breakpoint ${hit.breakpoint} (${hit.condition}) on ${queueLabel}, hit ${formatCount(hit.hits)} ${hit.hits === 1 ? 'time' : 'times'}, at ${formatTime(hit.time)}. Step or Continue to release it.`);
    inFrame('held-hit', () => this.queues.querySelector('.held-hit')?.scrollIntoView({ block: 'nearest' }), 'last');
  }

  private focusedButtonKey(): string | undefined {
    const active = document.activeElement;
    return active instanceof HTMLElement && this.queues.contains(active) ? active.dataset.key : undefined;
  }
}
