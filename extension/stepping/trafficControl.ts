// Step mode above the engine: one place that holds, steps and continues the traffic of every
// step-mode sniffer the extension runs, and describes what they hold for the inspector. Sniffers
// come and go (examples, Sniff Endpoint, debug sessions, the user's sockets); each is attached
// under its capture-store source id, so connection keys here are the store's ("<source id>#<n>").
import type { BreakpointSet } from '../breakpoints/breakpointSet';
import type { SteppingFeed } from '../inspector/session';
import { MAX_HELD_LISTED, MAX_HELD_QUEUES, type BreakpointHitInfo, type HeldMessage, type HeldQueue, type SteppingState, type TrafficAction } from '../protocol';
import type { HeldSummary, StepUnit } from '../sniffer/holdGate';
import type { Sniffer, SnifferOptions } from '../sniffer/sniffer';
import type { HoldEvent } from '../sniffer/types';
import type { Direction } from '../zmtp/types';

export interface TrafficControlOptions {
  /** The one set every step-mode sniffer tests its messages against. */
  breakpoints: BreakpointSet;
  /** Read at each Pause: hold greetings and commands (heartbeats) too. */
  holdCommands?: () => boolean;
  /** A breakpoint's condition in words, e.g. "topic:10001 dir:c2s" (default: its id). */
  describeBreakpoint?: (id: string) => string;
}

/** What a step-mode sniffer is started with (spread into Sniffer.start). */
export type SteppingSnifferOptions = Pick<SnifferOptions, 'stepping' | 'breakpoints' | 'onHold'>;

/** A bad connection key or a sniffer refusing: the message says what to do. */
export class TrafficControlError extends Error {
  override name = 'TrafficControlError';
}

export const NOTHING_HELD = 'Nothing is held: press Pause first, or set a breakpoint.';

interface AttachedSniffer {
  sniffer: Sniffer;
  /** The source's name: connection labels are "<name> #<n>", as in the inspector's list. */
  name: string;
}

/** Queue-keyed bookkeeping is pruned to what is still held once it grows past this. */
const MAX_QUEUES_TRACKED = 4096;

const queueKey = (conn: string, dir: Direction): string => `${conn}|${dir}`;

export class TrafficControl implements SteppingFeed {
  private readonly sniffers = new Map<string, AttachedSniffer>();
  private readonly listeners = new Set<() => void>();
  private readonly hitListeners = new Set<(hit: BreakpointHitInfo, message: HeldMessage) => void>();
  private readonly userActionListeners = new Set<() => void>();
  /** The breakpoint that stopped each queue, at which offset (shown on that held message). */
  private readonly stoppedBy = new Map<string, { offset: number; breakpoint: string }>();
  private holdAll: { holdCommands: boolean } | undefined;
  /** Connections paused one by one: Continue on one of them has something to end even before a message waits. */
  private readonly heldConnections = new Set<string>();
  private hit: BreakpointHitInfo | undefined;
  private enabled = true;
  private cached: { version: number; state: SteppingState } | undefined;
  private notifyQueued = false;
  version = 0;

  constructor(private readonly options: TrafficControlOptions) {}

  get breakpoints(): BreakpointSet {
    return this.options.breakpoints;
  }

  /** Pause Traffic is on (every connection, also later ones, stops at message boundaries). */
  get holdingAll(): boolean {
    return this.holdAll !== undefined;
  }

  /** The newest breakpoint hit whose message is still held. */
  get currentHit(): BreakpointHitInfo | undefined {
    return this.hit;
  }

  /** Step mode on or off in the settings: only shown (sniffers started without it cannot hold). */
  setAvailable(available: boolean): void {
    if (available === this.enabled) return;
    this.enabled = available;
    this.changed();
  }

  snifferOptions(sourceId: string): SteppingSnifferOptions {
    return { stepping: true, breakpoints: this.options.breakpoints, onHold: (event) => this.held(sourceId, event) };
  }

  /** Coordinates a sniffer started with snifferOptions(sourceId); call the returned function when it stops. */
  attach(sourceId: string, sniffer: Sniffer, name = sniffer.name): () => void {
    const entry = { sniffer, name };
    this.sniffers.set(sourceId, entry);
    if (this.holdAll) sniffer.hold(this.holdAll);
    this.changed();
    return () => {
      if (this.sniffers.get(sourceId) !== entry) return;
      this.sniffers.delete(sourceId);
      for (const conn of this.heldConnections) if (this.sourceOf(conn) === sourceId) this.heldConnections.delete(conn);
      if (this.hit && this.sourceOf(this.hit.conn) === sourceId) this.hit = undefined;
      this.changed();
    };
  }

