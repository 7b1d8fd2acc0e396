// Synthesized captures for reader tests: TCP conversations as Ethernet frames, re-framed for every
// link type, written as pcap (either byte order, micro or nanoseconds) or pcapng (written here, not
// with the product's writer, so the reader is checked against an independent encoding).
import { writeSegment } from '../../extension/capture/packetBuilder';
import { ipBytes } from '../../extension/capture/packetBuilder';
import { readCapture } from '../../extension/capture/readCapture';
import type { SnifferEvent } from '../../extension/sniffer/types';
import type { Direction, ZmtpEvent } from '../../extension/zmtp/types';
import { command, greeting3, message, metadata } from '../zmtp/streams';

export interface Packet {
  time: number;
  frame: Buffer;
}

const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;
const RST = 0x04;
const PSH = 0x08;

export interface Segment {
  dir: Direction;
  seq: number;
  ack: number;
  flags: number;
  payload: Buffer;
}

/** A TCP conversation as segments with true sequence numbers; reorder, repeat or drop them, then frame. */
export class Conversation {
  readonly segments: Segment[] = [];
  private readonly next: Record<Direction, number>;

  constructor(
    readonly client = { ip: '10.0.0.1', port: 40000 },
    readonly server = { ip: '10.0.0.2', port: 5555 },
    isn: Record<Direction, number> = { c2s: 1000, s2c: 0xfffff000 },
  ) {
    this.next = { ...isn };
  }

  handshake(): this {
    this.push('c2s', SYN, Buffer.alloc(0));
    this.push('s2c', SYN | ACK, Buffer.alloc(0));
    this.push('c2s', ACK, Buffer.alloc(0));
    return this;
  }

  /** Sends `bytes` in segments of at most `mss`. */
  send(dir: Direction, bytes: Buffer, mss = 1460): this {
    for (let at = 0; at < bytes.length; at += mss) this.push(dir, PSH | ACK, bytes.subarray(at, at + mss));
    return this;
  }

  fin(dir: Direction): this {
    return this.push(dir, FIN | ACK, Buffer.alloc(0));
  }

  rst(dir: Direction): this {
    return this.push(dir, RST | ACK, Buffer.alloc(0));
  }

  private push(dir: Direction, flags: number, payload: Buffer): this {
    const ack = (flags & ACK) !== 0 ? this.next[dir === 'c2s' ? 's2c' : 'c2s'] : 0;
    this.segments.push({ dir, seq: this.next[dir], ack, flags, payload });
    this.next[dir] = (this.next[dir] + payload.length + ((flags & (SYN | FIN)) !== 0 ? 1 : 0)) % 0x1_0000_0000;
    return this;
  }

  /** Ethernet frames of `segments` (default: all, in order), 1 ms apart from `start`. */
  packets(segments: Segment[] = this.segments, start = 1_700_000_000_000): Packet[] {
    const address = (end: { ip: string; port: number }) => ({ ip: ipBytes(end.ip) as Buffer, port: end.port });
    return segments.map((segment, index) => {
      const frame = Buffer.alloc(100 + segment.payload.length);
      const fromClient = segment.dir === 'c2s';
      const length = writeSegment(frame, 0, {
        from: address(fromClient ? this.client : this.server), to: address(fromClient ? this.server : this.client), fromClient,
        seq: segment.seq, ack: segment.ack, flags: segment.flags, ipId: index, payload: segment.payload,
      });
      return { time: start + index, frame: frame.subarray(0, length) };
    });
  }
}

/** The conversation a libzmq REQ and REP have: greetings, READYs, then `count` request/reply pairs. */
export function reqRepStreams(count: number): Record<Direction, Buffer> {
  const c2s = [greeting3(), command('READY', metadata([['Socket-Type', 'REQ'], ['Identity', '']]))];
  const s2c = [greeting3(), command('READY', metadata([['Socket-Type', 'REP']]))];
  for (let i = 0; i < count; i++) {
    c2s.push(message('', `request ${i} ${'x'.repeat(i * 97)}`));
    s2c.push(message('', `reply ${i}`));
  }
  return { c2s: Buffer.concat(c2s), s2c: Buffer.concat(s2c) };
}

