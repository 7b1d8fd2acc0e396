// One-line previews of captured bytes for the row summaries and details: the decoder's
// previewBytes decides text or hex; this makes the result safe and readable on one line.
import { previewBytes } from '../zmtp/preview';

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

/** Text for a byte string that should be a name or a value (identity, metadata): printable text or hex. */
export function textOrHex(bytes: Uint8Array, maxBytes = 256): string {
  if (bytes.length === 0) return '(empty)';
  return previewLine(bytes, maxBytes);
}
