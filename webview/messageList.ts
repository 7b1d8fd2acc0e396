// The message list: a virtualized tree grid with fixed row height. Only the rows in view (plus a
// little overscan) exist in the DOM; their data comes from a bounded cache filled by the host's
// `rows` answers and tail updates. Multipart messages expand into one sub-row per frame. Past a
// few hundred thousand rows the scroll range is scaled, so even millions of rows stay scrollable.
import type { FrameSummary, RowSummary, ViewInfo } from '../extension/protocol';
import { el } from './dom';
import { describeFlags, directionArrow, directionWords, formatFlags, formatSize, formatTime } from './format';
import { inFrame } from './frame';
import { Column, COLUMNS, RowView } from './listRow';

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

export class MessageList {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly viewport: HTMLElement;
  /** Holds the row elements; moved with a transform as the list scrolls. */
  private readonly layer: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly newest: HTMLButtonElement;
  private readonly empty: HTMLElement;
  /** Row elements in display order: pool[i] shows the i-th item from the first one drawn. */
  private readonly pool: RowView[] = [];
  private readonly cache = new Map<number, RowSummary>();
  private readonly expansions = new Map<number, Expansion>();
  private generation = -1;
  private base = 0;
  private length = 0;
  private follow: boolean;
  private active: Active | undefined;
  private selectedSeq: number | undefined;
  private topPx = 0;
  /** The scroller's height, from the ResizeObserver (-1: not measured yet). */
  private viewportHeight = -1;
  /** What scrollTop is, as far as this list knows: the last value it wrote or read. */
  private knownScrollTop = 0;
  /** A scroll event came: read scrollTop once, at the start of the next frame. */
  private scrolled = false;
  /** Values last written to the DOM, so a frame writes only what changed. */
  private written = { spacer: -1, viewport: -1, layer: Number.NaN, rowCount: '', empty: true, newest: true, activeDescendant: '' };
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
      COLUMNS.map((name, index) => el('span', { className: `cell c${index}`, text: name, attrs: { role: 'columnheader' } })),
    );
    this.layer = el('div', { className: 'list-layer' });
    this.viewport = el('div', { className: 'list-viewport', attrs: { role: 'rowgroup' } }, [this.layer]);
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
    new ResizeObserver((entries) => this.onResize(entries)).observe(this.scroller);
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
    if (text === this.emptyText) return;
    this.emptyText = text;
    inFrame('list-empty-text', () => (this.empty.textContent = this.emptyText));
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

  /** Sizes for the current rows and viewport; reads nothing from the DOM. */
  private scrollMetrics(): { clientHeight: number; fullPx: number; maxReal: number; maxScroll: number } {
    const clientHeight = Math.max(0, this.viewportHeight);
    const fullPx = this.displayCount * ROW_HEIGHT;
    const virtualPx = Math.max(Math.min(fullPx, MAX_SCROLL_PX), clientHeight);
    return { clientHeight, fullPx, maxReal: Math.max(0, fullPx - clientHeight), maxScroll: Math.max(0, virtualPx - clientHeight) };
  }

  private scheduleRender(): void {
    inFrame('list', () => this.render());
  }

  /**
   * Draws the rows in view, at most once per frame. Layout is read only before any write: the
   * viewport height comes from the ResizeObserver, scrollTop is read once and only after a scroll
   * event, and scrollTop is written last (writing it makes the browser lay out at once).
   */
  private render(): void {
    if (this.viewportHeight < 0) this.viewportHeight = this.scroller.clientHeight;
    if (this.scrolled) this.readScroll();
    const metrics = this.scrollMetrics();
    const count = this.displayCount;
    const written = this.written;
    const spacer = Math.max(0, Math.min(metrics.fullPx, MAX_SCROLL_PX) - metrics.clientHeight);
    if (spacer !== written.spacer) this.spacer.style.height = `${(written.spacer = spacer)}px`;
    if (metrics.clientHeight !== written.viewport) this.viewport.style.height = `${(written.viewport = metrics.clientHeight)}px`;
    if (this.follow) this.topPx = metrics.maxReal;
    this.topPx = Math.min(Math.max(0, this.topPx), metrics.maxReal);
    const wantedTop = metrics.maxReal > 0 ? Math.round((this.topPx / metrics.maxReal) * metrics.maxScroll) : 0;
    const rowCount = String(count + 1);
    if (rowCount !== written.rowCount) this.grid.setAttribute('aria-rowcount', (written.rowCount = rowCount));
    if (written.empty !== count > 0) this.empty.hidden = written.empty = count > 0;
    const newestHidden = this.follow || count === 0;
    if (written.newest !== newestHidden) this.newest.hidden = written.newest = newestHidden;

    const first = Math.max(0, Math.floor(this.topPx / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((this.topPx + metrics.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const layerY = first * ROW_HEIGHT - this.topPx;
    if (layerY !== written.layer) this.layer.style.transform = `translateY(${(written.layer = layerY)}px)`;
    let missingFrom = Infinity;
    let missingTo = -Infinity;
    let used = 0;
    const activeDisplay = this.active ? this.displayOf(this.active) : -1;
    for (let display = first; display < last; display++) {
      const item = this.itemAt(display);
      if (!item) break;
      const view = this.pool[used] ?? this.newRowView();
      used += 1;
      view.setShown(true);
      view.setAttribute('id', `row-${display}`);
      view.setAttribute('aria-rowindex', String(display + 2));
      const active = display === activeDisplay;
      if (item.kind === 'row') {
        const row = this.cache.get(item.ordinal);
        if (!row) {
          missingFrom = Math.min(missingFrom, item.ordinal);
          missingTo = Math.max(missingTo, item.ordinal);
        }
        this.fillRow(view, row, item.ordinal, active);
      } else {
        this.fillFrame(view, item.expansion, item.index, active);
      }
    }
    for (let i = used; i < this.pool.length; i++) this.pool[i].setShown(false);
    const activeDescendant = activeDisplay >= first && activeDisplay < last ? `row-${activeDisplay}` : '';
    if (activeDescendant !== written.activeDescendant) {
      written.activeDescendant = activeDescendant;
      if (activeDescendant) this.grid.setAttribute('aria-activedescendant', activeDescendant);
      else this.grid.removeAttribute('aria-activedescendant');
    }
    if (missingFrom <= missingTo) this.requestMissing(missingFrom, missingTo);
    if (Math.abs(this.knownScrollTop - wantedTop) > 1) {
      this.knownScrollTop = wantedTop;
      inFrame('list-scroll', () => (this.scroller.scrollTop = wantedTop), 'last');
    }
    // While following, the host's tail must cover the overscan above the viewport too.
    const visible = Math.max(1, Math.ceil(metrics.clientHeight / ROW_HEIGHT)) + OVERSCAN + 1;
    if (visible !== this.visibleCount) {
      this.visibleCount = visible;
      this.callbacks.viewportChanged(this.follow, visible);
    }
  }

  /** After a scroll event: the one layout read of the frame, before anything is written. */
  private readScroll(): void {
    this.scrolled = false;
    const top = this.scroller.scrollTop;
    // The scroll this list caused itself (by writing scrollTop) changes nothing.
    if (Math.abs(top - this.knownScrollTop) <= 1) return;
    this.knownScrollTop = top;
    const metrics = this.scrollMetrics();
    this.topPx = metrics.maxScroll > 0 ? (top / metrics.maxScroll) * metrics.maxReal : 0;
    this.setFollow(top >= metrics.maxScroll - 2);
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

  private newRowView(): RowView {
    const view = new RowView(this.layer, this.pool.length, ROW_HEIGHT);
    this.pool.push(view);
    return view;
  }

  private fillRow(view: RowView, row: RowSummary | undefined, ordinal: number, active: boolean): void {
    const expanded = this.expansions.has(ordinal);
    const selected = row !== undefined && row.seq === this.selectedSeq;
    view.setClass(`row cols${row ? ` kind-${row.kind}` : ' loading'}${row?.dir ? ` dir-${row.dir}` : ''}${active ? ' active' : ''}`);
    const key = row ? `${this.generation}:${row.seq}:${row.sender ?? ''}:${row.receiver ?? ''}:${expanded}:${selected}` : `${this.generation}:?${ordinal}`;
    if (view.key === key) return;
    view.key = key;
    view.setAttribute('data-ordinal', String(ordinal));
    view.setAttribute('data-frame', '-1');
    view.setAttribute('aria-level', '1');
    if (!row) {
      view.clearTexts();
      view.setText(Column.preview, '…');
      view.setAttribute('aria-busy', 'true');
      view.setAttribute('aria-selected', undefined);
      view.setAttribute('aria-expanded', undefined);
      view.setAttribute('data-seq', '');
      return;
    }
    view.setAttribute('aria-busy', undefined);
    view.setAttribute('data-seq', String(row.seq));
    view.setAttribute('aria-selected', String(selected));
    const expandable = row.kind === 'message' && row.frames > 1;
    view.setAttribute('aria-expanded', expandable ? String(expanded) : undefined);
    view.setText(Column.time, formatTime(row.time));
    view.setText(Column.connection, row.connLabel);
    view.setText(Column.dir, directionArrow(row.dir));
    view.setCellLabel(Column.dir, directionWords(row.dir));
    view.setText(Column.sockets, row.dir ? `${row.sender ?? '?'} → ${row.receiver ?? '?'}` : '');
    view.setText(Column.kind, row.kind === 'command' ? (row.name ?? 'command') : row.kind);
    view.setText(Column.flags, formatFlags(row.flags));
    view.setCellLabel(Column.flags, describeFlags(row.flags));
    view.setText(Column.size, row.kind === 'message' || row.kind === 'command' ? formatSize(row.size) : '');
    view.setText(Column.frames, row.kind === 'message' ? `${expandable ? (expanded ? '▾ ' : '▸ ') : ''}${row.frames}` : '');
    view.setText(Column.preview, row.truncated ? `${row.preview} ✂` : row.preview);
  }

  private fillFrame(view: RowView, expansion: Expansion, index: number, active: boolean): void {
    view.setClass(`row cols frame-row${active ? ' active' : ''}`);
    const frame = expansion.frames?.[index];
    const key = `${this.generation}:f${expansion.seq}:${index}:${expansion.frames ? expansion.frames.length : 'x'}`;
    if (view.key === key) return;
    view.key = key;
    view.setAttribute('data-ordinal', String(expansion.ordinal));
    view.setAttribute('data-frame', String(index));
    view.setAttribute('data-seq', String(expansion.seq));
    view.setAttribute('aria-level', '2');
    view.setAttribute('aria-expanded', undefined);
    view.setAttribute('aria-busy', undefined);
    view.setAttribute('aria-selected', 'false');
    if (!frame) {
      view.clearTexts([Column.preview]);
      view.setText(Column.preview, expansion.missing ?? (expansion.frames ? `… ${expansion.omitted} more frames not listed` : 'loading frames…'));
      return;
    }
    view.clearTexts([Column.kind, Column.flags, Column.size, Column.preview]);
    view.setText(Column.kind, `frame ${frame.index + 1}`);
    view.setText(Column.flags, formatFlags(frame.flags));
    view.setCellLabel(Column.flags, describeFlags(frame.flags));
    view.setText(Column.size, formatSize(frame.size));
    view.setText(Column.preview, frame.size === 0 ? '(empty frame)' : frame.truncated ? `${frame.preview} ✂` : frame.preview);
  }

  // ---- Interaction -------------------------------------------------------------------------------

  private setFollow(follow: boolean): void {
    if (follow === this.follow) return;
    this.follow = follow;
    this.callbacks.viewportChanged(follow, this.visibleCount);
  }

  private onScroll(): void {
    this.scrolled = true;
    this.scheduleRender();
  }

  private onResize(entries: ResizeObserverEntry[]): void {
    const height = entries[entries.length - 1]?.contentRect.height;
    if (height === undefined || height === this.viewportHeight) return;
    this.viewportHeight = height;
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
