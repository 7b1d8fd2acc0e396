// Classic pcap files (tcpdump -w, libpcap): a 24-byte file header, then records of a 16-byte
// header and the captured bytes. Either byte order; microsecond, nanosecond and the old
// "modified pcap" (24-byte record headers) variants.
import { atByte, CaptureFileError, firstBytesHex } from './errors';
import { UnitStream } from './unitStream';

/** Called per captured packet: link type, time (ms since 1970), captured bytes, length on the wire. */
export type PacketListener = (linkType: number, time: number, data: Buffer, originalLength: number) => void;

/** Larger records than this are taken as damage, not packets (Wireshark's own limits are lower). */
export const MAX_PACKET_BYTES = 16 * 1024 * 1024;

const FILE_HEADER = 24;
const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const MAGIC_MODIFIED = 0xa1b2cd34;

/** True when the first four bytes are a pcap magic number, in either byte order. */
export function isPcapMagic(head: Buffer): boolean {
  if (head.length < 4) return false;
  return [head.readUInt32BE(0), head.readUInt32LE(0)].some((magic) => magic === MAGIC_MICRO || magic === MAGIC_NANO || magic === MAGIC_MODIFIED);
}

export class PcapParser extends UnitStream {
  private started = false;
  private littleEndian = true;
  private recordHeader = 16;
  private ticksPerMs = 1000;
  private linkType = 0;

  constructor(private readonly onPacket: PacketListener) {
    super();
  }

  private packets = 0;

  protected nextUnitLabel(): string {
    return this.started ? `packet record ${this.packets + 1}` : 'the 24-byte file header';
  }

  protected readSoFar(): string {
    return `the ${this.packets} packets before it`;
  }

  protected unitLength(buf: Buffer, pos: number, available: number): number {
    if (!this.started) return FILE_HEADER;
    if (available < this.recordHeader) return this.recordHeader;
    const captured = this.littleEndian ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
    if (captured > MAX_PACKET_BYTES) {
      throw new CaptureFileError(
        `${this.nextUnitLabel()} at ${atByte(this.offset)} says it holds ${captured.toLocaleString('en-US')} captured bytes, more than the ${MAX_PACKET_BYTES / 1024 / 1024} MiB a packet can have: the file is damaged from here on (${this.readSoFar()} were read)`,
      );
    }
    return this.recordHeader + captured;
  }

  protected unit(buf: Buffer, pos: number, length: number): void {
    if (!this.started) return this.fileHeader(buf, pos);
    const le = this.littleEndian;
    const seconds = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
    const fraction = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
    const original = le ? buf.readUInt32LE(pos + 12) : buf.readUInt32BE(pos + 12);
    const dataAt = pos + this.recordHeader;
    this.packets++;
    this.onPacket(this.linkType, seconds * 1000 + fraction / this.ticksPerMs, buf.subarray(dataAt, pos + length), Math.max(original, length - this.recordHeader));
  }

  private fileHeader(buf: Buffer, pos: number): void {
    const big = buf.readUInt32BE(pos);
    const little = buf.readUInt32LE(pos);
    const magic = [MAGIC_MICRO, MAGIC_NANO, MAGIC_MODIFIED].find((known) => known === big || known === little);
    if (magic === undefined) throw new CaptureFileError(`not a pcap file: it starts with ${firstBytesHex(buf.subarray(pos))} instead of the pcap magic number a1 b2 c3 d4`);
    this.littleEndian = magic === little;
    this.ticksPerMs = magic === MAGIC_NANO ? 1e6 : 1000;
    this.recordHeader = magic === MAGIC_MODIFIED ? 24 : 16;
    const major = this.littleEndian ? buf.readUInt16LE(pos + 4) : buf.readUInt16BE(pos + 4);
    if (major !== 2) throw new CaptureFileError(`pcap file version ${major} is not supported (only 2.x exists in practice): the file header is damaged`);
    // The upper bits carry FCS information (pcap spec); the link type is the lower 16.
    this.linkType = (this.littleEndian ? buf.readUInt32LE(pos + 20) : buf.readUInt32BE(pos + 20)) & 0xffff;
    this.started = true;
  }
}
