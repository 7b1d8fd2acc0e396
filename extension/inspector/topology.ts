// The live topology: which sockets talk to which, learned from the sniffers' events. Nodes are the
// bound endpoints sniffers forward to and the peers that connected through them; edges are the
// connections, with their handshake state and traffic. Every record carries the topology version
// at which it last changed, so any number of viewers can ask "what changed since version v".
// Closed connections stay visible for a while, then are pruned (the count is bounded).
import type { Direction, DirectionStats, EdgeState, SnifferSource, TopologyDelta, TopologyEdge, TopologyNode, TopologyState } from '../protocol';
import type { CloseReason } from '../sniffer/types';
import type { ZmtpEvent } from '../zmtp/types';
import { textOrHex } from './preview';

/** Closed connections kept in the topology after they end. */
export const MAX_CLOSED_EDGES = 100;
/** Edges sent to a viewer at most (open ones first); the rest are counted as hidden. */
export const MAX_EDGES_SHOWN = 400;
const REMOVAL_LOG = 2048;
const IDENTITY_BYTES = 255;

export interface PeerSide {
  version?: string;
  mechanism?: string;
  socketType?: string;
  identity?: Uint8Array;
  /** This side finished its handshake (sent READY/INITIATE, or speaks a ZMTP without commands). */
  ready: boolean;
}

interface Counters {
  messages: number;
  bytes: number;
  rate: number;
  /** Message counts at the last sample and at the one before. */
  sampled: number;
  older: number;
}

export interface SourceRecord {
  info: SnifferSource;
  conns: Map<number, Connection>;
}

export interface NodeRecord {
  id: string;
  role: 'bound' | 'connecting';
  endpoint: string;
  source: string;
  socketType?: string;
  identity?: string;
  /** Open connections touching the node, and connections listed in the topology. */
  liveConns: number;
  edges: number;
  changedAt: number;
}

export class Connection {
  state: EdgeState = 'handshaking';
  detail?: string;
  readonly sides: Record<Direction, PeerSide> = { c2s: { ready: false }, s2c: { ready: false } };
  readonly traffic: Record<Direction, Counters> = { c2s: { messages: 0, bytes: 0, rate: 0, sampled: 0, older: 0 }, s2c: { messages: 0, bytes: 0, rate: 0, sampled: 0, older: 0 } };
  /** Rows in the capture that refer to this connection. */
  rows = 0;
  inTopology = false;
  changedAt = 0;
  sawMessage = false;

  /** Connection key "<source id>#<id>", and the ids of its two nodes (strings made once, not per use). */
  readonly key: string;
  readonly peerNode: string;
  readonly boundNode: string;

  constructor(
    readonly handle: number,
    readonly source: SourceRecord,
    readonly id: number,
    public peer: string,
    public listen: string,
    public target: string,
  ) {
    this.key = `${source.info.id}#${id}`;
    this.peerNode = `peer:${this.key}`;
    this.boundNode = `bound:${target}`;
  }

  get label(): string {
    return this.id === 0 ? this.source.info.name : `${this.source.info.name} #${this.id}`;
  }

  get live(): boolean {
    return this.state === 'handshaking' || this.state === 'open';
  }

  /** The socket type of the side that sends in `dir`, when known. */
  senderType(dir: Direction): string | undefined {
    return this.sides[dir].socketType;
  }
}

const stats = (counters: Counters): DirectionStats => ({ messages: counters.messages, bytes: counters.bytes, rate: Math.round(counters.rate * 10) / 10 });

const versionRank = (version: string): number => Number.parseFloat(version) || 0;

/** Connecting peers are sent only with an edge that is shown (the list of edges is capped). */
const shownNodeIds = (edges: Connection[]): Set<string> => new Set(edges.map((conn) => conn.peerNode));

export class Topology {
  readonly sources = new Map<string, SourceRecord>();
  readonly byHandle = new Map<number, Connection>();
  readonly nodes = new Map<string, NodeRecord>();
  /** Version of the newest change; viewers remember the version they last saw. */
  version = 0;
  private nextHandle = 1;
  private readonly closed: Connection[] = [];
  private readonly removals: { version: number; kind: 'node' | 'edge'; id: string }[] = [];
  /** Times of the last two rate samples. */
  private lastSample = 0;
  private previousSample = 0;
  /** Removals at or below this version fell out of the log. */
  private forgottenRemovals = 0;

