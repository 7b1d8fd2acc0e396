// The message list: a virtualized tree grid with fixed row height. Only the rows in view (plus a
// little overscan) exist in the DOM; their data comes from a bounded cache filled by the host's
// `rows` answers and tail updates. Multipart messages expand into one sub-row per frame. Past a
// few hundred thousand rows the scroll range is scaled, so even millions of rows stay scrollable.
import type { FrameSummary, RowSummary, ViewInfo } from '../extension/protocol';
import { el } from './dom';
import { describeFlags, directionArrow, directionWords, formatFlags, formatSize, formatTime } from './format';

export const ROW_HEIGHT = 22;
export const OVERSCAN = 6;
/** Largest scroll height used; beyond it scroll positions are scaled. */
const MAX_SCROLL_PX = 12_000_000;
const CACHE_LIMIT = 3000;
const MAX_EXPANDED = 50;

export interface ListCallbacks {
  requestRows(start: number, count: number): void;
  requestFrames(seq: number): void;
  select(row: RowSummary): void;
  viewportChanged(follow: boolean, visibleCount: number): void;
}

interface Expansion {
  ordinal: number;
  seq: number;
  frames?: FrameSummary[];
  omitted: number;
  missing?: string;
}

type Item = { kind: 'row'; ordinal: number } | { kind: 'frame'; expansion: Expansion; index: number };

/** Focus position: a row, or one of its frame sub-rows. */
interface Active {
  ordinal: number;
  frame: number;
}

const COLUMNS = ['Time', 'Connection', 'Dir', 'Sender → Receiver', 'Kind', 'Flags', 'Size', 'Frames', 'Preview'];

export class MessageList {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly newest: HTMLButtonElement;
  private readonly empty: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private readonly cache = new Map<number, RowSummary>();
  private readonly expansions = new Map<number, Expansion>();
  private generation = -1;
  private base = 0;
  private length = 0;
  private follow: boolean;
  private active: Active | undefined;
  private selectedSeq: number | undefined;
  private topPx = 0;
  private ownScrollTop = -1;
  private renderQueued = false;
  private selectionPending = false;
  private requested: { start: number; end: number; at: number } | undefined;
  private visibleCount = 20;
  private emptyText = 'No messages yet. Start an example or a sniffer, and traffic shows up here.';

  constructor(
    private readonly callbacks: ListCallbacks,
    options: { follow: boolean; selectedSeq?: number },
  ) {
    this.follow = options.follow;
    this.selectedSeq = options.selectedSeq;
    const header = el(
      'div',
      { className: 'list-header cols', attrs: { role: 'row', 'aria-rowindex': 1 } },
      COLUMNS.map((name) => el('span', { className: 'cell', text: name, attrs: { role: 'columnheader' } })),
    );
    this.viewport = el('div', { className: 'list-viewport', attrs: { role: 'rowgroup' } });
    this.spacer = el('div', { className: 'list-spacer', attrs: { 'aria-hidden': 'true' } });
    this.scroller = el('div', { className: 'list-scroller' }, [this.viewport, this.spacer]);
    this.grid = el('div', { className: 'list-grid', attrs: { role: 'treegrid', tabindex: 0, 'aria-label': 'Captured messages', 'aria-multiselectable': 'false', 'aria-colcount': COLUMNS.length } }, [
      el('div', { className: 'list-head-group', attrs: { role: 'rowgroup' } }, [header]),
      this.scroller,
    ]);
    this.empty = el('div', { className: 'list-empty', text: this.emptyText, attrs: { role: 'status' } });
    this.newest = el('button', { className: 'jump-newest', attrs: { type: 'button', hidden: true } }, [
      el('span', { className: 'codicon codicon-arrow-down', attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: 'Jump to newest' }),
    ]);
    this.element = el('section', { className: 'list', attrs: { 'aria-label': 'Message list' } }, [this.grid, this.empty, this.newest]);
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.grid.addEventListener('keydown', (event) => this.onKey(event));
    this.viewport.addEventListener('click', (event) => this.onClick(event));
    this.newest.addEventListener('click', () => this.jumpToNewest());
    new ResizeObserver(() => this.onResize()).observe(this.scroller);
  }

