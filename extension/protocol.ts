// The one typed protocol between the inspector's host side (extension/inspector, extension/vscode)
// and its webview (webview/). Both sides import this file; it holds types and tiny pure helpers
// only, so it bundles into the browser without pulling in Node or VS Code.
//
// Shape of a session:
//   webview → `ready` (with its saved view state) → host answers `snapshot`;
//   host → `update` at most ~20 times a second (counts, topology changes, tail rows when following);
//   webview → `requestRows` / `requestDetail` / `requestFrames` for what it shows; host answers each.
// Everything the webview receives is bounded: row windows, tails and frame lists have fixed caps.
import type { Direction } from './zmtp/types';

export type { Direction };

/** Bumped when a message changes shape; the webview refuses a host that speaks another version. */
export const PROTOCOL_VERSION = 1;

/** The largest row window the host answers in one `rows` message. */
export const MAX_ROWS_PER_REQUEST = 500;
/** Frames listed when a multipart message is expanded in the list. */
export const MAX_FRAMES_LISTED = 64;

export type RowKind = 'message' | 'command' | 'greeting' | 'open' | 'close' | 'error';

/** One line of the message list, as the host summarises it when the row is shown. */
export interface RowSummary {
  /** Capture sequence number: unique, increasing, never reused (also across Clear). */
  seq: number;
  /** Milliseconds since the Unix epoch, as the sniffer stamped the event. */
  time: number;
  /** Connection key (see TopologyEdge.id). */
  conn: string;
  /** Short human name of the connection, e.g. "frontend #3". */
  connLabel: string;
  dir?: Direction;
  /** Socket types from READY (or the ZMTP 2.0 greeting) of the sending and receiving side, when known. */
  sender?: string;
  receiver?: string;
  kind: RowKind;
  /** Command name (READY, SUBSCRIBE, ...), or for other kinds a one-word label. */
  name?: string;
  /** Flags byte of the first frame (message) or of the command frame; -1 when there is none. */
  flags: number;
  /** Bytes on the wire that the row stands for (sum of declared body sizes for messages). */
  size: number;
  frames: number;
  /** A bounded, printable preview: control characters are already replaced by visible symbols. */
  preview: string;
  /** True when some frame's body was cut by the decoder's or the store's retain limit. */
  truncated?: boolean;
}

export type EdgeState = 'handshaking' | 'open' | 'closed' | 'failed';

export interface TopologyNode {
  id: string;
  /** 'bound': the endpoint a sniffer forwards to; 'connecting': a peer that connected through it. */
  role: 'bound' | 'connecting';
  socketType?: string;
  /** Endpoint string for bound sockets, the peer address (e.g. "127.0.0.1:53412") for connecting ones. */
  endpoint: string;
  /** READY Identity property, as printable text or hex. */
  identity?: string;
  /** Name of the sniffer that saw this node. */
  source: string;
  /** False once every connection of the node has closed. */
  live: boolean;
}

export interface DirectionStats {
  messages: number;
  bytes: number;
  /** Messages per second over the last second or so. */
  rate: number;
}

export interface TopologyEdge {
  /** Connection key: "<sniffer id>#<connection id>". */
  id: string;
  /** The connecting side's node and the bound side's node: edges point the way the connection was made. */
  from: string;
  to: string;
  state: EdgeState;
  label: string;
  /** ZMTP version and security mechanism once the greetings are known. */
  version?: string;
  mechanism?: string;
  /** c2s: from the connecting side; s2c: from the bound side. */
  c2s: DirectionStats;
  s2c: DirectionStats;
  /** Why it closed or failed, in words. */
  detail?: string;
}

export interface TopologyState {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  /** Connections that exist but are not listed, because the topology is capped. */
  hiddenEdges: number;
}

export interface TopologyDelta {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  removedNodes: string[];
  removedEdges: string[];
  hiddenEdges: number;
}

export interface RowFilter {
  /** Empty or missing: both. */
  directions?: Direction[];
  /** Connection keys; empty or missing: all. */
  connections?: string[];
  /** A topology node id: rows of the connections that touch it. */
  node?: string;
  /** Rows whose sender or receiver has one of these socket types. */
  socketTypes?: string[];
  /** 'data': messages only; 'commands': commands only; 'all' (default): everything. */
  kinds?: 'all' | 'data' | 'commands';
  /** Matched against the payload (every frame), the topic and the command name. */
  text?: string;
  regex?: boolean;
  caseSensitive?: boolean;
}

