// Explains the bytes of a frame for people learning ZMTP: every header byte (flag bits, size bytes)
// and, for commands, the body's fields (name length, name, metadata, topic, TTL, ...). This is a
// labelling pass over bytes the decoder already accepted, bounded in the notes it makes; it never
// decides anything about the traffic.
import type { ByteNote } from '../protocol';
import type { CommandEvent, GreetingEvent } from '../zmtp/types';
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE } from '../zmtp/types';
import { hexPairs } from './hex';
import { textOrHex } from './preview';

const MAX_NOTES = 200;
const HEX_SHOWN = 32;

class Notes {
  readonly list: ByteNote[] = [];
  constructor(private readonly bytes: Uint8Array | undefined) {}

  add(offset: number, length: number, label: string, meaning: string, hex?: string): void {
    if (this.list.length >= MAX_NOTES) return;
    const shown = hex ?? (this.bytes ? this.hexAt(offset, length) : '');
    this.list.push({ offset, length, hex: shown, label, meaning });
  }

  private hexAt(offset: number, length: number): string {
    const bytes = this.bytes as Uint8Array;
    const end = Math.min(bytes.length, offset + Math.min(length, HEX_SHOWN));
    return hexPairs(bytes.subarray(offset, end)) + (length > HEX_SHOWN ? ' …' : '');
  }
}

