// A breakpoint's condition as one short line people type and edit, parsed into the fields of a
// BreakpointSpec and formatted back. The language:
//
//   topic:10001 dir:c2s type:PUB     data messages whose first frame starts with "10001", sent
//                                    client -> server by a PUB socket (all words must hold)
//   cmd:SUBSCRIBE                    commands with that name (without cmd: only data messages match)
//   /Hello.*/                        a regular expression (JavaScript syntax, no flags) that some
//                                    frame's body, read as UTF-8, matches
//   conn:tasks#2                     only connection 2 of the sniffer named "tasks" (the
//                                    inspector's row "tasks #2"; conn:"tasks #2" is read the same)
//   conn:3                           connection 3 of any sniffer (each sniffer counts its own)
//   sniffer:tasks                    every connection of the sniffer named "tasks"
//   hits:5                           hold from the 5th match on (every match is counted)
//   topic:"a b"                      quotes for values with spaces; inside them \" is a quote and
//                                    \\ a backslash
//
// Keys: conn (n or <sniffer>#n, n a whole number >= 1), sniffer (a sniffer's name), type (a ZMTP
// socket type), dir (c2s or s2c), topic, cmd, hits (whole number >= 1), each at most once; topic
// and cmd exclude each other, and the sniffer is named once (conn:tasks#2, or sniffer:tasks
// conn:2, which formats as conn:tasks#2). Sniffer names are compared exactly, case included, and
// are split from the number at the last "#", so a name may hold a "#"; a name with spaces is
// quoted: conn:"my sniffer #2". Inside /.../ a "/" is written \/ (outside [...] classes).
// Formatting writes the words in the order above, so format(parse(text)) is the text tidied, and
// parse(format(spec)) gives the spec back.
import { SOCKET_TYPE_NAMES } from '../zmtp/socketTypes';
import { BreakpointError, type BreakpointSpec } from './breakpointSet';

/** The parts of a breakpoint that its condition text says (not its id or enabled flag). */
export type BreakpointCondition = Omit<BreakpointSpec, 'id' | 'enabled'>;

/** Longer conditions are refused: a condition is a line, and parsing stays cheap while typing. */
export const MAX_CONDITION_LENGTH = 1000;

export const CONDITION_EXAMPLE = 'topic:10001 dir:c2s type:PUB';


type Key = 'conn' | 'type' | 'dir' | 'topic' | 'cmd' | 'hits' | 'sniffer';

const KEYS: readonly Key[] = ['conn', 'type', 'dir', 'topic', 'cmd', 'hits', 'sniffer'];

const ACCEPTED = `Write words such as ${CONDITION_EXAMPLE}, cmd:SUBSCRIBE, conn:tasks#2, sniffer:tasks, hits:5 or /Hello.*/: the keys are ${KEYS.map((key) => `${key}:`).join(', ')} and /regex/ for the payload.`;

const CONNECTION_FORMS = 'write n, a whole number >= 1, for any sniffer\'s connection n (conn:3), or the sniffer\'s name, # and n for one sniffer\'s connection as the inspector\'s rows name it (conn:tasks#2, conn:"tasks #2", conn:"my sniffer#2")';

/** "tasks #2", "tasks#2" and "my sniffer #2": the name (trimmed) before the last "#", and the number after it. */
const CONNECTION_LABEL = /^([\s\S]*?)\s*#(\d+)$/;

/** Parses a condition; throws a BreakpointError naming the bad word, its column and the accepted keys. */
export function parseCondition(text: string): BreakpointCondition {
  if (text.length > MAX_CONDITION_LENGTH) throw new BreakpointError(`The condition is ${text.length} characters long; keep it under ${MAX_CONDITION_LENGTH}. ${ACCEPTED}`);
  const condition: BreakpointCondition = {};
  const seen = new Map<Key | 'payload', number>();
  let at = 0;
  // Every pass consumes at least one character, so this ends within text.length passes.
  while (at < text.length) {
    if (/\s/.test(text[at])) {
      at++;
      continue;
    }
    const word = text[at] === '/' ? readPayload(text, at) : readKeyValue(text, at);
    const earlier = seen.get(word.key);
    if (earlier !== undefined) throw refusal(text, at, word.end, `repeats ${word.key === 'payload' ? 'the payload expression' : `${word.key}:`} (first given at column ${earlier + 1}); give it once`);
    seen.set(word.key, at);
    if (word.key === 'payload') condition.payload = word.value;
    else assign(condition, word.key, word.value, (reason) => refusal(text, at, word.end, reason));
    at = word.end;
  }
  if (seen.size === 0) throw new BreakpointError(`The condition is empty; hits:1 holds at every data message. ${ACCEPTED}`);
  if (condition.topicPrefix !== undefined && condition.command !== undefined) {
    const second = Math.max(seen.get('topic') ?? 0, seen.get('cmd') ?? 0);
    throw refusal(text, second, wordEnd(text, second), 'gives both topic: (data messages) and cmd: (commands); a message is one or the other, so keep one');
  }
  return condition;
}

