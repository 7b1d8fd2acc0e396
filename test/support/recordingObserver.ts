// A relay observer that remembers what it was told, hashing the chunks instead of keeping them.
import type { CloseReason, RelayConnectionInfo, RelayObserver } from '../../extension/sniffer/types';
import type { Direction } from '../../extension/zmtp/types';
import { StreamDigest } from './hashing';

export interface CloseRecord {
  reason: CloseReason;
  detail: string | undefined;
  bytes: Record<Direction, number>;
}

/** How many leading bytes of each direction are kept, enough for a ZMTP greeting. */
const KEPT_PREFIX = 64;

export class RecordingObserver implements RelayObserver {
  readonly opened: RelayConnectionInfo[] = [];
  readonly ends: { id: number; dir: Direction }[] = [];
  readonly backpressure: { id: number; dir: Direction; bufferedBytes: number }[] = [];
  readonly closes = new Map<number, CloseRecord>();
  private readonly digests = new Map<number, Record<Direction, StreamDigest>>();
  private readonly prefixes = new Map<string, Buffer>();
  private readonly closeWaiters = new Map<number, ((record: CloseRecord) => void)[]>();

  onOpen(conn: RelayConnectionInfo): void {
    this.opened.push(conn);
    this.digests.set(conn.id, { c2s: new StreamDigest(), s2c: new StreamDigest() });
  }

  onData(conn: RelayConnectionInfo, dir: Direction, chunk: Buffer): void {
    this.digests.get(conn.id)?.[dir].update(chunk);
    const key = `${conn.id}/${dir}`;
    const prefix = this.prefixes.get(key) ?? Buffer.alloc(0);
    if (prefix.length < KEPT_PREFIX) this.prefixes.set(key, Buffer.concat([prefix, chunk.subarray(0, KEPT_PREFIX - prefix.length)]));
  }

  onEnd(conn: RelayConnectionInfo, dir: Direction): void {
    this.ends.push({ id: conn.id, dir });
  }

  onBackpressure(conn: RelayConnectionInfo, dir: Direction, bufferedBytes: number): void {
    this.backpressure.push({ id: conn.id, dir, bufferedBytes });
  }

  onClose(conn: RelayConnectionInfo, reason: CloseReason, detail: string | undefined, bytes: Record<Direction, number>): void {
    const record = { reason, detail, bytes };
    this.closes.set(conn.id, record);
    this.closeWaiters.get(conn.id)?.forEach((resolve) => resolve(record));
    this.closeWaiters.delete(conn.id);
  }

  /** What the observer saw in one direction of one connection. */
  seen(id: number, dir: Direction) {
    const digest = this.digests.get(id)?.[dir];
    if (!digest) throw new Error(`the observer never saw connection ${id} open`);
    return digest.summary();
  }

  /** The first bytes seen in one direction (up to 64). */
  prefix(id: number, dir: Direction): Buffer {
    return this.prefixes.get(`${id}/${dir}`) ?? Buffer.alloc(0);
  }

  /** Resolves when connection `id` has been reported closed. */
  closed(id: number): Promise<CloseRecord> {
    const known = this.closes.get(id);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => this.closeWaiters.set(id, [...(this.closeWaiters.get(id) ?? []), resolve]));
  }
}
