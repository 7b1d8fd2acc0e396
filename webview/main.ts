// The inspector webview: wires the toolbar, filter bar, topology, message list and details pane to
// the host through the typed protocol. The host owns the data; this side keeps only view state
// (filter, follow, selection, split sizes, details tab) via setState, so a reload restores the view
// and the host rehydrates the data with a snapshot after `ready`.
import { PROTOCOL_VERSION, type Counts, type DiagnosticsState, type HostToWebview, type RowFilter, type ViewInfo } from '../extension/protocol';
import { ComposeView } from './composeView';
import { DetailsPane } from './detailsPane';
import { diagnosticMarks } from './diagnosticMarks';
import { DiagnosticsView } from './diagnosticsView';
import { el, iconButton, setIcon } from './dom';
import { FilterBar } from './filterBar';
import { formatCount } from './format';
import { inFrame } from './frame';
import { HeldView } from './heldView';
import { MessageList, OVERSCAN, ROW_HEIGHT } from './messageList';
import { ResendAction } from './resendAction';
import { splitter } from './splitter';
import { StepBar } from './stepBar';
import { TopologyView, type TopologySelection } from './topologyView';
import { Host, type SavedState } from './vscodeApi';

const host = new Host();
const state: SavedState = host.loadState();
const save = () => host.saveState(state);
const app = document.getElementById('app') as HTMLElement;
let requestId = 0;
let paused = false;

// ---- Toolbar -----------------------------------------------------------------------------------
const pauseButton = iconButton('debug-pause', 'Pause capture');
const clearButton = iconButton('clear-all', 'Clear the capture');
const status = el('span', { className: 'status', attrs: { role: 'status' } });
const notice = el('div', { className: 'notice', attrs: { role: 'alert', hidden: true } });
pauseButton.addEventListener('click', () => host.post({ type: 'setPaused', paused: !paused }));
clearButton.addEventListener('click', () => host.post({ type: 'clear' }));
const toolbar = el('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Capture' } }, [
  el('span', { className: 'toolbar-title', text: 'ZeroMQ Inspector' }),
  pauseButton,
  clearButton,
  status,
]);
const stepBar = new StepBar((action) => host.post({ type: 'traffic', action }));

// ---- Panes -------------------------------------------------------------------------------------
const nextRequestId = () => ++requestId;
const resend = new ResendAction((message) => host.post(message), nextRequestId);
const details = new DetailsPane(
  state.detailsTab ?? 'text',
  (tab) => {
    state.detailsTab = tab;
    save();
  },
  resend,
);
const held = new HeldView((action, conn) => host.post({ type: 'traffic', action, conn }));
const compose = new ComposeView((message) => host.post(message), nextRequestId, (socket) => resend.setSocket(socket));

/** Shows a row in the details pane, from the list or a diagnosis. */
const showRow = (seq: number) => {
  state.selectedSeq = seq;
  save();
  details.showLoading(seq);
  host.post({ type: 'requestDetail', seq });
};

const list = new MessageList(
  {
    requestRows: (start, count) => host.post({ type: 'requestRows', requestId: nextRequestId(), start, count }),
    requestFrames: (seq) => host.post({ type: 'requestFrames', seq }),
    select: (row) => showRow(row.seq),
    viewportChanged: (follow, visibleCount) => {
      state.follow = follow;
      state.anchor = follow ? undefined : list.anchor;
      save();
      host.post({ type: 'viewport', follow, visibleCount });
    },
  },
  { follow: state.follow, selectedSeq: state.selectedSeq },
);

let diagnosed: DiagnosticsState = { items: [], omitted: 0 };
const diagnostics = new DiagnosticsView((item) => {
  if (item) host.post({ type: 'revealDiagnostic', id: item.id });
  else filterBar.patch({ connections: undefined });
});
const showDiagnostics = (update: DiagnosticsState | undefined) => {
  if (update) {
    diagnosed = update;
    diagnostics.setState(update);
  }
  topology.setMarks(diagnosticMarks(diagnosed, topology.edgeList()));
};

const selectionOf = (filter: RowFilter): TopologySelection | undefined =>
  filter.node ? { kind: 'node', id: filter.node } : filter.connections?.length === 1 ? { kind: 'edge', id: filter.connections[0] } : undefined;

/** Keeps the saved state, the topology selection and the chip in step with the filter. */
const showFilter = (filter: RowFilter) => {
  state.filter = filter;
  save();
  topology.setSelection(selectionOf(filter));
  diagnostics.syncWithFilter(filter);
  filterBar.setChip(filter.node ? `Socket: ${topology.describe({ kind: 'node', id: filter.node })}` : undefined);
};

const applyFilter = (filter: RowFilter) => {
  showFilter(filter);
  host.post({ type: 'setFilter', filter });
};

/** A filter the host chose and already applies. */
const adoptFilter = (filter: RowFilter) => {
  filterBar.adopt(filter);
  showFilter(filter);
};

const topology = new TopologyView((selection) => {
  filterBar.patch(selection?.kind === 'node' ? { node: selection.id, connections: undefined } : selection?.kind === 'edge' ? { connections: [selection.id], node: undefined } : { node: undefined, connections: undefined });
});
const filterBar = new FilterBar(state.filter, applyFilter, () => filterBar.patch({ node: undefined }));
topology.setSelection(selectionOf(state.filter));