/** The condition text of a breakpoint, in the canonical word order. */
export function formatCondition(spec: BreakpointCondition): string {
  const words: string[] = [];
  if (spec.conn !== undefined) words.push(`conn:${spec.sniffer === undefined ? spec.conn : quoteIfNeeded(`${spec.sniffer}#${spec.conn}`)}`);
  else if (spec.sniffer !== undefined) words.push(`sniffer:${quoteIfNeeded(spec.sniffer)}`);
  if (spec.socketType !== undefined) words.push(`type:${quoteIfNeeded(spec.socketType.toUpperCase())}`);
  if (spec.dir !== undefined) words.push(`dir:${spec.dir}`);
  if (spec.topicPrefix !== undefined) words.push(`topic:${quoteIfNeeded(spec.topicPrefix)}`);
  if (spec.command !== undefined) words.push(`cmd:${quoteIfNeeded(spec.command.toUpperCase())}`);
  if (spec.payload !== undefined) words.push(`/${escapeSlashes(spec.payload)}/`);
  if (spec.hitCount !== undefined) words.push(`hits:${spec.hitCount}`);
  return words.join(' ');
}

/** The condition in words, for tooltips: "data messages whose first frame starts with ..." */
export function describeCondition(spec: BreakpointCondition): string {
  const what = spec.command !== undefined ? `${spec.command.toUpperCase()} commands` : 'data messages';
  const parts = [what];
  if (spec.topicPrefix !== undefined) parts.push(`whose first frame starts with ${JSON.stringify(spec.topicPrefix)}`);
  if (spec.payload !== undefined) parts.push(`with a frame matching /${escapeSlashes(spec.payload)}/`);
  if (spec.socketType !== undefined) parts.push(`sent by a ${spec.socketType.toUpperCase()} socket`);
  if (spec.dir !== undefined) parts.push(spec.dir === 'c2s' ? 'from client to server' : 'from server to client');
  if (spec.conn !== undefined) parts.push(spec.sniffer === undefined ? `on connection ${spec.conn} of any sniffer` : `on connection ${JSON.stringify(`${spec.sniffer} #${spec.conn}`)}`);
  else if (spec.sniffer !== undefined) parts.push(`on every connection of sniffer ${JSON.stringify(spec.sniffer)}`);
  const from = spec.hitCount !== undefined && spec.hitCount > 1 ? `, from match ${spec.hitCount} on` : '';
  return `Holds traffic at ${parts.join(' ')}${from}.`;
}

interface Word<K> {
  key: K;
  value: string;
  /** Index just past the word. */
  end: number;
}

function readKeyValue(text: string, start: number): Word<Key> {
  const colon = text.indexOf(':', start);
  const end = wordEnd(text, start);
  if (colon < 0 || colon >= end) throw refusal(text, start, end, 'is not a key:value pair or a /regex/');
  const name = text.slice(start, colon).toLowerCase();
  const key = KEYS.find((known) => known === name);
  if (key === undefined) throw refusal(text, start, end, `has the unknown key "${text.slice(start, colon)}"`);
  const valueAt = colon + 1;
  if (text[valueAt] !== '"') {
    const value = text.slice(valueAt, end);
    if (value === '') throw refusal(text, start, end, `has no value after ${key}:`);
    return { key, value, end };
  }
  let value = '';
  for (let at = valueAt + 1; at < text.length; at++) {
    if (text[at] === '\\' && at + 1 < text.length) {
      value += text[++at];
      continue;
    }
    if (text[at] !== '"') {
      value += text[at];
      continue;
    }
    const after = at + 1;
    if (after < text.length && !/\s/.test(text[after])) throw refusal(text, start, wordEnd(text, after), 'goes on after its closing quote; put a space between words');
    if (value === '') throw refusal(text, start, after, `has an empty value after ${key}:`);
    return { key, value, end: after };
  }
  throw refusal(text, start, text.length, 'opens a quote that is not closed; end the value with "');
}

/** /regex/: a "/" inside [...] or after a backslash does not end it; \/ is read as a plain "/". */
function readPayload(text: string, start: number): Word<'payload'> {
  let source = '';
  let inClass = false;
  for (let at = start + 1; at < text.length; at++) {
    const char = text[at];
    if (char === '\\' && at + 1 < text.length) {
      const next = text[++at];
      source += next === '/' ? '/' : `\\${next}`;
      continue;
    }
    if (char === '/' && !inClass) {
      const end = at + 1;
      if (end < text.length && !/\s/.test(text[end])) throw refusal(text, start, wordEnd(text, end), 'has letters after its closing /; flags are not supported (for any case write [Hh]ello), and words need a space between them');
      if (source === '') throw refusal(text, start, end, 'is an empty expression; /./ matches any non-empty frame');
      try {
        new RegExp(source);
      } catch (error) {
        throw refusal(text, start, end, `is not a valid regular expression (${(error as Error).message})`);
      }
      return { key: 'payload', value: source, end };
    }
    if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    source += char;
  }
  throw refusal(text, start, text.length, 'opens a payload expression that is not closed; end it with / (write \\/ for a slash inside it)');
}

function assign(condition: BreakpointCondition, key: Key, value: string, wrong: (reason: string) => BreakpointError): void {
  switch (key) {
    case 'conn': {
      const connection = value.trim();
      const label = CONNECTION_LABEL.exec(connection);
      const number = wholeNumber(label ? label[2] : connection);
      const sniffer = label?.[1].trim();
      if (number === undefined || sniffer === '') throw wrong(`needs a connection after conn:; ${CONNECTION_FORMS}`);
      if (sniffer !== undefined) nameSniffer(condition, sniffer, wrong);
      condition.conn = number;
      return;
    }
    case 'sniffer': {
      const sniffer = value.trim();
      if (sniffer === '') throw wrong('needs a sniffer\'s name after sniffer:, as the inspector\'s rows show it (sniffer:tasks for the rows "tasks #1", "tasks #2"...)');
      nameSniffer(condition, sniffer, wrong);
      return;
    }
    case 'hits': {
      const number = wholeNumber(value);
      if (number === undefined) throw wrong('needs a whole number >= 1 after hits:');
      condition.hitCount = number;
      return;
    }
    case 'type': {
      const type = value.toUpperCase();
      if (!SOCKET_TYPE_NAMES.includes(type)) throw wrong(`names no socket type; use one of ${SOCKET_TYPE_NAMES.join(', ')}`);
      condition.socketType = type;
      return;
    }
    case 'dir':
      if (value !== 'c2s' && value !== 's2c') throw wrong('needs c2s (client to server) or s2c (server to client) after dir:');
      condition.dir = value;
      return;
    case 'topic':
      condition.topicPrefix = value;
      return;
    case 'cmd':
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,254}$/.test(value)) throw wrong('needs a command name such as SUBSCRIBE, PING or READY after cmd:');
      condition.command = value.toUpperCase();
      return;
  }
}

