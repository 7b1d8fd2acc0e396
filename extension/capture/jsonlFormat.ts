// The project's capture format, JSON Lines (README, "The capture format"): a header line, then one record per line.
// Encoding is plain; decoding checks every field, because capture files come from anywhere.
import type { CloseReason } from '../sniffer/types';
import type { Direction } from '../zmtp/types';
import { CLOSE_REASONS, type CaptureRecord } from './records';

export const JSONL_FORMAT_NAME = 'zmq-inspector-capture';
export const JSONL_FORMAT_VERSION = 1;

export interface JsonlHeader {
  format: typeof JSONL_FORMAT_NAME;
  version: number;
  /** ISO 8601 time the file was written. */
  created: string;
  generator: string;
}

export function headerLine(created: Date, generator = 'zmq-inspector'): string {
  const header: JsonlHeader = { format: JSONL_FORMAT_NAME, version: JSONL_FORMAT_VERSION, created: created.toISOString(), generator };
  return JSON.stringify(header);
}

export function recordLine(record: CaptureRecord): string {
  switch (record.type) {
    case 'data':
      return JSON.stringify({ type: 'data', time: record.time, conn: record.conn, dir: record.dir, data: record.bytes.toString('base64') });
    case 'source':
      return JSON.stringify({ type: 'source', ...record.source });
    default:
      return JSON.stringify(record);
  }
}

/** A line that is not what the format says; `where` is prefixed by the reader ("line 12: "). */
export class JsonlRecordError extends Error {}

type Json = Record<string, unknown>;

function field(object: Json, name: string, kind: 'string' | 'number' | 'boolean', optional = false): unknown {
  const value = object[name];
  if (value === undefined && optional) return undefined;
  if (typeof value !== kind || (kind === 'number' && !Number.isFinite(value))) {
    const got = shown(value);
    throw new JsonlRecordError(`field "${name}" must be a ${kind === 'number' ? 'finite number' : kind}, got ${got}`);
  }
  return value;
}

/** A value as it appeared in the file, short, for error messages. */
const shown = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 40));

const text = (object: Json, name: string) => field(object, name, 'string') as string;
const optionalText = (object: Json, name: string) => field(object, name, 'string', true) as string | undefined;

function time(object: Json): number {
  const value = field(object, 'time', 'number') as number;
  if (value < 0) throw new JsonlRecordError(`field "time" is milliseconds since 1970 and cannot be negative, got ${value}`);
  return value;
}

function count(object: Json, name: string, min: number): number {
  const value = field(object, name, 'number') as number;
  if (!Number.isSafeInteger(value) || value < min) throw new JsonlRecordError(`field "${name}" must be a whole number >= ${min}, got ${value}`);
  return value;
}

function direction(object: Json): Direction {
  const value = object.dir;
  if (value !== 'c2s' && value !== 's2c') throw new JsonlRecordError(`field "dir" must be "c2s" or "s2c", got ${shown(value)}`);
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Bytes(object: Json): Buffer {
  const value = text(object, 'data');
  // Buffer.from(…, 'base64') silently skips junk, which would hide a damaged file.
  if (value.length % 4 !== 0 || !BASE64.test(value)) throw new JsonlRecordError('field "data" is not valid base64 (RFC 4648, with padding)');
  return Buffer.from(value, 'base64');
}

function closeReason(object: Json): CloseReason {
  const value = object.reason;
  if (!CLOSE_REASONS.includes(value as CloseReason)) throw new JsonlRecordError(`field "reason" must be one of ${CLOSE_REASONS.join(', ')}, got ${shown(value)}`);
  return value as CloseReason;
}

function byteCounts(object: Json): Record<Direction, number> {
  const value = object.bytes;
  if (typeof value !== 'object' || value === null) throw new JsonlRecordError('field "bytes" must be an object {"c2s": n, "s2c": n}');
  return { c2s: count(value as Json, 'c2s', 0), s2c: count(value as Json, 's2c', 0) };
}

/** Parses one record line; undefined for record types this version does not know (newer writers may add some). */
export function parseRecord(object: unknown): CaptureRecord | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new JsonlRecordError('a record must be a JSON object');
  const json = object as Json;
  const type = text(json, 'type');
  switch (type) {
    case 'source':
      return { type, source: { id: text(json, 'id'), name: text(json, 'name'), listen: text(json, 'listen'), target: text(json, 'target') } };
    case 'open': {
      const joined = field(json, 'joined', 'boolean', true) as boolean | undefined;
      const source = optionalText(json, 'source');
      return {
        type, time: time(json), conn: count(json, 'conn', 1), peer: text(json, 'peer'), listen: text(json, 'listen'), target: text(json, 'target'),
        ...(source !== undefined ? { source } : {}), ...(joined ? { joined } : {}),
      };
    }
    case 'data':
      return { type, time: time(json), conn: count(json, 'conn', 1), dir: direction(json), bytes: base64Bytes(json) };
    case 'gap':
      return { type, time: time(json), conn: count(json, 'conn', 1), dir: direction(json), bytes: count(json, 'bytes', 1) };
    case 'end':
      return { type, time: time(json), conn: count(json, 'conn', 1), dir: direction(json) };
    case 'close': {
      const detail = optionalText(json, 'detail');
      return { type, time: time(json), conn: count(json, 'conn', 1), reason: closeReason(json), bytes: byteCounts(json), ...(detail !== undefined ? { detail } : {}) };
    }
    case 'backpressure':
      return { type, time: time(json), conn: count(json, 'conn', 1), dir: direction(json), bufferedBytes: count(json, 'bufferedBytes', 0) };
    case 'relay-error': {
      const conn = json.conn === undefined ? undefined : count(json, 'conn', 1);
      return { type, time: time(json), message: text(json, 'message'), ...(conn !== undefined ? { conn } : {}) };
    }
    default:
      return undefined;
  }
}

/** Checks the header line; the error says what the file is instead, or which version is needed. */
export function checkHeader(object: unknown): JsonlHeader {
  const json = (typeof object === 'object' && object !== null ? object : {}) as Json;
  if (json.format !== JSONL_FORMAT_NAME) {
    throw new JsonlRecordError(`the first line must be the capture header {"format":"${JSONL_FORMAT_NAME}","version":${JSONL_FORMAT_VERSION},…}; this is JSON Lines, but not a zmq-inspector capture (the CLI's --json output is an event log, not a capture: save captures with "sniff --save")`);
  }
  const version = json.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new JsonlRecordError(`the header's "version" must be a whole number >= 1, got ${shown(version)}`);
  if (version > JSONL_FORMAT_VERSION) {
    throw new JsonlRecordError(`the capture was written in format version ${version}, this zmq-inspector reads version ${JSONL_FORMAT_VERSION}: update zmq-inspector (the extension) to open it`);
  }
  return { format: JSONL_FORMAT_NAME, version, created: typeof json.created === 'string' ? json.created : '', generator: typeof json.generator === 'string' ? json.generator : '' };
}
