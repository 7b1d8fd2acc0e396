// Timers for the rules' timeouts, on the shared injectable clock (extension/clock.ts).
import type { Clock, ClockTimer } from '../clock';

export { systemClock, type Clock, type ClockTimer } from '../clock';

export interface Timer {
  cancel(): void;
  readonly active: boolean;
}

/** Every timer the rules start, so dispose() can clear them all at once. */
export class Timers {
  private readonly live = new Map<object, ClockTimer>();
  private disposed = false;

  constructor(private readonly clock: Clock) {}

  after(ms: number, callback: () => void): Timer {
    const key = {};
    const handle: Timer = {
      cancel: () => {
        const timer = this.live.get(key);
        if (timer) this.clock.clearTimeout(timer);
        this.live.delete(key);
      },
      get active() {
        return live.has(key);
      },
    };
    const live = this.live;
    if (this.disposed) return handle;
    live.set(
      key,
      this.clock.setTimeout(() => {
        live.delete(key);
        callback();
      }, ms),
    );
    return handle;
  }

  get size(): number {
    return this.live.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.live.values()) this.clock.clearTimeout(timer);
    this.live.clear();
  }
}

/**
 * Waits for an answer to something that may happen many times a second (a request): rather than a
 * timer per item, one timer follows the oldest unanswered item and is re-armed only when it fires
 * before that item's time is up. `since` is the item's own (event) time.
 */
export class Deadline<T extends { since: number }> {
  private waiting: T | undefined;
  private armedFor = 0;
  private timer: Timer | undefined;

  constructor(
    private readonly timers: Timers,
    private readonly delayMs: number,
    private readonly expired: (item: T) => void,
  ) {}

  /** Starts waiting for `item`, unless an older item is still unanswered. */
  start(item: T): void {
    if (this.waiting) return;
    this.waiting = item;
    if (this.timer?.active) return;
    this.armedFor = item.since;
    this.timer = this.timers.after(this.delayMs, () => this.fire());
  }

  /** The wait is over: the timer stays, to serve the next item if one comes in time. */
  answer(): void {
    this.waiting = undefined;
  }

  cancel(): void {
    this.waiting = undefined;
    this.timer?.cancel();
  }

  private fire(): void {
    const item = this.waiting;
    if (!item) return;
    const late = item.since - this.armedFor;
    if (late > 0) {
      this.armedFor = item.since;
      this.timer = this.timers.after(late, () => this.fire());
      return;
    }
    this.waiting = undefined;
    this.expired(item);
  }
}