/** The value as a whole number >= 1, if it is one (digits only, at most Number.MAX_SAFE_INTEGER). */
function wholeNumber(value: string): number | undefined {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(number) && number >= 1 ? number : undefined;
}

/** Both conn:tasks#2 and sniffer:tasks name a sniffer; a condition names at most one. */
function nameSniffer(condition: BreakpointCondition, sniffer: string, wrong: (reason: string) => BreakpointError): void {
  if (condition.sniffer !== undefined) throw wrong(`names a sniffer, but ${JSON.stringify(condition.sniffer)} was named already; name it once: conn:tasks#2 alone, or sniffer:tasks with conn:2`);
  condition.sniffer = sniffer;
}

/** The refusal of the word text[start, end), quoted (shortened when long) with its column. */
function refusal(text: string, start: number, end: number, reason: string): BreakpointError {
  const word = text.slice(start, Math.min(end, start + 60)) + (end - start > 60 ? '…' : '');
  return new BreakpointError(`${JSON.stringify(word)} at column ${start + 1} ${reason}. ${ACCEPTED}`);
}

function wordEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && !/\s/.test(text[end])) end++;
  return end;
}

function quoteIfNeeded(value: string): string {
  if (value !== '' && !/\s/.test(value) && !value.startsWith('"')) return value;
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** Writes a regex source between slashes: a bare "/" outside [...] would end it early. */
function escapeSlashes(source: string): string {
  let out = '';
  let inClass = false;
  for (let at = 0; at < source.length; at++) {
    const char = source[at];
    if (char === '\\' && at + 1 < source.length) {
      out += char + source[++at];
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    out += char === '/' && !inClass ? '\\/' : char;
  }
  return out;
}
