// One-line previews of captured bytes for the row summaries and details. The line-making itself
// lives with the decoder's previewBytes (extension/zmtp/preview.ts), so the sniffer's step mode
// previews held messages the same way the message list does.
import { previewLine } from '../zmtp/preview';

export { previewLine, visibleText } from '../zmtp/preview';

/** Text for a byte string that should be a name or a value (identity, metadata): printable text or hex. */
export function textOrHex(bytes: Uint8Array, maxBytes = 256): string {
  if (bytes.length === 0) return '(empty)';
  return previewLine(bytes, maxBytes);
}
