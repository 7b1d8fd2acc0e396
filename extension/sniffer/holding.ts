// Step mode for one relayed connection: a lookahead decoder finds where units begin and end before
// the bytes are forwarded, breakpoints are tested on each unit, and one DirectionGate per direction
// decides how far forwarding may go.
import type { BreakpointSet } from '../breakpoints/breakpointSet';
import { ConnectionDecoder } from '../zmtp/connectionDecoder';
import { framesPreview } from '../zmtp/preview';
import type { CommandEvent, Direction, MessageEvent, ZmtpEvent } from '../zmtp/types';
import { DirectionGate, MAX_FRAME_ENDS, type DirectionGateIo, type GateLimits, type GateUnit, type HeldSummary, type StepUnit } from './holdGate';
import type { ConnectionGate, GateIo, HoldEvent } from './types';

/** Bytes of each frame the lookahead keeps: enough for topics and payload expressions, bounded. */
const LOOKAHEAD_RETAIN_BYTES = 64 * 1024;
const PREVIEW_BYTES = 48;

export interface HoldingSettings {
  conn: number;
  /** The sniffer's name, which breakpoints may name (conn:tasks#2); without it they match only breakpoints naming no sniffer. */
  sniffer?: string;
  io: GateIo;
  emit: (event: HoldEvent) => void;
  breakpoints?: BreakpointSet;
  limits?: GateLimits;
}

export class ConnectionHolding implements ConnectionGate {
  readonly gates: Record<Direction, DirectionGate>;
  private readonly decoder: ConnectionDecoder;
  private readonly frameEnds: Record<Direction, number[]> = { c2s: [], s2c: [] };

  constructor(private readonly settings: HoldingSettings) {
    const gate = (dir: Direction) => new DirectionGate(this.gateIo(dir), settings.limits);
    this.gates = { c2s: gate('c2s'), s2c: gate('s2c') };
    this.decoder = new ConnectionDecoder((dir, event) => this.decoded(dir, event), { emitFrames: true, retainBytes: LOOKAHEAD_RETAIN_BYTES });
    this.watch(settings.breakpoints !== undefined && settings.breakpoints.size > 0);
  }

  hold(holdCommands: boolean): void {
    for (const gate of Object.values(this.gates)) {
      gate.holding = true;
      gate.holdCommands = holdCommands;
      gate.pump();
    }
  }

  continue(): void {
    Object.values(this.gates).forEach((gate) => gate.continue());
  }

  /** Breakpoints were added or removed: with none, bytes need not wait for their unit to complete. */
  watch(watching: boolean): void {
    for (const gate of Object.values(this.gates)) {
      gate.watching = watching;
      gate.pump();
    }
  }

  /** The direction whose held head has waited longest, if any. */
  oldestHeld(): { dir: Direction; since: number } | undefined {
    let oldest: { dir: Direction; since: number } | undefined;
    for (const dir of ['c2s', 's2c'] as const) {
      const since = this.gates[dir].heldSince;
      if (since !== undefined && (oldest === undefined || since < oldest.since)) oldest = { dir, since };
    }
    return oldest;
  }

  step(dir: Direction, unit: StepUnit): boolean {
    return this.gates[dir].step(unit);
  }

  pending(dir: Direction): HeldSummary[] {
    return this.gates[dir].pending();
  }

  // ---- ConnectionGate

  accept(dir: Direction, chunk: Buffer): void {
    const gate = this.gates[dir];
    gate.watching = this.settings.breakpoints !== undefined && this.settings.breakpoints.size > 0;
    gate.receive(chunk);
    this.decoder.push(dir, chunk);
    gate.pump();
  }

  end(dir: Direction, done: () => void): void {
    this.decoder.end(dir);
    this.gates[dir].end(done);
  }

  pendingBytes(dir: Direction): number {
    return this.gates[dir].pendingBytes;
  }

  dispose(): void {
    this.frameEnds.c2s.length = 0;
    this.frameEnds.s2c.length = 0;
  }

