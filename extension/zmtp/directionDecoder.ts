// One direction of a connection: greeting (negotiated with the other direction, which it can see),
// then frames, commands and messages; or raw counting after a fatal error.
import type { CommandEvent, ConnectionEventListener, Direction, Frame, GreetingEvent, MessageEvent, PeerInfo, ZmtpEvent } from './types';
import { FLAG_COMMAND as FLAG_COMMAND_EXPORT, FLAG_MORE as FLAG_MORE_EXPORT } from './types';
import { decodeCommand, type CommandContext } from './commands';
import { curveMessageBox } from './curve';
import { FrameStream, LAYOUT_FLAGS_FIRST, LAYOUT_LENGTH_FIRST, type FrameSink } from './framing';
import {
  describeGreeting, FRAMING_1_0, FRAMING_2_0, FRAMING_3, FULL_GREETING_LENGTH, planFor, revisionOf, SHORT_GREETING_LENGTH,
  SIGNATURE_LENGTH, signatureKind, UNVERSIONED_PLAN, type Framing, type GreetingPlan,
} from './greeting';
import { MAX_WAITING_BYTES } from './limits';
import { MessageAssembler } from './messages';
import { findProperty } from './metadata';
import { addProblem, STOPS_DECODING } from './problems';
import { isPublisherType, isSubscriberType } from './socketTypes';
import { legacySubscription } from './subscriptions';

export interface DirectionSettings {
  retainBytes: number;
  revealPasswords: boolean;
  emitFrames: boolean;
}

const PHASE_GREETING = 0;
const PHASE_FRAMES = 1;
const PHASE_RAW = 2;

/** Flag bits each framing reserves (1.0 ignores all but MORE, like libzmq). */
const RESERVED_FLAGS: Record<Framing, number> = { [FRAMING_1_0]: 0, [FRAMING_2_0]: 0xfc, [FRAMING_3]: 0xf8 };

/** The facts the other direction waits for are in bytes 0, 9 and 10 of this one. */
const LAST_FACT_BYTE = 10;

const EMPTY_CHUNK = Buffer.alloc(0);

/** What a side joined mid-stream is taken to have sent: a ZMTP 3.1 greeting, as libzmq since 4.3.3 does. */
const ASSUMED_HEAD = Buffer.alloc(FULL_GREETING_LENGTH);
ASSUMED_HEAD.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]);
ASSUMED_HEAD.write('NULL', 12, 'latin1');

// Module-local copies for the per-frame path (imported bindings are getters in the CommonJS build).
const FLAG_COMMAND = FLAG_COMMAND_EXPORT;
const FLAG_MORE = FLAG_MORE_EXPORT;

export class DirectionDecoder implements FrameSink {
  sibling!: DirectionDecoder;
  readonly info: PeerInfo = {};

  /** The first 64 bytes as they arrive, before decoding reaches them: the greeting, and facts for the sibling. */
  private readonly head = Buffer.alloc(FULL_GREETING_LENGTH);
  private arrived = 0;
  private greetingConsumed = 0;
  private phase = PHASE_GREETING;
  private plan: GreetingPlan | undefined;

  /** Waiting for the sibling's greeting facts; chunks that arrive meanwhile are queued (bounded). */
  private blocked = false;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;

  private readonly frames = new FrameStream(this);
  private readonly messages: MessageAssembler;
  private commandContext: CommandContext;
  private commandsAllowed = false;
  private curveData = false;
  private legacySubscriptions = false;
  /** 1.0/2.0: the greeting is emitted with the identity frame that follows it. */
  private greetingAwaitingIdentity: GreetingEvent | undefined;
  private headerProblem: { offset: number; reason: string } | undefined;
  private curveProblemReported = false;
  /** Set when decoding joined the stream without having seen this side's greeting. */
  private assumedHead: Buffer | undefined;

  constructor(private readonly dir: Direction, private readonly listener: ConnectionEventListener, private readonly settings: DirectionSettings) {
    this.messages = new MessageAssembler(settings.retainBytes);
    this.commandContext = { mechanism: 'NULL', revealPasswords: settings.revealPasswords };
  }

  // ---- public surface used by ConnectionDecoder

  push(chunk: Buffer): void {
    const arrivedBefore = this.arrived;
    this.record(chunk);
    // Bytes the sibling queued while waiting for these facts arrived before this chunk: decode them first.
    if (arrivedBefore <= LAST_FACT_BYTE && this.arrived > arrivedBefore) this.sibling.resume();
    this.guarded(() => this.consume(chunk));
  }

  decodedBytes(): number {
    return this.phase === PHASE_GREETING ? this.greetingConsumed : this.frames.offset;
  }

