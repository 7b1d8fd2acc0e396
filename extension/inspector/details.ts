// Builds the details pane's content for one row, on request: decoded fields as text, frames with
// their kept bytes (base64) and the annotated header/body bytes.
import type { DetailField, FrameDetail, RowDetail, RowSummary } from '../protocol';
import { FLAG_COMMAND, FLAG_MORE, type CommandEvent } from '../zmtp/types';
import { commandNotes, curveMessageNotes, greetingNotes, headerNotes } from './annotate';
import { textOrHex } from './preview';
import type { StoredObject } from './store';
import type { Connection } from './topology';

/** A frame as the store keeps it: `body` is a view valid until the next ingest. */
export interface StoredFrame {
  flags: number;
  size: number;
  body: Uint8Array;
  truncated: boolean;
  curve: boolean;
}

/** Frames listed with their bytes in one details answer. */
export const MAX_FRAMES_IN_DETAIL = 64;

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

const bytesText = (count: number): string => (count === 1 ? '1 byte' : `${count.toLocaleString('en-US')} bytes`);

function connectionFields(row: RowSummary, conn: Connection | undefined): DetailField[] {
  const fields: DetailField[] = [
    { label: 'Time', value: new Date(row.time).toISOString() },
    { label: 'Kind', value: row.kind === 'command' ? `command ${row.name ?? ''}`.trim() : row.kind },
    { label: 'Connection', value: conn ? `${conn.label} (${conn.key})` : row.connLabel },
  ];
  if (conn && conn.id !== 0) fields.push({ label: 'Route', value: `${conn.peer || '?'} → sniffer ${conn.listen} → ${conn.target}` });
  if (row.dir) {
    const way = row.dir === 'c2s' ? 'from the connecting peer to the bound socket' : 'from the bound socket to the connecting peer';
    fields.push({ label: 'Direction', value: `${row.dir}: ${way} (${row.sender ?? '?'} → ${row.receiver ?? '?'})` });
  }
  return fields;
}

function commandFields(event: CommandEvent): DetailField[] {
  const fields: DetailField[] = [{ label: 'Command', value: event.legacy ? `${event.name} (legacy data-frame form)` : event.name }];
  for (const entry of event.metadata ?? []) fields.push({ label: `Property ${entry.name}`, value: entry.text ?? textOrHex(entry.value) });
  if (event.topic) fields.push({ label: 'Topic', value: event.topic.length ? textOrHex(event.topic) : '(empty: every message)' });
  if (event.ttl !== undefined) fields.push({ label: 'TTL', value: `${event.ttl} ds (${(event.ttl / 10).toFixed(1)} s)` });
  if (event.context) fields.push({ label: 'Context', value: textOrHex(event.context) });
  if (event.reason !== undefined) fields.push({ label: 'Reason', value: event.reason });
  if (event.username !== undefined) fields.push({ label: 'Username', value: event.username });
  if (event.password !== undefined) fields.push({ label: 'Password', value: event.passwordMasked ? '(masked)' : event.password });
  if (event.curve) fields.push({ label: 'CURVE', value: `nonce ${event.curve.nonce}, encrypted box ${bytesText(event.curve.boxSize)}` });
  if (event.problem) fields.push({ label: 'Problem', value: event.problem });
  return fields;
}

function curveNonce(body: Uint8Array): { nonce: string; boxSize: number } | undefined {
  if (body.length < 16) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return { nonce: view.getBigUint64(8).toString(), boxSize: body.length - 16 };
}

function messageFrames(frames: StoredFrame[], version: string | undefined): FrameDetail[] {
  return frames.slice(0, MAX_FRAMES_IN_DETAIL).map((frame, index) => {
    const header = headerNotes(frame.flags, frame.size, version);
    const notes = [...header.notes];
    if (frame.curve) notes.push(...curveMessageNotes(frame.body, header.length, frame.size));
    else notes.push({ offset: header.length, length: frame.size, hex: '', label: 'body', meaning: frame.size ? `${bytesText(frame.size)} of application data (see Text / Hex)` : 'empty frame (a delimiter, e.g. the one REQ puts before the request)' });
    const detail: FrameDetail = {
      index,
      flags: frame.flags,
      more: (frame.flags & FLAG_MORE) !== 0,
      command: (frame.flags & FLAG_COMMAND) !== 0,
      size: frame.size,
      body: base64(frame.body),
      retained: frame.body.length,
      truncated: frame.truncated,
      notes,
    };
    const curve = frame.curve ? curveNonce(frame.body) : undefined;
    if (curve) detail.curve = curve;
    return detail;
  });
}