  source(info: SnifferSource): SourceRecord {
    let record = this.sources.get(info.id);
    if (!record) {
      record = { info: { ...info }, conns: new Map() };
      this.sources.set(info.id, record);
      this.touchNode(`bound:${info.target}`, 'bound', info.target, info.name);
    } else if (record.info.name !== info.name || record.info.listen !== info.listen || record.info.target !== info.target) {
      record.info = { ...info };
    }
    return record;
  }

  /** The connection `id` of a source, created on first sight (events may arrive before `open`). */
  connection(source: SourceRecord, id: number): Connection {
    let conn = source.conns.get(id);
    if (!conn) {
      conn = new Connection(this.nextHandle++, source, id, '', source.info.listen, source.info.target);
      source.conns.set(id, conn);
      this.byHandle.set(conn.handle, conn);
      if (id !== 0) this.addToTopology(conn);
    }
    return conn;
  }

  open(conn: Connection, peer: string, listen: string, target: string): void {
    conn.peer = peer;
    conn.listen = listen;
    conn.target = target;
    const node = this.nodes.get(conn.peerNode);
    if (node) {
      node.endpoint = peer;
      node.changedAt = ++this.version;
    }
    this.changed(conn);
  }

  /** Updates what the connection's sides told us; returns nothing, the change shows in versions. */
  zmtp(conn: Connection, dir: Direction, event: ZmtpEvent): void {
    const side = conn.sides[dir];
    switch (event.kind) {
      case 'greeting':
        side.version = event.version;
        side.mechanism = event.mechanism;
        if (event.socketType) this.setSocketType(conn, dir, event.socketType);
        if (versionRank(event.version) < 3) side.ready = true;
        break;
      case 'command':
        if (event.metadata && (event.name === 'READY' || event.name === 'INITIATE')) {
          for (const entry of event.metadata) {
            if (entry.name === 'Socket-Type' && entry.text) this.setSocketType(conn, dir, entry.text);
            else if (entry.name === 'Identity') this.setIdentity(conn, dir, entry.value);
          }
        }
        if (event.name === 'READY' || (event.name === 'INITIATE' && event.metadata)) side.ready = true;
        if (event.name === 'ERROR') this.fail(conn, `peer sent ERROR ${event.reason ?? ''}`.trim());
        break;
      case 'message': {
        const traffic = conn.traffic[dir];
        traffic.messages += 1;
        traffic.bytes += event.size;
        conn.sawMessage = true;
        side.ready = true;
        break;
      }
      case 'error':
        if (event.fatal) this.fail(conn, `decoding stopped: ${event.reason}`);
        break;
      case 'frame':
        return;
    }
    if (conn.state === 'handshaking' && (conn.sawMessage || (conn.sides.c2s.ready && conn.sides.s2c.ready))) conn.state = 'open';
    this.changed(conn);
  }

  close(conn: Connection, reason: CloseReason, detail: string | undefined, bytes: Record<Direction, number>): void {
    const wasLive = conn.live;
    conn.traffic.c2s.bytes = Math.max(conn.traffic.c2s.bytes, bytes.c2s);
    conn.traffic.s2c.bytes = Math.max(conn.traffic.s2c.bytes, bytes.s2c);
    if (conn.state === 'failed') {
      // Keep the first reason: it is the cause, the close is its consequence.
    } else if (reason === 'end' || reason === 'stopped') {
      if (conn.state === 'handshaking' && !conn.sawMessage) {
        conn.state = 'failed';
        conn.detail = `closed during the handshake (${reason === 'stopped' ? 'sniffer stopped' : 'a peer hung up: socket types or security mechanisms may not match'})`;
      } else {
        conn.state = 'closed';
        conn.detail = reason === 'stopped' ? 'sniffer stopped' : 'closed by a peer';
      }
    } else {
      conn.state = 'failed';
      conn.detail = `${reason}${detail ? `: ${detail}` : ''}`;
    }
    if (wasLive) this.ended(conn);
    else this.changed(conn);
  }

