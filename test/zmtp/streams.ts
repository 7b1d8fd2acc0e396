// Builders for ZMTP byte streams in tests and benchmarks, written from the grammar (RFC 23/37) so
// expectations do not depend on the decoder under test.

export function hex(text: string): Buffer {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`hex(): not an even run of hex digits: ${text}`);
  return Buffer.from(digits, 'hex');
}

export interface GreetingOptions {
  mechanism?: string;
  minor?: number;
  asServer?: boolean;
  /** libzmq puts (routing-id length + 1) big-endian in the padding. */
  routingIdLength?: number;
}

/** A 64-byte ZMTP 3.x greeting. */
export function greeting3(options: GreetingOptions = {}): Buffer {
  const bytes = Buffer.alloc(64);
  bytes[0] = 0xff;
  bytes.writeBigUInt64BE(BigInt((options.routingIdLength ?? 0) + 1), 1);
  bytes[9] = 0x7f;
  bytes[10] = 3;
  bytes[11] = options.minor ?? 1;
  bytes.write(options.mechanism ?? 'NULL', 12, 'latin1');
  bytes[32] = options.asServer ? 1 : 0;
  return bytes;
}

export const FLAGS_MORE = 0x01;
export const FLAGS_LONG = 0x02;
export const FLAGS_COMMAND = 0x04;

/** A ZMTP 2.0/3.x frame; long form when the body needs it or `forceLong`. */
export function frame(flags: number, body: Uint8Array, forceLong = false): Buffer {
  const long = forceLong || body.length > 255;
  const header = Buffer.alloc(long ? 9 : 2);
  header[0] = flags | (long ? FLAGS_LONG : 0);
  if (long) header.writeBigUInt64BE(BigInt(body.length), 1);
  else header[1] = body.length;
  return Buffer.concat([header, body]);
}

/** A ZMTP 1.0 frame: length (counting the flags byte), flags, body. */
export function frame10(flags: number, body: Uint8Array): Buffer {
  const length = body.length + 1;
  if (length < 255) return Buffer.concat([Buffer.from([length, flags]), body]);
  const header = Buffer.alloc(10);
  header[0] = 0xff;
  header.writeBigUInt64BE(BigInt(length), 1);
  header[9] = flags;
  return Buffer.concat([header, body]);
}

export function commandBody(name: string, data: Uint8Array = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1'), data]);
}

export function command(name: string, data: Uint8Array = Buffer.alloc(0)): Buffer {
  return frame(FLAGS_COMMAND, commandBody(name, data));
}

export function metadata(properties: [string, string | Uint8Array][]): Buffer {
  return Buffer.concat(
    properties.map(([name, value]) => {
      const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1'), length, bytes]);
    }),
  );
}

/** A message of text or byte frames, MORE on all but the last. */
export function message(...parts: (string | Uint8Array)[]): Buffer {
  return Buffer.concat(parts.map((part, index) => frame(index < parts.length - 1 ? FLAGS_MORE : 0, typeof part === 'string' ? Buffer.from(part) : part)));
}
