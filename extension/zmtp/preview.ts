// Previews for people: text when the bytes read as text, hex otherwise. Consumers call this
// lazily, so the decoder's hot path never decodes payloads.
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
