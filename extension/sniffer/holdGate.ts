// One direction's gate for step mode. Bytes arrive, a lookahead decoder tells where each greeting,
// command and message begins and ends, and the gate forwards bytes only up to the next unit it must
// hold. It never drops or duplicates a byte. The one exception to stream order: while a message is
// held, whole PING/PONG commands queued behind it go ahead of it (unless commands are held too),
// because a libzmq peer with heartbeats drops a connection that delivers nothing for its timeout.
import { HeldBytes } from './holdBuffer';

export type UnitKind = 'greeting' | 'command' | 'message';

/** One held or waiting unit, as people see it. */
export interface HeldSummary {
  offset: number;
  bytes: number;
  /** 'partial': a unit still arriving (too large to wait for), held at its first byte. */
  kind: UnitKind | 'partial';
  /** Command name. */
  name?: string;
  frames?: number;
  /** A short text or hex preview of the first frame. */
  preview?: string;
}

export interface GateUnit {
  start: number;
  end: number;
  kind: UnitKind;
  /** Command name (heartbeats may go ahead of a held message). */
  name?: string;
  /**
   * The unit as people see it. Built only when the unit is held or listed, never for units that
   * are simply forwarded: a message preview costs more than forwarding the message.
   */
  summary(): HeldSummary;
  /**
   * End offsets of the message's frames before its last, for frame steps (bounded; later frames go
   * in one step). Read only: units may share one empty list.
   */
  frameEnds: readonly number[];
  /** A breakpoint matched: holding starts here. */
  breakpoint?: { id: string; hits: number };
}

export type StepUnit = 'message' | 'frame';
export type HoldReason = 'pause' | 'breakpoint';

export interface DirectionGateIo {
  forward(bytes: Buffer): void;
  setSourcePaused(paused: boolean): void;
  held(summary: HeldSummary, reason: HoldReason, breakpoint: GateUnit['breakpoint']): void;
  released(offset: number, bytes: number, unit: StepUnit | 'all'): void;
  /** While holding, more units queued up behind the held one (so what pending() lists changed). */
  queued(units: number): void;
}

export interface GateLimits {
  /** Bytes kept unforwarded before the source is paused. */
  maxPendingBytes: number;
  /** An unfinished unit larger than this is not waited for (breakpoints cannot see it first). */
  maxPartialBytes: number;
}

export const DEFAULT_GATE_LIMITS: GateLimits = { maxPendingBytes: 4 * 1024 * 1024, maxPartialBytes: 1024 * 1024 };
export const MAX_FRAME_ENDS = 1024;

export class DirectionGate {
  holding = false;
  holdCommands = false;
  /** Breakpoints exist: each unit must be complete (and evaluated) before it is forwarded. */
  watching = false;
  private readonly bytes = new HeldBytes();
  /** Complete units not yet wholly forwarded, in stream order. */
  private readonly units: GateUnit[] = [];
  private completeEnd = 0;
  /** The unit (or partial offset) a 'held' notice was given for. */
  private announced: GateUnit | number | undefined;
  private releasePartial = false;
  /** Decoding stopped: boundaries are unknown, so nothing can be held. */
  private blind = false;
  private sourcePaused = false;
  private ended: (() => void) | undefined;
  private readonly frameStepped = new WeakSet<GateUnit>();
  /** libzmq sends its greeting in parts and waits for the peer's between them: it must never wait for completion. */
  private greetingSeen = false;
  /** Units listed by pending() when last told through io.queued, so it is told only of changes. */
  private queuedReported = 0;
  /** Set when the gate stopped at something: the time order in which held heads are stepped. */
  heldSince: number | undefined;

  constructor(
    private readonly io: DirectionGateIo,
    private readonly limits: GateLimits = DEFAULT_GATE_LIMITS,
  ) {}

  get pendingBytes(): number {
    return this.bytes.pendingBytes;
  }

  private get arrived(): number {
    return this.bytes.arrived;
  }

  private get forwarded(): number {
    return this.bytes.forwarded;
  }

  /** New bytes; the lookahead decoder must have been fed them (and addUnit called) before pump(). */
  receive(chunk: Buffer): void {
    this.bytes.receive(chunk);
  }

  addUnit(unit: GateUnit): void {
    // A unit that began before the last queued one contains it (a command between message frames).
    while (this.units.length > 0 && this.units[this.units.length - 1].start > unit.start) this.units.pop();
    this.units.push(unit);
    if (unit.kind === 'greeting') this.greetingSeen = true;
    this.completeEnd = Math.max(this.completeEnd, unit.end);
  }

  /** The decoder gave up on this direction: forward everything from now on. */
  goBlind(): void {
    this.blind = true;
    this.units.length = 0;
    this.pump();
  }

  /** The source ended: `done` runs once every byte has been forwarded. */
  end(done: () => void): void {
    this.ended = done;
    this.pump();
  }

