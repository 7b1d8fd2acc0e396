// Short printable previews of captured bytes, and hex helpers, shared by the row summaries and
// the details. Pure functions without Node APIs: the webview bundles this file as well.

export type Preview = { text: string } | { hex: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes that may end a cut in the middle of a UTF-8 sequence: drop them so a cut preview still decodes. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  const end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back];
    if ((byte & 0xc0) !== 0x80) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return need > back ? bytes.subarray(0, end - back) : bytes;
    }
  }
  return bytes;
}

/** Control characters other than tab/newline/return make bytes count as binary when they are frequent. */
function looksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) controls++;
  }
  return controls * 4 > text.length;
}

/**
 * The first `maxBytes` of `bytes` as text when they are UTF-8 and mostly printable, else as hex pairs.
 * The result is raw: pass text through `visibleText` before showing it on one line.
 */
export function previewBytes(bytes: Uint8Array, maxBytes: number): Preview {
  const head = bytes.length > maxBytes ? trimPartialUtf8(bytes.subarray(0, maxBytes)) : bytes;
  try {
    const text = strictUtf8.decode(head);
    if (!looksBinary(text)) return { text };
  } catch {
    // Not UTF-8: fall through to hex.
  }
  return { hex: hexPairs(bytes.subarray(0, maxBytes)) };
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** "de ad be ef" */
export function hexPairs(bytes: Uint8Array, separator = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i ? separator : '') + HEX[bytes[i]];
  return out;
}

export function hexByte(byte: number): string {
  return HEX[byte & 0xff];
}

/**
 * Replaces C0/C1 control characters and DEL by visible symbols (U+2400 block, "·" for C1),
 * so a preview on one line shows that they are there instead of acting on the layout.
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

/** One preview line for a byte string: quoted text or hex, cut to `maxBytes` with an ellipsis. */
export function previewLine(bytes: Uint8Array, maxBytes: number, declaredSize = bytes.length): string {
  const preview = previewBytes(bytes, maxBytes);
  const cut = declaredSize > Math.min(bytes.length, maxBytes) ? '…' : '';
  return 'text' in preview ? visibleText(preview.text) + cut : `0x ${preview.hex}${cut}`;
}

/** Text for a byte string that should be a name or a value (identity, metadata): printable text or hex. */
export function textOrHex(bytes: Uint8Array, maxBytes = 256): string {
  if (bytes.length === 0) return '(empty)';
  return previewLine(bytes, maxBytes);
}
