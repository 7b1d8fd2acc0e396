// The filter bar: text or regular expression on payload and topic, direction, commands vs data,
// socket type, connection, and the topology selection; with counts of shown and total rows.
// A filter the host cannot apply (an invalid regular expression) shows inline, under the field.
import { mergeFilter, type Counts, type Direction, type RowFilter, type TopologyEdge, type ViewInfo } from '../extension/protocol';
import { el, iconButton } from './dom';
import { formatCount } from './format';

const TEXT_DEBOUNCE_MS = 200;

function select(label: string, options: [string, string][]): HTMLSelectElement {
  const element = el('select', { attrs: { 'aria-label': label, title: label } });
  setOptions(element, options);
  return element;
}

function setOptions(element: HTMLSelectElement, options: [string, string][]): void {
  const value = element.value;
  const same = element.options.length === options.length && options.every(([v, text], i) => element.options[i].value === v && element.options[i].text === text);
  if (same) return;
  element.replaceChildren(...options.map(([v, text]) => el('option', { text, attrs: { value: v } })));
  element.value = options.some(([v]) => v === value) ? value : options[0][0];
}

/** Selects `value` ('' when undefined), adding it as an option when the list does not have it yet. */
function choose(element: HTMLSelectElement, value: string | undefined): void {
  const wanted = value ?? '';
  if (![...element.options].some((option) => option.value === wanted)) element.appendChild(el('option', { text: wanted, attrs: { value: wanted } }));
  element.value = wanted;
}

