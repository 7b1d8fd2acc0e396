// What the diagnostics know about each relayed connection: the facts the rules share (who is on
// each side, how far the handshake got, how much traffic), kept only while it is open.
import type { CloseReason } from '../sniffer/types';
import type { CommandEvent, Direction, GreetingEvent, MessageEvent } from '../zmtp/types';
import type { HostSocket } from './hostSockets';
import type { DiagnosticRef, DiagnosticSource } from './types';

export const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];

const perDirection = <T>(value: T): Record<Direction, T> => ({ c2s: value, s2c: value });

/** Closes the relay caused itself; they say nothing about the peers. */
const RELAY_CLOSES: ReadonlySet<CloseReason> = new Set(['stopped', 'target-failed']);

/** Handshake command names kept per side: enough to tell how far a failed handshake got. */
const COMMANDS_KEPT = 6;

export class WireConnection {
  peer = '';
  listen = '';
  target = '';
  readonly greeting: Partial<Record<Direction, GreetingEvent>> = {};
  readonly socketType = perDirection<string | undefined>(undefined);
  readonly identity = perDirection<Uint8Array | undefined>(undefined);
  /** When each side completed its part of the handshake (READY, INITIATE, or a 1.0/2.0 greeting). */
  readonly readyAt = perDirection<number | undefined>(undefined);
  readonly commands: Record<Direction, string[]> = { c2s: [], s2c: [] };
  readonly messages = perDirection(0);
  /** The relay is holding back this direction's sender (see noteBackpressure). */
  readonly throttled = perDirection(false);
  /** Counts throttling starts and ends: when it changed, the relay was busy in between. */
  readonly throttleChanges = perDirection(0);
  private readonly lastBuffered = perDirection(0);
  /** A rule has named why this connection failed, so it is no anonymous handshake failure. */
  explained = false;
  closedAt: number | undefined;
  closeReason: CloseReason | undefined;
  /** Bytes each side sent over the connection's life, known once it closed. */
  closedBytes: Record<Direction, number> | undefined;
  /** A socket the extension runs is on this side of the connection. */
  host: { socket: HostSocket; dir: Direction } | undefined;

  constructor(
    readonly source: DiagnosticSource,
    readonly conn: number,
    readonly openedAt: number,
  ) {}

  get mechanism(): Record<Direction, string | undefined> {
    return { c2s: this.greeting.c2s?.mechanism, s2c: this.greeting.s2c?.mechanism };
  }

  handshakeComplete(): boolean {
    return this.readyAt.c2s !== undefined && this.readyAt.s2c !== undefined;
  }

  /** Closed young, in its handshake, without traffic, unexplained, and not by the relay itself. */
  diedInHandshake(shortConnectionMs: number): boolean {
    if (this.closedAt === undefined || this.explained || this.handshakeComplete() || this.messages.c2s + this.messages.s2c > 0) return false;
    return !RELAY_CLOSES.has(this.closeReason ?? 'end') && this.closedAt - this.openedAt <= shortConnectionMs;
  }

  ref(time: number, dir?: Direction, offset?: number): DiagnosticRef {
    const ref: DiagnosticRef = { sniffer: this.source.id, conn: this.conn, time };
    if (dir !== undefined) ref.dir = dir;
    if (offset !== undefined) ref.offset = offset;
    return ref;
  }

  /** "#3 on tasks" */
  get label(): string {
    return `#${this.conn} on ${this.source.name}`;
  }

  /**
   * "the connecting PUSH (from 127.0.0.1:5432)" or "the bound PUB (tcp://127.0.0.1:5555)";
   * `knownType` names the type when this connection did not show it but others did.
   */
  side(dir: Direction, knownType?: string): string {
    const type = this.socketType[dir] ?? knownType ?? 'peer';
    const host = this.host?.dir === dir ? `, ${this.host.socket.label}` : '';
    return dir === 'c2s' ? `the connecting ${type} (from ${this.peer || 'unknown'}${host})` : `the bound ${type} (${this.target || 'the target'}${host})`;
  }

