// What every example shares: its sockets, the sniffers in front of its bound endpoints,
// its timers, and one stop() that frees them all.
import type { Socket } from 'zeromq';
import { Sniffer, type SnifferOptions } from '../sniffer/sniffer';
import { waitUntilReleased } from './portRelease';
import type { SnifferEvent } from '../sniffer/types';
import type { DecoderOptions, Direction } from '../zmtp/types';

/** Which sniffer an event came from. */
export interface SnifferSource {
  id: string;
  name: string;
  listen: string;
  target: string;
}

export interface ExampleHooks {
  onEvent?(source: SnifferSource, event: SnifferEvent): void;
  /** Every chunk a sniffer relays (after its onEvent calls for it), e.g. to record the raw traffic. */
  onData?(source: SnifferSource, conn: number, dir: Direction, chunk: Buffer): void;
  /** What the example's programs print (the slides' print statements). */
  onLog?(line: string): void;
  decoder?: DecoderOptions;
  /** Host the example binds and its sniffers listen on; loopback by default. */
  host?: string;
  /**
   * Called with each socket the example creates, before it binds or connects; the example then
   * uses the socket this returns (e.g. the watching proxy of Diagnostician.observeSocket).
   */
  watchSocket?<T extends Socket>(socket: T): T;
  /** Step mode: the example's sniffers start able to hold traffic (extension/stepping). */
  stepping?: ExampleStepping;
}

export interface ExampleStepping {
  /** Spread into each sniffer's start options. */
  options(source: SnifferSource): Pick<SnifferOptions, 'stepping' | 'breakpoints' | 'onHold'>;
  /** Each sniffer once it listens. */
  attach(source: SnifferSource, sniffer: Sniffer): void;
}

export interface ExampleOutcome {
  ok: boolean;
  summary: string;
}

export interface RunningExample {
  readonly id: string;
  readonly session: ExampleSession;
  /** Settles when the example has done its work (or was stopped). */
  readonly finished: Promise<ExampleOutcome>;
  stop(): Promise<void>;
}

/**
 * The sniffer sees a READY or SUBSCRIBE as it crosses the wire, a moment before libzmq's I/O thread
 * has acted on it (attached the pipe to PUSH's round robin, applied the subscription on the PUB).
 * Examples that wait for such an event on the wire wait this much longer before sending.
 */
export const WIRE_TO_SOCKET_SETTLE_MS = 200;

/** How long stop() waits for libzmq to let go of the ports the example bound. */
export const PORT_RELEASE_WAIT_MS = 2000;

/** How often a patient wait looks whether traffic is still held. */
const HELD_POLL_MS = 100;
/** A patient wait gives up after this long, held or not, so an abandoned held run still ends. */
const HELD_WAIT_LIMIT_MS = 60 * 60 * 1000;

type EventWatcher = (source: SnifferSource, event: SnifferEvent) => void;

export class ExampleSession {
  readonly sniffers: Sniffer[] = [];
  private readonly sources: SnifferSource[] = [];
  private readonly sockets: Socket[] = [];
  private readonly bound: { socket: Socket; endpoint: string }[] = [];
  private readonly timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly watchers = new Set<EventWatcher>();
  private connectionCount = 0;
  private stopping: Promise<void> | undefined;
  /** Bound endpoints that still accepted connections PORT_RELEASE_WAIT_MS after stop() (none, normally). */
  unreleasedEndpoints: string[] = [];

  constructor(
    readonly exampleId: string,
    private readonly hooks: ExampleHooks,
  ) {}

