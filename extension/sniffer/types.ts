// The relay's contract: it forwards bytes unchanged and tells an observer what passed.
import type { Direction, ZmtpEvent } from '../zmtp/types';
import type { HeldSummary, HoldReason, StepUnit } from './holdGate';

export interface RelayConnectionInfo {
  /** Connection id, unique within one relay, starting at 1. */
  id: number;
  /** Where the connecting peer came from, e.g. "127.0.0.1:53412" or "ipc". */
  peer: string;
  /** The endpoint the relay listens on and the one it forwards to, as endpoint strings. */
  listen: string;
  target: string;
}

export type CloseReason = 'end' | 'reset' | 'error' | 'stopped' | 'target-failed';

export interface RelayObserver {
  onOpen?(conn: RelayConnectionInfo): void;
  /** Called with each chunk as it is forwarded; the chunk must not be modified. */
  onData?(conn: RelayConnectionInfo, dir: Direction, chunk: Buffer): void;
  /** Half-close: `dir`'s sender ended its side. */
  onEnd?(conn: RelayConnectionInfo, dir: Direction): void;
  onClose?(conn: RelayConnectionInfo, reason: CloseReason, detail: string | undefined, bytes: Record<Direction, number>): void;
  /** Bytes waiting in the relay's write buffers changed a lot: for back-pressure diagnostics. */
  onBackpressure?(conn: RelayConnectionInfo, dir: Direction, bufferedBytes: number): void;
}

/** How the relay hands one connection's bytes to a gate (step mode) instead of forwarding them at once. */
export interface GateIo {
  /** Forwards bytes of `dir` now, in order, exactly as received. */
  forward(dir: Direction, bytes: Buffer): void;
  /** Holds back (or lets go of) `dir`'s sender so held bytes stay bounded. */
  setSourcePaused(dir: Direction, paused: boolean): void;
}

export interface ConnectionGate {
  accept(dir: Direction, chunk: Buffer): void;
  /** `dir`'s sender ended; `done` runs once every held byte of `dir` has been forwarded. */
  end(dir: Direction, done: () => void): void;
  pendingBytes(dir: Direction): number;
  dispose(): void;
}

export type GateFactory = (conn: RelayConnectionInfo, io: GateIo) => ConnectionGate;

/** What a sniffer (relay + one decoder per connection) reports, in order per connection. */
export type SnifferEvent =
  | { type: 'open'; conn: number; time: number; peer: string; listen: string; target: string }
  | { type: 'zmtp'; conn: number; dir: Direction; time: number; event: ZmtpEvent }
  | { type: 'close'; conn: number; time: number; reason: CloseReason; detail?: string; bytes: Record<Direction, number> }
  /** A connection-level problem that is not a decoding error (target refused, reset, ...). */
  | { type: 'relay-error'; conn?: number; time: number; message: string }
  /**
   * The relay started holding back `dir`'s sender (its receiver reads too slowly), the held bytes
   * doubled, or it stopped holding it back (see RelayObserver.onBackpressure). Not a row of traffic.
   */
  | { type: 'backpressure'; conn: number; dir: Direction; time: number; bufferedBytes: number };

/**
 * Step mode's reports (SnifferOptions.onHold). Kept apart from SnifferEvent because consumers of
 * that union (recorder, CLI, inspector store) treat it as complete.
 */
export type HoldEvent =
  /** `dir` stopped forwarding at `message` (held, with the bytes after it). */
  | { type: 'held'; conn: number; dir: Direction; time: number; reason: HoldReason; breakpoint?: { id: string; hits: number }; message: HeldSummary }
  /** `bytes` held bytes from stream `offset` on were forwarded by a step or continue. */
  | { type: 'released'; conn: number; dir: Direction; time: number; offset: number; bytes: number; unit: StepUnit | 'all' }
  /** More units queued up behind `dir`'s held one: `units` are waiting now (told only when it changes). */
  | { type: 'queued'; conn: number; dir: Direction; time: number; units: number };
