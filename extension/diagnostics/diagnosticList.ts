// The diagnoses so far: one entry per cause whose count grows, bounded in number and evidence,
// with change notifications batched so a reconnect loop cannot flood the listeners.
import type { Timer, Timers } from './clock';
import { RULES, type Diagnostic, type DiagnosticRef, type DiagnosticSettings, type RuleId, type Severity } from './types';

export interface Report {
  rule: RuleId;
  /** What makes this cause distinct within the rule (a sniffer, a socket, a topic, ...). */
  cause: string;
  severity: Severity;
  /** The latest wording wins, so a message can become more precise as more is known. */
  message: string;
  time: number;
  refs?: DiagnosticRef[];
  /** Occurrences this report adds (default 1). */
  count?: number;
  sniffer?: string;
  socket?: string;
}

/** Evidence kept from the start of a diagnosis; the rest of `maxRefs` holds the most recent. */
const FIRST_REFS_KEPT = 5;

export type ChangeListener = (changed: readonly Diagnostic[]) => void;

export class DiagnosticList {
  private readonly entries = new Map<string, Diagnostic>();
  private readonly changed = new Set<string>();
  private readonly listeners = new Set<ChangeListener>();
  private notifyTimer: Timer | undefined;
  /** New causes refused because `maxDiagnostics` was reached. */
  omittedCauses = 0;

  constructor(
    private readonly settings: DiagnosticSettings,
    private readonly timers: Timers,
    private readonly onListenerError: (error: unknown) => void,
  ) {}

  report(report: Report): void {
    const id = `${report.rule}:${report.cause}`;
    let entry = this.entries.get(id);
    if (!entry) {
      if (this.entries.size >= this.settings.maxDiagnostics) {
        this.omittedCauses++;
        return;
      }
      const { number, title } = RULES[report.rule];
      entry = { id, rule: report.rule, ruleNumber: number, title, severity: report.severity, message: report.message, count: 0, firstSeen: report.time, lastSeen: report.time, refs: [], refsOmitted: 0 };
      if (report.sniffer !== undefined) entry.sniffer = report.sniffer;
      if (report.socket !== undefined) entry.socket = report.socket;
      this.entries.set(id, entry);
    }
    entry.count += report.count ?? 1;
    // Rules often open with a side's name ("the bound PUB ..."); a message is a sentence.
    entry.message = report.message.startsWith('the ') ? `T${report.message.slice(1)}` : report.message;
    entry.severity = report.severity;
    entry.firstSeen = Math.min(entry.firstSeen, report.time);
    entry.lastSeen = Math.max(entry.lastSeen, report.time);
    for (const ref of report.refs ?? []) this.addRef(entry, ref);
    this.markChanged(id);
  }

  get(id: string): Diagnostic | undefined {
    const entry = this.entries.get(id);
    return entry && copy(entry);
  }

  /** Errors first, then warnings, then information; most recent first within each. */
  list(): Diagnostic[] {
    const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
    return [...this.entries.values()].sort((a, b) => order[a.severity] - order[b.severity] || b.lastSeen - a.lastSeen).map(copy);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners about pending changes now instead of at the next batch. */
  flush(): void {
    this.notifyTimer?.cancel();
    this.notifyTimer = undefined;
    if (this.changed.size === 0) return;
    const changed = [...this.changed].flatMap((id) => {
      const entry = this.entries.get(id);
      return entry ? [copy(entry)] : [];
    });
    this.changed.clear();
    for (const listener of [...this.listeners]) {
      try {
        listener(changed);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.entries.clear();
    this.changed.clear();
    this.omittedCauses = 0;
  }

  dispose(): void {
    this.notifyTimer?.cancel();
    this.listeners.clear();
  }

  private markChanged(id: string): void {
    this.changed.add(id);
    if (!this.notifyTimer?.active) this.notifyTimer = this.timers.after(this.settings.notifyIntervalMs, () => this.flush());
  }

  private addRef(entry: Diagnostic, ref: DiagnosticRef): void {
    const refs = entry.refs;
    if (refs.length >= this.settings.maxRefs) {
      // Keep how it started and how it is going; forget the middle.
      refs.splice(Math.min(FIRST_REFS_KEPT, this.settings.maxRefs - 1), 1);
      entry.refsOmitted++;
    }
    refs.push({ ...ref });
  }
}

function copy(entry: Diagnostic): Diagnostic {
  return { ...entry, refs: entry.refs.map((ref) => ({ ...ref })) };
}