  get isFollowing(): boolean {
    return this.follow;
  }

  /** Top row's absolute ordinal, saved so a reload scrolls back there. */
  get anchor(): number {
    const item = this.itemAt(Math.floor(this.topPx / ROW_HEIGHT));
    return item ? (item.kind === 'row' ? item.ordinal : item.expansion.ordinal) : this.base;
  }

  setEmptyText(text: string): void {
    this.emptyText = text;
    this.empty.textContent = text;
  }

  /** The view changed (counts, eviction, new filter generation). */
  setView(view: ViewInfo): void {
    if (view.generation !== this.generation) {
      this.generation = view.generation;
      this.cache.clear();
      this.expansions.clear();
      this.requested = undefined;
      this.topPx = 0;
    } else if (!this.follow && view.base !== this.base) {
      // Rows left at the top: keep the same rows in view by moving up with them.
      this.topPx = Math.max(0, this.topPx - (view.base - this.base) * ROW_HEIGHT);
    }
    this.base = view.base;
    this.length = view.length;
    for (const [ordinal] of this.expansions) if (ordinal < this.base) this.expansions.delete(ordinal);
    this.scheduleRender();
  }

  addRows(generation: number, start: number, rows: RowSummary[], fromRequest: boolean): void {
    if (generation !== this.generation) return;
    rows.forEach((row, index) => this.cache.set(start + index, row));
    if (fromRequest) this.requested = undefined;
    if (this.selectionPending) this.selectActive();
    this.trimCache();
    this.scheduleRender();
  }

  setFrames(seq: number, frames: FrameSummary[], omitted: number, missing?: string): void {
    for (const expansion of this.expansions.values()) {
      if (expansion.seq !== seq) continue;
      expansion.frames = frames;
      expansion.omitted = omitted;
      expansion.missing = missing;
    }
    this.scheduleRender();
  }

  jumpToNewest(): void {
    this.setFollow(true);
    const last = this.base + this.length - 1;
    if (last >= this.base) this.active = { ordinal: last, frame: -1 };
    this.scheduleRender();
    this.grid.focus();
  }

  focus(): void {
    this.grid.focus();
  }

  // ---- Layout ----------------------------------------------------------------------------------

  private get displayCount(): number {
    let extra = 0;
    for (const expansion of this.expansions.values()) extra += this.subRows(expansion);
    return this.length + extra;
  }

  private subRows(expansion: Expansion): number {
    if (!expansion.frames) return 1;
    return Math.max(1, expansion.frames.length + (expansion.omitted ? 1 : 0));
  }

  private sortedExpansions(): Expansion[] {
    return [...this.expansions.values()].sort((a, b) => a.ordinal - b.ordinal);
  }

  private itemAt(display: number): Item | undefined {
    if (display < 0 || display >= this.displayCount) return undefined;
    let consumed = 0;
    for (const expansion of this.sortedExpansions()) {
      const rowDisplay = expansion.ordinal - this.base + consumed;
      if (display <= rowDisplay) break;
      const rows = this.subRows(expansion);
      if (display <= rowDisplay + rows) return { kind: 'frame', expansion, index: display - rowDisplay - 1 };
      consumed += rows;
    }
    return { kind: 'row', ordinal: this.base + display - consumed };
  }

  private displayOf(active: Active): number {
    let consumed = 0;
    for (const expansion of this.sortedExpansions()) {
      if (expansion.ordinal >= active.ordinal) break;
      consumed += this.subRows(expansion);
    }
    return active.ordinal - this.base + consumed + (active.frame >= 0 ? active.frame + 1 : 0);
  }

  private activeOf(item: Item): Active {
    return item.kind === 'row' ? { ordinal: item.ordinal, frame: -1 } : { ordinal: item.expansion.ordinal, frame: item.index };
  }

