// The details pane for the selected row: decoded fields, and the frames as text, hex dump, pretty
// JSON or annotated bytes (a tab list chooses which). Everything is set as text.
import type { ByteNote, FrameDetail, RowDetail, RowSummary } from '../extension/protocol';
import { clear, el } from './dom';
import { describeFlags, formatSize } from './format';
import { asHexDump, asJson, asText, decodeBase64, HEX_LIMIT, TEXT_LIMIT } from './payloadViews';
import type { DetailsTab } from './vscodeApi';

const TABS: { id: DetailsTab; label: string }[] = [
  { id: 'text', label: 'Text' },
  { id: 'hex', label: 'Hex' },
  { id: 'json', label: 'JSON' },
  { id: 'bytes', label: 'Annotated bytes' },
];

/** Something offered for the row shown (e.g. "Send again"), placed under the title. */
export interface RowAction {
  readonly element: HTMLElement;
  setRow(row: RowSummary | undefined): void;
}

export class DetailsPane {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly fields: HTMLElement;
  private readonly notes: HTMLElement;
  private readonly tabList: HTMLElement;
  private readonly tabs = new Map<DetailsTab, HTMLButtonElement>();
  private readonly panel: HTMLElement;
  private detail: RowDetail | undefined;

  constructor(
    private tab: DetailsTab,
    private readonly onTabChange: (tab: DetailsTab) => void,
    private readonly rowAction?: RowAction,
  ) {
    this.title = el('h2', { className: 'details-title', text: 'Details', attrs: { id: 'details-title' } });
    this.fields = el('dl', { className: 'details-fields' });
    this.notes = el('div', { className: 'details-notes' });
    this.tabList = el('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Payload view' } });
    for (const { id, label } of TABS) {
      const button = el('button', { className: 'tab', text: label, attrs: { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': 'details-panel' } });
      button.addEventListener('click', () => this.selectTab(id, false));
      this.tabs.set(id, button);
      this.tabList.appendChild(button);
    }
    this.tabList.addEventListener('keydown', (event) => this.onTabKey(event));
    this.panel = el('div', { className: 'details-panel', attrs: { role: 'tabpanel', id: 'details-panel', tabindex: 0 } });
    this.element = el('section', { className: 'details', attrs: { 'aria-labelledby': 'details-title', tabindex: -1 } }, [this.title, rowAction?.element, this.fields, this.notes, this.tabList, this.panel]);
    this.updateTabs();
    this.showNothing('Select a row to see its decoded fields and bytes.');
  }

  get currentSeq(): number | undefined {
    return this.detail?.row.seq;
  }

  showNothing(message: string): void {
    this.detail = undefined;
    this.title.textContent = 'Details';
    clear(this.fields);
    clear(this.panel);
    this.notes.textContent = message;
    this.tabList.hidden = true;
    this.rowAction?.setRow(undefined);
  }

  showLoading(seq: number): void {
    this.notes.textContent = `Loading row ${seq}…`;
  }

  show(detail: RowDetail): void {
    this.detail = detail;
    const row = detail.row;
    this.title.textContent = `Details: ${row.kind === 'command' ? (row.name ?? 'command') : row.kind} #${row.seq}`;
    clear(this.fields);
    for (const field of detail.fields) this.fields.append(el('dt', { text: field.label }), el('dd', { text: field.value }));
    this.notes.textContent = detail.notes.join(' ');
    this.tabList.hidden = detail.frames.length === 0 && !detail.greeting;
    this.rowAction?.setRow(row);
    this.renderPanel();
  }

  private selectTab(tab: DetailsTab, focus: boolean): void {
    this.tab = tab;
    this.updateTabs();
    this.renderPanel();
    this.onTabChange(tab);
    if (focus) this.tabs.get(tab)?.focus();
  }

  private updateTabs(): void {
    for (const [id, button] of this.tabs) {
      const selected = id === this.tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      button.classList.toggle('selected', selected);
    }
    this.panel.setAttribute('aria-labelledby', `tab-${this.tab}`);
  }

  private onTabKey(event: KeyboardEvent): void {
    const index = TABS.findIndex((tab) => tab.id === this.tab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      this.selectTab(TABS[event.key === 'Home' ? 0 : TABS.length - 1].id, true);
    } else if (step) {
      event.preventDefault();
      this.selectTab(TABS[(index + step + TABS.length) % TABS.length].id, true);
    }
  }

  private renderPanel(): void {
    clear(this.panel);
    const detail = this.detail;
    if (!detail) return;
    if (detail.greeting) {
      this.panel.appendChild(this.tab === 'bytes' ? notesTable(detail.greeting, 'Greeting bytes') : el('p', { text: 'A greeting has no payload; see "Annotated bytes" for its layout.' }));
      return;
    }
    detail.frames.forEach((frame) => this.panel.appendChild(this.frameBlock(frame, detail.frames.length)));
    if (detail.framesOmitted) this.panel.appendChild(el('p', { className: 'note', text: `${detail.framesOmitted} more frames are not shown.` }));
  }

  private frameBlock(frame: FrameDetail, count: number): HTMLElement {
    const heading = `Frame ${frame.index + 1} of ${count}: ${formatSize(frame.size)}, ${describeFlags(frame.flags)}${frame.curve ? `, CURVE nonce ${frame.curve.nonce}` : ''}`;
    const block = el('section', { className: 'frame-block' }, [el('h3', { text: heading })]);
    const bytes = decodeBase64(frame.body);
    if (frame.truncated) block.appendChild(el('p', { className: 'note', text: `Showing the ${formatSize(frame.retained)} kept of ${formatSize(frame.size)}.` }));
    switch (this.tab) {
      case 'text': {
        const { text, cut } = asText(bytes);
        block.appendChild(el('pre', { className: 'payload payload-text', text: text || '(empty)' }));
        if (cut) block.appendChild(el('p', { className: 'note', text: `Text cut at ${TEXT_LIMIT / 1024} KiB.` }));
        break;
      }
      case 'hex': {
        const { text, cut } = asHexDump(bytes);
        block.appendChild(el('pre', { className: 'payload payload-hex', text: text || '(empty)' }));
        if (cut) block.appendChild(el('p', { className: 'note', text: `Hex dump cut at ${HEX_LIMIT / 1024} KiB.` }));
        break;
      }
      case 'json': {
        const { json, reason } = asJson(bytes);
        block.appendChild(json !== undefined ? el('pre', { className: 'payload payload-json', text: json }) : el('p', { className: 'note', text: reason }));
        break;
      }
      case 'bytes':
        block.appendChild(notesTable(frame.notes, `Frame ${frame.index + 1} bytes`));
        break;
    }
    return block;
  }
}

function notesTable(notes: ByteNote[], caption: string): HTMLElement {
  const head = el('tr', {}, ['Offset', 'Bytes', 'Field', 'Meaning'].map((name) => el('th', { text: name, attrs: { scope: 'col' } })));
  const body = el(
    'tbody',
    {},
    notes.map((note) =>
      el('tr', {}, [
        el('td', { className: 'mono', text: note.length === 0 && !note.hex ? '' : String(note.offset) }),
        el('td', { className: 'mono', text: note.hex }),
        el('td', { text: note.label }),
        el('td', { text: note.meaning }),
      ]),
    ),
  );
  return el('table', { className: 'byte-notes' }, [el('caption', { text: caption }), el('thead', {}, [head]), body]);
}