  /** Pause: one connection, or every connection including those opened later. */
  hold(conn?: string): void {
    const holdCommands = this.options.holdCommands?.() === true;
    if (conn === undefined) {
      this.holdAll = { holdCommands };
      for (const { sniffer } of this.sniffers.values()) sniffer.hold({ holdCommands });
    } else {
      const { sniffer, id } = this.connection(conn);
      this.refusedBySniffer(() => sniffer.hold({ conn: id, holdCommands }));
      // Bounded like the sniffers' connections; a closed connection's entry goes with its sniffer.
      if (this.heldConnections.size < MAX_QUEUES_TRACKED) this.heldConnections.add(conn);
    }
    this.changed();
  }

  /** Releases the held message (or frame) that has waited longest, of one connection or any; false when nothing was held. */
  step(conn?: string, unit: StepUnit = 'message'): boolean {
    if (conn !== undefined) {
      const { sniffer, id } = this.connection(conn);
      return this.refusedBySniffer(() => sniffer.step({ conn: id, unit }));
    }
    let oldest: { sniffer: Sniffer; conn: number; since: number } | undefined;
    for (const { sniffer } of this.sniffers.values()) {
      const held = sniffer.oldestHeld();
      if (held && (oldest === undefined || held.since < oldest.since)) oldest = { sniffer, ...held };
    }
    return oldest !== undefined && oldest.sniffer.step({ conn: oldest.conn, unit });
  }

  /** Forwards what is held and stops holding: one connection, or everything (ending Pause Traffic). */
  continue(conn?: string): void {
    if (conn === undefined) {
      this.holdAll = undefined;
      this.heldConnections.clear();
      for (const { sniffer } of this.sniffers.values()) sniffer.continue();
    } else {
      const { sniffer, id } = this.connection(conn);
      this.refusedBySniffer(() => sniffer.continue({ conn: id }));
      this.heldConnections.delete(conn);
    }
    this.changed();
  }

  /** How the inspector's rows name a connection key ("hello #1"); the key itself for a sniffer no longer attached. */
  labelOf(conn: string): string {
    const hash = conn.lastIndexOf('#');
    const attached = hash > 0 ? this.sniffers.get(conn.slice(0, hash)) : undefined;
    return attached ? connectionLabel(attached.name, Number(conn.slice(hash + 1))) : conn;
  }

