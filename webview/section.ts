// A titled, collapsible part of the side column (held traffic, compose): a disclosure button with a
// chevron, the heading and a one-line summary, over a body that collapses.
import { el, setText } from './dom';

export class CollapsibleSection {
  readonly element: HTMLElement;
  readonly body: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly chevron: HTMLElement;
  private readonly summary: HTMLElement;
  private expanded = true;

  constructor(id: string, heading: string, className: string) {
    this.chevron = el('span', { className: 'codicon codicon-chevron-down', attrs: { 'aria-hidden': 'true' } });
    this.summary = el('span', { className: 'section-summary' });
    this.toggle = el('button', { className: 'section-toggle', attrs: { type: 'button', 'aria-expanded': 'true', 'aria-controls': `${id}-body` } }, [
      this.chevron,
      el('span', { className: 'section-heading', text: heading, attrs: { id: `${id}-heading` } }),
      this.summary,
    ]);
    this.body = el('div', { className: 'section-body', attrs: { id: `${id}-body` } });
    this.element = el('section', { className: `side-section ${className}`, attrs: { 'aria-labelledby': `${id}-heading`, hidden: true } }, [this.toggle, this.body]);
    this.toggle.addEventListener('click', () => this.setExpanded(!this.expanded));
  }

  setSummary(text: string): void {
    setText(this.summary, text);
  }

  setExpanded(expanded: boolean): void {
    this.expanded = expanded;
    this.toggle.setAttribute('aria-expanded', String(expanded));
    this.body.hidden = !expanded;
    this.element.classList.toggle('collapsed', !expanded);
    this.chevron.className = `codicon codicon-chevron-${expanded ? 'down' : 'right'}`;
  }
}