function sizeBytes(size: number, width: number): Uint8Array {
  const bytes = new Uint8Array(width);
  let rest = BigInt(Math.max(0, Math.floor(size)));
  for (let i = width - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

function flagMeaning(flags: number): string {
  const parts = [
    flags & FLAG_MORE ? 'bit 0 MORE=1: more frames of this message follow' : 'bit 0 MORE=0: last frame of the message',
    flags & FLAG_LONG ? 'bit 1 LONG=1: the size is an 8-byte big-endian number' : 'bit 1 LONG=0: the size is one byte',
    flags & FLAG_COMMAND ? 'bit 2 COMMAND=1: a command frame' : 'bit 2 COMMAND=0: a data frame',
  ];
  if (flags & 0xf8) parts.push(`bits 3-7 are reserved and should be 0, but are 0x${(flags & 0xf8).toString(16)}`);
  return parts.join('; ');
}

/**
 * Notes for a frame header. ZMTP 2.0/3.x: flags byte then a 1- or 8-byte size. ZMTP 1.0: a length
 * (that counts the flags byte) of 1 byte, or FF and 8 bytes, then the flags byte.
 */
export function headerNotes(flags: number, size: number, version: string | undefined): { notes: ByteNote[]; length: number } {
  const notes = new Notes(undefined);
  if (version === '1.0') {
    const length = size + 1;
    if (length < 255) {
      notes.add(0, 1, 'length', `${length}: body size + 1 for the flags byte (ZMTP 1.0 counts the flags)`, hexPairs(sizeBytes(length, 1)));
    } else {
      notes.add(0, 1, 'long length marker', 'FF: an 8-byte length follows', 'ff');
      notes.add(1, 8, 'length', `${length}: body size + 1, 8-byte big-endian`, hexPairs(sizeBytes(length, 8)));
    }
    const at = length < 255 ? 1 : 9;
    notes.add(at, 1, 'flags', flags & FLAG_MORE ? 'bit 0 MORE=1: more frames follow' : 'bit 0 MORE=0: last frame (ZMTP 1.0 has no other flags)', hexPairs(sizeBytes(flags, 1)));
    return { notes: notes.list, length: at + 1 };
  }
  notes.add(0, 1, 'flags', flagMeaning(flags), hexPairs(sizeBytes(flags, 1)));
  if (flags & FLAG_LONG) {
    notes.add(1, 8, 'size', `${size} bytes of body (8-byte big-endian)`, hexPairs(sizeBytes(size, 8)));
    return { notes: notes.list, length: 9 };
  }
  notes.add(1, 1, 'size', `${size} bytes of body`, hexPairs(sizeBytes(size, 1)));
  return { notes: notes.list, length: 2 };
}

const text = (bytes: Uint8Array, start: number, end: number): string => textOrHex(bytes.subarray(start, Math.min(end, bytes.length)), 64);

/** Notes for a command body that starts at frame offset `base`. */
export function commandNotes(event: CommandEvent, base: number): ByteNote[] {
  const body = event.body;
  const notes = new Notes(body);
  const add = (offset: number, length: number, label: string, meaning: string) => notes.add(offset, length, label, meaning);
  const out = (): ByteNote[] => notes.list.map((note) => ({ ...note, offset: note.offset + base }));
  if (event.legacy) {
    if (body.length > 0) add(0, 1, 'subscription byte', body[0] === 1 ? '01: subscribe (the ZMTP 3.0 / 2.0 form of SUBSCRIBE)' : '00: unsubscribe (the older form of CANCEL)');
    if (body.length > 1) add(1, body.length - 1, 'topic', `prefix to match: ${text(body, 1, body.length)}`);
    else add(1, 0, 'topic', 'empty: matches every message');
    return finish(notes, event, out);
  }
  if (body.length === 0) return out();
  const nameLength = body[0];
  add(0, 1, 'name length', `${nameLength}: the command name has ${nameLength} bytes`);
  add(1, nameLength, 'command name', `"${event.name}"`);
  let at = 1 + nameLength;
  const rest = () => Math.max(0, body.length - at);
  switch (event.name) {
    case 'READY':
    case 'INITIATE':
      if (event.curve) {
        at = curveFields(notes, body, at, event.name === 'INITIATE' ? [['cookie', 96, 'opaque server cookie']] : []);
      } else {
        at = metadataNotes(notes, body, at);
      }
      break;
    case 'SUBSCRIBE':
    case 'CANCEL':
      add(at, rest(), 'topic', rest() ? `prefix to match: ${text(body, at, body.length)}` : 'empty: matches every message');
      at = body.length;
      break;
    case 'PING':
      if (rest() >= 2) {
        const ttl = (body[at] << 8) | body[at + 1];
        add(at, 2, 'TTL', `${ttl} deciseconds (${(ttl / 10).toFixed(1)} s): how long the peer may wait for traffic${ttl === 0 ? '; 0 means no hint' : ''}`);
        at += 2;
      }
      if (rest()) add(at, rest(), 'context', `echoed back in PONG: ${text(body, at, body.length)}`);
      at = body.length;
      break;
    case 'PONG':
      add(at, rest(), 'context', rest() ? `the PING's context, echoed: ${text(body, at, body.length)}` : 'empty (the PING had no context)');
      at = body.length;
      break;
    case 'ERROR':
      if (rest() >= 1) {
        add(at, 1, 'reason length', `${body[at]} bytes`);
        add(at + 1, body[at], 'reason', text(body, at + 1, at + 1 + body[at]));
        at += 1 + body[at];
      }
      break;
    case 'HELLO':
      if (event.curve) {
        at = curveFields(notes, body, at, [
          ['version', 2, 'CurveZMQ version 1.0'],
          ['padding', 72, 'zeros, so HELLO is larger than WELCOME (anti-amplification)'],
          ["client's transient public key", 32, 'C′'],
        ]);
      } else if (rest() >= 1) {
        const userLength = body[at];
        add(at, 1, 'username length', `${userLength} bytes`);
        add(at + 1, userLength, 'username', text(body, at + 1, at + 1 + userLength));
        at += 1 + userLength;
        if (rest() >= 1) {
          const passLength = body[at];
          add(at, 1, 'password length', `${passLength} bytes`);
          add(at + 1, passLength, 'password', event.passwordMasked ? 'masked (PLAIN sends it in clear text on the wire)' : 'in clear text on the wire');
          at += 1 + passLength;
        }
      }
      break;
    case 'WELCOME':
      if (event.curve) at = curveFields(notes, body, at, [], 16);
      break;
    default:
      break;
  }
  if (at < body.length) add(at, body.length - at, 'data', `${body.length - at} bytes not broken down further`);
  return finish(notes, event, out);
}

function finish(notes: Notes, event: CommandEvent, out: () => ByteNote[]): ByteNote[] {
  if (event.body.length < event.size) notes.add(event.body.length, event.size - event.body.length, 'not kept', `${event.size - event.body.length} more bytes were not retained`, '');
  return out();
}

/** READY/INITIATE properties: name length (1), name, value length (4, big-endian), value; repeated. */
function metadataNotes(notes: Notes, body: Uint8Array, start: number): number {
  let at = start;
  while (at < body.length) {
    const nameLength = body[at];
    if (at + 1 + nameLength + 4 > body.length) break;
    const name = text(body, at + 1, at + 1 + nameLength);
    notes.add(at, 1, 'property name length', `${nameLength} bytes`);
    notes.add(at + 1, nameLength, 'property name', name);
    const lengthAt = at + 1 + nameLength;
    const valueLength = ((body[lengthAt] << 24) >>> 0) + (body[lengthAt + 1] << 16) + (body[lengthAt + 2] << 8) + body[lengthAt + 3];
    notes.add(lengthAt, 4, 'value length', `${valueLength} bytes (4-byte big-endian)`);
    const valueAt = lengthAt + 4;
    notes.add(valueAt, valueLength, `${name} value`, valueLength ? text(body, valueAt, valueAt + valueLength) : 'empty');
    at = valueAt + valueLength;
  }
  return Math.min(at, body.length);
}

/** CURVE fields: the fixed ones given, then a nonce (8-byte short, or 16-byte long) and the encrypted box. */
function curveFields(notes: Notes, body: Uint8Array, start: number, fixed: [string, number, string][], nonceLength = 8): number {
  let at = start;
  for (const [label, length, meaning] of fixed) {
    if (at + length > body.length) return at;
    notes.add(at, length, label, meaning);
    at += length;
  }
  if (at + nonceLength > body.length) return at;
  notes.add(at, nonceLength, nonceLength === 8 ? 'short nonce' : 'long nonce', nonceLength === 8 ? 'a counter that must increase with every command or message' : 'random nonce');
  at += nonceLength;
  if (at < body.length) notes.add(at, body.length - at, 'encrypted box', `${body.length - at} bytes readable only by the peers`);
  return body.length;
}

/** Notes for the body of a CURVE MESSAGE data frame. */
export function curveMessageNotes(body: Uint8Array, base: number, size: number): ByteNote[] {
  const notes = new Notes(body);
  if (body.length >= 8) {
    notes.add(0, 1, 'name length', '7');
    notes.add(1, 7, 'name', '"MESSAGE": a CURVE-encrypted message frame');
  }
  curveFields(notes, body, 8, []);
  if (body.length < size) notes.add(body.length, size - body.length, 'not kept', `${size - body.length} more bytes were not retained`, '');
  return notes.list.map((note) => ({ ...note, offset: note.offset + base }));
}

const SOCKET_TYPE_CODES = ['PAIR', 'PUB', 'SUB', 'REQ', 'REP', 'DEALER', 'ROUTER', 'PULL', 'PUSH', 'XPUB', 'XSUB'];

/** The greeting, rebuilt from what the decoder reported (the padding bytes are not kept). */
export function greetingNotes(event: GreetingEvent): ByteNote[] {
  const notes = new Notes(undefined);
  if (event.length === 0) {
    notes.add(0, 0, 'no greeting', 'ZMTP 1.0 has no greeting: each side starts with an identity frame', '');
    return notes.list;
  }
  const [major, minor] = event.version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  notes.add(0, 1, 'signature', 'FF: start of the signature', 'ff');
  notes.add(1, 8, 'padding', 'not kept by the decoder; libzmq sends its routing-id length + 1 here, big-endian', '?? ?? ?? ?? ?? ?? ?? ??');
  notes.add(9, 1, 'signature end', '7F: bit 0 set means "a versioned ZMTP follows"', '7f');
  if (event.length === 12) {
    notes.add(10, 1, 'revision', `ZMTP ${event.version} (01 means 2.0, 00 means 1.0 framing)`, major === 2 ? '01' : '00');
    const code = event.socketType ? SOCKET_TYPE_CODES.indexOf(event.socketType) : -1;
    notes.add(11, 1, 'socket type', event.socketType ?? 'unknown', code >= 0 ? hexPairs(new Uint8Array([code])) : '??');
    return notes.list;
  }
  notes.add(10, 1, 'major version', `${major}`, hexPairs(new Uint8Array([major])));
  notes.add(11, 1, 'minor version', `${minor}${major === 3 && minor >= 1 ? ': ZMTP 3.1 rules (SUBSCRIBE/CANCEL as commands)' : ''}`, hexPairs(new Uint8Array([minor])));
  const mechanism = new Uint8Array(20);
  for (let i = 0; i < Math.min(20, event.mechanism.length); i++) mechanism[i] = event.mechanism.charCodeAt(i) & 0x7f;
  notes.add(12, 20, 'mechanism', `"${event.mechanism}", padded with zero bytes to 20`, hexPairs(mechanism.subarray(0, 8)) + ' …');
  notes.add(32, 1, 'as-server', `${event.asServer ? 1 : 0} (libzmq always sends 0, so it does not tell who is the server)`, event.asServer ? '01' : '00');
  notes.add(33, 31, 'filler', '31 zero bytes', '00 00 00 00 …');
  return notes.list;
}