  continue(): void {
    const [from, sentBefore] = [this.forwarded, this.bytes.sent];
    this.holding = false;
    this.heldSince = undefined;
    this.pump();
    if (this.bytes.sent > sentBefore) this.io.released(from, this.bytes.sent - sentBefore, 'all');
  }

  /** Releases one held message or frame; false when nothing is held here. */
  step(unit: StepUnit): boolean {
    if (this.heldSince === undefined) return false;
    const [from, sentBefore] = [this.forwarded, this.bytes.sent];
    const head = this.units[0];
    if (head === undefined) {
      this.releasePartial = true;
    } else if (unit === 'frame' && head.kind === 'message') {
      this.frameStepped.add(head);
      const next = head.frameEnds.find((end) => end > this.forwarded) ?? head.end;
      if (next < head.end) {
        this.announced = head;
        this.forwardUpTo(next);
      } else this.passHead();
    } else this.passHead();
    this.heldSince = undefined;
    this.pump();
    this.io.released(from, this.bytes.sent - sentBefore, unit);
    return true;
  }

  pending(): HeldSummary[] {
    const held = this.units.filter((unit) => unit.end > this.forwarded).map((unit) => ({ ...unit.summary() }));
    if (this.arrived > this.completeEnd) held.push(this.partialSummary());
    return held;
  }

  /** Forwards as far as the rules allow, then pauses or resumes the source. */
  pump(): void {
    let limit = this.forwarded;
    let stopped = false;
    while (this.units.length > 0) {
      const unit = this.units[0];
      if (!this.mayPass(unit)) {
        stopped = true;
        this.announce(unit, unit.summary(), unit.breakpoint ? 'breakpoint' : 'pause');
        this.sendHeartbeatsAhead();
        break;
      }
      limit = unit.end;
      this.units.shift();
    }
    if (!stopped && this.arrived > this.completeEnd) limit = this.partialLimit(limit);
    this.forwardUpTo(limit);
    this.reportQueued(stopped ? this.units.length : 0);
    if (this.ended && this.forwarded === this.arrived) {
      const done = this.ended;
      this.ended = undefined;
      done();
    }
    this.setSourcePaused(this.pendingBytes >= this.limits.maxPendingBytes);
  }

  private reportQueued(units: number): void {
    // The held head itself is announced by io.held; only growth behind it is news.
    if (units > 1 && units !== this.queuedReported) this.io.queued(units);
    this.queuedReported = units;
  }

  private mayPass(unit: GateUnit): boolean {
    if (this.blind || (unit.start < this.forwarded && !this.frameStepped.has(unit))) return true;
    if (unit.breakpoint && this.announced !== unit) this.holding = true;
    if (!this.holding) return true;
    return unit.breakpoint === undefined && unit.kind !== 'message' && !this.holdCommands;
  }

  /** How far bytes of the unit still arriving may go. */
  private partialLimit(limit: number): number {
    const begun = this.forwarded > this.completeEnd;
    if (this.blind || begun || this.releasePartial || this.ended || !this.greetingSeen) return this.arrived;
    if (!this.holding && !this.watching) return this.arrived;
    if (this.arrived - this.completeEnd < this.limits.maxPartialBytes) return limit;
    if (!this.holding) return this.arrived;
    this.announce(this.completeEnd, this.partialSummary(), 'pause');
    return limit;
  }

  private passHead(): void {
    const head = this.units.shift();
    if (head) this.forwardUpTo(head.end);
  }

  private announce(target: GateUnit | number, summary: HeldSummary, reason: HoldReason): void {
    if (target === this.announced && this.heldSince !== undefined) return;
    this.announced = target;
    this.heldSince = ++heldSequence;
    this.io.held({ ...summary }, reason, typeof target === 'number' ? undefined : target.breakpoint);
  }

  private forwardUpTo(limit: number): void {
    this.bytes.forwardUpTo(limit, this.io.forward);
    if (this.forwarded > this.completeEnd) this.releasePartial = false;
  }

  /** Whole PING/PONG commands behind the held head go now; a frame-stepped head has no gap for them. */
  private sendHeartbeatsAhead(): void {
    const head = this.units[0];
    if (this.holdCommands || head === undefined || this.forwarded !== head.start) return;
    for (let i = 1; i < this.units.length; i++) {
      const unit = this.units[i];
      if (unit.kind !== 'command' || !HEARTBEATS.has(unit.name ?? '') || unit.breakpoint) continue;
      this.bytes.sendAhead(unit.start, unit.end, this.io.forward);
      this.units.splice(i--, 1);
    }
  }

  private setSourcePaused(paused: boolean): void {
    if (paused === this.sourcePaused) return;
    this.sourcePaused = paused;
    this.io.setSourcePaused(paused);
  }

  private partialSummary(): HeldSummary {
    return { offset: this.completeEnd, bytes: this.arrived - this.completeEnd, kind: 'partial' };
  }
}

const HEARTBEATS = new Set(['PING', 'PONG']);

/** Orders held heads across gates so a global step releases the one that has waited longest. */
let heldSequence = 0;
