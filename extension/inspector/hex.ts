// Hex formatting without Node APIs, shared by the host (annotations, previews) and the webview.

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