  get host(): string {
    return this.hooks.host ?? '127.0.0.1';
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  log(line: string): void {
    this.hooks.onLog?.(line);
  }

  /** Registers a socket so stop() closes it; linger 0 so closing frees its port at once. */
  track<T extends Socket>(socket: T): T {
    socket.linger = 0;
    const used = this.hooks.watchSocket?.(socket) ?? socket;
    this.sockets.push(used);
    return used;
  }

  /** Binds a socket on an ephemeral loopback port and puts a sniffer in front; returns the sniffer's endpoint for peers to connect to. */
  async bindBehindSniffer(socket: Socket, name: string): Promise<string> {
    await socket.bind(`tcp://${this.host}:*`);
    const target = socket.lastEndpoint;
    if (!target) throw new Error(`${name}: the socket bound but reported no endpoint`);
    this.bound.push({ socket, endpoint: target });
    const source: SnifferSource = { id: `${this.exampleId}/${name}`, name, listen: '', target };
    const sniffer = await Sniffer.start({
      listen: `tcp://${this.host}:0`,
      target,
      name,
      decoder: this.hooks.decoder,
      nextConnectionId: () => ++this.connectionCount,
      onEvent: (event) => this.dispatch(source, event),
      onData: this.hooks.onData && ((conn, dir, chunk) => this.hooks.onData?.(source, conn, dir, chunk)),
      ...this.hooks.stepping?.options(source),
    });
    source.listen = sniffer.listenEndpoint;
    this.hooks.stepping?.attach(source, sniffer);
    this.sniffers.push(sniffer);
    this.sources.push(source);
    return sniffer.listenEndpoint;
  }

  get snifferSources(): readonly SnifferSource[] {
    return this.sources;
  }

  /** Resolves true when `predicate` has seen enough events, false on timeout (not counting time traffic was held) or stop. */
  waitForEvents(predicate: (source: SnifferSource, event: SnifferEvent) => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (value: boolean) => {
        if (settled) return;
        settled = true;
        this.watchers.delete(watcher);
        resolve(value);
      };
      const watcher: EventWatcher = (source, event) => {
        if (predicate(source, event)) finish(true);
      };
      this.watchers.add(watcher);
      void this.patientDelay(timeoutMs).then(() => finish(false));
    });
  }

  /** Sleeps; resolves false straight away when the session stops. */
  delay(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve(!this.stopped);
        }, ms),
        wake: () => resolve(false),
      };
      this.timers.add(entry);
    });
  }

  /** Some sniffer of this example holds traffic back (step mode: Pause, or a breakpoint). */
  get holdingTraffic(): boolean {
    return this.sniffers.some((sniffer) => sniffer.oldestHeld() !== undefined);
  }

  /**
   * Sleeps `ms` of time in which no traffic was held: a learner stepping through held messages
   * takes as long as they like without the example's own timeouts calling the run a failure.
   * Resolves false when the session stops; gives up waiting for held traffic after HELD_WAIT_LIMIT_MS.
   */
  async patientDelay(ms: number): Promise<boolean> {
    if (!this.hooks.stepping) return this.delay(ms);
    let unheld = 0;
    const deadline = Date.now() + ms + HELD_WAIT_LIMIT_MS;
    while (unheld < ms && Date.now() < deadline) {
      const step = Math.min(HELD_POLL_MS, ms - unheld);
      if (!(await this.delay(step))) return false;
      if (!this.holdingTraffic) unheld += step;
    }
    return !this.stopped;
  }

  stop(): Promise<void> {
    this.stopping ??= this.release();
    return this.stopping;
  }

  private dispatch(source: SnifferSource, event: SnifferEvent): void {
    this.hooks.onEvent?.(source, event);
    for (const watcher of [...this.watchers]) watcher(source, event);
  }

  private async release(): Promise<void> {
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.wake();
    }
    this.timers.clear();
    await Promise.all(this.bound.map(({ socket, endpoint }) => socket.unbind(endpoint).catch(() => undefined)));
    for (const socket of this.sockets) socket.close();
    await Promise.all(this.sniffers.map((sniffer) => sniffer.stop()));
    this.unreleasedEndpoints = await waitUntilReleased(
      this.bound.map(({ endpoint }) => endpoint),
      PORT_RELEASE_WAIT_MS,
    );
  }
}

/** Runs a socket loop until it ends or the session stops; a receive interrupted by stop() is not an error. */
export async function untilStopped(session: ExampleSession, loop: () => Promise<void>): Promise<void> {
  try {
    await loop();
  } catch (error) {
    if (!session.stopped) throw error;
  }
}
