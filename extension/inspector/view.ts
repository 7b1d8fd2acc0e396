// A filtered view of the capture: maps view index i to a row's seq. Without a filter the view is the
// capture itself and costs nothing; with one it keeps a deque of matching seqs. A new filter is
// applied to the stored rows in slices (`scan`), so a million rows never block the host at once;
// rows that arrive meanwhile are picked up by the same scan.
import type { RowFilter, ViewInfo } from '../protocol';
import { compileFilter, type CompiledFilter, type FilterableRows } from './rowFilter';
import { SeqDeque } from './seqDeque';

export interface ViewHost extends FilterableRows {
  readonly firstSeq: number;
  readonly endSeq: number;
}

export class FilteredView {
  readonly filter: RowFilter;
  private readonly compiled: CompiledFilter;
  private readonly matches = new SeqDeque();
  /** Next seq the scan examines. */
  private scanned: number;
  /** Matches that left the view at its old end: the ordinal of view index 0. */
  private evictedMatches = 0;
  /** Seq at which this generation started: the ordinal of a row in an unfiltered view is seq - startSeq. */
  private startSeq: number;

  constructor(
    private readonly host: ViewHost,
    filter: RowFilter,
    public generation: number,
  ) {
    this.filter = filter;
    this.compiled = compileFilter(filter);
    this.scanned = host.firstSeq;
    this.startSeq = host.firstSeq;
  }

  /** Starts over on the rows stored now (after Clear or a capacity change), as a new generation. */
  reset(generation: number): void {
    this.generation = generation;
    this.matches.clear();
    this.evictedMatches = 0;
    this.scanned = this.host.firstSeq;
    this.startSeq = this.host.firstSeq;
  }

  get filtered(): boolean {
    return this.compiled.active;
  }

  get error(): string | undefined {
    return this.compiled.error;
  }

  get scanning(): boolean {
    return this.compiled.active && this.scanned < this.host.endSeq;
  }

  get base(): number {
    return this.compiled.active ? this.evictedMatches : this.host.firstSeq - this.startSeq;
  }

  get length(): number {
    return this.compiled.active ? this.matches.length : this.host.endSeq - this.host.firstSeq;
  }

  info(): ViewInfo {
    return { generation: this.generation, base: this.base, length: this.length, scanning: this.scanning, filterError: this.compiled.error };
  }

  /** Seq of the row at absolute ordinal `ordinal`, or undefined when it is outside the view. */
  seqAt(ordinal: number): number | undefined {
    const index = ordinal - this.base;
    if (index < 0 || index >= this.length) return undefined;
    return this.compiled.active ? this.matches.at(index) : this.host.firstSeq + index;
  }

  /** Absolute ordinal of row `seq` in this view, or undefined when the filter excludes it. */
  ordinalOf(seq: number): number | undefined {
    if (!this.compiled.active) return seq >= this.host.firstSeq && seq < this.host.endSeq ? seq - this.startSeq : undefined;
    const index = this.matches.lowerBound(seq);
    return index < this.matches.length && this.matches.at(index) === seq ? this.evictedMatches + index : undefined;
  }

  /** A new row was stored. */
  added(seq: number): void {
    if (!this.compiled.active || this.scanned !== seq) return;
    this.scanned = seq + 1;
    if (this.compiled.test(this.host, seq)) this.matches.push(seq);
  }

  /** Row `seq` (the oldest) left the capture. */
  evicted(seq: number): void {
    if (!this.compiled.active) return;
    if (this.matches.first() === seq) {
      this.matches.shift();
      this.evictedMatches += 1;
    }
    if (this.scanned <= seq) this.scanned = seq + 1;
  }

  /** Applies the filter to up to `budget` stored rows not yet examined; returns true while rows remain. */
  scan(budget: number): boolean {
    if (!this.compiled.active) return false;
    const end = Math.min(this.host.endSeq, this.scanned + budget);
    for (let seq = this.scanned; seq < end; seq++) if (this.compiled.test(this.host, seq)) this.matches.push(seq);
    this.scanned = end;
    return this.scanned < this.host.endSeq;
  }
}