  receivedBytes(): number {
    return this.arrived;
  }

  retainedBytes(): number {
    return this.frames.heldBytes() + this.messages.heldBytes() + this.queuedBytes;
  }

  isRaw(): boolean {
    return this.phase === PHASE_RAW;
  }

  /** The sibling learned greeting facts or a socket type: continue if that was what this side waited for. */
  resume(): void {
    if (!this.blocked || this.phase === PHASE_RAW) return;
    this.guarded(() => {
      this.blocked = false;
      this.run(EMPTY_CHUNK, 0);
      while (!this.blocked && this.queue.length > 0 && this.phase !== PHASE_RAW) {
        const chunk = this.queue.shift() as Buffer;
        this.queuedBytes -= chunk.length;
        const stop = this.run(chunk, 0);
        if (stop < chunk.length) {
          this.queue.unshift(chunk.subarray(stop));
          this.queuedBytes += chunk.length - stop;
        }
      }
    });
  }

  /** Bytes of the stream that will never arrive (lost by a capture): offsets stay true to the stream. */
  skip(bytes: number): void {
    this.arrived += bytes;
  }

  /** The framing decided by the greetings; undefined while they are still being read. */
  framingInUse(): Framing | undefined {
    return this.phase === PHASE_GREETING ? undefined : this.framing();
  }

  /**
   * Decodes frames from stream `offset` on, where a frame is believed to start, without (more of)
   * the greeting: a capture joined mid-stream or lost bytes (midStream.ts). Whatever was in progress
   * is dropped; a side whose greeting was not seen is assumed to speak ZMTP 3.1.
   */
  joinAt(offset: number, framing: Framing, curve: boolean): void {
    if (this.phase === PHASE_GREETING) this.assumedHead = ASSUMED_HEAD;
    this.arrived = Math.max(this.arrived, offset);
    this.plan = { greetingLength: this.plan?.greetingLength ?? 0, framing };
    this.phase = PHASE_FRAMES;
    this.blocked = false;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.greetingAwaitingIdentity = undefined;
    this.headerProblem = undefined;
    this.commandsAllowed = framing === FRAMING_3;
    this.curveData = this.commandsAllowed && (curve || this.info.mechanism === 'CURVE');
    if (this.curveData) this.commandContext = { mechanism: 'CURVE', revealPasswords: this.settings.revealPasswords };
    this.messages.reset();
    this.frames.start(LAYOUT_FLAGS_FIRST, RESERVED_FLAGS[framing], offset);
    this.updateLegacySubscriptions();
    this.sibling.resume();
  }

  updateLegacySubscriptions(): void {
    const own = this.info.socketType;
    this.legacySubscriptions = !this.curveData && (isSubscriberType(own) || (own === undefined && isPublisherType(this.sibling.info.socketType)));
    this.frames.watchLegacyTopicBug = this.framing() !== FRAMING_1_0 && isSubscriberType(own);
  }

  // ---- stream plumbing

  private record(chunk: Buffer): void {
    if (this.arrived < FULL_GREETING_LENGTH) chunk.copy(this.head, this.arrived, 0, Math.min(chunk.length, FULL_GREETING_LENGTH - this.arrived));
    this.arrived += chunk.length;
  }

  private consume(chunk: Buffer): void {
    if (this.phase === PHASE_RAW) return;
    if (this.blocked) {
      this.enqueue(chunk, 0);
      return;
    }
    const stop = this.run(chunk, 0);
    if (stop < chunk.length) this.enqueue(chunk, stop);
  }

  /** Decodes chunk[pos...]; returns where it had to stop to wait for the sibling (chunk.length otherwise). */
  private run(chunk: Buffer, pos: number): number {
    if (this.phase === PHASE_GREETING) {
      pos = this.greetingStep(chunk, pos);
      if (this.phase === PHASE_GREETING) return pos;
    }
    if (this.phase === PHASE_FRAMES) this.frames.decode(chunk, pos);
    return chunk.length;
  }

  private enqueue(chunk: Buffer, from: number): void {
    const rest = chunk.length - from;
    if (rest === 0) return;
    if (this.queuedBytes + rest > MAX_WAITING_BYTES) {
      this.fatal(this.greetingConsumed, `${this.dir} sent more than ${MAX_WAITING_BYTES} bytes before the other direction showed its ZMTP version (greeting bytes 0-10), so the greeting length and framing of ${this.dir} cannot be known — ${STOPS_DECODING}`);
      return;
    }
    this.queue.push(from === 0 ? chunk : chunk.subarray(from));
    this.queuedBytes += rest;
  }

  // ---- greeting