  fail(conn: Connection, why: string): void {
    const wasLive = conn.live;
    if (conn.state !== 'failed') {
      conn.state = 'failed';
      conn.detail = why;
    }
    if (wasLive) this.ended(conn);
    else this.changed(conn);
  }

  /** A row referring to `conn` left the capture. */
  releaseRow(conn: Connection): void {
    conn.rows -= 1;
    this.maybeForget(conn);
  }

  /** After Clear: no row refers to any connection any more. */
  forgetUnreferenced(): void {
    for (const conn of [...this.byHandle.values()]) {
      conn.rows = 0;
      this.maybeForget(conn);
    }
  }

  /**
   * Recomputes messages per second from the counters; call a few times a second. The rate spans the
   * last two sampling intervals (about a second), so it falls to zero that long after traffic stops.
   */
  sampleRates(now: number): void {
    // The window starts two samples back, or one when there has been only one so far.
    const start = this.previousSample || this.lastSample;
    for (const conn of this.byHandle.values()) {
      let moved = false;
      for (const counters of Object.values(conn.traffic)) {
        const before = counters.rate;
        const base = this.previousSample ? counters.older : counters.sampled;
        counters.rate = start > 0 && now > start ? ((counters.messages - base) * 1000) / (now - start) : 0;
        counters.older = counters.sampled;
        counters.sampled = counters.messages;
        if (Math.abs(counters.rate - before) >= 0.05) moved = true;
      }
      if (moved && conn.inTopology) conn.changedAt = ++this.version;
    }
    this.previousSample = this.lastSample;
    this.lastSample = now;
  }

  /** True when some edge has a non-zero rate (so sampling should continue). */
  get hasTraffic(): boolean {
    for (const conn of this.byHandle.values()) if (conn.traffic.c2s.rate > 0 || conn.traffic.s2c.rate > 0 || conn.live) return true;
    return false;
  }

  /** Forgets closed connections (open ones still exist and stay). */
  clearClosed(): void {
    while (this.closed.length) this.removeFromTopology(this.closed.shift() as Connection);
  }

  snapshot(): TopologyState {
    const { edges, hidden } = this.shownEdges();
    const shown = shownNodeIds(edges);
    return { nodes: [...this.nodes.values()].filter((node) => node.role === 'bound' || shown.has(node.id)).map((node) => this.nodeOut(node)), edges: edges.map((conn) => this.edgeOut(conn)), hiddenEdges: hidden };
  }

  /** What changed after `since`, or undefined when the viewer is too far behind and needs a snapshot. */
  delta(since: number): TopologyDelta | undefined {
    if (since < this.forgottenRemovals) return undefined;
    const { edges, hidden } = this.shownEdges();
    const shown = shownNodeIds(edges);
    return {
      nodes: [...this.nodes.values()].filter((node) => node.changedAt > since && (node.role === 'bound' || shown.has(node.id))).map((node) => this.nodeOut(node)),
      edges: edges.filter((conn) => conn.changedAt > since).map((conn) => this.edgeOut(conn)),
      removedNodes: this.removals.filter((r) => r.version > since && r.kind === 'node').map((r) => r.id),
      removedEdges: this.removals.filter((r) => r.version > since && r.kind === 'edge').map((r) => r.id),
      hiddenEdges: hidden,
    };
  }

  edgeOut(conn: Connection): TopologyEdge {
    const c2s = conn.sides.c2s;
    const s2c = conn.sides.s2c;
    const version = c2s.version && s2c.version ? (versionRank(c2s.version) <= versionRank(s2c.version) ? c2s.version : s2c.version) : (c2s.version ?? s2c.version);
    const types = `${c2s.socketType ?? '?'} → ${s2c.socketType ?? '?'}`;
    return {
      id: conn.key,
      from: conn.peerNode,
      to: conn.boundNode,
      state: conn.state,
      label: `${conn.label}: ${types}`,
      version,
      mechanism: c2s.mechanism ?? s2c.mechanism,
      c2s: stats(conn.traffic.c2s),
      s2c: stats(conn.traffic.s2c),
      detail: conn.detail,
    };
  }