  private gateIo(dir: Direction): DirectionGateIo {
    const { conn, io, emit } = this.settings;
    return {
      forward: (bytes) => io.forward(dir, bytes),
      setSourcePaused: (paused) => io.setSourcePaused(dir, paused),
      held: (message, reason, breakpoint) => emit({ type: 'held', conn, dir, time: Date.now(), reason, ...(breakpoint ? { breakpoint } : {}), message }),
      released: (offset, bytes, unit) => emit({ type: 'released', conn, dir, time: Date.now(), offset, bytes, unit }),
      queued: (units) => emit({ type: 'queued', conn, dir, time: Date.now(), units }),
    };
  }

  private decoded(dir: Direction, event: ZmtpEvent): void {
    const gate = this.gates[dir];
    // While the listener runs, the decoder has consumed exactly up to the end of this event's bytes.
    const decodedTo = this.decoder.decodedBytes(dir);
    const frameEnds = this.frameEnds[dir];
    switch (event.kind) {
      case 'frame':
        if (frameEnds.length < MAX_FRAME_ENDS) frameEnds.push(decodedTo);
        return;
      case 'error':
        if (event.fatal) gate.goBlind();
        return;
      case 'greeting': {
        const end = Math.max(decodedTo, event.offset + event.length);
        gate.addUnit(new LookaheadUnit(event.offset, end, 'greeting', `ZMTP ${event.version} ${event.mechanism}`, undefined));
        frameEnds.length = 0;
        return;
      }
      case 'command': {
        const unit = new LookaheadUnit(event.offset, decodedTo, 'command', event.name, undefined);
        unit.breakpoint = this.evaluate(dir, event);
        gate.addUnit(unit);
        // A command between a message's frames leaves the message's frame list alone.
        if (frameEnds[frameEnds.length - 1] === decodedTo) frameEnds.pop();
        return;
      }
      case 'message': {
        const unit = new LookaheadUnit(event.offset, decodedTo, 'message', undefined, event);
        // The last frame ends with the message, where a frame step goes anyway: a single-frame message needs no list.
        if (frameEnds[frameEnds.length - 1] === decodedTo) frameEnds.pop();
        if (frameEnds.length > 0) unit.frameEnds = frameEnds.splice(0);
        unit.breakpoint = this.evaluate(dir, event);
        gate.addUnit(unit);
        return;
      }
    }
  }

  /** The breakpoint this command or message hits, if any. */
  private evaluate(dir: Direction, event: MessageEvent | CommandEvent): GateUnit['breakpoint'] {
    const { breakpoints, conn, sniffer } = this.settings;
    if (breakpoints === undefined || breakpoints.size === 0) return undefined;
    return breakpoints.evaluate({ conn, sniffer, dir, socketType: this.decoder.peer(dir).socketType, event });
  }
}

const NO_FRAME_ENDS: readonly number[] = Object.freeze([]);

/** A unit the lookahead found. Its summary (a message's preview above all) is built only if the gate asks: when it is held or listed. */
class LookaheadUnit implements GateUnit {
  frameEnds = NO_FRAME_ENDS;
  breakpoint: GateUnit['breakpoint'];
  private described: HeldSummary | undefined;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly kind: GateUnit['kind'],
    readonly name: string | undefined,
    /**
     * Kept for the summary until it is built. Its frame bodies never change after decoding, and they
     * are no larger than the unit's own bytes, which the gate keeps anyway until they are forwarded
     * (a forwarded unit is dropped; a held one was summarized, which lets go of this).
     */
    private message: MessageEvent | undefined,
  ) {}

  summary(): HeldSummary {
    if (this.described !== undefined) return this.described;
    const summary: HeldSummary = { offset: this.start, bytes: this.end - this.start, kind: this.kind };
    if (this.name !== undefined) summary.name = this.name;
    const message = this.message;
    if (message !== undefined) {
      summary.frames = message.frames.length + (message.omittedFrames ?? 0);
      // As the message list shows it ("∅ · Hello server"), so a held REQ's text is not hidden behind its empty delimiter.
      if (message.frames.length > 0) summary.preview = framesPreview(message.frames, PREVIEW_BYTES);
      this.message = undefined;
    }
    this.described = summary;
    return summary;
  }
}