  /**
   * Consumes greeting bytes up to the next point where the sibling's facts are needed (byte 10:
   * is the peer versioned? byte 12: the peer's revision), as libzmq does (reference §1.2).
   */
  private greetingStep(chunk: Buffer, pos: number): number {
    const end = chunk.length;
    for (;;) {
      const own = signatureKind(this.head, this.arrived);
      if (own === 'unversioned') return this.startFraming(UNVERSIONED_PLAN, pos);
      let target: number;
      if (own === 'unknown' || this.greetingConsumed < SIGNATURE_LENGTH) {
        target = SIGNATURE_LENGTH;
      } else {
        const peer = signatureKind(...this.sibling.greetingFacts());
        if (peer === 'unknown') return this.block(pos);
        if (peer === 'unversioned') return this.startFraming(UNVERSIONED_PLAN, pos);
        if (this.greetingConsumed < SHORT_GREETING_LENGTH) {
          target = SHORT_GREETING_LENGTH;
        } else {
          this.plan ??= this.planWithSibling();
          if (this.plan === undefined) return this.block(pos);
          target = this.plan.greetingLength;
          if (this.greetingConsumed === target) return this.startFraming(this.plan, pos);
        }
      }
      if (pos === end) return pos;
      const take = Math.min(target - this.greetingConsumed, end - pos);
      this.greetingConsumed += take;
      pos += take;
    }
  }

  /** This side's first bytes as the other side's greeting negotiation reads them. */
  private greetingFacts(): [Uint8Array, number] {
    return this.assumedHead === undefined ? [this.head, this.arrived] : [this.assumedHead, FULL_GREETING_LENGTH];
  }

  private block(pos: number): number {
    this.blocked = true;
    return pos;
  }

  private planWithSibling(): GreetingPlan | undefined {
    const own = this.head[SIGNATURE_LENGTH];
    // A revision-0 side makes the lower revision 0 whatever the peer says.
    if (own === 0) return planFor(0, 0);
    const peer = revisionOf(...this.sibling.greetingFacts());
    return peer === undefined ? undefined : planFor(own, peer);
  }

  /**
   * Greeting done: frames follow. Unversioned streams start framing at offset 0, so the bytes
   * already taken as a possible signature are decoded again as a ZMTP 1.0 frame.
   */
  private startFraming(plan: GreetingPlan, pos: number): number {
    this.plan = plan;
    const facts = describeGreeting(this.head, plan);
    this.phase = PHASE_FRAMES;
    this.commandsAllowed = plan.framing === FRAMING_3;
    this.curveData = this.commandsAllowed && facts.mechanism === 'CURVE';
    this.commandContext = { mechanism: facts.mechanism, revealPasswords: this.settings.revealPasswords };
    this.info.version = facts.version;
    this.info.mechanism = facts.mechanism;
    if (facts.socketType !== undefined) this.learnSocketType(facts.socketType);
    this.updateLegacySubscriptions();
    const layout = plan.framing === FRAMING_1_0 ? LAYOUT_LENGTH_FIRST : LAYOUT_FLAGS_FIRST;
    const greeting: GreetingEvent = { kind: 'greeting', offset: 0, version: facts.version, mechanism: facts.mechanism, asServer: facts.asServer, length: plan.greetingLength };
    if (facts.socketType !== undefined) greeting.socketType = facts.socketType;
    if (plan.framing === FRAMING_3) {
      this.emit(greeting);
      for (const problem of facts.problems) this.problem(0, problem);
    } else {
      this.greetingAwaitingIdentity = greeting;
    }
    if (plan.greetingLength === 0) {
      this.frames.start(layout, RESERVED_FLAGS[plan.framing], 0);
      this.frames.decode(this.head.subarray(0, this.greetingConsumed), 0);
    } else {
      this.frames.start(layout, RESERVED_FLAGS[plan.framing], plan.greetingLength);
    }
    return pos;
  }

  private framing(): Framing {
    return this.plan === undefined ? FRAMING_3 : this.plan.framing;
  }

  // ---- FrameSink

  retainCap(flags: number): number {
    // Commands are not part of messages: a command between the frames of a large multipart
    // message keeps its own retainBytes rather than what the message has left.
    if (this.commandsAllowed && (flags & FLAG_COMMAND) !== 0) return this.settings.retainBytes;
    return this.messages.retainCap();
  }