export function reqRepConversation(count: number, mss = 1460): Conversation {
  const streams = reqRepStreams(count);
  return new Conversation().handshake().send('c2s', streams.c2s, mss).send('s2c', streams.s2c, mss).fin('c2s').fin('s2c');
}

// ---- link types

const ETHERTYPE_IPV6 = 0x86dd;

export type LinkType = 'ethernet' | 'vlan' | 'sll' | 'sll2' | 'null' | 'loop' | 'raw' | 'ipv4' | 'ipv6';

export const LINK_TYPE_NUMBERS: Record<LinkType, number> = { ethernet: 1, vlan: 1, sll: 113, sll2: 276, null: 0, loop: 108, raw: 101, ipv4: 228, ipv6: 229 };

/** Re-frames an Ethernet frame for another link type. */
export function reframe(frame: Buffer, link: LinkType): Buffer {
  const etherType = frame.readUInt16BE(12);
  const ip = frame.subarray(14);
  const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
  switch (link) {
    case 'ethernet':
      return frame;
    case 'vlan':
      return Buffer.concat([frame.subarray(0, 12), Buffer.from([0x81, 0x00, 0x00, 0x64]), frame.subarray(12)]);
    case 'sll':
      return Buffer.concat([u16(0), u16(772), u16(6), frame.subarray(6, 12), Buffer.alloc(2), u16(etherType), ip]);
    case 'sll2':
      return Buffer.concat([u16(etherType), u16(0), Buffer.from([0, 0, 0, 1]), u16(772), Buffer.from([0, 6]), frame.subarray(6, 12), Buffer.alloc(2), ip]);
    case 'null': {
      const family = Buffer.alloc(4);
      family.writeUInt32LE(etherType === ETHERTYPE_IPV6 ? 30 : 2);
      return Buffer.concat([family, ip]);
    }
    case 'loop': {
      const family = Buffer.alloc(4);
      family.writeUInt32BE(etherType === ETHERTYPE_IPV6 ? 24 : 2);
      return Buffer.concat([family, ip]);
    }
    default:
      return ip;
  }
}

// ---- file writers (independent of the product's writer)

export interface PcapOptions {
  linkType?: number;
  bigEndian?: boolean;
  nanoseconds?: boolean;
  /** Cut each packet to this many bytes (snap length). */
  snapLength?: number;
}

/** Fixed-size unsigned integers as Buffers in one byte order. */
function integers(littleEndian: boolean): { u16(value: number): Buffer; u32(value: number): Buffer } {
  const make = (size: 2 | 4) => (value: number) => {
    const bytes = Buffer.alloc(size);
    if (littleEndian) bytes.writeUIntLE(value >>> 0, 0, size);
    else bytes.writeUIntBE(value >>> 0, 0, size);
    return bytes;
  };
  return { u16: make(2), u32: make(4) };
}

export function pcapFile(packets: Packet[], options: PcapOptions = {}): Buffer {
  const { u16, u32 } = integers(!options.bigEndian);
  const parts: Buffer[] = [u32(options.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4), u16(2), u16(4), u32(0), u32(0), u32(options.snapLength ?? 262144), u32(options.linkType ?? 1)];
  for (const { time, frame } of packets) {
    const captured = frame.subarray(0, options.snapLength ?? frame.length);
    const seconds = Math.floor(time / 1000);
    const fraction = Math.round((time - seconds * 1000) * (options.nanoseconds ? 1e6 : 1e3));
    parts.push(u32(seconds), u32(fraction), u32(captured.length), u32(frame.length), captured);
  }
  return Buffer.concat(parts);
}

export interface PcapngOptions {
  linkType?: number;
  bigEndian?: boolean;
  /** if_tsresol option byte (default: none, i.e. microseconds). */
  tsresol?: number;
  /** Extra (unknown) blocks to put before every packet, to check they are skipped. */
  noise?: boolean;
  simplePackets?: boolean;
}

