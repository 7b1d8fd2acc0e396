// The diagnoses as the inspector shows them: a bounded, versioned list that sessions post only when
// it changed, and the way from a diagnosis to the first stored row of its evidence.
import type { Diagnostic } from '../diagnostics';
import { MAX_DIAGNOSTIC_CONNECTIONS, MAX_DIAGNOSTICS_LISTED, type DiagnosticsState, type DiagnosticSummary } from '../protocol';
import type { CaptureStore } from './store';

/** What the feed reads: a Diagnostician, or anything with its list and batched change notifications. */
export interface DiagnosticsSource {
  list(): Diagnostic[];
  onChange(listener: (changed: readonly Diagnostic[]) => void): () => void;
}

/** Rows examined from the evidence's time on, so a click never walks a million-row capture. */
const ROWS_SEARCHED = 20_000;

export class DiagnosticsFeed {
  private currentVersion = 0;
  private cached: { version: number; state: DiagnosticsState } | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly source: DiagnosticsSource) {
    this.unsubscribe = source.onChange(() => this.changed());
  }

  /** Grows whenever the list changes; sessions compare it with what they posted. */
  get version(): number {
    return this.currentVersion;
  }

  /** Tells the feed the source changed without notifying (e.g. it was cleared). */
  changed(): void {
    this.currentVersion++;
    for (const listener of [...this.listeners]) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The list to post: computed once per version, however many sessions ask. */
  state(): DiagnosticsState {
    if (this.cached?.version !== this.currentVersion) {
      const all = this.source.list();
      this.cached = { version: this.currentVersion, state: { items: all.slice(0, MAX_DIAGNOSTICS_LISTED).map(summarize), omitted: Math.max(0, all.length - MAX_DIAGNOSTICS_LISTED) } };
    }
    return this.cached.state;
  }

  find(id: string): Diagnostic | undefined {
    return this.source.list().find((diagnostic) => diagnostic.id === id);
  }

  dispose(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}

const connectionKey = (sniffer: string, conn: number): string => `${sniffer}#${conn}`;

export function summarize(diagnostic: Diagnostic): DiagnosticSummary {
  const connections = new Set<string>();
  const sockets = new Set<string>();
  for (const ref of diagnostic.refs) {
    if (ref.sniffer !== undefined && ref.conn !== undefined && connections.size < MAX_DIAGNOSTIC_CONNECTIONS) connections.add(connectionKey(ref.sniffer, ref.conn));
    if (ref.socket !== undefined) sockets.add(ref.socket);
  }
  if (diagnostic.socket !== undefined) sockets.add(diagnostic.socket);
  const { id, ruleNumber, title, severity, message, count, firstSeen, lastSeen } = diagnostic;
  return { id, ruleNumber, title, severity, message, count, firstSeen, lastSeen, connections: [...connections], sockets: [...sockets] };
}

/**
 * The stored row of the diagnosis's earliest connection evidence: the last row of that connection
 * (and direction) at or before the evidence's time, which is the event that raised it, or failing
 * that the connection's next row. Undefined when no such row is stored any more.
 */
export function firstEvidenceRow(store: CaptureStore, diagnostic: Diagnostic): number | undefined {
  const ref = diagnostic.refs.filter((candidate) => candidate.sniffer !== undefined && candidate.conn !== undefined).sort((a, b) => a.time - b.time)[0];
  if (!ref?.sniffer || ref.conn === undefined) return undefined;
  const key = connectionKey(ref.sniffer, ref.conn);
  const matches = (seq: number) => store.connOf(seq)?.key === key && (ref.dir === undefined || store.dirOf(seq) === ref.dir);
  // Rows are stored in arrival order, which is time order: binary search for the first row after the evidence.
  let low = store.firstSeq;
  let high = store.endSeq;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((store.summary(middle)?.time ?? Infinity) <= ref.time) low = middle + 1;
    else high = middle;
  }
  for (let seq = low - 1; seq >= Math.max(store.firstSeq, low - ROWS_SEARCHED); seq--) if (matches(seq)) return seq;
  for (let seq = low; seq < Math.min(store.endSeq, low + ROWS_SEARCHED); seq++) if (matches(seq)) return seq;
  return undefined;
}
