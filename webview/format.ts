// Formatting of row fields for display.
import type { Direction } from '../extension/protocol';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Local time of day with milliseconds: 14:03:07.123 */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  if (perSecond <= 0) return '0/s';
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  if (perSecond < 10_000) return `${Math.round(perSecond)}/s`;
  return `${(perSecond / 1000).toFixed(0)}k/s`;
}

/** "01 M", "04 C", "06 CL": the flags byte in hex and its set bits (More, Long, Command). */
export function formatFlags(flags: number): string {
  if (flags < 0) return '';
  const bits = `${flags & 4 ? 'C' : ''}${flags & 2 ? 'L' : ''}${flags & 1 ? 'M' : ''}`;
  return `${flags.toString(16).padStart(2, '0')}${bits ? ` ${bits}` : ''}`;
}

export function describeFlags(flags: number): string {
  if (flags < 0) return 'no flags';
  const names = [flags & 4 ? 'command' : 'data', flags & 2 ? 'long size' : 'short size', flags & 1 ? 'more frames follow' : 'last frame'];
  return `flags 0x${flags.toString(16).padStart(2, '0')}: ${names.join(', ')}`;
}

export function directionArrow(dir: Direction | undefined): string {
  return dir === 'c2s' ? '→' : dir === 's2c' ? '←' : '·';
}

export function directionWords(dir: Direction | undefined): string {
  return dir === 'c2s' ? 'connecting peer to bound socket' : dir === 's2c' ? 'bound socket to connecting peer' : 'no direction';
}
