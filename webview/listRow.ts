// One row element of the message list, reused as the list scrolls. It remembers what it shows, so
// a render writes only the texts, classes and attributes that changed: unchanged writes would still
// make the browser redo style and layout.
import { el } from './dom';

/** "From → To": the socket types of the sender and the receiver. */
export const COLUMNS = ['Time', 'Connection', 'Dir', 'From → To', 'Kind', 'Flags', 'Size', 'Frames', 'Preview'];
/** Column indexes the code refers to. */
export const Column = { time: 0, connection: 1, dir: 2, sockets: 3, kind: 4, flags: 5, size: 6, frames: 7, preview: 8 } as const;

export class RowView {
  readonly element: HTMLElement;
  /** What the row shows (generation, row, expansion, selection), to skip a fill that changes nothing. */
  key = '';
  private readonly cells: HTMLElement[];
  private readonly texts: string[];
  private readonly cellLabels: (string | undefined)[];
  private readonly attributes = new Map<string, string | undefined>();
  private className = '';
  private shown = true;

  constructor(parent: HTMLElement, position: number, rowHeight: number) {
    this.cells = COLUMNS.map((_, index) => el('span', { className: `cell c${index}`, attrs: { role: 'gridcell' } }));
    this.texts = COLUMNS.map(() => '');
    this.cellLabels = COLUMNS.map(() => undefined);
    this.element = el('div', { className: 'row cols', attrs: { role: 'row' } }, this.cells);
    // Rows sit at fixed places in the list's layer; scrolling moves the layer, not the rows.
    this.element.style.transform = `translateY(${position * rowHeight}px)`;
    parent.appendChild(this.element);
  }

  setText(column: number, text: string): void {
    if (this.texts[column] === text) return;
    this.texts[column] = text;
    this.cells[column].textContent = text;
  }

  /** Clears every cell but the ones `keep` names. */
  clearTexts(keep: readonly number[] = []): void {
    for (let column = 0; column < this.cells.length; column++) if (!keep.includes(column)) this.setText(column, '');
  }

  setCellLabel(column: number, label: string | undefined): void {
    if (this.cellLabels[column] === label) return;
    this.cellLabels[column] = label;
    if (label === undefined) this.cells[column].removeAttribute('aria-label');
    else this.cells[column].setAttribute('aria-label', label);
  }

  setAttribute(name: string, value: string | undefined): void {
    if (this.attributes.has(name) && this.attributes.get(name) === value) return;
    this.attributes.set(name, value);
    if (value === undefined) this.element.removeAttribute(name);
    else this.element.setAttribute(name, value);
  }

  setClass(className: string): void {
    if (this.className === className) return;
    this.className = className;
    this.element.className = className;
  }

  setShown(shown: boolean): void {
    if (this.shown === shown) return;
    this.shown = shown;
    this.element.hidden = !shown;
  }
}