function commandFrame(row: RowSummary, event: CommandEvent, version: string | undefined): FrameDetail {
  const header = headerNotes(row.flags, event.size, version);
  const note = { offset: 0, length: 0, hex: '', label: 'about the header', meaning: 'rebuilt from the command size: the decoder reports commands, not their header bytes' };
  return {
    index: 0,
    flags: row.flags,
    more: false,
    command: !event.legacy,
    size: event.size,
    body: base64(event.body),
    retained: event.body.length,
    truncated: event.body.length < event.size,
    notes: [...header.notes, note, ...commandNotes(event, header.length)],
    ...(event.curve ? { curve: { ...event.curve } } : {}),
  };
}

export function buildDetail(
  row: RowSummary,
  conn: Connection | undefined,
  object: StoredObject | undefined,
  stored: { frames: StoredFrame[]; released: boolean } | undefined,
  keptPerRow: number,
): RowDetail {
  const fields = connectionFields(row, conn);
  const notes: string[] = [];
  const detail: RowDetail = { row, fields, frames: [], framesOmitted: 0, notes };
  const side = row.dir && conn ? conn.sides[row.dir] : undefined;
  const version = side?.version ?? conn?.sides.c2s.version ?? conn?.sides.s2c.version;
  switch (row.kind) {
    case 'message':
      fields.push({ label: 'Frames', value: String(row.frames) }, { label: 'Size', value: `${bytesText(row.size)} of bodies` });
      if (!stored || stored.released) {
        notes.push('The bytes of this message were released to keep the capture within its memory budget; the summary and preview remain.');
        break;
      }
      detail.frames = messageFrames(stored.frames, version);
      detail.framesOmitted = Math.max(0, row.frames - detail.frames.length);
      if (row.truncated) notes.push(`Some bytes are not shown: the decoder and the capture keep at most ${bytesText(keptPerRow)} of each message.`);
      break;
    case 'command':
      if (object?.kind !== 'command') {
        notes.push('The details of this command were released to keep the capture within its memory budget.');
        break;
      }
      fields.push(...commandFields(object.event));
      detail.frames = [commandFrame(row, object.event, version)];
      break;
    case 'greeting':
      if (object?.kind !== 'greeting') break;
      fields.push(
        { label: 'ZMTP version', value: object.event.version },
        { label: 'Mechanism', value: object.event.mechanism },
        { label: 'As-server', value: `${object.event.asServer} (libzmq always sends false)` },
        { label: 'Greeting length', value: bytesText(object.event.length) },
      );
      if (object.event.socketType) fields.push({ label: 'Socket type', value: object.event.socketType });
      detail.greeting = greetingNotes(object.event);
      break;
    case 'close':
      if (object?.kind === 'close') {
        fields.push({ label: 'Reason', value: object.reason }, { label: 'Bytes', value: `${bytesText(object.wire.c2s)} c2s, ${bytesText(object.wire.s2c)} s2c` });
        if (object.detail) fields.push({ label: 'Detail', value: object.detail });
      }
      break;
    case 'error':
      if (object?.kind === 'error') {
        fields.push({ label: 'Problem', value: object.message });
        if (object.fatal !== undefined) fields.push({ label: 'Decoding', value: object.fatal ? 'stopped for this direction (bytes are only counted now)' : 'continues' });
        if (object.offset !== undefined) fields.push({ label: 'Stream offset', value: String(object.offset) });
      }
      break;
    case 'open':
      break;
  }
  if (conn?.detail && (row.kind === 'close' || row.kind === 'error')) fields.push({ label: 'Connection state', value: `${conn.state}: ${conn.detail}` });
  return detail;
}
