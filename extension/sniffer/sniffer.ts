// A sniffer is a relay plus one ZMTP decoder per connection: bytes are forwarded first,
// then decoded, so a decoding problem can never hold up or alter the traffic.
import type { BreakpointSet } from '../breakpoints/breakpointSet';
import { ConnectionDecoder } from '../zmtp/connectionDecoder';
import type { DecoderOptions, Direction } from '../zmtp/types';
import type { Endpoint } from './endpoint';
import { Relay } from './relay';
import { ConnectionHolding } from './holding';
import type { HeldSummary, StepUnit } from './holdGate';
import type { GateIo, HoldEvent, RelayConnectionInfo, SnifferEvent } from './types';
import { ConnectionStats, type ConnectionSummary } from './stats';

export interface SnifferOptions {
  listen: string | Endpoint;
  target: string | Endpoint;
  /** A label for people: "tasks", "results", or the endpoint (the default); breakpoints name it too (conn:tasks#2). */
  name?: string;
  decoder?: DecoderOptions;
  onEvent: (event: SnifferEvent) => void;
  /** Told every relayed chunk after it was decoded, e.g. to record a capture (extension/capture/recorder.ts); must not modify it. */
  onData?: (conn: number, dir: Direction, chunk: Buffer) => void;
  /** Share one id sequence between sniffers so connection ids are unique across them. */
  nextConnectionId?: () => number;
  /**
   * Step mode: hold(), step() and continue() work, and breakpoints are tested. Each connection's
   * bytes are then decoded once more before they are forwarded (default false: plain relaying).
   */
  stepping?: boolean;
  /** Message breakpoints (implies stepping); the set may be changed while the sniffer runs. */
  breakpoints?: BreakpointSet;
  /** Step mode's held/released reports. */
  onHold?: (event: HoldEvent) => void;
}

export interface HoldOptions {
  /** One connection; default every connection, including those opened later. */
  conn?: number;
  /** Hold greetings and commands (READY, PING, SUBSCRIBE...) too; default false, so peers do not time out. */
  holdCommands?: boolean;
}

export interface StepOptions {
  conn?: number;
  /** Default 'message'. */
  unit?: StepUnit;
}

export interface PendingMessages {
  conn: number;
  dir: Direction;
  messages: HeldSummary[];
}

interface LiveConnection {
  decoder: ConnectionDecoder;
  stats: ConnectionStats;
  holding?: ConnectionHolding;
}

export class Sniffer {
  private readonly live = new Map<number, LiveConnection>();
  private readonly finished: ConnectionSummary[] = [];
  private static readonly finishedKept = 1000;

  private relay!: Relay;
  private stepping = false;
  private breakpoints: BreakpointSet | undefined;
  /** hold() without a connection: connections opened later start held too. */
  private holdingAll: { holdCommands: boolean } | undefined;

  private constructor(public name: string) {}

  static async start(options: SnifferOptions): Promise<Sniffer> {
    const sniffer = new Sniffer(options.name ?? '');
    const emit = options.onEvent;
    sniffer.stepping = options.stepping === true || options.breakpoints !== undefined;
    sniffer.breakpoints = options.breakpoints;
    sniffer.relay = await Relay.start({
      gate: sniffer.stepping ? (conn, io) => sniffer.gate(conn.id, io, options.onHold ?? (() => undefined)) : undefined,
      listen: options.listen,
      target: options.target,
      nextConnectionId: options.nextConnectionId,
      onObserverError: (message) => emit({ type: 'relay-error', time: Date.now(), message }),
      onServerError: (message) => emit({ type: 'relay-error', time: Date.now(), message }),
      observer: {
        onOpen: (conn) => sniffer.open(conn, options.decoder, emit),
        onData: (conn, dir, chunk) => {
          sniffer.data(conn, dir, chunk);
          options.onData?.(conn.id, dir, chunk);
        },
        onBackpressure: (conn, dir, bufferedBytes) => emit({ type: 'backpressure', conn: conn.id, dir, time: Date.now(), bufferedBytes }),
        onClose: (conn, reason, detail, bytes) => {
          sniffer.retire(conn.id);
          emit({ type: 'close', conn: conn.id, time: Date.now(), reason, detail, bytes });
        },
      },
    });
    sniffer.name ||= sniffer.relay.listenEndpoint;
    return sniffer;
  }

  get listenEndpoint(): string {
    return this.relay.listenEndpoint;
  }

  get targetEndpoint(): string {
    return this.relay.targetEndpoint;
  }

  /** Per-connection counters: live ones first, then the most recently closed. */
  summaries(now = Date.now()): ConnectionSummary[] {
    return [...[...this.live.values()].map(({ stats }) => stats.summary(now)), ...this.finished];
  }

