// Time for everything that waits (inspector batching, diagnosis timeouts), injectable so tests can
// move it instead of sleeping. One shape, so one clock object can drive both.

export type ClockTimer = unknown;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    // A pending flush or diagnosis must never keep a CLI or test process alive on its own.
    timer.unref();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
