// Export as pcapng: every connection becomes a synthesized TCP conversation over Ethernet and IPv4
// (or IPv6): handshake, data segments with sequence and acknowledgement numbers consistent both
// ways, FIN or RST at the end. Wireshark and tshark follow the streams and, from 4.4, decode ZMTP
// with `-d tcp.port==N,zmtp`. ipc:// endpoints and host names get stand-in addresses, said in a
// comment on the connection's first packet.
import { createHash } from 'node:crypto';
import type { Direction } from '../zmtp/types';
import { asIpv6, ipBytes, MAX_SEGMENT_PAYLOAD, packetLength, writeSegment, type PacketAddress } from './packetBuilder';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './packetDecode';
import type { CaptureRecord, CaptureRecordSink, CloseRecord, OpenRecord } from './records';

const TCP_PSH = 0x08;
const TWO_POW_32 = 0x1_0000_0000;
const POOL_BYTES = 1024 * 1024;
const LINKTYPE_ETHERNET = 1;
const EPB_HEADER = 28;
const OPTION_COMMENT = 1;
const OPTION_USER_APPLICATION = 4;
const OPTION_INTERFACE_NAME = 2;

const pad4 = (n: number) => (n + 3) & ~3;

interface ExportedConnection {
  client: PacketAddress;
  server: PacketAddress;
  next: Record<Direction, number>;
  ended: Record<Direction, boolean>;
  ipId: number;
}

/** Host and port of "tcp://host:port", "host:port" or "[v6]:port"; undefined for ipc and the like. */
function hostAndPort(text: string): { host: string; port: number } | undefined {
  const bare = text.replace(/^tcp:\/\//, '');
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(bare) ?? /^([^:/]+):(\d+)$/.exec(bare);
  return match ? { host: match[1], port: Number(match[2]) } : undefined;
}

/** A stable number in [0, range) from a text, for stand-in ports and addresses. */
function stableHash(text: string, range: number): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) % range;
}

interface Resolved {
  address: PacketAddress;
  standIn: boolean;
}

function resolve(text: string, fallbackPort: number): Resolved {
  const parsed = hostAndPort(text);
  if (parsed === undefined) return { address: { ip: Buffer.from([127, 0, 0, 1]), port: fallbackPort }, standIn: true };
  const host = parsed.host === 'localhost' || parsed.host === '*' ? '127.0.0.1' : parsed.host;
  const ip = ipBytes(host);
  if (ip !== undefined) return { address: { ip, port: parsed.port }, standIn: false };
  // A host name: a stand-in from 198.18.0.0/15, the range reserved for benchmarks (RFC 2544).
  const n = stableHash(host, 0x20000);
  return { address: { ip: Buffer.from([198, 18 + (n >> 16), (n >> 8) & 0xff, n & 0xff]), port: parsed.port }, standIn: true };
}

const shown = ({ ip, port }: PacketAddress) => (ip.length === 4 ? `${[...ip].join('.')}:${port}` : `[${ip.toString('hex').replace(/(.{4})(?!$)/g, '$1:')}]:${port}`);

export class PcapngCaptureWriter implements CaptureRecordSink {
  private pool = Buffer.allocUnsafe(POOL_BYTES);
  private fill = 0;
  private readonly connections = new Map<number, ExportedConnection>();
  /** Comments of joined connections, put on their first packet. */
  private readonly comments = new Map<ExportedConnection, string>();
  private lastTime = 0;

  /** `output` receives the file's bytes in order; call finish() at the end. */
  constructor(private readonly output: (chunk: Buffer) => void) {
    this.sectionHeader();
    this.interfaceDescription();
  }

