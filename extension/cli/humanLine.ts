// One aligned, readable line per event, rendered from the JSON form so both outputs say the same.
import { styleText } from 'node:util';
import type { JsonObject } from './jsonEvent';

type Style = Parameters<typeof styleText>[0];

export interface HumanFormatOptions {
  colour: boolean;
}

const kindWidth = 10;

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value && typeof value === 'object' && 'hex' in value) return `0x${String((value as { hex: string }).hex)}`;
  return String(value);
}

function frameText(frame: JsonObject): string {
  const body = 'text' in frame ? JSON.stringify(frame.text) : `0x${String(frame.hex)}`;
  return frame.truncated ? `${body}…` : body;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function commandDetail(event: JsonObject): string {
  const parts: string[] = [];
  if (event.metadata) for (const [name, value] of Object.entries(event.metadata as JsonObject)) parts.push(`${name}=${quote(value)}`);
  if ('topic' in event) parts.push(quote(event.topic));
  if ('topicHex' in event) parts.push(`0x${String(event.topicHex)}`);
  if (event.legacy) parts.push('(legacy data-frame form)');
  if (event.ttl !== undefined) parts.push(`ttl=${(Number(event.ttl) / 10).toFixed(1)}s`);
  if (event.context) parts.push(`context=0x${String(event.context)}`);
  if (event.reason !== undefined) parts.push(`reason=${quote(event.reason)}`);
  if (event.username !== undefined) parts.push(`username=${quote(event.username)} password=${quote(event.password)}`);
  if (event.curve) {
    const curve = event.curve as { nonce: string; boxSize: number };
    parts.push(`nonce=${curve.nonce} box=${curve.boxSize} B (encrypted)`);
  }
  if (event.problem) parts.push(`problem: ${String(event.problem)}`);
  return parts.join(' ');
}

function messageDetail(event: JsonObject): string {
  const frames = event.frames as JsonObject[];
  const curve = frames.some((frame) => frame.curve) ? ' (CURVE, encrypted)' : '';
  const count = frames.length === 1 ? '1 frame' : `${frames.length} frames`;
  return `${count}, ${formatBytes(Number(event.size))}${curve}: ${frames.map(frameText).join(' | ')}`;
}

function kindAndDetail(event: JsonObject): [string, string, Style] {
  switch (event.type) {
    case 'open':
      return ['open', `${String(event.peer)} -> ${String(event.listen)} -> ${String(event.target)}`, 'green'];
    case 'close': {
      const bytes = event.bytes as { c2s: number; s2c: number };
      const detail = event.detail ? ` (${String(event.detail)})` : '';
      return ['close', `${String(event.reason)}${detail}; c2s ${formatBytes(bytes.c2s)}, s2c ${formatBytes(bytes.s2c)}`, 'green'];
    }
    case 'greeting':
      return ['greeting', `ZMTP ${String(event.version)} ${String(event.mechanism)}${event.socketType ? ` ${String(event.socketType)}` : ''}${event.asServer ? ' as-server' : ''}`, 'blue'];
    case 'command':
      return [String(event.name), commandDetail(event), 'yellow'];
    case 'message':
      return ['message', messageDetail(event), 'reset'];
    case 'error':
      return ['error', event.offset !== undefined ? `at byte ${String(event.offset)}: ${String(event.reason)}` : String(event.reason), 'red'];
    case 'log':
      return ['log', String(event.text), 'gray'];
    case 'backpressure':
      return ['pressure', `the relay holds ${formatBytes(Number(event.bufferedBytes))} for this direction's reader`, 'yellow'];
    default:
      return [String(event.type), '', 'reset'];
  }
}

export function humanLine(event: JsonObject, options: HumanFormatOptions): string {
  const paint = (style: Style, text: string) => (options.colour ? styleText(style, text) : text);
  const time = typeof event.time === 'string' ? event.time.slice(11, 23) : '';
  const conn = event.conn !== undefined ? `#${String(event.conn)}` : '';
  const dir = typeof event.dir === 'string' ? event.dir : '';
  const sniffer = event.sniffer ? `${String(event.sniffer)} ` : '';
  const [kind, detail, style] = kindAndDetail(event);
  const dirText = dir === 'c2s' ? paint('cyan', 'c2s') : dir === 's2c' ? paint('magenta', 's2c') : '   ';
  return `${paint('gray', time.padEnd(12))}  ${(sniffer + conn).padEnd(12)} ${dirText}  ${paint(style, kind.padEnd(kindWidth))} ${detail}`;
}
