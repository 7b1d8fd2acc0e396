// Message breakpoints: conditions on decoded messages and commands that make the sniffer hold
// traffic at the message that matched. Plain JSON in and out, so a workspace can keep them.
import type { CommandEvent, Direction, MessageEvent } from '../zmtp/types';

export interface BreakpointSpec {
  /** Unique within a set; chosen by whoever adds it. */
  id: string;
  /** Default true. */
  enabled?: boolean;
  /**
   * Only connection n. Connection numbers count per sniffer, so without `sniffer` this is any
   * sniffer's connection n (every sniffer's first connection is 1).
   */
  conn?: number;
  /**
   * Only connections of the sniffer with this name, as the inspector's rows show it ("tasks" in
   * "tasks #2"); with `conn`, that sniffer's connection n. Compared exactly, case included: names
   * are free text, and two sniffers may differ only in case.
   */
  sniffer?: string;
  /** Only messages sent by a socket of this type (as its READY said), e.g. "PUB". */
  socketType?: string;
  dir?: Direction;
  /** Data messages whose first frame starts with this UTF-8 text. */
  topicPrefix?: string;
  /** Commands with this name (READY, SUBSCRIBE, PING, ...); without it only data messages match. */
  command?: string;
  /** A regular expression (JavaScript syntax) tested against each frame's body read as UTF-8. */
  payload?: string;
  /** Hold only from the n-th match on (default 1: every match). */
  hitCount?: number;
}

export interface BreakpointState extends BreakpointSpec {
  enabled: boolean;
  /** Matches counted so far (whether or not they reached hitCount). */
  hits: number;
}

/** What a breakpoint is tested against. */
export interface BreakpointSubject {
  conn: number;
  /** The name of the sniffer the connection belongs to; without one, breakpoints naming a sniffer do not match. */
  sniffer?: string;
  dir: Direction;
  /** The sender's socket type, when known. */
  socketType?: string;
  event: MessageEvent | CommandEvent;
}

export interface BreakpointHit {
  id: string;
  hits: number;
}

/** Frame bytes a payload expression looks at: bounded so a large frame cannot stall the relay. */
export const PAYLOAD_SCAN_BYTES = 64 * 1024;

const KNOWN_FIELDS = new Set(['id', 'enabled', 'conn', 'sniffer', 'socketType', 'dir', 'topicPrefix', 'command', 'payload', 'hitCount']);

interface Compiled {
  state: BreakpointState;
  topic?: Buffer;
  payload?: RegExp;
}

export class BreakpointError extends Error {}

export class BreakpointSet {
  private readonly entries = new Map<string, Compiled>();
  private readonly listeners = new Set<() => void>();

  constructor(specs: readonly unknown[] = []) {
    specs.forEach((spec) => this.add(spec));
  }

  /** Reads what toJSON() wrote; throws a BreakpointError naming what is wrong. */
  static fromJSON(value: unknown): BreakpointSet {
    if (!Array.isArray(value)) throw new BreakpointError(`Breakpoints must be a JSON array of breakpoint objects, got ${describe(value)}.`);
    return new BreakpointSet(value);
  }