  write(record: CaptureRecord): void {
    if (record.type === 'source') return;
    this.lastTime = Math.max(this.lastTime, record.time);
    if (record.type === 'open') return this.open(record);
    if (record.type === 'relay-error') return;
    const connection = this.connections.get(record.conn);
    if (connection === undefined) return;
    switch (record.type) {
      case 'data':
        for (let at = 0; at < record.bytes.length; at += MAX_SEGMENT_PAYLOAD) {
          const payload = record.bytes.subarray(at, Math.min(at + MAX_SEGMENT_PAYLOAD, record.bytes.length));
          this.segment(record.time, connection, record.dir, TCP_PSH | TCP_ACK, payload);
        }
        break;
      case 'gap':
        // The bytes were never captured: their sequence numbers pass, as they would in a real capture with loss.
        connection.next[record.dir] = (connection.next[record.dir] + record.bytes) % TWO_POW_32;
        break;
      case 'end':
        this.fin(record.time, connection, record.dir);
        break;
      case 'close':
        this.close(record, connection);
        break;
    }
  }

  /** Connections still open are closed (FIN both ways) at the last time seen; everything is handed to the output. */
  finish(): void {
    for (const [conn, connection] of [...this.connections]) this.close({ type: 'close', time: this.lastTime, conn, reason: 'stopped', bytes: { c2s: 0, s2c: 0 } }, connection);
    this.flush();
  }

  flush(): void {
    if (this.fill === 0) return;
    this.output(Buffer.from(this.pool.subarray(0, this.fill)));
    this.fill = 0;
  }

  private open(record: OpenRecord): void {
    const clientPort = 49152 + (record.conn % 16384);
    const server = resolve(record.target, 20000 + stableHash(record.target, 10000));
    const client = resolve(record.peer, clientPort);
    if ((client.address.ip.length === 16) !== (server.address.ip.length === 16)) {
      client.address.ip = asIpv6(client.address.ip);
      server.address.ip = asIpv6(server.address.ip);
    }
    const isn = (record.conn * 0x9e3779b1) % TWO_POW_32;
    const connection: ExportedConnection = {
      client: client.address, server: server.address, next: { c2s: isn, s2c: (isn ^ 0x5bd1e995) >>> 0 }, ended: { c2s: false, s2c: false }, ipId: 1,
    };
    this.connections.set(record.conn, connection);
    const via = record.listen !== record.target ? ` through the sniffer at ${record.listen}` : '';
    const standIn = client.standIn || server.standIn ? `; shown as ${shown(client.address)} -> ${shown(server.address)}` : '';
    const comment = `zmq-inspector connection ${record.conn}: ${record.peer} -> ${record.target}${via}${standIn}`;
    if (record.joined) {
      this.comments.set(connection, `${comment}; the capture joined it mid-way`);
      return;
    }
    this.segment(record.time, connection, 'c2s', TCP_SYN, Buffer.alloc(0), comment);
    this.segment(record.time, connection, 's2c', TCP_SYN | TCP_ACK, Buffer.alloc(0));
    this.segment(record.time, connection, 'c2s', TCP_ACK, Buffer.alloc(0));
  }

  private fin(time: number, connection: ExportedConnection, dir: Direction): void {
    if (connection.ended[dir]) return;
    this.segment(time, connection, dir, TCP_FIN | TCP_ACK, Buffer.alloc(0));
    connection.ended[dir] = true;
  }

  private close(record: CloseRecord, connection: ExportedConnection): void {
    this.connections.delete(record.conn);
    this.comments.delete(connection);
    if (record.reason === 'reset') {
      const from: Direction = /server/.test(record.detail ?? '') ? 's2c' : 'c2s';
      this.segment(record.time, connection, from, TCP_RST | TCP_ACK, Buffer.alloc(0));
      return;
    }
    this.fin(record.time, connection, 'c2s');
    this.fin(record.time, connection, 's2c');
    this.segment(record.time, connection, 'c2s', TCP_ACK, Buffer.alloc(0));
  }

