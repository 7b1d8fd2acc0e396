// A clock whose timers fire only when a test moves it, so timeouts take no real time.
import type { Clock, ClockTimer } from '../../extension/diagnostics/clock';

interface Pending {
  at: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  /** Starts at real time, so times it gives stay comparable with event times; then moves only when told. */
  private current = Date.now();
  private readonly pending = new Set<Pending>();

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer: Pending = { at: this.now() + ms, callback };
    this.pending.add(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.pending.delete(timer as Pending);
  }

  /** Moves time on and fires every timer that is due, earliest first (including ones they start). */
  advance(ms: number): void {
    this.current += ms;
    for (let fired = 0; fired < 100_000; fired++) {
      const due = [...this.pending].filter((timer) => timer.at <= this.now()).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.pending.delete(due);
      due.callback();
    }
    throw new Error('ManualClock.advance: timers keep rescheduling themselves; more than 100000 fired');
  }

  get timers(): number {
    return this.pending.size;
  }
}
