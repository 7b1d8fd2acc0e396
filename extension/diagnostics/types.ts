// The diagnostics contract: what a diagnosis says, what it points at, and the rules that make one.
// Shared by the engine, the CLI and (later) the inspector and tree view; no vscode here.
import type { Direction } from '../zmtp/types';

export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'socket-types'
  | 'mechanism'
  | 'no-subscription'
  | 'unmatched-subscription'
  | 'slow-joiner'
  | 'req-rep'
  | 'envelope'
  | 'handshake'
  | 'heartbeat'
  | 'plain-credentials'
  | 'duplicate-routing-id'
  | 'ebusy'
  | 'backpressure';

export interface RuleInfo {
  /** The rule's number in issue 5. */
  number: number;
  title: string;
}

export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  'socket-types': { number: 1, title: 'Incompatible socket types' },
  mechanism: { number: 2, title: 'Security mechanism mismatch' },
  'no-subscription': { number: 3, title: 'SUB without a subscription' },
  'unmatched-subscription': { number: 4, title: 'Subscription matches no topic' },
  'slow-joiner': { number: 5, title: 'Slow joiner' },
  'req-rep': { number: 6, title: 'REQ/REP lockstep' },
  envelope: { number: 7, title: 'REQ/REP envelope' },
  handshake: { number: 8, title: 'Handshake failure' },
  heartbeat: { number: 9, title: 'Heartbeats' },
  'plain-credentials': { number: 10, title: 'Credentials in clear text' },
  'duplicate-routing-id': { number: 11, title: 'Duplicate routing id' },
  ebusy: { number: 12, title: 'Concurrent send or receive (EBUSY)' },
  backpressure: { number: 13, title: 'Back-pressure and dropped sends' },
};

/** Where the evidence is: a connection (and message) of a sniffer, or a socket the extension runs. */
export interface DiagnosticRef {
  /** The sniffer source id given to `Diagnostician.ingest`. */
  sniffer?: string;
  conn?: number;
  dir?: Direction;
  /** Stream offset (in `dir`) of the greeting, command or message that shows it. */
  offset?: number;
  /** Label of a socket the extension runs. */
  socket?: string;
  time: number;
}

export interface Diagnostic {
  /** Stable for the cause: the same mistake keeps its id and only its count and lastSeen change. */
  id: string;
  rule: RuleId;
  ruleNumber: number;
  title: string;
  severity: Severity;
  /** What happened and what to change, in plain words. */
  message: string;
  /** How many times the cause was seen (connections, requests, messages: the rule's unit). */
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** The sniffer (source id) or socket (label) the cause belongs to, for per-sniffer counts. */
  sniffer?: string;
  socket?: string;
  /** The first few and the most recent evidence; `refsOmitted` counts the ones in between. */
  refs: DiagnosticRef[];
  refsOmitted: number;
}

/** Which sniffer wire events come from. Matches the examples' and the inspector's SnifferSource. */
export interface DiagnosticSource {
  id: string;
  name: string;
}

/** What happened on a socket the extension runs (see socketProbe.ts). */
export type HostSocketEvent =
  | { type: 'socket'; socket: string; time: number; socketType: string; sendHighWaterMark?: number }
  | { type: 'bind'; socket: string; time: number; endpoint: string }
  | { type: 'connect'; socket: string; time: number; endpoint: string }
  /**
   * A send() call. `head`: the first frame's first bytes (publishers only). `writable`: whether a
   * REQ could send at that moment; a strict REQ that awaits its reply cannot (a REQ_RELAXED one can).
   */
  | { type: 'send'; socket: string; time: number; head?: Uint8Array; writable?: boolean }
  /** A receive() that delivered a message. */
  | { type: 'receive'; socket: string; time: number }
  /** A send() or receive() that failed; `code` as zeromq reports it (EBUSY, EFSM, EAGAIN, ...). */
  | { type: 'call-error'; socket: string; time: number; call: 'send' | 'receive'; code: string; message: string }
  /** The socket's monitor: a connection it made to `address` opened, finished its handshake, or closed. */
  | { type: 'connection'; socket: string; time: number; address: string; stage: 'connected' | 'handshake' | 'disconnected' }
  /** A handshake failure reported by the socket's monitor (socket.events). */
  | { type: 'handshake-error'; socket: string; time: number; address: string; kind: 'protocol' | 'auth' | 'other'; code?: string; status?: number }
  | { type: 'closed'; socket: string; time: number };

export interface DiagnosticSettings {
  /** A SUB connected this long without a subscription is reported (rule 3). */
  subscriptionWaitMs: number;
  /** A subscription is judged against at least this many published messages... (rule 4) */
  unmatchedAfterMessages: number;
  /** ...and this long after it arrived. */
  unmatchedAfterMs: number;
  /** Sends this soon after a subscription change may race it; they count neither as missed nor as expected (rules 5, 13). */
  subscriptionRaceMs: number;
  /** How often a publisher the extension runs is checked for sends that never reached the wire (rule 13). */
  dropCheckMs: number;
  /** A request without a reply this long is reported (rule 6). */
  replyTimeoutMs: number;
  /** Wait for a PONG to a PING without a TTL (rule 9). */
  pongTimeoutMs: number;
  /** A connection that closes this long after an unanswered PING counts as a PING without PONG. */
  pongGraceMs: number;
  /** PINGs one side sends, while the other sends none, before "heartbeats on one side only" (rule 9). */
  oneSidedPings: number;
  /** A connection shorter than this that dies in its handshake counts as a handshake failure (rules 1, 8). */
  shortConnectionMs: number;
  /** Handshake failures on one sniffer before they are reported (rule 8). */
  handshakeFailureRepeats: number;
  /** A relay direction held back this long is reported (rule 13). */
  backpressureMs: number;
  /** Change notifications are batched at most this often. */
  notifyIntervalMs: number;
  /** Causes kept; further new causes are counted in `Diagnostician.omittedCauses`. */
  maxDiagnostics: number;
  /** Evidence kept per diagnostic. */
  maxRefs: number;
}

export const DEFAULT_SETTINGS: Readonly<DiagnosticSettings> = {
  subscriptionWaitMs: 3000,
  unmatchedAfterMessages: 20,
  unmatchedAfterMs: 1000,
  subscriptionRaceMs: 200,
  dropCheckMs: 1000,
  replyTimeoutMs: 5000,
  pongTimeoutMs: 5000,
  pongGraceMs: 200,
  oneSidedPings: 3,
  shortConnectionMs: 1000,
  handshakeFailureRepeats: 3,
  backpressureMs: 2000,
  notifyIntervalMs: 250,
  maxDiagnostics: 200,
  maxRefs: 20,
};

/** Checks caller-supplied settings, so a typo fails loudly instead of disabling a rule. */
export function resolveSettings(overrides: Partial<DiagnosticSettings> = {}): DiagnosticSettings {
  const settings = { ...DEFAULT_SETTINGS, ...overrides };
  for (const [name, value] of Object.entries(settings)) {
    if (!(name in DEFAULT_SETTINGS)) throw new RangeError(`Diagnostician: unknown setting "${name}"; known settings: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`Diagnostician: setting ${name} must be a number >= 0 (default ${DEFAULT_SETTINGS[name as keyof DiagnosticSettings]}), got ${String(value)}`);
    }
  }
  if (settings.maxRefs < 2) throw new RangeError(`Diagnostician: maxRefs must be at least 2 (the first and the latest evidence), got ${settings.maxRefs}`);
  return settings;
}
