// Diagnoses counted per sniffer and per connection, for the tree view's badges.
import type { Diagnostic, Severity } from './types';

export interface SnifferTally {
  /** Diagnoses (not occurrences) of each severity that belong to the sniffer. */
  bySeverity: Record<Severity, number>;
  /** Diagnoses whose kept evidence names each connection. */
  byConnection: Map<number, number>;
}

/** Keyed by sniffer source id; diagnoses about sockets without a sniffer are not in it. */
export function tallyBySniffer(diagnostics: readonly Diagnostic[]): Map<string, SnifferTally> {
  const tallies = new Map<string, SnifferTally>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.sniffer === undefined) continue;
    let tally = tallies.get(diagnostic.sniffer);
    if (!tally) tallies.set(diagnostic.sniffer, (tally = { bySeverity: { error: 0, warning: 0, info: 0 }, byConnection: new Map() }));
    tally.bySeverity[diagnostic.severity]++;
    const conns = new Set(diagnostic.refs.flatMap((ref) => (ref.sniffer === diagnostic.sniffer && ref.conn !== undefined ? [ref.conn] : [])));
    for (const conn of conns) tally.byConnection.set(conn, (tally.byConnection.get(conn) ?? 0) + 1);
  }
  return tallies;
}
