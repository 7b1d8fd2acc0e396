// Previews for people: text when the bytes read as text, hex otherwise, and one-line previews of
// whole messages. Consumers call these lazily, so the decoder's hot path never decodes payloads.
import { hexOf } from './bytes';
import { incompleteUtf8Tail, printableText } from './text';

export function previewBytes(bytes: Uint8Array, maxBytes: number): { text: string } | { hex: string } {
  if (!Number.isInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`previewBytes: maxBytes must be a whole number of bytes >= 0, got ${String(maxBytes)}`);
  }
  const shown = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const text = printableText(shown);
  if (text !== undefined) return { text };
  if (shown !== bytes) {
    // Cutting may have split a multi-byte character; the bytes before it may still be text.
    const tail = incompleteUtf8Tail(shown);
    const whole = tail > 0 ? printableText(shown.subarray(0, shown.length - tail)) : undefined;
    if (whole !== undefined) return { text: whole };
  }
  return { hex: hexOf(shown) };
}

/**
 * Replaces C0/C1 control characters and DEL by visible symbols (U+2400 block, "·" for C1), so a
 * preview on one line shows that they are there instead of acting on the layout.
 */
export function visibleText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return '\u00b7';
  });
}

/** One preview line for a byte string: text or "0x .." hex pairs, cut to `maxBytes` with an ellipsis. */
export function previewLine(bytes: Uint8Array, maxBytes: number, declaredSize = bytes.length): string {
  const preview = previewBytes(bytes, maxBytes);
  const cut = declaredSize > Math.min(bytes.length, maxBytes) ? '…' : '';
  return 'text' in preview ? visibleText(preview.text) + cut : `0x ${preview.hex.replace(/(..)(?!$)/g, '$1 ')}${cut}`;
}

/** One frame's part of a message preview: ∅ for an empty frame, else its first `count` bytes (marked when cut). */
export function framePart(body: Uint8Array, count: number, size: number): string {
  return size === 0 ? '∅' : previewLine(body, count, size);
}

/**
 * "∅ · Hello": the frames of a message within `maxBytes`, each counted as one byte more than its
 * body, so a message of many empty frames still has a short preview.
 */
export function framesPreview(frames: readonly { body: Uint8Array; size: number }[], maxBytes: number): string {
  const parts: string[] = [];
  let room = maxBytes;
  for (let i = 0; i < frames.length && room > 1; i++) {
    const count = Math.min(frames[i].body.length, room - 1);
    parts.push(framePart(frames[i].body, count, frames[i].size));
    room -= 1 + count;
  }
  return parts.join(' · ');
}