  frame(offset: number, flags: number, size: number, body: Uint8Array, truncated: boolean, headerProblem: string | undefined): void {
    if (this.greetingAwaitingIdentity !== undefined) {
      this.identityFrame(offset, flags, size, body, truncated);
      return;
    }
    if (this.commandsAllowed && (flags & FLAG_COMMAND) !== 0) {
      this.command(offset, flags, size, body, truncated);
      return;
    }
    const more = (flags & FLAG_MORE) !== 0;
    const frame: Frame = this.curveData ? this.curveFrame(offset, flags, more, size, body, truncated) : { offset, flags, more, size, body, truncated };
    if (this.settings.emitFrames) this.emit({ kind: 'frame', frame });
    if (headerProblem !== undefined) this.headerProblem = { offset, reason: headerProblem };
    const message = this.messages.add(frame);
    if (message !== undefined) this.deliver(message);
  }

  problem(offset: number, reason: string): void {
    this.emit({ kind: 'error', offset, reason, fatal: false });
  }

  fatal(offset: number, reason: string): void {
    if (this.phase === PHASE_RAW) return;
    if (this.phase === PHASE_GREETING) this.frames.offset = this.greetingConsumed;
    this.phase = PHASE_RAW;
    this.frames.stop();
    this.messages.reset();
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.greetingAwaitingIdentity = undefined;
    this.emit({ kind: 'error', offset, reason, fatal: true });
  }

  // ---- frames into events

  private identityFrame(offset: number, flags: number, size: number, body: Uint8Array, truncated: boolean): void {
    const greeting = this.greetingAwaitingIdentity as GreetingEvent;
    this.greetingAwaitingIdentity = undefined;
    greeting.identity = body;
    this.info.identity = body;
    this.emit(greeting);
    const more = (flags & FLAG_MORE) !== 0;
    if (this.settings.emitFrames) this.emit({ kind: 'frame', frame: { offset, flags, more, size, body, truncated } });
    if (more && this.framing() === FRAMING_2_0) this.problem(offset, `identity frame at offset ${offset} has the MORE flag set; in ZMTP 2.0 it is a single final frame`);
  }

  private command(offset: number, flags: number, size: number, body: Uint8Array, truncated: boolean): void {
    const event = decodeCommand(offset, size, body, truncated, this.commandContext);
    const more = (flags & FLAG_MORE) !== 0;
    if (more) addProblem(event, 'command frame has the MORE flag set; commands are single frames');
    // event.body may be a masked copy (PLAIN HELLO): the frame shows the same bytes.
    if (this.settings.emitFrames) this.emit({ kind: 'frame', frame: { offset, flags, more, size, body: event.body, truncated } });
    if (event.metadata !== undefined) this.learnFromMetadata(event);
    this.emit(event);
  }

  private curveFrame(offset: number, flags: number, more: boolean, size: number, body: Uint8Array, truncated: boolean): Frame {
    const curve = curveMessageBox(body, size);
    if (curve !== undefined) return { offset, flags, more, size, body, truncated, curve };
    if (!this.curveProblemReported) {
      this.curveProblemReported = true;
      this.problem(offset, `data frame at offset ${offset} is not a CURVE MESSAGE box (07 "MESSAGE", nonce, box) although this side chose CURVE; later ones are not reported again`);
    }
    return { offset, flags, more, size, body, truncated };
  }

  private deliver(message: MessageEvent): void {
    const headerProblem = this.headerProblem;
    this.headerProblem = undefined;
    const subscription = this.legacySubscriptions && message.frames.length === 1 ? legacySubscription(message.frames[0]) : undefined;
    if (subscription !== undefined) {
      addProblem(subscription, headerProblem?.reason);
      this.emit(subscription);
      return;
    }
    if (headerProblem !== undefined) this.problem(headerProblem.offset, `frame at offset ${headerProblem.offset} was ${headerProblem.reason}`);
    this.emit(message);
  }

  private learnFromMetadata(event: CommandEvent): void {
    const entries = event.metadata ?? [];
    const socketType = findProperty(entries, 'Socket-Type');
    if (socketType !== undefined) this.learnSocketType(socketType.text ?? '');
    const identity = findProperty(entries, 'Identity');
    if (identity !== undefined) this.info.identity = identity.value;
  }

  private learnSocketType(type: string): void {
    this.info.socketType = type;
    this.updateLegacySubscriptions();
    this.sibling.updateLegacySubscriptions();
  }

  // ---- output

  private emit(event: ZmtpEvent): void {
    this.listener(this.dir, event);
  }

  /**
   * push() must not throw whatever the bytes. An exception here is a decoder bug or comes from the
   * listener; either way this direction stops decoding rather than guess at a state.
   */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      try {
        this.fatal(this.decodedBytes(), `the decoder or its event listener threw "${detail}"; if the listener did not throw, this is a decoder bug worth reporting with the bytes that caused it — ${STOPS_DECODING}`);
      } catch {
        // The listener threw again on the error event; the direction is raw already.
      }
    }
  }
}
