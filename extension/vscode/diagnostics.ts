// The extension's one Diagnostician: fed every run's sniffer events and the examples' sockets,
// cleared with the capture, disposed on deactivation. The inspector reads it through its
// DiagnosticsFeed; the tree through the per-sniffer tallies and the badge texts below.
// Free of `vscode`, so plain Node tests can drive it.
import type { Socket } from 'zeromq';
import { Diagnostician, tallyBySniffer, type Diagnostic, type DiagnosticianOptions, type DiagnosticSource, type SnifferTally } from '../diagnostics';
import { DiagnosticsFeed } from '../inspector/diagnosticsFeed';
import type { SnifferEvent } from '../sniffer/types';

export class ExtensionDiagnostics {
  readonly diagnostician: Diagnostician;
  /** What inspector sessions post. */
  readonly feed: DiagnosticsFeed;
  private tallies: { version: number; bySniffer: Map<string, SnifferTally> } | undefined;

  constructor(options: DiagnosticianOptions = {}) {
    this.diagnostician = new Diagnostician(options);
    this.feed = new DiagnosticsFeed(this.diagnostician);
  }

  ingest(source: DiagnosticSource, event: SnifferEvent): void {
    this.diagnostician.ingest(source, event);
  }

  /** For ExampleHooks.watchSocket: the example then uses the watching proxy. */
  readonly watchSocket = <T extends Socket>(socket: T): T => this.diagnostician.observeSocket(socket);

  /** Every diagnosis: errors first. */
  list(): Diagnostic[] {
    return this.diagnostician.list();
  }

  /** Sends batched changes now (tests use it instead of waiting for the batch). */
  flush(): void {
    this.diagnostician.flush();
  }

  /** Clear Capture: the diagnoses go with the rows they point at. */
  clear(): void {
    this.diagnostician.clear();
    this.feed.changed();
  }

  /** Called after the diagnoses changed (batched by the engine). */
  onChange(listener: () => void): () => void {
    return this.feed.onChange(listener);
  }

  /** Diagnosis counts of one sniffer (by its store source id), computed once per change. */
  tally(sniffer: string): SnifferTally | undefined {
    if (this.tallies?.version !== this.feed.version) this.tallies = { version: this.feed.version, bySniffer: tallyBySniffer(this.list()) };
    return this.tallies.bySniffer.get(sniffer);
  }

  dispose(): void {
    this.feed.dispose();
    this.diagnostician.dispose();
  }
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** "⚠ 1 error, 2 warnings" for a sniffer's tree item (tree descriptions cannot show codicons). */
export function snifferBadge(tally: SnifferTally | undefined): string | undefined {
  if (!tally) return undefined;
  const { error, warning, info } = tally.bySeverity;
  const parts = [error && plural(error, 'error'), warning && plural(warning, 'warning'), info && plural(info, 'note')].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? `⚠ ${parts.join(', ')}` : undefined;
}

/** "⚠ 2" for a connection named by two diagnoses. */
export function connectionBadge(tally: SnifferTally | undefined, conn: number): string | undefined {
  const count = tally?.byConnection.get(conn);
  return count ? `⚠ ${count}` : undefined;
}