/** Where the filtered view stands: index i of the view is absolute ordinal base + i. */
export interface ViewInfo {
  /** Changes when the filter changes or the capture is cleared: cached rows of another generation are stale. */
  generation: number;
  /** Absolute ordinal of the oldest row still in the view (grows as old rows are evicted). */
  base: number;
  /** Rows in the view now. */
  length: number;
  /** True while the host is still applying a new filter to the stored rows. */
  scanning: boolean;
  /** The filter the host applies, with the problem if it could not (e.g. an invalid regular expression). */
  filterError?: string;
}

export interface Counts {
  /** Rows stored now (at most `capacity`). */
  stored: number;
  capacity: number;
  /** Rows ever captured, and rows dropped because the ring was full. */
  captured: number;
  evicted: number;
  /** Events that arrived while the capture was paused. */
  droppedWhilePaused: number;
  /** Rows whose command/greeting/close details were released early to keep memory within budget. */
  detailsReleased: number;
}

export interface TailRows {
  /** Absolute ordinal of rows[0]. */
  start: number;
  rows: RowSummary[];
}

export interface SnifferSource {
  id: string;
  name: string;
  listen: string;
  target: string;
}

/** One labelled run of bytes in the annotated byte view. */
export interface ByteNote {
  /** Offset from the start of the frame (flags byte = 0). */
  offset: number;
  /** The bytes as hex pairs, at most 32 of them (longer runs are summarised). */
  hex: string;
  length: number;
  label: string;
  meaning: string;
}

export interface FrameDetail {
  index: number;
  flags: number;
  more: boolean;
  command: boolean;
  size: number;
  /** The retained body as base64 (bounded by the store's per-row detail limit). */
  body: string;
  /** Bytes in `body` (decoded). */
  retained: number;
  truncated: boolean;
  /** Header bytes (flags, size) and, for commands, the body's fields explained. */
  notes: ByteNote[];
  /** Encrypted CURVE content: nonce and box size. */
  curve?: { nonce: string; boxSize: number };
}

export interface DetailField {
  label: string;
  value: string;
}

export interface RowDetail {
  row: RowSummary;
  /** Decoded fields (greeting, metadata, topic, TTL, reason, ...) as plain text. */
  fields: DetailField[];
  frames: FrameDetail[];
  /** Frames the message had beyond those listed. */
  framesOmitted: number;
  /** For greetings: the greeting's bytes explained (rebuilt from the decoded fields). */
  greeting?: ByteNote[];
  /** Why some content is not shown (released for memory, cut by a limit). */
  notes: string[];
}