  /**
   * Adds what toJSON() saved earlier, skipping each entry that is no longer valid (or whose id is
   * taken) instead of refusing them all. Returns why each skipped entry was skipped.
   */
  restore(saved: unknown): string[] {
    if (!Array.isArray(saved)) return [`the saved value is ${describe(saved)}, not a list of breakpoints`];
    const problems: string[] = [];
    for (const spec of saved) {
      try {
        this.add(spec);
      } catch (error) {
        if (!(error instanceof BreakpointError)) throw error;
        problems.push(error.message);
      }
    }
    return problems;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Calls `listener` after every add, replace, remove, clear or setEnabled (not on hits: those change
   * with every message). The listener must not throw. Returns the unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(spec: unknown): BreakpointState {
    const compiled = compile(spec);
    const { id } = compiled.state;
    if (this.entries.has(id)) throw new BreakpointError(`A breakpoint with id ${JSON.stringify(id)} exists already; remove it first or choose another id.`);
    this.entries.set(id, compiled);
    this.changed();
    return { ...compiled.state };
  }

  /** Gives breakpoint `spec.id` a new condition in its place in the list; its hits start again from 0. */
  replace(spec: unknown): BreakpointState {
    const compiled = compile(spec);
    const { id } = compiled.state;
    if (!this.entries.has(id)) throw missing(id);
    // Map.set on an existing key keeps its position.
    this.entries.set(id, compiled);
    this.changed();
    return { ...compiled.state };
  }

  remove(id: string): boolean {
    const removed = this.entries.delete(id);
    if (removed) this.changed();
    return removed;
  }

  /** Removes every breakpoint (one change for listeners). */
  clear(): void {
    if (this.entries.size === 0) return;
    this.entries.clear();
    this.changed();
  }

  setEnabled(id: string, enabled: boolean): void {
    const entry = this.entries.get(id);
    if (!entry) throw missing(id);
    if (entry.state.enabled === enabled) return;
    entry.state.enabled = enabled;
    this.changed();
  }

  get(id: string): BreakpointState | undefined {
    const entry = this.entries.get(id);
    return entry && { ...entry.state };
  }

  list(): BreakpointState[] {
    return [...this.entries.values()].map(({ state }) => ({ ...state }));
  }

  /** The specs without hit counts, for saving. */
  toJSON(): BreakpointSpec[] {
    return this.list().map((state) => {
      const spec: BreakpointSpec & { hits?: number } = { ...state };
      delete spec.hits;
      return spec;
    });
  }

  /** Counts the subject against every enabled breakpoint; the first one whose hitCount is reached is the hit. */
  evaluate(subject: BreakpointSubject): BreakpointHit | undefined {
    let hit: BreakpointHit | undefined;
    for (const entry of this.entries.values()) {
      if (!entry.state.enabled || !matches(entry, subject)) continue;
      entry.state.hits++;
      if (hit === undefined && entry.state.hits >= (entry.state.hitCount ?? 1)) hit = { id: entry.state.id, hits: entry.state.hits };
    }
    return hit;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function compile(spec: unknown): Compiled {
  const state = validate(spec);
  const compiled: Compiled = { state };
  if (state.topicPrefix !== undefined) compiled.topic = Buffer.from(state.topicPrefix, 'utf8');
  if (state.payload !== undefined) compiled.payload = new RegExp(state.payload);
  return compiled;
}

const missing = (id: string): BreakpointError => new BreakpointError(`There is no breakpoint with id ${JSON.stringify(id)}; list() shows the ids.`);

function matches(entry: Compiled, subject: BreakpointSubject): boolean {
  const { state } = entry;
  const { event } = subject;
  if (state.conn !== undefined && state.conn !== subject.conn) return false;
  if (state.sniffer !== undefined && state.sniffer !== subject.sniffer) return false;
  if (state.dir !== undefined && state.dir !== subject.dir) return false;
  if (state.socketType !== undefined && state.socketType.toUpperCase() !== subject.socketType?.toUpperCase()) return false;
  if (event.kind === 'command') return state.command !== undefined && state.command.toUpperCase() === event.name.toUpperCase() && state.topicPrefix === undefined && payloadMatches(entry, [event.body]);
  if (state.command !== undefined) return false;
  const bodies = event.frames.map((frame) => frame.body);
  if (entry.topic !== undefined && !startsWith(bodies[0], entry.topic)) return false;
  return payloadMatches(entry, bodies);
}

function payloadMatches(entry: Compiled, bodies: Uint8Array[]): boolean {
  const pattern = entry.payload;
  if (pattern === undefined) return true;
  return bodies.some((body) => pattern.test(Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, PAYLOAD_SCAN_BYTES)).toString('utf8')));
}

function startsWith(body: Uint8Array | undefined, prefix: Buffer): boolean {
  if (body === undefined || body.length < prefix.length) return false;
  return prefix.equals(Buffer.from(body.buffer, body.byteOffset, prefix.length));
}

function validate(spec: unknown): BreakpointState {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new BreakpointError(`A breakpoint must be an object such as {"id": "b1", "topicPrefix": "10001"}, got ${describe(spec)}.`);
  const record = spec as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KNOWN_FIELDS.has(key) && key !== 'hits');
  if (unknown.length > 0) throw new BreakpointError(`Breakpoint fields ${unknown.join(', ')} are not known; use ${[...KNOWN_FIELDS].join(', ')}.`);
  const id = record.id;
  if (typeof id !== 'string' || id === '') throw new BreakpointError(`A breakpoint needs an id: a non-empty string, got ${describe(id)}.`);
  const where = `Breakpoint ${JSON.stringify(id)}`;
  const optional = (key: string, type: 'string' | 'number' | 'boolean'): void => {
    if (record[key] !== undefined && typeof record[key] !== type) throw new BreakpointError(`${where}: ${key} must be a ${type}, got ${describe(record[key])}.`);
  };
  (['sniffer', 'socketType', 'topicPrefix', 'command', 'payload'] as const).forEach((key) => optional(key, 'string'));
  if (typeof record.sniffer === 'string' && (record.sniffer.trim() === '' || record.sniffer.trim() !== record.sniffer)) {
    throw new BreakpointError(`${where}: sniffer must be a sniffer's name as the inspector shows it, without spaces around it, got ${describe(record.sniffer)}; leave sniffer out to match every sniffer.`);
  }
  optional('enabled', 'boolean');
  const wholeAtLeast = (key: 'conn' | 'hitCount', least: number): void => {
    const value = record[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= least)) throw new BreakpointError(`${where}: ${key} must be a whole number >= ${least}, got ${describe(value)}.`);
  };
  wholeAtLeast('conn', 1);
  wholeAtLeast('hitCount', 1);
  if (record.dir !== undefined && record.dir !== 'c2s' && record.dir !== 's2c') throw new BreakpointError(`${where}: dir must be "c2s" or "s2c", got ${describe(record.dir)}.`);
  if (typeof record.payload === 'string') {
    try {
      new RegExp(record.payload);
    } catch (error) {
      throw new BreakpointError(`${where}: payload ${JSON.stringify(record.payload)} is not a valid regular expression (${(error as Error).message}).`);
    }
  }
  if (record.command !== undefined && record.topicPrefix !== undefined) throw new BreakpointError(`${where}: topicPrefix applies to data messages and command to commands; give one of them.`);
  const state = { ...(record as unknown as BreakpointSpec), enabled: record.enabled !== false, hits: 0 };
  return state;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
