// Packets in (from a pcap/pcapng file or a live tcpdump), capture records out: TCP segments are
// sorted into connections, each rebuilt per direction, and the ZMTP ones written as records with
// one source per server endpoint. Memory is bounded: connections, held bytes and probes all are.
import type { Direction } from '../zmtp/types';
import { addressText, decodeTcp, newSegment, SUPPORTED_LINK_TYPES, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from './packetDecode';
import type { CaptureRecordSink, CaptureSource } from './records';
import { endpointText, TcpConnection, type ConnectionContext, type TcpEndpoint } from './tcpConnection';
import { ReorderBudget } from './tcpHalfStream';

export interface PacketImportOptions {
  /** Names the sources, e.g. the file name: "capture.pcap 127.0.0.1:5555". */
  label?: string;
  /** Server ports decoded as ZMTP whatever their first bytes (ZMTP 1.0 peers, connections without a greeting). */
  zmtpPorts?: readonly number[];
  onWarning?: (message: string) => void;
}

export interface PacketImportStats {
  packets: number;
  tcpPackets: number;
  /** Not IP, or IP but not TCP. */
  otherPackets: number;
  fragments: number;
  damaged: number;
  unsupportedLink: number;
  zmtpConnections: number;
  /** ZMTP connections the capture joined mid-way (no handshake seen). */
  joinedConnections: number;
  otherConnections: number;
  gaps: number;
  gapBytes: number;
  retransmitted: number;
  reordered: number;
}

/** Connections tracked at once (open or recently closed); the least recently active go first. */
export const MAX_TRACKED_CONNECTIONS = 20_000;
const REORDER_BUDGET = 64 * 1024 * 1024;
const PROBE_BUDGET = 16 * 1024 * 1024;
/** Ports below this are services; ephemeral ports of clients are above it on every common system. */
const SERVICE_PORTS = 32768;

export class PacketImporter {
  readonly stats: PacketImportStats = {
    packets: 0, tcpPackets: 0, otherPackets: 0, fragments: 0, damaged: 0, unsupportedLink: 0,
    zmtpConnections: 0, joinedConnections: 0, otherConnections: 0, gaps: 0, gapBytes: 0, retransmitted: 0, reordered: 0,
  };
  /** Open connections by client-then-server key (TcpSegment.key); insertion order is opening order. */
  private readonly live = new Map<string, TcpConnection>();
  /** Recently finished connections' keys (bounded), to recognise their stragglers. */
  private readonly finished = new Map<string, true>();
  private readonly sources = new Set<string>();
  private readonly segment: TcpSegment = newSegment();
  private readonly warnedLinkTypes = new Set<number>();
  private readonly zmtpPorts: ReadonlySet<number>;
  private readonly context: ConnectionContext;
  private nextId = 0;
  private lastTime = 0;
  private evictionWarned = false;

  constructor(
    private readonly sink: CaptureRecordSink,
    private readonly options: PacketImportOptions = {},
  ) {
    this.zmtpPorts = new Set(options.zmtpPorts ?? []);
    this.context = {
      sink,
      budget: new ReorderBudget(REORDER_BUDGET),
      probeBudget: { held: 0, limit: PROBE_BUDGET },
      opened: (connection) => this.opened(connection),
    };
  }

  /** A PacketListener: one captured packet. */
  readonly packet = (linkType: number, time: number, data: Buffer): void => {
    this.stats.packets++;
    if (time > this.lastTime) this.lastTime = time;
    const outcome = decodeTcp(linkType, data, this.segment);
    if (outcome === 'tcp') return this.tcp(this.segment, time);
    if (outcome === 'not-tcp') this.stats.otherPackets++;
    else if (outcome === 'fragment') this.stats.fragments++;
    else if (outcome === 'damaged') this.stats.damaged++;
    else this.unsupportedLink(linkType);
  };

  /** The capture is over: open connections are closed as 'stopped', and what was skipped is reported. */
  finish(detail = 'still open when the capture ended'): void {
    for (const [key, connection] of [...this.live]) this.retire(key, connection, this.lastTime, 'stopped', detail, true);
    this.reportSkipped();
  }

  private tcp(segment: TcpSegment, time: number): void {
    this.stats.tcpPackets++;
    const forward = segment.key;
    const reverse = segment.reverseKey;
    let dir: Direction = 'c2s';
    let key = forward;
    let connection = this.live.get(forward);
    if (connection === undefined) {
      connection = this.live.get(reverse);
      if (connection !== undefined) [dir, key] = ['s2c', reverse];
    }
    const opening = (segment.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (connection !== undefined && opening && dir === 'c2s' && connection.halves.c2s.initialSequence !== undefined && connection.halves.c2s.initialSequence !== segment.seq) {
      this.retire(key, connection, time, 'stopped', 'a new connection reused its addresses and ports', false);
      connection = undefined;
    }
    if (connection === undefined) {
      // Packets of a finished connection (a last ACK, a retransmitted FIN) are not a new one; a SYN is.
      if (!opening && (this.finished.has(forward) || this.finished.has(reverse))) return;
      if (segment.payloadLength === 0 && (segment.flags & TCP_SYN) === 0) return;
      connection = this.track(segment, time);
      dir = connection.client.port === segment.sourcePort && connection.client.address === addressText(segment, 'source') ? 'c2s' : 's2c';
      key = dir === 'c2s' ? forward : reverse;
      this.finished.delete(key);
      this.live.set(key, connection);
      this.bound(time);
    }
    this.follow(key, connection, dir, segment, time);
  }

  private follow(key: string, connection: TcpConnection, dir: Direction, segment: TcpSegment, time: number): void {
    const half = connection.halves[dir];
    let seq = segment.seq;
    if ((segment.flags & TCP_SYN) !== 0) {
      half.syn(seq);
      // A SYN-ACK acknowledges the client's ISN + 1: the client's stream start even if its SYN was not captured.
      if (dir === 's2c' && (segment.flags & TCP_ACK) !== 0 && !connection.halves.c2s.synSeen) connection.halves.c2s.syn((segment.ack + 0xffff_ffff) % 0x1_0000_0000);
      seq = (seq + 1) % 0x1_0000_0000;
    }
    if ((segment.flags & TCP_RST) !== 0) {
      this.retire(key, connection, time, 'reset', `${dir === 'c2s' ? 'the client' : 'the server'} reset the connection`, false);
      return;
    }
    const before = half.gapBytes;
    const fin = (segment.flags & TCP_FIN) !== 0;
    if (segment.payloadLength > 0 || fin) half.segment(seq, segment.payload, segment.payloadLength, fin, time);
    if (half.gapBytes > before) this.stats.gaps++;
    if (connection.bothEnded) this.retire(key, connection, time, 'end', undefined, false);
  }

  private track(segment: TcpSegment, time: number): TcpConnection {
    const source: TcpEndpoint = { address: addressText(segment, 'source'), port: segment.sourcePort };
    const destination: TcpEndpoint = { address: addressText(segment, 'destination'), port: segment.destinationPort };
    const syn = (segment.flags & TCP_SYN) !== 0;
    const ack = (segment.flags & TCP_ACK) !== 0;
    let clientIsSource: boolean;
    if (syn) clientIsSource = !ack;
    else if (this.zmtpPorts.has(destination.port) !== this.zmtpPorts.has(source.port)) clientIsSource = this.zmtpPorts.has(destination.port);
    else if ((destination.port < SERVICE_PORTS) !== (source.port < SERVICE_PORTS)) clientIsSource = destination.port < SERVICE_PORTS;
    else clientIsSource = destination.port <= source.port;
    const [client, server] = clientIsSource ? [source, destination] : [destination, source];
    return new TcpConnection(client, server, !syn, time, this.zmtpPorts.has(server.port), this.context);
  }

  /** A connection turned out to be ZMTP: its source (once per server endpoint) and open records. */
  private opened(connection: TcpConnection): number {
    const id = ++this.nextId;
    const server = `tcp://${endpointText(connection.server)}`;
    const sourceId = `pcap:${server}`;
    if (!this.sources.has(sourceId)) {
      this.sources.add(sourceId);
      const name = this.options.label ? `${this.options.label} ${endpointText(connection.server)}` : endpointText(connection.server);
      const source: CaptureSource = { id: sourceId, name, listen: server, target: server };
      this.sink.write({ type: 'source', source });
    }
    this.stats.zmtpConnections++;
    if (connection.joined) this.stats.joinedConnections++;
    this.sink.write({
      type: 'open', time: connection.openedAt, conn: id, source: sourceId, peer: endpointText(connection.client), listen: server, target: server,
      ...(connection.joined ? { joined: true } : {}),
    });
    return id;
  }

  /** Closes a connection and remembers its key for a while, so its stragglers are not taken for a new one. */
  private retire(key: string, connection: TcpConnection, time: number, reason: 'end' | 'reset' | 'stopped', detail: string | undefined, flushFins: boolean): void {
    this.live.delete(key);
    connection.close(time, reason, detail ?? '', flushFins);
    if (connection.kind !== 'zmtp') this.stats.otherConnections++;
    for (const half of [connection.halves.c2s, connection.halves.s2c]) {
      this.stats.gapBytes += half.gapBytes;
      this.stats.retransmitted += half.retransmitted;
      this.stats.reordered += half.reordered;
    }
    this.finished.set(key, true);
    if (this.finished.size > MAX_TRACKED_CONNECTIONS) this.finished.delete(this.finished.keys().next().value as string);
  }

  /** Keeps the table bounded: beyond the limit the connection opened longest ago is closed early. */
  private bound(time: number): void {
    if (this.live.size <= MAX_TRACKED_CONNECTIONS) return;
    const [oldestKey, oldest] = this.live.entries().next().value as [string, TcpConnection];
    if (!this.evictionWarned) {
      this.evictionWarned = true;
      this.options.onWarning?.(`more than ${MAX_TRACKED_CONNECTIONS.toLocaleString('en-US')} TCP connections open at once: the oldest are closed early to bound memory (their later packets are not decoded)`);
    }
    this.retire(oldestKey, oldest, time, 'stopped', `closed by the importer: more than ${MAX_TRACKED_CONNECTIONS} connections were open at once`, true);
  }

  private unsupportedLink(linkType: number): void {
    this.stats.unsupportedLink++;
    if (this.warnedLinkTypes.has(linkType)) return;
    this.warnedLinkTypes.add(linkType);
    this.options.onWarning?.(`packets with link type ${linkType} are skipped: zmq-inspector reads ${SUPPORTED_LINK_TYPES}; capture on another interface (e.g. tcpdump -i any) or convert the file with editcap`);
  }

  private reportSkipped(): void {
    const { stats } = this;
    const warn = (message: string) => this.options.onWarning?.(message);
    if (stats.fragments > 0) warn(`${stats.fragments} IP fragments were skipped: fragmented IP packets are not reassembled (TCP rarely fragments; the connections they belonged to show gaps)`);
    if (stats.damaged > 0) warn(`${stats.damaged} packets were too short for the headers they announce and were skipped (damaged, or cut by a very small snap length)`);
    if (stats.packets > 0 && stats.zmtpConnections === 0) {
      warn(
        `no ZMTP connection found among ${stats.otherConnections} TCP connection(s) in ${stats.packets} packets. ZMTP is recognised by its greeting, or by its frames when the capture started mid-connection; ` +
          'peers that speak ZMTP 1.0 or very short mid-way captures are not recognised: name the server port (zmq-inspector decode --port N) to decode it as ZMTP anyway',
      );
    }
  }
}