// ---- Layout with splitters ---------------------------------------------------------------------
const setSize = (property: string, px: number) => app.style.setProperty(property, `${px}px`);
state.topologyHeight ??= 200;
/** The message list keeps at least this width (or 60 % of a narrow window); the details pane gives way. */
const LIST_MIN_WIDTH = 560;
const listMinWidth = () => Math.min(LIST_MIN_WIDTH, window.innerWidth * 0.6);
state.detailsWidth ??= Math.round(Math.min(420, Math.max(240, window.innerWidth * 0.24)));
setSize('--topology-height', state.topologyHeight);
setSize('--details-width', state.detailsWidth);
setSize('--list-min-width', LIST_MIN_WIDTH);
const topologySplit = splitter({
  orientation: 'horizontal',
  label: 'Resize the topology',
  min: 60,
  max: () => window.innerHeight - 200,
  get: () => state.topologyHeight ?? 200,
  set: (size) => {
    state.topologyHeight = size;
    setSize('--topology-height', size);
    save();
  },
});
const detailsSplit = splitter({
  orientation: 'vertical',
  label: 'Resize the details pane',
  min: 200,
  max: () => window.innerWidth - 5 - listMinWidth(),
  inverted: true,
  get: () => state.detailsWidth ?? 360,
  set: (size) => {
    state.detailsWidth = size;
    setSize('--details-width', size);
    save();
  },
});

app.replaceChildren(
  toolbar,
  stepBar.element,
  filterBar.element,
  notice,
  el('div', { className: 'main' }, [
    el('div', { className: 'left' }, [topology.element, topologySplit, diagnostics.element, list.element]),
    detailsSplit,
    el('div', { className: 'side' }, [held.element, compose.element, details.element]),
  ]),
);
app.removeAttribute('aria-busy');

// ---- Host messages -----------------------------------------------------------------------------
function showCounts(view: ViewInfo, counts: Counts, isPaused: boolean): void {
  paused = isPaused;
  list.setEmptyText(counts.stored === 0 ? 'No messages yet. Start an example or a sniffer, and traffic shows up here.' : 'No row matches the filter.');
  list.setView(view);
  // Written in the next frame with the list, so the page is laid out once per frame however many updates came.
  inFrame('counts', () => {
    setIcon(pauseButton, paused ? 'debug-start' : 'debug-pause', paused ? 'Resume capture' : 'Pause capture');
    pauseButton.setAttribute('aria-pressed', String(paused));
    status.textContent = paused ? `Paused: ${formatCount(counts.droppedWhilePaused)} events not recorded` : `${formatCount(counts.captured)} captured`;
    filterBar.showView(view, counts);
  });
}

function showNotice(level: string, message: string): void {
  notice.hidden = false;
  notice.className = `notice ${level}`;
  notice.textContent = message;
}

/** Step mode and the compose area come only when the host offers them, and in updates only when they changed. */
function showFeeds(message: Extract<HostToWebview, { type: 'snapshot' | 'update' }>): void {
  if (message.stepping) {
    stepBar.setState(message.stepping);
    held.setState(message.stepping);
  }
  if (message.compose) compose.setState(message.compose);
}

function refreshChoices(): void {
  filterBar.setChoices(topology.socketTypes(), topology.edgeList());
}

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot':
      if (message.protocol !== PROTOCOL_VERSION) {
        showNotice('error', `The extension speaks inspector protocol ${message.protocol}, this view ${PROTOCOL_VERSION}: reload the window.`);
        return;
      }
      topology.applySnapshot(message.topology);
      refreshChoices();
      showDiagnostics(message.diagnostics);
      showFeeds(message);
      if (message.filter) adoptFilter(message.filter);
      showCounts(message.view, message.counts, message.paused);
      if (message.tail) list.addRows(message.view.generation, message.tail.start, message.tail.rows, false);
      if (state.selectedSeq !== undefined && details.currentSeq !== state.selectedSeq) host.post({ type: 'requestDetail', seq: state.selectedSeq });
      break;
    case 'update':
      if (message.topology) {
        topology.applyDelta(message.topology);
        refreshChoices();
      }
      if (message.topology || message.diagnostics) showDiagnostics(message.diagnostics);
      showFeeds(message);
      showCounts(message.view, message.counts, message.paused);
      if (message.tail) list.addRows(message.view.generation, message.tail.start, message.tail.rows, false);
      break;
    case 'rows':
      list.setView(message.view);
      list.addRows(message.generation, message.start, message.rows, true);
      break;
    case 'detail':
      if (message.seq !== state.selectedSeq) return;
      if (message.detail) details.show(message.detail);
      else details.showNothing(message.missing ?? 'This row is not available.');
      break;
    case 'frames':
      list.setFrames(message.seq, message.frames, message.omitted, message.missing);
      break;
    case 'notice':
      showNotice(message.level, message.message);
      break;
    case 'applyFilter':
      adoptFilter(message.filter);
      break;
    case 'diagnosticTarget':
      if (message.seq !== undefined) showRow(message.seq);
      break;
    case 'sendResult':
      if (!compose.showResult(message)) resend.showResult(message);
      break;
  }
}

host.onMessage(handle);
window.addEventListener('error', (event) => showNotice('error', `The inspector view hit a problem: ${event.message}`));
// The host binds the step keys (F5, F10...) only while this view has the keyboard, so the debugger keeps them elsewhere.
window.addEventListener('focus', () => host.post({ type: 'focus', focused: true }));
window.addEventListener('blur', () => host.post({ type: 'focus', focused: false }));
host.post({ type: 'ready', protocol: PROTOCOL_VERSION, state, visibleCount: Math.ceil(window.innerHeight / ROW_HEIGHT) + OVERSCAN + 1 });
if (document.hasFocus()) host.post({ type: 'focus', focused: true });