  stop(): Promise<void> {
    return this.relay.stop();
  }

  /** Stops forwarding data messages at the next message boundary (per connection or everywhere). */
  hold(options: HoldOptions = {}): void {
    const holdCommands = options.holdCommands === true;
    if (options.conn === undefined) this.holdingAll = { holdCommands };
    this.holdings(options.conn, 'hold').forEach((holding) => holding.hold(holdCommands));
  }

  /** Releases the held message (or frame) that has waited longest; false when nothing was held. */
  step(options: StepOptions = {}): boolean {
    const unit = options.unit ?? 'message';
    if (unit !== 'message' && unit !== 'frame') throw new RangeError(`step: unit must be 'message' or 'frame', got ${JSON.stringify(unit)}`);
    this.holdings(options.conn, 'step'); // refuses an unknown connection, or a sniffer without step mode
    const oldest = this.oldestHeld(options.conn);
    return oldest !== undefined && (this.live.get(oldest.conn)?.holding?.step(oldest.dir, unit) ?? false);
  }

  /**
   * The held message that has waited longest, of one connection or of any (undefined: nothing is
   * held). `since` orders held messages across every sniffer of the process.
   */
  oldestHeld(conn?: number): { conn: number; dir: Direction; since: number } | undefined {
    let oldest: { conn: number; dir: Direction; since: number } | undefined;
    for (const [id, { holding }] of this.live) {
      if (!holding || (conn !== undefined && id !== conn)) continue;
      const held = holding.oldestHeld();
      if (held && (oldest === undefined || held.since < oldest.since)) oldest = { conn: id, ...held };
    }
    return oldest;
  }

  /** Forwards everything held and stops holding. */
  continue(options: { conn?: number } = {}): void {
    if (options.conn === undefined) this.holdingAll = undefined;
    this.holdings(options.conn, 'continue').forEach((holding) => holding.continue());
  }

  /** What each direction holds, in stream order (directions holding nothing are left out). */
  pending(): PendingMessages[] {
    const result: PendingMessages[] = [];
    for (const [conn, { holding }] of this.live) {
      for (const dir of ['c2s', 's2c'] as const) {
        const messages = holding?.pending(dir) ?? [];
        if (messages.length > 0) result.push({ conn, dir, messages });
      }
    }
    return result;
  }

  private holdings(conn: number | undefined, action: string): ConnectionHolding[] {
    if (!this.stepping) throw new Error(`Cannot ${action} traffic: this sniffer was started without step mode; start it with stepping: true (or with breakpoints).`);
    if (conn === undefined) return [...this.live.values()].flatMap(({ holding }) => (holding ? [holding] : []));
    const holding = this.live.get(conn)?.holding;
    if (!holding) throw new Error(`Cannot ${action} connection ${conn}: it is not open on this sniffer (open: ${[...this.live.keys()].join(', ') || 'none'}).`);
    return [holding];
  }

  private gate(conn: number, io: GateIo, emit: (event: HoldEvent) => void): ConnectionHolding {
    const holding = new ConnectionHolding({ conn, sniffer: this.name, io, emit, breakpoints: this.breakpoints });
    const live = this.live.get(conn);
    if (live) live.holding = holding;
    if (this.holdingAll) holding.hold(this.holdingAll.holdCommands);
    return holding;
  }

  private open(conn: RelayConnectionInfo, decoderOptions: DecoderOptions | undefined, emit: (event: SnifferEvent) => void): void {
    const stats = new ConnectionStats(conn.id, this.name, Date.now());
    const decoder = new ConnectionDecoder((dir, event) => {
      stats.count(dir, event);
      emit({ type: 'zmtp', conn: conn.id, dir, time: Date.now(), event });
    }, decoderOptions);
    this.live.set(conn.id, { decoder, stats });
    emit({ type: 'open', conn: conn.id, time: Date.now(), peer: conn.peer, listen: conn.listen, target: conn.target });
  }

  private data(conn: RelayConnectionInfo, dir: Direction, chunk: Buffer): void {
    const live = this.live.get(conn.id);
    if (!live) return;
    live.stats.bytes[dir] += chunk.length;
    live.decoder.push(dir, chunk);
  }

  private retire(id: number): void {
    const live = this.live.get(id);
    if (!live) return;
    this.live.delete(id);
    live.stats.closedAt = Date.now();
    this.finished.unshift(live.stats.summary(live.stats.closedAt));
    if (this.finished.length > Sniffer.finishedKept) this.finished.length = Sniffer.finishedKept;
  }
}
