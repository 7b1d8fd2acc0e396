// Text renderings of payload bytes for the details pane: text, hex dump, pretty JSON. All return
// strings that are shown with textContent, and all are bounded in length.
import { hexByte } from '../extension/inspector/hex';

export const TEXT_LIMIT = 256 * 1024;
export const HEX_LIMIT = 64 * 1024;
const JSON_LIMIT = 256 * 1024;

const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The bytes as UTF-8 text (invalid sequences become U+FFFD), keeping line breaks and tabs but
 * showing every other control character as a visible symbol.
 */
export function asText(bytes: Uint8Array): { text: string; cut: boolean } {
  const cut = bytes.length > TEXT_LIMIT;
  const decoded = lenientUtf8.decode(cut ? bytes.subarray(0, TEXT_LIMIT) : bytes);
  // eslint-disable-next-line no-control-regex
  const text = decoded.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\u00b7';
  });
  return { text, cut };
}

/** "00000000  48 65 6c 6c 6f 00 …  |Hello.…|", 16 bytes a line. */
export function asHexDump(bytes: Uint8Array): { text: string; cut: boolean } {
  const cut = bytes.length > HEX_LIMIT;
  const shown = cut ? bytes.subarray(0, HEX_LIMIT) : bytes;
  const lines: string[] = [];
  for (let offset = 0; offset < shown.length; offset += 16) {
    const line = shown.subarray(offset, offset + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' ';
      if (i < line.length) {
        hex += `${hexByte(line[i])} `;
        ascii += line[i] >= 0x20 && line[i] < 0x7f ? String.fromCharCode(line[i]) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return { text: lines.join('\n'), cut };
}

/** Pretty JSON when the bytes parse as JSON, else why not. */
export function asJson(bytes: Uint8Array): { json?: string; reason?: string } {
  if (bytes.length > JSON_LIMIT) return { reason: `The payload is larger than ${JSON_LIMIT / 1024} KiB; it is not parsed as JSON.` };
  const text = lenientUtf8.decode(bytes).trim();
  if (!/^[[{"\-0-9tfn]/.test(text)) return { reason: 'Not JSON (it does not start like a JSON value).' };
  try {
    return { json: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (error) {
    return { reason: `Not JSON: ${(error as Error).message}` };
  }
}