export function pcapngFile(packets: Packet[], options: PcapngOptions = {}): Buffer {
  const { u16, u32 } = integers(!options.bigEndian);
  const block = (type: number, body: Buffer) => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    return Buffer.concat([u32(type), u32(padded.length + 12), padded, u32(padded.length + 12)]);
  };
  const fields = (...values: [number, 2 | 4][]) => Buffer.concat(values.map(([value, size]) => (size === 2 ? u16(value) : u32(value))));
  const section = block(0x0a0d0d0a, Buffer.concat([fields([0x1a2b3c4d, 4], [1, 2], [0, 2]), Buffer.alloc(8, 0xff)]));
  const options_ = options.tsresol === undefined ? Buffer.alloc(0) : Buffer.concat([fields([9, 2], [1, 2]), Buffer.from([options.tsresol, 0, 0, 0]), fields([0, 2], [0, 2])]);
  const iface = block(1, Buffer.concat([fields([options.linkType ?? 1, 2], [0, 2], [0, 4]), options_]));
  const ticksPerMs = options.tsresol === undefined ? 1000 : (options.tsresol & 0x80) !== 0 ? 2 ** (options.tsresol & 0x7f) / 1000 : 10 ** options.tsresol / 1000;
  const parts = [section, iface];
  for (const { time, frame } of packets) {
    if (options.noise) parts.push(block(0x00000bad, Buffer.from('custom block to skip')));
    if (options.simplePackets) {
      parts.push(block(3, Buffer.concat([fields([frame.length, 4]), frame])));
      continue;
    }
    const ticks = BigInt(Math.round(time * ticksPerMs));
    parts.push(block(6, Buffer.concat([fields([0, 4], [Number(ticks >> 32n), 4], [Number(ticks & 0xffffffffn), 4], [frame.length, 4], [frame.length, 4]), frame])));
  }
  return Buffer.concat(parts);
}

// ---- reading and comparing

/** JSON of a decoder event with bytes as hex, for deep comparison. */
export function eventText(event: ZmtpEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex') : value));
}

export interface ReadBack {
  events: SnifferEvent[];
  warnings: string[];
  /** Per connection id, per direction: decoder events as text. */
  zmtp: Map<number, Record<Direction, string[]>>;
  /** Message frames as latin1 text joined by |, per connection id and direction. */
  messages: Map<number, Record<Direction, string[]>>;
}

export async function readBack(path: string, zmtpPorts?: number[]): Promise<ReadBack> {
  const events: SnifferEvent[] = [];
  const warnings: string[] = [];
  await readCapture(path, { onEvent: (event) => events.push(event), onWarning: (warning) => warnings.push(warning), zmtpPorts });
  return { events, warnings, ...byConnection(events) };
}

export function byConnection(events: SnifferEvent[]): Pick<ReadBack, 'zmtp' | 'messages'> {
  const zmtp = new Map<number, Record<Direction, string[]>>();
  const messages = new Map<number, Record<Direction, string[]>>();
  for (const event of events) {
    if (event.type !== 'zmtp') continue;
    if (!zmtp.has(event.conn)) {
      zmtp.set(event.conn, { c2s: [], s2c: [] });
      messages.set(event.conn, { c2s: [], s2c: [] });
    }
    zmtp.get(event.conn)![event.dir].push(eventText(event.event));
    if (event.event.kind === 'message') messages.get(event.conn)![event.dir].push(event.event.frames.map((frame) => Buffer.from(frame.body).toString('latin1')).join('|'));
  }
  return { zmtp, messages };
}

/** The messages of reqRepStreams(count), as readBack lists them. */
export function reqRepMessages(count: number): Record<Direction, string[]> {
  return {
    c2s: Array.from({ length: count }, (_, i) => `|request ${i} ${'x'.repeat(i * 97)}`),
    s2c: Array.from({ length: count }, (_, i) => `|reply ${i}`),
  };
}
