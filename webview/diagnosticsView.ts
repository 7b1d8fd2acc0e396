// The diagnostics list: one row per diagnosis (severity icon, rule, message, count, first and last
// seen), a listbox with a roving tabindex. Choosing a row asks the host to narrow the message list to
// the diagnosis's connections; choosing it again lets go. All text goes in through textContent.
import type { DiagnosticsState, DiagnosticSeverity, DiagnosticSummary, RowFilter } from '../extension/protocol';
import { el } from './dom';
import { formatCount, formatTime } from './format';

export const SEVERITY_ICONS: Record<DiagnosticSeverity, string> = { error: 'error', warning: 'warning', info: 'info' };
const SEVERITY_WORDS: Record<DiagnosticSeverity, string> = { error: 'Error', warning: 'Warning', info: 'Information' };

export const plural = (count: number, one: string, many: string): string => `${formatCount(count)} ${count === 1 ? one : many}`;

export class DiagnosticsView {
  readonly element: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly summary: HTMLElement;
  private readonly listbox: HTMLElement;
  private items: DiagnosticSummary[] = [];
  private readonly rows = new Map<string, HTMLElement>();
  private selectedId: string | undefined;
  private focusedId: string | undefined;
  private expanded = true;

  constructor(private readonly onChoose: (item: DiagnosticSummary | undefined) => void) {
    this.summary = el('span', { className: 'diagnostics-summary', text: 'No diagnoses' });
    this.toggle = el('button', { className: 'diagnostics-toggle', attrs: { type: 'button', 'aria-expanded': 'true', 'aria-controls': 'diagnostics-list' } }, [
      el('span', { className: 'codicon codicon-chevron-down', attrs: { 'aria-hidden': 'true' } }),
      el('span', { className: 'diagnostics-heading', text: 'Diagnostics' }),
      this.summary,
    ]);
    this.listbox = el('div', { className: 'diagnostics-list', attrs: { id: 'diagnostics-list', role: 'listbox', 'aria-label': 'Diagnostics: choose one to show its connections' } });
    this.element = el('section', { className: 'diagnostics', attrs: { 'aria-label': 'Diagnostics' } }, [this.toggle, this.listbox]);
    this.toggle.addEventListener('click', () => this.setExpanded(!this.expanded));
    this.listbox.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.diagnostic');
      if (row?.dataset.id) this.choose(row.dataset.id);
    });
    this.listbox.addEventListener('keydown', (event) => this.onKey(event));
    this.element.classList.add('empty');
  }

  /** The diagnoses as the host listed them (errors first). */
  setState(state: DiagnosticsState): void {
    this.items = state.items;
    const ids = new Set(state.items.map((item) => item.id));
    for (const [id, row] of this.rows) {
      if (ids.has(id)) continue;
      row.remove();
      this.rows.delete(id);
    }
    if (this.selectedId !== undefined && !ids.has(this.selectedId)) this.selectedId = undefined;
    if (this.focusedId === undefined || !ids.has(this.focusedId)) this.focusedId = state.items[0]?.id;
    state.items.forEach((item) => this.listbox.appendChild(this.draw(item)));
    const counts = (['error', 'warning', 'info'] as const).map((severity) => [severity, state.items.filter((item) => item.severity === severity).length] as const).filter(([, count]) => count > 0);
    this.summary.textContent =
      state.items.length === 0 ? 'No diagnoses' : `${counts.map(([severity, count]) => plural(count, severity === 'info' ? 'note' : severity, severity === 'info' ? 'notes' : `${severity}s`)).join(', ')}${state.omitted ? `, ${formatCount(state.omitted)} more not listed` : ''}`;
    this.element.classList.toggle('empty', state.items.length === 0);
    this.updateTabStops();
  }

  /** Keeps the chosen row in step with the list filter: a filter on other connections un-chooses it. */
  syncWithFilter(filter: RowFilter): void {
    const selected = this.items.find((item) => item.id === this.selectedId);
    if (!selected) return;
    const connections = filter.connections ?? [];
    if (connections.length !== selected.connections.length || connections.some((key, index) => key !== selected.connections[index])) this.select(undefined);
  }

  private draw(item: DiagnosticSummary): HTMLElement {
    let row = this.rows.get(item.id);
    if (!row) {
      row = el('div', { className: 'diagnostic', attrs: { role: 'option', tabindex: -1, 'aria-selected': 'false' } }, [
        el('span', { attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'diagnostic-title' }),
        el('span', { className: 'diagnostic-count' }),
        el('span', { className: 'diagnostic-seen' }),
        el('span', { className: 'diagnostic-message' }),
      ]);
      row.dataset.id = item.id;
      this.rows.set(item.id, row);
    }
    const [icon, title, count, seen, message] = Array.from(row.children);
    icon.className = `codicon codicon-${SEVERITY_ICONS[item.severity]} diagnostic-icon severity-${item.severity}`;
    title.textContent = `${item.title} (rule ${item.ruleNumber})`;
    count.textContent = `×${formatCount(item.count)}`;
    seen.textContent = item.firstSeen === item.lastSeen ? formatTime(item.firstSeen) : `${formatTime(item.firstSeen)} – ${formatTime(item.lastSeen)}`;
    message.textContent = item.message;
    row.classList.toggle('selected', item.id === this.selectedId);
    row.setAttribute('aria-selected', String(item.id === this.selectedId));
    const where = item.connections.length > 0 ? `; ${plural(item.connections.length, 'connection', 'connections')}` : item.sockets.length > 0 ? `; sockets ${item.sockets.join(', ')}` : '';
    row.setAttribute(
      'aria-label',
      `${SEVERITY_WORDS[item.severity]}: ${item.title}, rule ${item.ruleNumber}, seen ${plural(item.count, 'time', 'times')}, first at ${formatTime(item.firstSeen)}, last at ${formatTime(item.lastSeen)}${where}. ${item.message}`,
    );
    row.title = item.message;
    return row;
  }

  private choose(id: string): void {
    this.focusedId = id;
    const item = this.selectedId === id ? undefined : this.items.find((candidate) => candidate.id === id);
    this.select(item?.id);
    this.updateTabStops();
    this.onChoose(item);
  }

  private select(id: string | undefined): void {
    this.selectedId = id;
    for (const [rowId, row] of this.rows) {
      row.classList.toggle('selected', rowId === id);
      row.setAttribute('aria-selected', String(rowId === id));
    }
  }

  private setExpanded(expanded: boolean): void {
    this.expanded = expanded;
    this.toggle.setAttribute('aria-expanded', String(expanded));
    this.listbox.hidden = !expanded;
    const chevron = this.toggle.querySelector('.codicon');
    if (chevron) chevron.className = `codicon codicon-chevron-${expanded ? 'down' : 'right'}`;
  }

  private updateTabStops(): void {
    for (const [id, row] of this.rows) row.setAttribute('tabindex', id === this.focusedId ? '0' : '-1');
  }

  private onKey(event: KeyboardEvent): void {
    if (this.items.length === 0) return;
    const index = Math.max(0, this.items.findIndex((item) => item.id === this.focusedId));
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: this.items.length - 1, PageDown: index + 5, PageUp: index - 5 };
    if (event.key in moves) {
      event.preventDefault();
      const next = this.items[Math.min(this.items.length - 1, Math.max(0, moves[event.key]))];
      this.focusedId = next.id;
      this.updateTabStops();
      this.rows.get(next.id)?.focus();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.choose(this.items[index].id);
    } else if (event.key === 'Escape' && this.selectedId !== undefined) {
      event.preventDefault();
      this.choose(this.selectedId);
    }
  }
}
