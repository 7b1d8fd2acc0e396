// One TCP connection seen in a packet capture: its two rebuilt directions, and whether it carries
// ZMTP. Until that is known its records are held (bounded); ZMTP connections then write them out,
// others drop them. ZMTP is recognised by the greeting signature (byte 0 FF, bit 0 of byte 9),
// or, for connections the capture joined mid-way, by frames that chain plausibly (frameSync.ts).
import { FrameSync } from '../zmtp/frameSync';
import type { Direction } from '../zmtp/types';
import type { CaptureRecord, CaptureRecordSink, CloseRecord } from './records';
import { ReorderBudget, TcpHalfStream } from './tcpHalfStream';

export interface TcpEndpoint {
  address: string;
  port: number;
}

/** How a connection's ZMTP question was settled, for the import statistics. */
export type ConnectionKind = 'probing' | 'zmtp' | 'other';

/** Bytes of a connection held while its kind is unknown; past this it is taken as not ZMTP. */
export const MAX_PROBE_BYTES = 64 * 1024;
/** A connection whose start was seen shows its greeting in the first bytes; a few KiB settle it. */
const MAX_PROBE_BYTES_WITH_START = 4096;
const SIGNATURE_LENGTH = 10;

type Verdict = 'unknown' | 'yes' | 'no';

export interface ConnectionContext {
  sink: CaptureRecordSink;
  budget: ReorderBudget;
  /** Called when the connection turns out to be ZMTP: gives its id and writes its source and open records. */
  opened(connection: TcpConnection): number;
  /** Bytes held by probing connections of the import, shared so many connections cannot add up unbounded. */
  probeBudget: { held: number; limit: number };
}

export const endpointText = ({ address, port }: TcpEndpoint): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

export class TcpConnection {
  id = 0;
  kind: ConnectionKind = 'probing';
  closed = false;
  readonly halves: Record<Direction, TcpHalfStream>;
  private readonly held: CaptureRecord[] = [];
  private heldBytes = 0;
  private readonly verdicts: Record<Direction, Verdict> = { c2s: 'unknown', s2c: 'unknown' };
  private readonly starts: Record<Direction, Buffer[]> = { c2s: [], s2c: [] };
  private readonly syncs: Partial<Record<Direction, FrameSync>> = {};

  constructor(
    readonly client: TcpEndpoint,
    readonly server: TcpEndpoint,
    /** No handshake seen: the capture began after the connection did. */
    readonly joined: boolean,
    readonly openedAt: number,
    forcedZmtp: boolean,
    private readonly context: ConnectionContext,
  ) {
    const half = (dir: Direction) =>
      new TcpHalfStream(
        {
          data: (bytes, time) => this.emit({ type: 'data', time, conn: this.id, dir, bytes }),
          gap: (bytes, time) => this.emit({ type: 'gap', time, conn: this.id, dir, bytes }),
          end: (time) => this.emit({ type: 'end', time, conn: this.id, dir }),
        },
        context.budget,
      );
    this.halves = { c2s: half('c2s'), s2c: half('s2c') };
    if (forcedZmtp) this.becomeZmtp();
  }

  get bothEnded(): boolean {
    return this.halves.c2s.ended && this.halves.s2c.ended;
  }

  /** Ends the connection: what is still held is settled, a ZMTP connection writes its close record. */
  close(time: number, reason: CloseRecord['reason'], detail: string, flushFins: boolean): void {
    if (this.closed) return;
    this.halves.c2s.flush(time, flushFins);
    this.halves.s2c.flush(time, flushFins);
    if (this.kind === 'probing') this.settleAtEnd();
    this.closed = true;
    if (this.kind !== 'zmtp') return;
    this.context.sink.write({ type: 'close', time, conn: this.id, reason, detail, bytes: { c2s: this.halves.c2s.next, s2c: this.halves.s2c.next } });
  }

  private emit(record: CaptureRecord & { conn: number }): void {
    if (this.kind === 'zmtp') {
      record.conn = this.id;
      this.context.sink.write(record);
      return;
    }
    if (this.kind === 'other') return;
    this.held.push(record);
    const bytes = record.type === 'data' ? record.bytes.length : 0;
    this.heldBytes += bytes;
    this.context.probeBudget.held += bytes;
    if (record.type === 'data') this.probe(record.dir, record.bytes);
    else if (record.type === 'gap') this.decide(record.dir, this.verdicts[record.dir] === 'unknown' ? 'no' : this.verdicts[record.dir]);
    if (this.kind !== 'probing') return;
    const limit = this.joined ? MAX_PROBE_BYTES : MAX_PROBE_BYTES_WITH_START;
    if (this.heldBytes > limit || this.context.probeBudget.held > this.context.probeBudget.limit) this.becomeOther();
  }

  private probe(dir: Direction, bytes: Buffer): void {
    if (this.verdicts[dir] !== 'unknown') return;
    const starts = this.starts[dir];
    const seen = starts.reduce((sum, piece) => sum + piece.length, 0);
    if (seen < SIGNATURE_LENGTH) {
      starts.push(bytes.subarray(0, SIGNATURE_LENGTH - seen));
      const head = Buffer.concat(starts);
      if (head[0] === 0xff && head.length >= SIGNATURE_LENGTH && (head[SIGNATURE_LENGTH - 1] & 1) === 1) return this.decide(dir, 'yes');
      const stillPossible = head[0] === 0xff && head.length < SIGNATURE_LENGTH;
      if (!this.joined && !stillPossible) return this.decide(dir, 'no');
    }
    if (!this.joined) return;
    const sync = (this.syncs[dir] ??= new FrameSync(0, true, MAX_PROBE_BYTES));
    if (sync.push(bytes)) this.decide(dir, sync.result?.confirmed === true ? 'yes' : 'no');
  }

  /** The connection closed while its kind was unknown: frames that end exactly where the capture does count too. */
  private settleAtEnd(): void {
    for (const dir of ['c2s', 's2c'] as const) {
      const sync = this.syncs[dir];
      if (this.verdicts[dir] === 'unknown' && sync !== undefined && sync.end() && sync.result?.skipped === 0) return this.decide(dir, 'yes');
    }
    this.becomeOther();
  }

  private decide(dir: Direction, verdict: Verdict): void {
    this.verdicts[dir] = verdict;
    if (verdict === 'yes') this.becomeZmtp();
    else if (this.verdicts.c2s === 'no' && this.verdicts.s2c === 'no') this.becomeOther();
  }

  private becomeZmtp(): void {
    if (this.kind !== 'probing') return;
    this.kind = 'zmtp';
    this.id = this.context.opened(this);
    this.release();
    for (const record of this.held.splice(0)) this.emit(record as CaptureRecord & { conn: number });
  }

  private becomeOther(): void {
    if (this.kind !== 'probing') return;
    this.kind = 'other';
    this.release();
    this.held.length = 0;
  }

  private release(): void {
    this.context.probeBudget.held -= this.heldBytes;
    this.heldBytes = 0;
    this.starts.c2s.length = 0;
    this.starts.s2c.length = 0;
    delete this.syncs.c2s;
    delete this.syncs.s2c;
  }
}