  private scrollMetrics(): { clientHeight: number; fullPx: number; maxReal: number; maxScroll: number } {
    const clientHeight = this.scroller.clientHeight;
    const fullPx = this.displayCount * ROW_HEIGHT;
    const virtualPx = Math.max(Math.min(fullPx, MAX_SCROLL_PX), clientHeight);
    return { clientHeight, fullPx, maxReal: Math.max(0, fullPx - clientHeight), maxScroll: Math.max(0, virtualPx - clientHeight) };
  }

  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  /** Draws the rows in view; exposed for tests through the DOM only. */
  private render(): void {
    const metrics = this.scrollMetrics();
    const count = this.displayCount;
    this.spacer.style.height = `${Math.max(0, Math.min(metrics.fullPx, MAX_SCROLL_PX) - metrics.clientHeight)}px`;
    this.viewport.style.height = `${metrics.clientHeight}px`;
    if (this.follow) this.topPx = metrics.maxReal;
    this.topPx = Math.min(Math.max(0, this.topPx), metrics.maxReal);
    const wantedTop = metrics.maxReal > 0 ? Math.round((this.topPx / metrics.maxReal) * metrics.maxScroll) : 0;
    if (Math.abs(this.scroller.scrollTop - wantedTop) > 1) {
      this.ownScrollTop = wantedTop;
      this.scroller.scrollTop = wantedTop;
    }
    this.grid.setAttribute('aria-rowcount', String(count + 1));
    this.empty.hidden = count > 0;
    this.newest.hidden = this.follow || count === 0;

    const first = Math.max(0, Math.floor(this.topPx / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((this.topPx + metrics.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    let missingFrom = Infinity;
    let missingTo = -Infinity;
    let used = 0;
    const activeDisplay = this.active ? this.displayOf(this.active) : -1;
    for (let display = first; display < last; display++) {
      const item = this.itemAt(display);
      if (!item) break;
      const element = this.pool[used] ?? this.newRowElement();
      used += 1;
      element.hidden = false;
      element.style.transform = `translateY(${display * ROW_HEIGHT - this.topPx}px)`;
      element.id = `row-${display}`;
      element.setAttribute('aria-rowindex', String(display + 2));
      element.classList.toggle('active', display === activeDisplay);
      if (item.kind === 'row') {
        const row = this.cache.get(item.ordinal);
        if (!row) {
          missingFrom = Math.min(missingFrom, item.ordinal);
          missingTo = Math.max(missingTo, item.ordinal);
        }
        this.fillRow(element, row, item.ordinal);
      } else {
        this.fillFrame(element, item.expansion, item.index);
      }
    }
    for (let i = used; i < this.pool.length; i++) this.pool[i].hidden = true;
    if (activeDisplay >= first && activeDisplay < last) this.grid.setAttribute('aria-activedescendant', `row-${activeDisplay}`);
    else this.grid.removeAttribute('aria-activedescendant');
    if (missingFrom <= missingTo) this.requestMissing(missingFrom, missingTo);
    // While following, the host's tail must cover the overscan above the viewport too.
    const visible = Math.max(1, Math.ceil(metrics.clientHeight / ROW_HEIGHT)) + OVERSCAN + 1;
    if (visible !== this.visibleCount) {
      this.visibleCount = visible;
      this.callbacks.viewportChanged(this.follow, visible);
    }
  }

  private requestMissing(from: number, to: number): void {
    const now = performance.now();
    // One request at a time; a lost answer (e.g. the view changed meanwhile) is retried after a second.
    if (this.requested && now - this.requested.at < 1000) return;
    const start = Math.max(this.base, from - 20);
    const end = Math.min(this.base + this.length, to + 21);
    this.requested = { start, end, at: now };
    this.callbacks.requestRows(start, end - start);
  }

  private trimCache(): void {
    if (this.cache.size <= CACHE_LIMIT) return;
    const center = this.base + Math.floor(this.topPx / ROW_HEIGHT);
    for (const ordinal of this.cache.keys()) if (ordinal < this.base || Math.abs(ordinal - center) > CACHE_LIMIT / 2) this.cache.delete(ordinal);
  }

  private newRowElement(): HTMLElement {
    const cells = COLUMNS.map((_, index) => el('span', { className: `cell c${index}`, attrs: { role: 'gridcell' } }));
    const row = el('div', { className: 'row cols', attrs: { role: 'row' } }, cells);
    this.viewport.appendChild(row);
    this.pool.push(row);
    return row;
  }

  private fillRow(element: HTMLElement, row: RowSummary | undefined, ordinal: number): void {
    const key = row ? `${this.generation}:${row.seq}:${row.sender ?? ''}:${row.receiver ?? ''}:${this.expansions.has(ordinal)}:${row.seq === this.selectedSeq}` : `${this.generation}:?${ordinal}`;
    if (element.dataset.key === key) return;
    element.dataset.key = key;
    element.dataset.ordinal = String(ordinal);
    element.dataset.frame = '-1';
    const cells = element.children;
    element.className = `row cols${row ? ` kind-${row.kind}` : ' loading'}${row?.dir ? ` dir-${row.dir}` : ''}`;
    element.setAttribute('aria-level', '1');
    if (!row) {
      for (let i = 0; i < cells.length; i++) cells[i].textContent = i === 8 ? '…' : '';
      element.setAttribute('aria-busy', 'true');
      element.removeAttribute('aria-selected');
      element.removeAttribute('aria-expanded');
      element.dataset.seq = '';
      return;
    }
    element.removeAttribute('aria-busy');
    element.dataset.seq = String(row.seq);
    element.setAttribute('aria-selected', String(row.seq === this.selectedSeq));
    const expandable = row.kind === 'message' && row.frames > 1;
    if (expandable) element.setAttribute('aria-expanded', String(this.expansions.has(ordinal)));
    else element.removeAttribute('aria-expanded');
    cells[0].textContent = formatTime(row.time);
    cells[1].textContent = row.connLabel;
    cells[2].textContent = directionArrow(row.dir);
    cells[2].setAttribute('aria-label', directionWords(row.dir));
    cells[3].textContent = row.dir ? `${row.sender ?? '?'} → ${row.receiver ?? '?'}` : '';
    cells[4].textContent = row.kind === 'command' ? (row.name ?? 'command') : row.kind;
    cells[5].textContent = formatFlags(row.flags);
    cells[5].setAttribute('aria-label', describeFlags(row.flags));
    cells[6].textContent = row.kind === 'message' || row.kind === 'command' ? formatSize(row.size) : '';
    cells[7].textContent = row.kind === 'message' ? `${expandable ? (this.expansions.has(ordinal) ? '▾ ' : '▸ ') : ''}${row.frames}` : '';
    cells[8].textContent = row.truncated ? `${row.preview} ✂` : row.preview;
  }

  private fillFrame(element: HTMLElement, expansion: Expansion, index: number): void {
    const frame = expansion.frames?.[index];
    const key = `${this.generation}:f${expansion.seq}:${index}:${expansion.frames ? expansion.frames.length : 'x'}`;
    if (element.dataset.key === key) return;
    element.dataset.key = key;
    element.dataset.ordinal = String(expansion.ordinal);
    element.dataset.frame = String(index);
    element.dataset.seq = String(expansion.seq);
    element.className = 'row cols frame-row';
    element.setAttribute('aria-level', '2');
    element.removeAttribute('aria-expanded');
    element.removeAttribute('aria-busy');
    element.setAttribute('aria-selected', 'false');
    const cells = element.children;
    for (let i = 0; i < cells.length; i++) cells[i].textContent = '';
    if (!frame) {
      cells[8].textContent = expansion.missing ?? (expansion.frames ? `… ${expansion.omitted} more frames not listed` : 'loading frames…');
      return;
    }
    cells[4].textContent = `frame ${frame.index + 1}`;
    cells[5].textContent = formatFlags(frame.flags);
    cells[5].setAttribute('aria-label', describeFlags(frame.flags));
    cells[6].textContent = formatSize(frame.size);
    cells[8].textContent = frame.size === 0 ? '(empty frame)' : frame.truncated ? `${frame.preview} ✂` : frame.preview;
  }

  // ---- Interaction -------------------------------------------------------------------------------

  private setFollow(follow: boolean): void {
    if (follow === this.follow) return;
    this.follow = follow;
    this.callbacks.viewportChanged(follow, this.visibleCount);
  }

  private onScroll(): void {
    const top = this.scroller.scrollTop;
    if (Math.abs(top - this.ownScrollTop) <= 1) return;
    this.ownScrollTop = -1;
    const metrics = this.scrollMetrics();
    this.topPx = metrics.maxScroll > 0 ? (top / metrics.maxScroll) * metrics.maxReal : 0;
    this.setFollow(top >= metrics.maxScroll - 2);
    this.scheduleRender();
  }

  private onResize(): void {
    this.scheduleRender();
  }

  private onClick(event: MouseEvent): void {
    const rowElement = (event.target as HTMLElement).closest<HTMLElement>('.row');
    if (!rowElement || rowElement.dataset.seq === '' || rowElement.dataset.ordinal === undefined) return;
    const ordinal = Number(rowElement.dataset.ordinal);
    const frame = Number(rowElement.dataset.frame);
    const onTwisty = (event.target as HTMLElement).classList.contains('c7');
    this.setFollow(false);
    this.moveTo({ ordinal, frame }, false);
    if (onTwisty && frame < 0) this.toggle(ordinal);
    this.grid.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const count = this.displayCount;
    if (count === 0) return;
    const current = this.active ? this.displayOf(this.active) : Math.floor(this.topPx / ROW_HEIGHT);
    const page = Math.max(1, this.visibleCount - OVERSCAN - 2);
    let target: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        target = current + 1;
        break;
      case 'ArrowUp':
        target = current - 1;
        break;
      case 'PageDown':
        target = current + page;
        break;
      case 'PageUp':
        target = current - page;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        event.preventDefault();
        this.jumpToNewest();
        return;
      case 'Enter':
      case 'ArrowRight':
      case 'ArrowLeft':
        if (this.active) {
          event.preventDefault();
          if (this.active.frame >= 0 && event.key === 'ArrowLeft') this.moveTo({ ordinal: this.active.ordinal, frame: -1 }, true);
          else if (event.key === 'Enter' || (event.key === 'ArrowRight') !== this.expansions.has(this.active.ordinal)) this.toggle(this.active.ordinal);
        }
        return;
      default:
        return;
    }
    event.preventDefault();
    const clamped = Math.min(Math.max(0, target), count - 1);
    const item = this.itemAt(clamped);
    if (!item) return;
    this.setFollow(false);
    this.moveTo(this.activeOf(item), true);
  }

  /** Focuses (and selects) a row or frame, scrolling it into view. */
  private moveTo(active: Active, scroll: boolean): void {
    this.active = active;
    const display = this.displayOf(active);
    if (scroll) {
      const { clientHeight } = this.scrollMetrics();
      const top = display * ROW_HEIGHT;
      if (top < this.topPx) this.topPx = top;
      else if (top + ROW_HEIGHT > this.topPx + clientHeight) this.topPx = top + ROW_HEIGHT - clientHeight;
    }
    this.selectActive();
    this.scheduleRender();
  }

  /** Selects the focused row; when its data has not arrived yet, `addRows` finishes the job. */
  private selectActive(): void {
    const row = this.active ? this.cache.get(this.active.ordinal) : undefined;
    this.selectionPending = !row;
    if (row && row.seq !== this.selectedSeq) {
      this.selectedSeq = row.seq;
      this.callbacks.select(row);
    }
  }

  private toggle(ordinal: number): void {
    const row = this.cache.get(ordinal);
    if (!row || row.kind !== 'message' || row.frames < 2) return;
    if (this.expansions.has(ordinal)) {
      this.expansions.delete(ordinal);
      if (this.active?.ordinal === ordinal) this.active = { ordinal, frame: -1 };
    } else {
      if (this.expansions.size >= MAX_EXPANDED) this.expansions.delete(this.expansions.keys().next().value as number);
      this.expansions.set(ordinal, { ordinal, seq: row.seq, omitted: 0 });
      this.callbacks.requestFrames(row.seq);
    }
    this.scheduleRender();
  }
}
