// ZMTP 3.x command frames: name_len(1) name data (RFC 37/24/26), as typed CommandEvents.
import type { CommandEvent } from './types';
import { asciiOrEscaped, view } from './bytes';
import { isCurveCommand, labelCurveCommand } from './curve';
import { MAX_PING_CONTEXT } from './limits';
import { parseMetadata } from './metadata';
import { decodePlainHello } from './plain';
import { addProblem } from './problems';
import { printableText } from './text';

export interface CommandContext {
  /** The mechanism of the side that sent the command (from its greeting). */
  mechanism: string;
  revealPasswords: boolean;
}

type DataDecoder = (event: CommandEvent, dataAt: number, context: CommandContext) => void;

function decodeMetadata(event: CommandEvent, dataAt: number): void {
  const parsed = parseMetadata(event.body.subarray(dataAt));
  event.metadata = parsed.entries;
  addProblem(event, parsed.problem);
}

function decodeError(event: CommandEvent, dataAt: number): void {
  const body = event.body;
  if (dataAt >= body.length) {
    addProblem(event, 'ERROR has no reason length byte');
    return;
  }
  const reasonLength = body[dataAt];
  const reason = view(body, dataAt + 1, Math.min(dataAt + 1 + reasonLength, body.length));
  event.reason = printableText(reason) ?? asciiOrEscaped(reason);
  if (reason.length < reasonLength) addProblem(event, `ERROR reason should have ${reasonLength} bytes, ${reason.length} arrived`);
}

function decodeTopic(event: CommandEvent, dataAt: number): void {
  event.topic = event.body.subarray(dataAt);
}

function decodeContext(event: CommandEvent, contextAt: number): void {
  event.context = event.body.subarray(contextAt);
  if (event.context.length > MAX_PING_CONTEXT) {
    addProblem(event, `${event.name} context has ${event.context.length} bytes; RFC 37 allows at most ${MAX_PING_CONTEXT}`);
  }
}

function decodePing(event: CommandEvent, dataAt: number): void {
  const body = event.body;
  if (dataAt + 2 > body.length) {
    addProblem(event, 'PING is cut short: it needs a 2-byte time-to-live');
    return;
  }
  event.ttl = (body[dataAt] << 8) | body[dataAt + 1];
  decodeContext(event, dataAt + 2);
}

function decodeCurve(event: CommandEvent): void {
  const label = labelCurveCommand(event.name, event.body, event.size);
  if (label.curve) event.curve = label.curve;
  addProblem(event, label.problem);
}

/** How each mechanism reads the commands whose meaning depends on it. */
function mechanismDecoder(name: string, context: CommandContext): DataDecoder | undefined {
  if (context.mechanism === 'CURVE') return isCurveCommand(name) ? decodeCurve : undefined;
  // GSSAPI tokens and (when encrypting) wrapped READY metadata: label only.
  if (context.mechanism === 'GSSAPI') return name === 'INITIATE' || name === 'MESSAGE' || name === 'READY' ? noData : undefined;
  if (name === 'HELLO' && context.mechanism === 'PLAIN') return (event, dataAt) => decodePlainHello(event, dataAt, context.revealPasswords);
  if (name === 'READY' || name === 'INITIATE') return decodeMetadata;
  return undefined;
}

function noData(): void {}

// A Map, not an object literal: names come from the network and must not reach Object.prototype.
const TRAFFIC_DECODERS: ReadonlyMap<string, DataDecoder> = new Map<string, DataDecoder>([
  ['ERROR', decodeError],
  ['SUBSCRIBE', decodeTopic],
  ['CANCEL', decodeTopic],
  ['PING', decodePing],
  ['PONG', decodeContext],
]);

/**
 * libzmq's PLAIN server writes its ERROR name as the C string "\x05ERROR" (src/plain_common.hpp),
 * where the hex escape swallows the E: the wire carries 5E "RROR", and libzmq PLAIN clients expect
 * exactly that. NULL and CURVE write it correctly.
 */
const LIBZMQ_PLAIN_ERROR_NAME = Buffer.from('\x5eRROR', 'latin1');

function isLibzmqPlainError(body: Uint8Array): boolean {
  return body.length >= LIBZMQ_PLAIN_ERROR_NAME.length && LIBZMQ_PLAIN_ERROR_NAME.compare(body, 0, LIBZMQ_PLAIN_ERROR_NAME.length) === 0;
}

/**
 * A command frame as an event. `body` holds the first `body.length` of `size` bytes; when it was
 * cut to the retain limit the command is read in part and says so in `problem`.
 */
export function decodeCommand(offset: number, size: number, body: Uint8Array, truncated: boolean, context: CommandContext): CommandEvent {
  const event: CommandEvent = { kind: 'command', offset, name: '', size, body };
  if (body.length === 0) {
    addProblem(event, 'empty command frame: a command starts with the length of its name');
    return event;
  }
  if (isLibzmqPlainError(body)) {
    event.name = 'ERROR';
    decodeError(event, LIBZMQ_PLAIN_ERROR_NAME.length);
    addProblem(event, 'name bytes are 5E "RROR" instead of 05 "ERROR": libzmq\'s PLAIN server writes "\\x05ERROR" in C, whose hex escape swallows the E; libzmq clients accept it, other ZMTP stacks may not');
    return event;
  }
  const nameEnd = 1 + body[0];
  event.name = asciiOrEscaped(body.subarray(1, nameEnd));
  if (nameEnd > body.length) {
    addProblem(event, `command name should have ${body[0]} bytes, only ${body.length - 1} follow`);
  } else if (body[0] === 0) {
    addProblem(event, 'command with an empty name');
  } else {
    const decoder = mechanismDecoder(event.name, context) ?? TRAFFIC_DECODERS.get(event.name);
    if (decoder) decoder(event, nameEnd, context);
  }
  if (truncated) addProblem(event, `only the first ${body.length} of ${size} bytes were kept (retainBytes), so the command was read in part`);
  return event;
}
