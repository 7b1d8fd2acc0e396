// From a captured packet to a TCP segment: link layer (Ethernet with VLAN tags, Linux cooked SLL
// and SLL2, BSD loopback/null, raw IP), IPv4 or IPv6 (extension headers skipped), TCP header.
// Every length is checked against the captured bytes: packets come from files of unknown origin.

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
/** DLT_RAW as some systems wrote it into pcap files (12 on most, 14 on OpenBSD). */
const LINKTYPE_RAW_ALIASES = [12, 14];

export const SUPPORTED_LINK_TYPES = 'Ethernet (1), Linux cooked SLL (113) and SLL2 (276), BSD loopback/null (0, 108), raw IP (101, 228, 229)';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
const PROTOCOL_TCP = 6;

/** Filled by decodeTcp for each TCP packet (one object reused: this runs per packet). */
export interface TcpSegment {
  /** The packet and where its source address lies; the address length says IPv4 (4) or IPv6 (16). */
  packet: Buffer;
  sourceAt: number;
  destinationAt: number;
  addressLength: 4 | 16;
  /** Compact keys for connection lookup: source address and port, then destination's (and reversed). */
  key: string;
  reverseKey: string;
  sourcePort: number;
  destinationPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** The captured part of the payload (a view on the packet). */
  payload: Buffer;
  /** The payload length on the wire: more than payload.length when the capture cut the packet. */
  payloadLength: number;
}

export type DecodeOutcome = 'tcp' | 'not-tcp' | 'fragment' | 'unsupported-link' | 'damaged';

export function newSegment(): TcpSegment {
  return { packet: Buffer.alloc(0), sourceAt: 0, destinationAt: 0, addressLength: 4, key: '', reverseKey: '', sourcePort: 0, destinationPort: 0, seq: 0, ack: 0, flags: 0, payload: Buffer.alloc(0), payloadLength: 0 };
}

/** The source or destination address as text (only needed when a connection is first seen). */
export function addressText(segment: TcpSegment, which: 'source' | 'destination'): string {
  const at = which === 'source' ? segment.sourceAt : segment.destinationAt;
  const bytes = segment.packet;
  return segment.addressLength === 4 ? `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}` : ipv6Text(bytes, at);
}

/** Address and port as a short string of 16-bit code units: cheap to build, exact as a map key. */
function endpointKey(bytes: Buffer, at: number, length: number, port: number): string {
  if (length === 4) return String.fromCharCode(bytes.readUInt16BE(at), bytes.readUInt16BE(at + 2), port);
  let key = '';
  for (let i = 0; i < 16; i += 2) key += String.fromCharCode(bytes.readUInt16BE(at + i));
  return key + String.fromCharCode(port);
}

/** Where the IP header starts and which version it is (0: not IP, -1: unsupported link type). */
function ipStart(linkType: number, data: Buffer): [offset: number, version: number] {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      let at = 12;
      while (at + 2 <= data.length && VLAN_TAGS.has(data.readUInt16BE(at))) at += 4;
      if (at + 2 > data.length) return [0, 0];
      return [at + 2, etherVersion(data.readUInt16BE(at))];
    }
    case LINKTYPE_LINUX_SLL:
      return data.length < 16 ? [0, 0] : [16, etherVersion(data.readUInt16BE(14))];
    case LINKTYPE_LINUX_SLL2:
      return data.length < 20 ? [0, 0] : [20, etherVersion(data.readUInt16BE(0))];
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (data.length < 4) return [0, 0];
      // DLT_NULL holds the family in the capturing host's byte order; DLT_LOOP in network order.
      const family = linkType === LINKTYPE_LOOP ? data.readUInt32BE(0) : data.readUInt32LE(0) > 0xffff ? data.readUInt32BE(0) : data.readUInt32LE(0);
      return [4, family === 2 ? 4 : [10, 24, 28, 30].includes(family) ? 6 : 0];
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return [0, data.length > 0 ? data[0] >> 4 : 0];
    default:
      if (LINKTYPE_RAW_ALIASES.includes(linkType)) return [0, data.length > 0 ? data[0] >> 4 : 0];
      return [0, -1];
  }
}