  /** One enhanced packet block; SYN and FIN take one sequence number, data its length. */
  private segment(time: number, connection: ExportedConnection, dir: Direction, flags: number, payload: Uint8Array, comment?: string): void {
    const fromClient = dir === 'c2s';
    const other: Direction = fromClient ? 's2c' : 'c2s';
    const note = comment ?? this.comments.get(connection);
    if (note !== undefined) this.comments.delete(connection);
    const noteBytes = note === undefined ? undefined : Buffer.from(note);
    const frameLength = packetLength(connection.client.ip.length === 16, payload.length);
    const optionsLength = noteBytes === undefined ? 0 : 4 + pad4(noteBytes.length) + 4;
    const blockLength = EPB_HEADER + pad4(frameLength) + optionsLength + 4;
    const out = this.room(blockLength);
    const at = this.fill;
    const micros = Math.round(time * 1000);
    out.writeUInt32LE(6, at);
    out.writeUInt32LE(blockLength, at + 4);
    out.writeUInt32LE(0, at + 8);
    out.writeUInt32LE(Math.floor(micros / TWO_POW_32), at + 12);
    out.writeUInt32LE(micros % TWO_POW_32, at + 16);
    out.writeUInt32LE(frameLength, at + 20);
    out.writeUInt32LE(frameLength, at + 24);
    writeSegment(out, at + EPB_HEADER, {
      from: fromClient ? connection.client : connection.server,
      to: fromClient ? connection.server : connection.client,
      fromClient,
      seq: connection.next[dir],
      ack: (flags & TCP_ACK) !== 0 ? connection.next[other] : 0,
      flags,
      ipId: connection.ipId++,
      payload,
    });
    let end = at + EPB_HEADER + frameLength;
    end = this.zeroTo(out, end, at + EPB_HEADER + pad4(frameLength));
    if (noteBytes !== undefined) end = this.option(out, end, OPTION_COMMENT, noteBytes);
    out.writeUInt32LE(blockLength, end);
    this.fill = end + 4;
    const advance = payload.length + ((flags & (TCP_SYN | TCP_FIN)) !== 0 ? 1 : 0);
    connection.next[dir] = (connection.next[dir] + advance) % TWO_POW_32;
  }

  private sectionHeader(): void {
    const application = Buffer.from('zmq-inspector');
    const length = 28 + 4 + pad4(application.length) + 4;
    const out = this.room(length);
    const at = this.fill;
    out.writeUInt32LE(0x0a0d0d0a, at);
    out.writeUInt32LE(length, at + 4);
    out.writeUInt32LE(0x1a2b3c4d, at + 8);
    out.writeUInt16LE(1, at + 12);
    out.writeUInt16LE(0, at + 14);
    out.writeBigInt64LE(-1n, at + 16); // section length not known in advance
    const end = this.option(out, at + 24, OPTION_USER_APPLICATION, application);
    out.writeUInt32LE(length, end);
    this.fill = end + 4;
  }

  private interfaceDescription(): void {
    const name = Buffer.from('zmq-inspector');
    const length = 16 + 4 + pad4(name.length) + 4 + 4;
    const out = this.room(length);
    const at = this.fill;
    out.writeUInt32LE(1, at);
    out.writeUInt32LE(length, at + 4);
    out.writeUInt16LE(LINKTYPE_ETHERNET, at + 8);
    out.writeUInt16LE(0, at + 10);
    out.writeUInt32LE(262144, at + 12);
    const end = this.option(out, at + 16, OPTION_INTERFACE_NAME, name);
    out.writeUInt32LE(length, end);
    this.fill = end + 4;
  }

  /** Writes one option and the end-of-options marker; returns where the block continues. */
  private option(out: Buffer, at: number, code: number, value: Buffer): number {
    out.writeUInt16LE(code, at);
    out.writeUInt16LE(value.length, at + 2);
    value.copy(out, at + 4);
    const end = this.zeroTo(out, at + 4 + value.length, at + 4 + pad4(value.length));
    out.writeUInt32LE(0, end);
    return end + 4;
  }

  private zeroTo(out: Buffer, from: number, to: number): number {
    out.fill(0, from, to);
    return to;
  }

  /** The pool with room for `bytes` more, flushing (or growing for one huge block) as needed. */
  private room(bytes: number): Buffer {
    if (this.fill + bytes > this.pool.length) this.flush();
    if (bytes > this.pool.length) this.pool = Buffer.allocUnsafe(bytes);
    return this.pool;
  }
}
