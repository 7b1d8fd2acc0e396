// Small helpers that keep the rules' messages consistent and readable.
import { previewBytes } from '../zmtp/preview';

/** Bytes as a person reads them: quoted text when printable, else 0x-hex; long values cut with "…". */
export function showBytes(bytes: Uint8Array, maxBytes = 40): string {
  const preview = previewBytes(bytes, maxBytes);
  const cut = bytes.length > maxBytes ? '…' : '';
  return 'text' in preview ? `"${preview.text}${cut}"` : `0x${preview.hex}${cut}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** "A", "A or B", "A, B or C". */
export function oneOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

export function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KiB`;
}

/** Hex of bytes, for cause keys (never shown). */
export function hexKey(bytes: Uint8Array, maxBytes = 64): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, maxBytes)).toString('hex');
}
