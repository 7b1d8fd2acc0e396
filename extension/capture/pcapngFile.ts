// pcapng files (dumpcap, Wireshark, tcpdump --pcapng): sections of blocks. Read: section headers
// (byte order), interface descriptions (link type, timestamp resolution and offset), enhanced,
// simple and obsolete packet blocks. Every other block type is skipped, as the format intends.
import { atByte, CaptureFileError, firstBytesHex } from './errors';
import { MAX_PACKET_BYTES, type PacketListener } from './pcapFile';
import { UnitStream } from './unitStream';

export const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_INTERFACE = 1;
const BLOCK_OBSOLETE_PACKET = 2;
const BLOCK_SIMPLE_PACKET = 3;
const BLOCK_ENHANCED_PACKET = 6;
const OPTION_END = 0;
const OPTION_TS_RESOLUTION = 9;
const OPTION_TS_OFFSET = 14;
/** Block header and trailer: type, length ... length. */
const BLOCK_OVERHEAD = 12;
const MAX_BLOCK_BYTES = MAX_PACKET_BYTES + 64 * 1024;

interface Interface {
  linkType: number;
  snapLength: number;
  msPerTick: number;
  offsetMs: number;
}

export function isPcapngMagic(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === PCAPNG_SECTION_HEADER;
}

export class PcapngParser extends UnitStream {
  private littleEndian = true;
  private interfaces: Interface[] = [];
  private blocks = 0;
  private packets = 0;

  constructor(private readonly onPacket: PacketListener) {
    super();
  }

  protected nextUnitLabel(): string {
    return `block ${this.blocks + 1}`;
  }

  protected readSoFar(): string {
    return `the ${this.packets} packets before it`;
  }

  protected unitLength(buf: Buffer, pos: number, available: number): number {
    const sectionStart = available >= 4 && buf.readUInt32BE(pos) === PCAPNG_SECTION_HEADER;
    if (this.blocks === 0 && available >= 4 && !sectionStart) throw new CaptureFileError(`not a pcapng file: it starts with ${firstBytesHex(buf.subarray(pos))} instead of a section header block (0a 0d 0d 0a)`);
    if (available < (sectionStart ? BLOCK_OVERHEAD : 8)) return sectionStart ? BLOCK_OVERHEAD : 8;
    if (sectionStart) {
      // A section's byte order is only known from the magic that follows its length.
      const magic = buf.readUInt32LE(pos + 8);
      if (magic !== BYTE_ORDER_MAGIC && buf.readUInt32BE(pos + 8) !== BYTE_ORDER_MAGIC) {
        throw new CaptureFileError(`section header at ${atByte(this.offset)} has no byte-order magic (1a 2b 3c 4d): the file is damaged or not pcapng`);
      }
      this.littleEndian = magic === BYTE_ORDER_MAGIC;
    }
    const length = this.u32(buf, pos + 4);
    if (length < BLOCK_OVERHEAD || length % 4 !== 0 || length > MAX_BLOCK_BYTES) {
      throw new CaptureFileError(
        `${this.nextUnitLabel()} at ${atByte(this.offset)} declares a length of ${length.toLocaleString('en-US')} bytes; a pcapng block is a multiple of 4, at least 12 and here at most ${MAX_BLOCK_BYTES / 1024 / 1024} MiB: the file is damaged from here on (${this.readSoFar()} were read)`,
      );
    }
    return length;
  }

  protected unit(buf: Buffer, pos: number, length: number): void {
    const type = this.u32(buf, pos);
    const trailing = this.u32(buf, pos + length - 4);
    if (trailing !== length) {
      throw new CaptureFileError(`${this.nextUnitLabel()} at ${atByte(this.offset)} ends with length ${trailing} but starts with ${length}: the file is damaged (${this.readSoFar()} were read)`);
    }
    this.blocks++;
    const body = pos + 8;
    const bodyEnd = pos + length - 4;
    switch (type) {
      case PCAPNG_SECTION_HEADER:
        this.interfaces = [];
        break;
      case BLOCK_INTERFACE:
        this.interfaceBlock(buf, body, bodyEnd);
        break;
      case BLOCK_ENHANCED_PACKET:
        this.packetBlock(buf, this.u32(buf, body), body + 4, body + 20, bodyEnd);
        break;
      case BLOCK_OBSOLETE_PACKET:
        this.packetBlock(buf, this.u16(buf, body), body + 4, body + 20, bodyEnd);
        break;
      case BLOCK_SIMPLE_PACKET:
        this.simplePacket(buf, body, bodyEnd);
        break;
    }
  }

  private interfaceBlock(buf: Buffer, body: number, bodyEnd: number): void {
    if (bodyEnd - body < 8) throw this.damaged('interface description block is shorter than its 8 fixed bytes');
    const description: Interface = { linkType: this.u16(buf, body), snapLength: this.u32(buf, body + 4), msPerTick: 1e-3, offsetMs: 0 };
    for (let at = body + 8; at + 4 <= bodyEnd; ) {
      const code = this.u16(buf, at);
      const size = this.u16(buf, at + 2);
      const value = at + 4;
      if (code === OPTION_END || value + size > bodyEnd) break;
      if (code === OPTION_TS_RESOLUTION && size >= 1) {
        const resolution = buf[value];
        const exponent = resolution & 0x7f;
        description.msPerTick = 1000 * ((resolution & 0x80) !== 0 ? 2 ** -exponent : 10 ** -exponent);
      } else if (code === OPTION_TS_OFFSET && size >= 8) {
        description.offsetMs = Number(this.littleEndian ? buf.readBigInt64LE(value) : buf.readBigInt64BE(value)) * 1000;
      }
      at = value + ((size + 3) & ~3);
    }
    this.interfaces.push(description);
  }

  /** Enhanced and obsolete packet blocks: timestamp at `timeAt` (high, low), lengths, then data at `dataAt`. */
  private packetBlock(buf: Buffer, interfaceId: number, timeAt: number, dataAt: number, bodyEnd: number): void {
    if (dataAt > bodyEnd) throw this.damaged('packet block is shorter than its fixed fields');
    const description = this.interfaces[interfaceId];
    if (description === undefined) throw this.damaged(`packet block names interface ${interfaceId}, but the section described ${this.interfaces.length} interface(s) before it`);
    const captured = this.u32(buf, dataAt - 8);
    const original = this.u32(buf, dataAt - 4);
    if (dataAt + captured > bodyEnd) throw this.damaged(`packet block says it holds ${captured} captured bytes, more than the block has room for`);
    const ticks = this.u32(buf, timeAt) * 0x1_0000_0000 + this.u32(buf, timeAt + 4);
    this.packets++;
    this.onPacket(description.linkType, ticks * description.msPerTick + description.offsetMs, buf.subarray(dataAt, dataAt + captured), Math.max(original, captured));
  }

  /** Simple packet blocks have no timestamp and belong to the section's first interface. */
  private simplePacket(buf: Buffer, body: number, bodyEnd: number): void {
    const description = this.interfaces[0];
    if (description === undefined) throw this.damaged('simple packet block comes before any interface description');
    const original = this.u32(buf, body);
    let captured = Math.min(original, bodyEnd - body - 4);
    if (description.snapLength > 0) captured = Math.min(captured, description.snapLength);
    this.packets++;
    this.onPacket(description.linkType, 0, buf.subarray(body + 4, body + 4 + captured), original);
  }

  private damaged(what: string): CaptureFileError {
    return new CaptureFileError(`block ${this.blocks} at ${atByte(this.offset)}: ${what}: the file is damaged (${this.readSoFar()} were read)`);
  }

  private u32(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }

  private u16(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  }
}