export class FilterBar {
  readonly element: HTMLElement;
  private readonly text: HTMLInputElement;
  private readonly caseButton: HTMLButtonElement;
  private readonly regexButton: HTMLButtonElement;
  private readonly direction: HTMLSelectElement;
  private readonly kinds: HTMLSelectElement;
  private readonly socketType: HTMLSelectElement;
  private readonly connection: HTMLSelectElement;
  private readonly chip: HTMLElement;
  private readonly chipText: HTMLElement;
  private readonly error: HTMLElement;
  private readonly counts: HTMLElement;
  private filter: RowFilter;
  private textTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    initial: RowFilter,
    private readonly onChange: (filter: RowFilter) => void,
    private readonly onClearNode: () => void,
  ) {
    this.filter = { ...initial };
    this.text = el('input', { className: 'filter-text', attrs: { type: 'search', placeholder: 'Filter payload, topic, command…', 'aria-label': 'Filter by text in payload, topic or command name', spellcheck: 'false' } });
    this.text.value = initial.text ?? '';
    this.caseButton = iconButton('case-sensitive', 'Match case', 'icon-button toggle');
    this.regexButton = iconButton('regex', 'Use regular expression', 'icon-button toggle');
    this.direction = select('Direction', [
      ['', 'Both directions'],
      ['c2s', '→ from connecting peer (c2s)'],
      ['s2c', '← from bound socket (s2c)'],
    ]);
    this.kinds = select('Kinds of rows', [
      ['all', 'All rows'],
      ['data', 'Data messages'],
      ['commands', 'Commands'],
    ]);
    this.socketType = select('Socket type', [['', 'Any socket type']]);
    this.connection = select('Connection', [['', 'All connections']]);
    this.chipText = el('span', { className: 'chip-text' });
    const chipClose = iconButton('close', 'Clear the topology selection');
    chipClose.addEventListener('click', () => this.onClearNode());
    this.chip = el('span', { className: 'chip', attrs: { hidden: true } }, [this.chipText, chipClose]);
    this.error = el('div', { className: 'filter-error', attrs: { role: 'alert', hidden: true, id: 'filter-error' } });
    this.counts = el('span', { className: 'counts' });
    this.element = el('div', { className: 'filters', attrs: { role: 'search', 'aria-label': 'Filter the message list' } }, [
      el('div', { className: 'filter-row' }, [
        el('span', { className: 'text-box' }, [this.text, this.caseButton, this.regexButton]),
        this.direction,
        this.kinds,
        this.socketType,
        this.connection,
        this.chip,
        this.counts,
      ]),
      this.error,
    ]);
    this.text.setAttribute('aria-describedby', 'filter-error');
    this.showFilter();
    this.text.addEventListener('input', () => {
      if (this.textTimer) clearTimeout(this.textTimer);
      this.textTimer = setTimeout(() => this.commit({}), TEXT_DEBOUNCE_MS);
    });
    this.caseButton.addEventListener('click', () => this.commit({ caseSensitive: !this.filter.caseSensitive || undefined }));
    this.regexButton.addEventListener('click', () => this.commit({ regex: !this.filter.regex || undefined }));
    this.direction.addEventListener('change', () => this.commit({ directions: this.direction.value ? [this.direction.value as Direction] : undefined }));
    this.kinds.addEventListener('change', () => this.commit({ kinds: this.kinds.value === 'all' ? undefined : (this.kinds.value as RowFilter['kinds']) }));
    this.socketType.addEventListener('change', () => this.commit({ socketTypes: this.socketType.value ? [this.socketType.value] : undefined }));
    this.connection.addEventListener('change', () => this.commit({ connections: this.connection.value ? [this.connection.value] : undefined }));
  }

  get current(): RowFilter {
    return { ...this.filter };
  }

  /** Changes part of the filter from outside (topology selection). */
  patch(change: Partial<RowFilter>): void {
    this.commit(change);
  }

  /** Shows a filter the host already applied, without sending it back. */
  adopt(filter: RowFilter): void {
    this.filter = { ...filter };
    this.showFilter();
  }

  setChoices(socketTypes: string[], edges: TopologyEdge[]): void {
    setOptions(this.socketType, [['', 'Any socket type'], ...socketTypes.map((type): [string, string] => [type, type])]);
    choose(this.socketType, this.filter.socketTypes?.[0]);
    setOptions(this.connection, [['', 'All connections'], ...edges.map((edge): [string, string] => [edge.id, edge.label])]);
    choose(this.connection, this.filter.connections?.[0]);
  }

  setChip(text: string | undefined): void {
    this.chip.hidden = text === undefined;
    this.chipText.textContent = text ?? '';
  }

  showView(view: ViewInfo, counts: Counts): void {
    this.error.hidden = !view.filterError;
    this.error.textContent = view.filterError ?? '';
    this.text.setAttribute('aria-invalid', String(Boolean(view.filterError)));
    const shown = `${formatCount(view.length)} of ${formatCount(counts.stored)} rows`;
    this.counts.textContent = `${view.scanning ? 'Filtering… ' : ''}${shown}${counts.evicted ? ` (oldest dropped: ${formatCount(counts.evicted)})` : ''}`;
    this.counts.title = `Showing ${shown}; the capture keeps at most ${formatCount(counts.capacity)} rows.`;
  }

  private commit(change: Partial<RowFilter>): void {
    // A text edit still waiting for its debounce goes out with this change, not after it.
    if (this.textTimer !== undefined) {
      clearTimeout(this.textTimer);
      this.textTimer = undefined;
      change = { text: this.text.value || undefined, ...change };
    }
    this.filter = mergeFilter(this.filter, change);
    this.showFilter();
    this.onChange(this.current);
  }

  /** Puts the filter into the controls (text only when it differs, to keep the caret while typing). */
  private showFilter(): void {
    const filter = this.filter;
    if (this.text.value !== (filter.text ?? '')) this.text.value = filter.text ?? '';
    this.caseButton.setAttribute('aria-pressed', String(Boolean(filter.caseSensitive)));
    this.regexButton.setAttribute('aria-pressed', String(Boolean(filter.regex)));
    this.direction.value = filter.directions?.length === 1 ? filter.directions[0] : '';
    this.kinds.value = filter.kinds ?? 'all';
    choose(this.socketType, filter.socketTypes?.[0]);
    choose(this.connection, filter.connections?.[0]);
  }
}
