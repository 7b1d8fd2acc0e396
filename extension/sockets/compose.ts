// Turns what the user typed in the compose area (or passed to a command) into the frames of one
// multipart message. Everything here is input from a person or another extension, so every
// refusal says what was wrong, where, and what to write instead.
import { promises as fs } from 'node:fs';
// The formats are named in the protocol, since the compose area offers the same ones.
import { COMPOSE_FORMAT_NAMES, type ComposeFormatName } from '../protocol';

/** Frames per composed message: more than anyone types, few enough to show in one list. */
export const MAX_COMPOSED_FRAMES = 256;
/** Bytes per composed message (all frames together, files included). */
export const MAX_COMPOSED_BYTES = 16 * 1024 * 1024;

export class ComposeError extends Error {
  override name = 'ComposeError';
}

/** One frame per line; a trailing newline does not add an empty frame, but an empty line inside does. */
function lines(input: string): string[] {
  const split = input.replace(/\r\n/g, '\n').split('\n');
  if (split.length > 1 && split[split.length - 1] === '') split.pop();
  return split;
}

/** Hex digits of one frame; spaces and colons between bytes are allowed ("de ad", "de:ad"). */
export function parseHexFrame(line: string, lineNumber: number): Buffer {
  let digits = '';
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (/[0-9a-fA-F]/.test(char)) digits += char;
    else if (!/[\s:]/.test(char)) {
      throw new ComposeError(`Frame ${lineNumber} is not hex: "${char}" at position ${index + 1}. Use the digits 0-9 and a-f (spaces or colons between bytes are fine), or choose the text format.`);
    }
  }
  if (digits.length % 2 !== 0) throw new ComposeError(`Frame ${lineNumber} has an odd number of hex digits (${digits.length}); every byte takes two digits, e.g. "0a" not "a".`);
  return Buffer.from(digits, 'hex');
}

function parseJsonFrames(input: string): Buffer[] {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (error) {
    throw new ComposeError(`The JSON does not parse: ${error instanceof Error ? error.message : String(error)}. Write an array with one entry per frame, e.g. ["topic", {"price": 3}].`);
  }
  if (!Array.isArray(value)) throw new ComposeError('The JSON must be an array with one entry per frame, e.g. ["topic", {"price": 3}]: strings are sent as UTF-8 text, anything else as its JSON text.');
  return value.map((entry) => Buffer.from(typeof entry === 'string' ? entry : JSON.stringify(entry), 'utf8'));
}

async function readFileFrames(input: string): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  let total = 0;
  for (const [index, path] of lines(input).entries()) {
    const trimmed = path.trim();
    if (trimmed === '') throw new ComposeError(`Line ${index + 1} names no file; the file format takes one file path per line, each file one frame.`);
    let size: number;
    try {
      const stat = await fs.stat(trimmed);
      if (!stat.isFile()) throw new ComposeError(`${trimmed} (line ${index + 1}) is not a file; name a file whose bytes make the frame.`);
      size = stat.size;
    } catch (error) {
      if (error instanceof ComposeError) throw error;
      throw new ComposeError(`Cannot read ${trimmed} (line ${index + 1}): ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path; relative paths are taken from the extension host's folder, so absolute ones are safer.`);
    }
    total += size;
    if (total > MAX_COMPOSED_BYTES) throw new ComposeError(tooBig(total));
    frames.push(await fs.readFile(trimmed));
  }
  return frames;
}

const tooBig = (bytes: number) => `The message is ${bytes.toLocaleString('en')} bytes; at most ${MAX_COMPOSED_BYTES.toLocaleString('en')} can be sent from here.`;

/** The frames of one message from `input` in `format`; throws ComposeError with the reason. */
export async function composeFrames(input: string, format: ComposeFormatName): Promise<Buffer[]> {
  if (typeof input !== 'string') throw new ComposeError('The message must be text (one frame per line, or a JSON array).');
  if (!COMPOSE_FORMAT_NAMES.includes(format)) throw new ComposeError(`The format "${String(format)}" is unknown; use one of ${COMPOSE_FORMAT_NAMES.join(', ')}.`);
  if (input.length > MAX_COMPOSED_BYTES * 2) throw new ComposeError(tooBig(input.length));
  let frames: Buffer[];
  if (format === 'text') frames = lines(input).map((line) => Buffer.from(line, 'utf8'));
  else if (format === 'hex') frames = lines(input).map((line, index) => parseHexFrame(line, index + 1));
  else if (format === 'json') frames = parseJsonFrames(input);
  else frames = await readFileFrames(input);
  return checkFrames(frames);
}

/** Refuses an empty or oversized message; used for composed and resent messages alike. */
export function checkFrames(frames: Buffer[]): Buffer[] {
  if (frames.length === 0) throw new ComposeError('The message has no frames; write at least one (an empty line is an empty frame).');
  if (frames.length > MAX_COMPOSED_FRAMES) throw new ComposeError(`The message has ${frames.length} frames; at most ${MAX_COMPOSED_FRAMES} can be sent from here.`);
  const total = frames.reduce((sum, frame) => sum + frame.length, 0);
  if (total > MAX_COMPOSED_BYTES) throw new ComposeError(tooBig(total));
  return frames;
}