  noteCommand(dir: Direction, event: CommandEvent, time: number): void {
    const names = this.commands[dir];
    if (names.length < COMMANDS_KEPT) names.push(event.name);
    if (event.name !== 'READY' && event.name !== 'INITIATE') return;
    this.readyAt[dir] ??= time;
    for (const entry of event.metadata ?? []) {
      const name = entry.name.toLowerCase();
      if (name === 'socket-type' && entry.text) this.socketType[dir] = entry.text;
      // Copied: the event's bytes are a view on a whole received chunk.
      else if (name === 'identity') this.identity[dir] = Uint8Array.from(entry.value.subarray(0, 255));
    }
  }

  /**
   * The relay reports when throttling starts, each time its buffer at least doubles, and when it
   * ends. It pauses only once a write buffer passes its high-water mark and reports the end only
   * after a quiet spell below it, so while throttled, a report below twice the previous one is the end.
   */
  noteBackpressure(dir: Direction, bufferedBytes: number): void {
    const last = this.lastBuffered[dir];
    this.lastBuffered[dir] = bufferedBytes;
    if (this.throttled[dir] && bufferedBytes >= 2 * last) return;
    this.throttled[dir] = !this.throttled[dir];
    this.throttleChanges[dir]++;
  }

  noteGreeting(dir: Direction, event: GreetingEvent, time: number): void {
    const identity = event.identity && Uint8Array.from(event.identity.subarray(0, 255));
    this.greeting[dir] = { ...event, identity };
    if (event.socketType) this.socketType[dir] = event.socketType;
    if (identity) this.identity[dir] = identity;
    // ZMTP 1.0/2.0 have no READY: the greeting (with its identity frame) is the whole handshake.
    if (event.version === '1.0' || event.version === '2.0') this.readyAt[dir] ??= time;
  }
}

/** The rules' view of the traffic; every hook runs after the connection's facts were updated. */
export interface WireRule {
  onOpen?(c: WireConnection, time: number): void;
  onGreeting?(c: WireConnection, dir: Direction, event: GreetingEvent, time: number): void;
  /** A side's socket type became known (READY, INITIATE, or a ZMTP 2.0 greeting). */
  onSocketType?(c: WireConnection, dir: Direction, time: number): void;
  onCommand?(c: WireConnection, dir: Direction, event: CommandEvent, time: number): void;
  onMessage?(c: WireConnection, dir: Direction, event: MessageEvent, time: number): void;
  onClose?(c: WireConnection, time: number): void;
  /** The relay's buffer for `dir` changed a lot (see sniffer/backpressure.ts). */
  onBackpressure?(c: WireConnection, dir: Direction, bufferedBytes: number, time: number): void;
}

/** Open connections per sniffer source, bounded. */
export class WireTable {
  private readonly bySource = new Map<string, Map<number, WireConnection>>();
  private size = 0;
  /** Connections not tracked because `maxConnections` were open. */
  untracked = 0;

  constructor(private readonly maxConnections: number) {}

  /** The connection, created on first sight (also when its open event was missed). */
  get(source: DiagnosticSource, conn: number, time: number): WireConnection | undefined {
    let connections = this.bySource.get(source.id);
    const known = connections?.get(conn);
    if (known) return known;
    if (this.size >= this.maxConnections) {
      this.untracked++;
      return undefined;
    }
    if (!connections) this.bySource.set(source.id, (connections = new Map()));
    const created = new WireConnection(source, conn, time);
    connections.set(conn, created);
    this.size++;
    return created;
  }

  find(sourceId: string, conn: number): WireConnection | undefined {
    return this.bySource.get(sourceId)?.get(conn);
  }

  remove(c: WireConnection): void {
    const connections = this.bySource.get(c.source.id);
    if (!connections?.delete(c.conn)) return;
    this.size--;
    if (connections.size === 0) this.bySource.delete(c.source.id);
  }

  live(sourceId: string): Iterable<WireConnection> {
    return this.bySource.get(sourceId)?.values() ?? [];
  }

  all(): WireConnection[] {
    return [...this.bySource.values()].flatMap((connections) => [...connections.values()]);
  }

  clear(): void {
    this.bySource.clear();
    this.size = 0;
  }
}