function etherVersion(etherType: number): number {
  return etherType === ETHERTYPE_IPV4 ? 4 : etherType === ETHERTYPE_IPV6 ? 6 : 0;
}

/** Decodes a captured packet into `segment` when it is TCP over IPv4/IPv6. */
export function decodeTcp(linkType: number, data: Buffer, segment: TcpSegment): DecodeOutcome {
  const [ip, version] = ipStart(linkType, data);
  if (version === -1) return 'unsupported-link';
  if (version === 4) return ipv4(data, ip, segment);
  if (version === 6) return ipv6(data, ip, segment);
  return 'not-tcp';
}

function ipv4(data: Buffer, at: number, segment: TcpSegment): DecodeOutcome {
  if (at + 20 > data.length) return 'damaged';
  const headerLength = (data[at] & 0x0f) * 4;
  let totalLength = data.readUInt16BE(at + 2);
  // Offloaded (TSO) packets captured on the sending host may say 0: the captured length is all there is.
  if (totalLength === 0) totalLength = data.length - at;
  if (headerLength < 20 || totalLength < headerLength || at + headerLength > data.length) return 'damaged';
  const fragment = data.readUInt16BE(at + 6);
  if (data[at + 9] !== PROTOCOL_TCP) return 'not-tcp';
  if ((fragment & 0x3fff) !== 0) return 'fragment';
  segment.sourceAt = at + 12;
  segment.destinationAt = at + 16;
  segment.addressLength = 4;
  return tcp(data, at + headerLength, at + totalLength, segment);
}

function ipv6(data: Buffer, at: number, segment: TcpSegment): DecodeOutcome {
  if (at + 40 > data.length) return 'damaged';
  const payloadLength = data.readUInt16BE(at + 4);
  if (payloadLength === 0) return 'not-tcp'; // a jumbogram (hop-by-hop option): not something TCP on a LAN sends
  let next = data[at + 6];
  let header = at + 40;
  const wireEnd = header + payloadLength;
  for (;;) {
    if (next === PROTOCOL_TCP) break;
    if (next === 44) return 'fragment';
    if (next !== 0 && next !== 43 && next !== 60 && next !== 51) return 'not-tcp';
    if (header + 2 > data.length) return 'damaged';
    const length = next === 51 ? (data[header + 1] + 2) * 4 : (data[header + 1] + 1) * 8;
    next = data[header];
    header += length;
    if (header > wireEnd) return 'damaged';
  }
  segment.sourceAt = at + 8;
  segment.destinationAt = at + 24;
  segment.addressLength = 16;
  return tcp(data, header, wireEnd, segment);
}

function tcp(data: Buffer, at: number, wireEnd: number, segment: TcpSegment): DecodeOutcome {
  if (at + 20 > data.length) return 'damaged';
  const headerLength = (data[at + 12] >> 4) * 4;
  const payloadAt = at + headerLength;
  if (headerLength < 20 || payloadAt > wireEnd) return 'damaged';
  segment.sourcePort = data.readUInt16BE(at);
  segment.destinationPort = data.readUInt16BE(at + 2);
  segment.packet = data;
  const from = endpointKey(data, segment.sourceAt, segment.addressLength, segment.sourcePort);
  const to = endpointKey(data, segment.destinationAt, segment.addressLength, segment.destinationPort);
  segment.key = from + to;
  segment.reverseKey = to + from;
  segment.seq = data.readUInt32BE(at + 4);
  segment.ack = data.readUInt32BE(at + 8);
  segment.flags = data[at + 13];
  segment.payloadLength = wireEnd - payloadAt;
  segment.payload = data.subarray(Math.min(payloadAt, data.length), Math.min(wireEnd, data.length));
  return 'tcp';
}

/** RFC 5952 text form: lower-case hex, the longest run of two or more zero groups as "::". */
export function ipv6Text(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
