// Byte helpers shared by the decoder: views without copies, big-endian integers, hex.

export const EMPTY_BYTES = new Uint8Array(0);

/**
 * A view on `buf[start, end)` that shares its memory. A plain Uint8Array is used rather than
 * Buffer#subarray because it is several times cheaper to create, and it is on the per-frame path.
 */
export function view(buf: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, end - start);
}

/** The same memory as a Buffer, so Buffer methods (readUInt32BE, toString) can be used on it. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const TWO_POW_32 = 0x1_0000_0000;

/** u32 big-endian; works on any Uint8Array without wrapping it in a Buffer. */
export function readU32(bytes: Uint8Array, pos: number): number {
  return bytes[pos] * 0x100_0000 + ((bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]);
}

/** u64 big-endian as a number; exact up to 2^53 - 1, approximate above (such sizes are malformed anyway). */
export function readU64(bytes: Uint8Array, pos: number): number {
  return readU32(bytes, pos) * TWO_POW_32 + readU32(bytes, pos + 4);
}

/** u64 big-endian as an exact decimal string. */
export function u64Decimal(bytes: Uint8Array, pos: number): string {
  const high = readU32(bytes, pos);
  const low = readU32(bytes, pos + 4);
  // Below 2^21 in the high word the value fits a double exactly, which avoids a BigInt per CURVE frame.
  if (high < 0x20_0000) return String(high * TWO_POW_32 + low);
  return ((BigInt(high) << 32n) | BigInt(low)).toString();
}

export function hexOf(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}

/** Bytes as ASCII with anything outside printable ASCII escaped as \xNN, for names that should be ASCII. */
export function asciiOrEscaped(bytes: Uint8Array): string {
  const text = asBuffer(bytes).toString('latin1');
  return text.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
