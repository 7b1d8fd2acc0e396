// Synthesized Ethernet + IPv4/IPv6 + TCP packets for pcapng export, written in place into the
// output buffer, with correct IP and TCP checksums so tools show no errors.
import { isIPv4, isIPv6 } from 'node:net';

export interface PacketAddress {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  ip: Buffer;
  port: number;
}

export const ETHERNET_HEADER = 14;
const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
export const TCP_HEADER = 20;
export const IP_PROTOCOL_TCP = 6;
/** Payload per synthesized segment, below what a 16-bit IP length allows for either version. */
export const MAX_SEGMENT_PAYLOAD = 65000;

const CLIENT_MAC = Buffer.from('020000000001', 'hex');
const SERVER_MAC = Buffer.from('020000000002', 'hex');

/** The address bytes of an IP literal; undefined for anything else (host names). */
export function ipBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  let address = text.replace(/%.*$/, '');
  if (!isIPv6(address)) return undefined;
  const embedded = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (embedded) {
    const [a, b, c, d] = embedded.slice(1).map(Number);
    address = `${address.slice(0, embedded.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = address.split('::');
  const words = (part: string | undefined) => (part ? part.split(':') : []);
  const filler = right === undefined ? [] : Array<string>(8 - words(left).length - words(right).length).fill('0');
  const all = [...words(left), ...filler, ...words(right)];
  if (all.length !== 8) return undefined;
  const bytes = Buffer.alloc(16);
  all.forEach((word, index) => bytes.writeUInt16BE(parseInt(word, 16), index * 2));
  return bytes;
}

/** An IPv4 address as IPv6 (::ffff:a.b.c.d), for connections whose other side is IPv6. */
export function asIpv6(ip: Buffer): Buffer {
  if (ip.length === 16) return ip;
  return Buffer.concat([Buffer.from('00000000000000000000ffff', 'hex'), ip]);
}

/** Internet checksum (RFC 1071) partial sum over buf[start, end). */
function sum16(buf: Buffer, start: number, end: number, initial: number): number {
  let sum = initial;
  let at = start;
  for (; at + 1 < end; at += 2) sum += (buf[at] << 8) | buf[at + 1];
  if (at < end) sum += buf[at] << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export function packetLength(ipv6: boolean, payloadLength: number): number {
  return ETHERNET_HEADER + (ipv6 ? IPV6_HEADER : IPV4_HEADER) + TCP_HEADER + payloadLength;
}

export interface SegmentSpec {
  from: PacketAddress;
  to: PacketAddress;
  fromClient: boolean;
  seq: number;
  ack: number;
  flags: number;
  ipId: number;
  payload: Uint8Array;
}

/** Writes one Ethernet frame carrying the TCP segment at out[pos]; returns its length. */
export function writeSegment(out: Buffer, pos: number, spec: SegmentSpec): number {
  const ipv6 = spec.from.ip.length === 16;
  const [sourceMac, destinationMac] = spec.fromClient ? [CLIENT_MAC, SERVER_MAC] : [SERVER_MAC, CLIENT_MAC];
  destinationMac.copy(out, pos);
  sourceMac.copy(out, pos + 6);
  out.writeUInt16BE(ipv6 ? 0x86dd : 0x0800, pos + 12);
  const ip = pos + ETHERNET_HEADER;
  const tcpLength = TCP_HEADER + spec.payload.length;
  let tcp: number;
  let pseudo: number;
  if (ipv6) {
    out.writeUInt32BE(0x6000_0000, ip);
    out.writeUInt16BE(tcpLength, ip + 4);
    out[ip + 6] = IP_PROTOCOL_TCP;
    out[ip + 7] = 64;
    spec.from.ip.copy(out, ip + 8);
    spec.to.ip.copy(out, ip + 24);
    tcp = ip + IPV6_HEADER;
    pseudo = sum16(out, ip + 8, ip + 40, tcpLength + IP_PROTOCOL_TCP);
  } else {
    out[ip] = 0x45;
    out[ip + 1] = 0;
    out.writeUInt16BE(IPV4_HEADER + tcpLength, ip + 2);
    out.writeUInt16BE(spec.ipId & 0xffff, ip + 4);
    out.writeUInt16BE(0x4000, ip + 6); // don't fragment
    out[ip + 8] = 64;
    out[ip + 9] = IP_PROTOCOL_TCP;
    out.writeUInt16BE(0, ip + 10);
    spec.from.ip.copy(out, ip + 12);
    spec.to.ip.copy(out, ip + 16);
    out.writeUInt16BE(fold(sum16(out, ip, ip + IPV4_HEADER, 0)), ip + 10);
    tcp = ip + IPV4_HEADER;
    pseudo = sum16(out, ip + 12, ip + 20, tcpLength + IP_PROTOCOL_TCP);
  }
  out.writeUInt16BE(spec.from.port, tcp);
  out.writeUInt16BE(spec.to.port, tcp + 2);
  out.writeUInt32BE(spec.seq >>> 0, tcp + 4);
  out.writeUInt32BE(spec.ack >>> 0, tcp + 8);
  out[tcp + 12] = (TCP_HEADER / 4) << 4;
  out[tcp + 13] = spec.flags;
  out.writeUInt16BE(0xffff, tcp + 14); // window
  out.writeUInt32BE(0, tcp + 16); // checksum, urgent pointer
  out.set(spec.payload, tcp + TCP_HEADER);
  out.writeUInt16BE(fold(sum16(out, tcp, tcp + tcpLength, pseudo)), tcp + 16);
  return tcp + tcpLength - pos;
}