export interface FrameSummary {
  index: number;
  flags: number;
  size: number;
  preview: string;
  truncated: boolean;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** Diagnoses listed in the inspector; more are counted in `DiagnosticsState.omitted`. */
export const MAX_DIAGNOSTICS_LISTED = 200;
/** Connections named per diagnosis (its evidence is bounded by the engine too). */
export const MAX_DIAGNOSTIC_CONNECTIONS = 20;

/** One diagnosis (see extension/diagnostics/types.ts), as the inspector shows it. */
export interface DiagnosticSummary {
  /** Stable for the cause; `revealDiagnostic` names it. */
  id: string;
  ruleNumber: number;
  title: string;
  severity: DiagnosticSeverity;
  message: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Connection keys (see TopologyEdge.id) of the evidence, oldest first. */
  connections: string[];
  /** Labels of sockets the extension runs that the evidence names. */
  sockets: string[];
}

export interface DiagnosticsState {
  items: DiagnosticSummary[];
  /** Diagnoses not listed because of MAX_DIAGNOSTICS_LISTED. */
  omitted: number;
}

/** Held messages listed per connection direction; the rest are counted in `HeldQueue.omitted`. */
export const MAX_HELD_LISTED = 50;
/** Connection directions listed as holding something; the rest are counted in `SteppingState.omittedQueues`. */
export const MAX_HELD_QUEUES = 40;

/** One message (or command) the sniffer holds back, in stream order. */
export interface HeldMessage {
  /** Stream offset of its first byte in its direction: with conn and dir, it names the message. */
  offset: number;
  bytes: number;
  kind: 'message' | 'command' | 'greeting';
  /** Command name, or the greeting's version and mechanism. */
  name?: string;
  frames?: number;
  /** First frame, printable (control characters already replaced). */
  preview?: string;
  /** Id of the breakpoint that stopped traffic here, when one did. */
  breakpoint?: string;
}

/** What one direction of one connection holds. */
export interface HeldQueue {
  /** Connection key (see TopologyEdge.id). */
  conn: string;
  connLabel: string;
  dir: Direction;
  messages: HeldMessage[];
  /** Held messages beyond MAX_HELD_LISTED. */
  omitted: number;
}

/** A breakpoint stopped traffic: what the inspector highlights. */
export interface BreakpointHitInfo {
  breakpoint: string;
  /** The breakpoint's condition as text, e.g. "topic:10001 dir:c2s". */
  condition: string;
  hits: number;
  conn: string;
  dir: Direction;
  offset: number;
  time: number;
}

/** Step mode as the inspector shows it: posted with snapshot/update only when it changed. */
export interface SteppingState {
  /** False when the running sniffers cannot hold traffic (step mode is off in the settings). */
  available: boolean;
  /** Pause Traffic is on: every connection, also ones opened later, stops at message boundaries. */
  holdingAll: boolean;
  /** Handshakes and heartbeats are held too (zmqInspector.stepping.holdCommands). */
  holdCommands: boolean;
  queues: HeldQueue[];
  omittedQueues: number;
  /** Held messages in total, listed or not. */
  heldCount: number;
  /** The newest breakpoint hit still held, if any. */
  hit?: BreakpointHitInfo;
}

/** What the inspector's Pause / Step / Continue buttons ask for; `conn` narrows it to one connection key. */
export type TrafficAction = 'hold' | 'step' | 'stepFrame' | 'continue';

/** A socket the user created with New Socket…, as the compose area offers it. */
export interface ComposeSocket {
  id: string;
  type: string;
  /** "connect tcp://127.0.0.1:5555" or "bind …". */
  label: string;
  canSend: boolean;
}

/** Messages received by user sockets listed in the compose area (newest last). */
export const MAX_REPLIES_LISTED = 50;

export interface ReceivedReply {
  socket: string;
  time: number;
  /** One printable preview per frame (at most MAX_FRAMES_LISTED). */
  frames: string[];
  /** Frames beyond those listed. */
  omitted: number;
}

export interface ComposeState {
  sockets: ComposeSocket[];
  replies: ReceivedReply[];
}

export type ComposeFormatName = 'text' | 'hex' | 'json' | 'file';
export const COMPOSE_FORMAT_NAMES: readonly ComposeFormatName[] = ['text', 'hex', 'json', 'file'];
/** Characters the compose area may send in one request (the host also bounds the frames it makes). */
export const MAX_COMPOSE_TEXT = 1024 * 1024;

export type HostToWebview =
  | {
      type: 'snapshot';
      protocol: number;
      paused: boolean;
      counts: Counts;
      view: ViewInfo;
      topology: TopologyState;
      sources: SnifferSource[];
      tail?: TailRows;
      /** Set when the host chose the filter (e.g. "Reveal in Inspector"): the view adopts it. */
      filter?: RowFilter;
      /** Present when the host diagnoses traffic. */
      diagnostics?: DiagnosticsState;
      /** Present when the host can hold traffic (step mode). */
      stepping?: SteppingState;
      /** Present when the host offers the compose area. */
      compose?: ComposeState;
    }
  | {
      type: 'update';
      paused: boolean;
      counts: Counts;
      view: ViewInfo;
      topology?: TopologyDelta;
      sources?: SnifferSource[];
      tail?: TailRows;
      /** Only when the diagnoses changed since the last post. */
      diagnostics?: DiagnosticsState;
      /** Only when step mode's state changed since the last post. */
      stepping?: SteppingState;
      /** Only when the user sockets or their replies changed since the last post. */
      compose?: ComposeState;
    }
  | { type: 'rows'; requestId: number; generation: number; start: number; rows: RowSummary[]; view: ViewInfo }
  | { type: 'detail'; seq: number; detail?: RowDetail; missing?: string }
  | { type: 'frames'; seq: number; frames: FrameSummary[]; omitted: number; missing?: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  /** The host applied this filter (e.g. "Reveal in Inspector"); the view shows it in its controls. */
  | { type: 'applyFilter'; filter: RowFilter }
  /** The answer to `revealDiagnostic`: the first stored row of its evidence, if any is still stored. */
  | { type: 'diagnosticTarget'; id: string; seq?: number }
  /** The answer to `send` / `resend`: sent, or why not in words for the user. */
  | { type: 'sendResult'; requestId: number; ok: boolean; error?: string };

/** What the webview keeps across reloads with vscode.setState, and hands back in `ready`. */
export interface ViewState {
  filter: RowFilter;
  /** Follow the newest rows. */
  follow: boolean;
  /** Absolute ordinal of the first row shown when not following. */
  anchor?: number;
  selectedSeq?: number;
  /** Split sizes in pixels. */
  topologyHeight?: number;
  detailsWidth?: number;
}

export type WebviewToHost =
  | { type: 'ready'; protocol: number; state: ViewState; visibleCount: number }
  | { type: 'setFilter'; filter: RowFilter }
  | { type: 'viewport'; follow: boolean; visibleCount: number }
  | { type: 'requestRows'; requestId: number; start: number; count: number }
  | { type: 'requestDetail'; seq: number }
  | { type: 'requestFrames'; seq: number }
  | { type: 'setPaused'; paused: boolean }
  | { type: 'clear' }
  /** Filter the list to a diagnosis's connections and find its first stored row. */
  | { type: 'revealDiagnostic'; id: string }
  /** Pause / Step / Continue; `conn` (a connection key) narrows it to one connection. */
  | { type: 'traffic'; action: TrafficAction; conn?: string }
  /** The compose area: one multipart message from `text` (one frame per line, or a JSON array, or file paths). */
  | { type: 'send'; requestId: number; socket: string; format: ComposeFormatName; text: string }
  /** Send a captured message (row `seq`) again through a user socket. */
  | { type: 'resend'; requestId: number; socket: string; seq: number }
  /** Ask the host to create a socket (it asks the user with quick picks). */
  | { type: 'newSocket' }
  /** The view gained or lost keyboard focus: the step keys (F5, F10...) are the inspector's only while it has it. */
  | { type: 'focus'; focused: boolean };

/** Upper bound for visibleCount: a viewport never shows more rows than this. */
export const MAX_VISIBLE_ROWS = 400;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Checks a filter from the webview; returns it cleaned, or a message saying what was wrong. */
export function parseRowFilter(value: unknown): RowFilter | string {
  if (!isObject(value)) return 'filter must be an object';
  const filter: RowFilter = {};
  if (value.directions !== undefined) {
    if (!isStringArray(value.directions) || !value.directions.every((d) => d === 'c2s' || d === 's2c')) return 'filter.directions must list "c2s" and/or "s2c"';
    filter.directions = value.directions as Direction[];
  }
  if (value.connections !== undefined) {
    if (!isStringArray(value.connections)) return 'filter.connections must be a list of connection keys';
    filter.connections = value.connections;
  }
  if (value.socketTypes !== undefined) {
    if (!isStringArray(value.socketTypes)) return 'filter.socketTypes must be a list of socket type names';
    filter.socketTypes = value.socketTypes;
  }
  if (value.node !== undefined) {
    if (typeof value.node !== 'string') return 'filter.node must be a node id';
    filter.node = value.node;
  }
  if (value.kinds !== undefined) {
    if (value.kinds !== 'all' && value.kinds !== 'data' && value.kinds !== 'commands') return 'filter.kinds must be "all", "data" or "commands"';
    filter.kinds = value.kinds;
  }
  if (value.text !== undefined) {
    if (typeof value.text !== 'string' || value.text.length > 1000) return 'filter.text must be a string of at most 1000 characters';
    filter.text = value.text;
  }
  if (value.regex !== undefined) filter.regex = value.regex === true;
  if (value.caseSensitive !== undefined) filter.caseSensitive = value.caseSensitive === true;
  return filter;
}

/** Checks a message from the webview (it runs untrusted content, so the host trusts nothing it sends). */
export function parseWebviewMessage(value: unknown): WebviewToHost | string {
  if (!isObject(value) || typeof value.type !== 'string') return 'message must be an object with a string "type"';
  switch (value.type) {
    case 'ready': {
      if (value.protocol !== PROTOCOL_VERSION) return `webview speaks protocol ${String(value.protocol)}, host speaks ${PROTOCOL_VERSION}: reload the window`;
      const state = isObject(value.state) ? value.state : {};
      const filter = parseRowFilter(state.filter ?? {});
      if (typeof filter === 'string') return filter;
      return {
        type: 'ready',
        protocol: PROTOCOL_VERSION,
        state: { filter, follow: state.follow !== false, anchor: isCount(state.anchor) ? state.anchor : undefined, selectedSeq: isCount(state.selectedSeq) ? state.selectedSeq : undefined },
        visibleCount: clampVisible(value.visibleCount),
      };
    }
    case 'setFilter': {
      const filter = parseRowFilter(value.filter);
      return typeof filter === 'string' ? filter : { type: 'setFilter', filter };
    }
    case 'viewport':
      return { type: 'viewport', follow: value.follow === true, visibleCount: clampVisible(value.visibleCount) };
    case 'requestRows':
      if (!isCount(value.requestId) || !isCount(value.start) || !isCount(value.count)) return 'requestRows needs whole numbers requestId, start and count';
      return { type: 'requestRows', requestId: value.requestId, start: value.start, count: Math.min(value.count, MAX_ROWS_PER_REQUEST) };
    case 'requestDetail':
    case 'requestFrames':
      if (!isCount(value.seq)) return `${value.type} needs a whole-number seq`;
      return { type: value.type, seq: value.seq };
    case 'setPaused':
      if (typeof value.paused !== 'boolean') return 'setPaused needs a boolean "paused"';
      return { type: 'setPaused', paused: value.paused };
    case 'clear':
      return { type: 'clear' };
    case 'revealDiagnostic':
      if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > 1000) return 'revealDiagnostic needs the diagnosis id (a string of 1 to 1000 characters)';
      return { type: 'revealDiagnostic', id: value.id };
    case 'traffic':
      if (value.action !== 'hold' && value.action !== 'step' && value.action !== 'stepFrame' && value.action !== 'continue') return 'traffic needs an action: "hold", "step", "stepFrame" or "continue"';
      if (value.conn !== undefined && (typeof value.conn !== 'string' || value.conn.length > 1000)) return 'traffic.conn must be a connection key';
      return value.conn === undefined ? { type: 'traffic', action: value.action } : { type: 'traffic', action: value.action, conn: value.conn };
    case 'send':
      if (!isCount(value.requestId)) return 'send needs a whole-number requestId';
      if (typeof value.socket !== 'string' || value.socket.length === 0 || value.socket.length > 200) return 'send needs the socket id (from New Socket)';
      if (!COMPOSE_FORMAT_NAMES.includes(value.format as ComposeFormatName)) return `send.format must be one of ${COMPOSE_FORMAT_NAMES.join(', ')}`;
      if (typeof value.text !== 'string' || value.text.length > MAX_COMPOSE_TEXT) return `send.text must be a string of at most ${MAX_COMPOSE_TEXT} characters`;
      return { type: 'send', requestId: value.requestId, socket: value.socket, format: value.format as ComposeFormatName, text: value.text };
    case 'resend':
      if (!isCount(value.requestId) || !isCount(value.seq)) return 'resend needs whole numbers requestId and seq';
      if (typeof value.socket !== 'string' || value.socket.length === 0 || value.socket.length > 200) return 'resend needs the socket id (from New Socket)';
      return { type: 'resend', requestId: value.requestId, socket: value.socket, seq: value.seq };
    case 'newSocket':
      return { type: 'newSocket' };
    case 'focus':
      if (typeof value.focused !== 'boolean') return 'focus needs a boolean "focused"';
      return { type: 'focus', focused: value.focused };
    default:
      return `unknown message type "${value.type}"`;
  }
}

/** The filter with `change` applied; keys set to undefined are removed. */
export function mergeFilter(filter: RowFilter, change: Partial<RowFilter>): RowFilter {
  const merged: RowFilter = { ...filter, ...change };
  for (const key of Object.keys(merged) as (keyof RowFilter)[]) if (merged[key] === undefined) delete merged[key];
  return merged;
}

function clampVisible(value: unknown): number {
  return isCount(value) ? Math.min(Math.max(value, 1), MAX_VISIBLE_ROWS) : 50;
}
