// What a capture holds: the bytes each connection carried, per direction, with their times, and how
// connections opened and closed. The sniffer recorder, the pcap/pcapng importer and the JSON Lines
// reader all produce these records; replaying them through the decoder (replay.ts) yields the
// SnifferEvents a live sniffer would have emitted, so a capture reopens to the same rows.
import type { CloseReason } from '../sniffer/types';
import type { Direction } from '../zmtp/types';

/** Where connections were seen: a sniffer (listen -> target) or a server endpoint in a packet capture. */
export interface CaptureSource {
  id: string;
  /** A label for people. */
  name: string;
  listen: string;
  target: string;
}

/** Milliseconds since the Unix epoch; fractions carry the microseconds of packet captures. */
export type CaptureTime = number;

export interface SourceRecord {
  type: 'source';
  source: CaptureSource;
}

export interface OpenRecord {
  type: 'open';
  time: CaptureTime;
  conn: number;
  /** The id of a source record written before; absent when the capture has a single anonymous source. */
  source?: string;
  peer: string;
  listen: string;
  target: string;
  /**
   * The capture started after the connection did (no TCP handshake seen): the first bytes of each
   * direction may be anywhere in the ZMTP stream, so decoding starts at the first plausible frame.
   */
  joined?: boolean;
}

export interface DataRecord {
  type: 'data';
  time: CaptureTime;
  conn: number;
  dir: Direction;
  bytes: Buffer;
}

/** Bytes the connection carried in `dir` that the capture does not have (packet loss, snap length). */
export interface GapRecord {
  type: 'gap';
  time: CaptureTime;
  conn: number;
  dir: Direction;
  bytes: number;
}

/** `dir`'s sender closed its side (TCP FIN); the other side may still send. */
export interface EndRecord {
  type: 'end';
  time: CaptureTime;
  conn: number;
  dir: Direction;
}

export interface CloseRecord {
  type: 'close';
  time: CaptureTime;
  conn: number;
  reason: CloseReason;
  detail?: string;
  /** Bytes the connection carried each way, including those in gaps. */
  bytes: Record<Direction, number>;
}

export interface RelayErrorRecord {
  type: 'relay-error';
  time: CaptureTime;
  conn?: number;
  message: string;
}

/** The relay held back `dir`'s sender (its receiver reads too slowly), or stopped doing so. */
export interface BackpressureRecord {
  type: 'backpressure';
  time: CaptureTime;
  conn: number;
  dir: Direction;
  bufferedBytes: number;
}

export type CaptureRecord = SourceRecord | OpenRecord | DataRecord | GapRecord | EndRecord | CloseRecord | RelayErrorRecord | BackpressureRecord;

/** Takes records one at a time, in capture order. */
export interface CaptureRecordSink {
  write(record: CaptureRecord): void;
}

export const CLOSE_REASONS: readonly CloseReason[] = ['end', 'reset', 'error', 'stopped', 'target-failed'];