  private nodeOut(node: NodeRecord): TopologyNode {
    return { id: node.id, role: node.role, socketType: node.socketType, endpoint: node.endpoint, identity: node.identity, source: node.source, live: node.liveConns > 0 };
  }

  private shownEdges(): { edges: Connection[]; hidden: number } {
    const all = [...this.byHandle.values()].filter((conn) => conn.inTopology);
    if (all.length <= MAX_EDGES_SHOWN) return { edges: all, hidden: 0 };
    const live = all.filter((conn) => conn.live);
    const shown = live.length >= MAX_EDGES_SHOWN ? live.slice(-MAX_EDGES_SHOWN) : [...all.filter((conn) => !conn.live).slice(-(MAX_EDGES_SHOWN - live.length)), ...live];
    return { edges: shown, hidden: all.length - shown.length };
  }

  private changed(conn: Connection): void {
    conn.changedAt = ++this.version;
  }

  private setSocketType(conn: Connection, dir: Direction, socketType: string): void {
    conn.sides[dir].socketType = socketType;
    const node = this.nodes.get(dir === 'c2s' ? conn.peerNode : conn.boundNode);
    if (node && node.socketType !== socketType) {
      node.socketType = socketType;
      node.changedAt = ++this.version;
    }
  }

  private setIdentity(conn: Connection, dir: Direction, value: Uint8Array): void {
    const copy = value.slice(0, IDENTITY_BYTES);
    conn.sides[dir].identity = copy;
    // A bound socket's identity differs per connection, so only connecting peers show one on the node.
    const node = dir === 'c2s' ? this.nodes.get(conn.peerNode) : undefined;
    if (node && copy.length > 0) {
      node.identity = textOrHex(copy, 64);
      node.changedAt = ++this.version;
    }
  }

  private touchNode(id: string, role: NodeRecord['role'], endpoint: string, source: string): NodeRecord {
    let node = this.nodes.get(id);
    if (!node) {
      node = { id, role, endpoint, source, liveConns: 0, edges: 0, changedAt: 0 };
      this.nodes.set(id, node);
    }
    node.changedAt = ++this.version;
    return node;
  }

  private addToTopology(conn: Connection): void {
    conn.inTopology = true;
    for (const id of [conn.peerNode, conn.boundNode]) {
      const node = this.touchNode(id, id === conn.boundNode ? 'bound' : 'connecting', id === conn.boundNode ? conn.target : conn.peer, conn.source.info.name);
      node.edges += 1;
      node.liveConns += 1;
    }
    this.changed(conn);
  }

  /** The connection stopped being live: update node liveness and queue it for pruning. */
  private ended(conn: Connection): void {
    this.changed(conn);
    if (!conn.inTopology) return;
    for (const id of [conn.peerNode, conn.boundNode]) {
      const node = this.nodes.get(id);
      if (node) {
        node.liveConns = Math.max(0, node.liveConns - 1);
        node.changedAt = ++this.version;
      }
    }
    this.closed.push(conn);
    while (this.closed.length > MAX_CLOSED_EDGES) this.removeFromTopology(this.closed.shift() as Connection);
  }

  private removeFromTopology(conn: Connection): void {
    if (!conn.inTopology) return;
    conn.inTopology = false;
    this.logRemoval('edge', conn.key);
    for (const id of [conn.peerNode, conn.boundNode]) {
      const node = this.nodes.get(id);
      if (!node) continue;
      node.edges -= 1;
      node.changedAt = ++this.version;
      if (node.edges <= 0 && node.role === 'connecting') {
        this.nodes.delete(id);
        this.logRemoval('node', id);
      }
    }
    this.maybeForget(conn);
  }

  private maybeForget(conn: Connection): void {
    if (conn.rows > 0 || conn.inTopology) return;
    conn.source.conns.delete(conn.id);
    this.byHandle.delete(conn.handle);
  }

  private logRemoval(kind: 'node' | 'edge', id: string): void {
    this.removals.push({ version: ++this.version, kind, id });
    if (this.removals.length > REMOVAL_LOG) {
      const dropped = this.removals.splice(0, this.removals.length - REMOVAL_LOG);
      this.forgottenRemovals = dropped[dropped.length - 1].version;
    }
  }
}