  /** A button or command; returns why nothing was done, in words for the user. */
  act(action: TrafficAction, conn?: string): string | undefined {
    if (action === 'hold' || action === 'continue') for (const listener of [...this.userActionListeners]) listener();
    try {
      switch (action) {
        case 'hold':
          if (!this.enabled) return 'Step mode is off (zmqInspector.stepping.enabled), so sniffers cannot hold traffic; turn it on, then start them again.';
          this.hold(conn);
          return undefined;
        case 'step':
        case 'stepFrame':
          return this.step(conn, action === 'stepFrame' ? 'frame' : 'message') ? undefined : NOTHING_HELD;
        case 'continue': {
          const anything = this.holdingAll || (conn === undefined ? this.heldConnections.size > 0 : this.heldConnections.has(conn)) || this.anyHeld();
          this.continue(conn);
          return anything ? undefined : 'Nothing is held, so there is nothing to continue.';
        }
      }
    } catch (error) {
      if (error instanceof TrafficControlError) return error.message;
      throw error;
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pause or Continue through act() (the user's buttons and commands), not hold()/continue() called by code. */
  onUserAction(listener: () => void): () => void {
    this.userActionListeners.add(listener);
    return () => this.userActionListeners.delete(listener);
  }

  /** A breakpoint held traffic: `hit` says which, `message` what it held. */
  onHit(listener: (hit: BreakpointHitInfo, message: HeldMessage) => void): () => void {
    this.hitListeners.add(listener);
    return () => this.hitListeners.delete(listener);
  }

  /** Some sniffer holds a message back (cheaper than heldCount: nothing is listed). */
  anyHeld(): boolean {
    for (const { sniffer } of this.sniffers.values()) if (sniffer.oldestHeld() !== undefined) return true;
    return false;
  }

  /** Held units (messages and commands) across every sniffer. */
  heldCount(): number {
    return this.state().heldCount;
  }

  state(): SteppingState {
    if (this.cached?.version === this.version) return this.cached.state;
    const queues: HeldQueue[] = [];
    let heldCount = 0;
    let omittedQueues = 0;
    for (const [sourceId, { sniffer, name }] of this.sniffers) {
      for (const pending of sniffer.pending()) {
        heldCount += pending.messages.length;
        if (queues.length >= MAX_HELD_QUEUES) {
          omittedQueues++;
          continue;
        }
        const conn = `${sourceId}#${pending.conn}`;
        const stoppedBy = this.stoppedBy.get(queueKey(conn, pending.dir));
        const messages = pending.messages.slice(0, MAX_HELD_LISTED).map((summary) => heldMessage(summary, stoppedBy));
        queues.push({ conn, connLabel: connectionLabel(name, pending.conn), dir: pending.dir, messages, omitted: pending.messages.length - messages.length });
      }
    }
    const state: SteppingState = { available: this.enabled, holdingAll: this.holdingAll, holdCommands: this.holdAll?.holdCommands ?? this.options.holdCommands?.() === true, queues, omittedQueues, heldCount };
    if (this.hit) state.hit = { ...this.hit };
    this.cached = { version: this.version, state };
    return state;
  }

  private held(sourceId: string, event: HoldEvent): void {
    const conn = `${sourceId}#${event.conn}`;
    const key = queueKey(conn, event.dir);
    if (event.type === 'held') {
      if (event.breakpoint) {
        this.stoppedBy.set(key, { offset: event.message.offset, breakpoint: event.breakpoint.id });
        this.breakpointHit(conn, event, event.breakpoint);
        if (this.stoppedBy.size > MAX_QUEUES_TRACKED) this.prune();
      }
    } else if (event.type === 'released' && this.hit && this.hit.conn === conn && this.hit.dir === event.dir && this.hit.offset >= event.offset && this.hit.offset < event.offset + Math.max(1, event.bytes)) {
      this.hit = undefined;
    }
    this.changed();
  }

  private breakpointHit(conn: string, event: Extract<HoldEvent, { type: 'held' }>, breakpoint: { id: string; hits: number }): void {
    const condition = this.options.describeBreakpoint?.(breakpoint.id) ?? breakpoint.id;
    const hit: BreakpointHitInfo = { breakpoint: breakpoint.id, condition, hits: breakpoint.hits, conn, dir: event.dir, offset: event.message.offset, time: event.time };
    this.hit = hit;
    const message = heldMessage(event.message, { offset: event.message.offset, breakpoint: breakpoint.id });
    for (const listener of [...this.hitListeners]) listener({ ...hit }, message);
  }

  /** Forgets queues that hold nothing now, keeping the bookkeeping bounded. */
  private prune(): void {
    const live = new Set<string>();
    for (const [sourceId, { sniffer }] of this.sniffers) for (const pending of sniffer.pending()) live.add(queueKey(`${sourceId}#${pending.conn}`, pending.dir));
    for (const key of this.stoppedBy.keys()) if (!live.has(key)) this.stoppedBy.delete(key);
  }

  private sourceOf(conn: string): string {
    return conn.slice(0, conn.lastIndexOf('#'));
  }

  private connection(conn: string): { sniffer: Sniffer; id: number } {
    const hash = conn.lastIndexOf('#');
    const id = Number(conn.slice(hash + 1));
    if (hash <= 0 || !Number.isSafeInteger(id) || id < 1) throw new TrafficControlError(`"${conn}" is not a connection key; keys look like "<sniffer id>#<connection number>", as the inspector's rows show them.`);
    const attached = this.sniffers.get(conn.slice(0, hash));
    if (!attached) throw new TrafficControlError(`The sniffer of connection ${conn} is not running in step mode (it stopped, or it started while zmqInspector.stepping.enabled was off).`);
    return { sniffer: attached.sniffer, id };
  }

  private refusedBySniffer<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw new TrafficControlError(error instanceof Error ? error.message : String(error));
    }
  }

  /** The version grows at once; listeners hear of a burst of changes once. */
  private changed(): void {
    this.version++;
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const listener of [...this.listeners]) listener();
    });
  }
}

function heldMessage(summary: HeldSummary, stoppedBy: { offset: number; breakpoint: string } | undefined): HeldMessage {
  const message: HeldMessage = { offset: summary.offset, bytes: summary.bytes, kind: summary.kind === 'partial' ? 'message' : summary.kind };
  if (summary.kind === 'partial') message.preview = `(still arriving: ${summary.bytes} bytes so far)`;
  if (summary.name !== undefined) message.name = summary.name;
  if (summary.frames !== undefined) message.frames = summary.frames;
  if (summary.preview !== undefined) message.preview = summary.preview;
  if (stoppedBy?.offset === summary.offset) message.breakpoint = stoppedBy.breakpoint;
  return message;
}

function connectionLabel(snifferName: string, conn: number): string {
  return `${snifferName} #${conn}`;
}
