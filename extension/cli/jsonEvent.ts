// The CLI's JSON Lines schema (documented in the README): one plain object per sniffer event,
// payloads as bounded previews.
import type { SnifferEvent } from '../sniffer/types';
import { previewBytes } from '../zmtp/preview';
import type { CommandEvent, Frame } from '../zmtp/types';

export type JsonObject = Record<string, unknown>;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** `{text}` when printable, else `{hex}`, cut to `previewBytes` bytes. */
function preview(bytes: Uint8Array, maxBytes: number): JsonObject {
  return { ...previewBytes(bytes, maxBytes) };
}

function frameJson(frame: Frame, maxBytes: number): JsonObject {
  const json: JsonObject = { size: frame.size, more: frame.more, ...preview(frame.body, maxBytes) };
  if (frame.size > maxBytes || frame.truncated) json.truncated = true;
  if (frame.curve) json.curve = frame.curve;
  return json;
}

function commandJson(command: CommandEvent, maxBytes: number): JsonObject {
  const json: JsonObject = { name: command.name, size: command.size };
  if (command.legacy) json.legacy = true;
  if (command.metadata) {
    json.metadata = Object.fromEntries(command.metadata.map((entry) => [entry.name, entry.text ?? { hex: hex(entry.value) }]));
  }
  if (command.topic) {
    const topic = previewBytes(command.topic, maxBytes);
    if ('text' in topic) json.topic = topic.text;
    else json.topicHex = topic.hex;
  }
  if (command.ttl !== undefined) json.ttl = command.ttl;
  if (command.context) json.context = hex(command.context);
  if (command.reason !== undefined) json.reason = command.reason;
  if (command.username !== undefined) json.username = command.username;
  if (command.password !== undefined) json.password = command.password;
  if (command.passwordMasked) json.passwordMasked = true;
  if (command.curve) json.curve = command.curve;
  if (command.problem) json.problem = command.problem;
  return json;
}

export function toJsonEvent(event: SnifferEvent, maxBytes: number): JsonObject {
  const base = { conn: event.conn, time: new Date(event.time).toISOString() };
  switch (event.type) {
    case 'open':
      return { type: 'open', ...base, peer: event.peer, listen: event.listen, target: event.target };
    case 'close':
      return { type: 'close', ...base, reason: event.reason, ...(event.detail ? { detail: event.detail } : {}), bytes: event.bytes };
    case 'relay-error':
      return { type: 'error', ...base, source: 'relay', reason: event.message };
    case 'backpressure':
      return { type: 'backpressure', ...base, dir: event.dir, bufferedBytes: event.bufferedBytes };
    case 'zmtp': {
      const withDir = { ...base, dir: event.dir };
      const zmtp = event.event;
      switch (zmtp.kind) {
        case 'greeting':
          return { type: 'greeting', ...withDir, version: zmtp.version, mechanism: zmtp.mechanism, asServer: zmtp.asServer, ...(zmtp.socketType ? { socketType: zmtp.socketType } : {}) };
        case 'command':
          return { type: 'command', ...withDir, ...commandJson(zmtp, maxBytes) };
        case 'message':
          return { type: 'message', ...withDir, size: zmtp.size, frames: zmtp.frames.map((frame) => frameJson(frame, maxBytes)) };
        case 'frame':
          return { type: 'frame', ...withDir, ...frameJson(zmtp.frame, maxBytes) };
        case 'error':
          return { type: 'error', ...withDir, offset: zmtp.offset, reason: zmtp.reason, fatal: zmtp.fatal };
      }
    }
  }
}
