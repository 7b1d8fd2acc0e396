// Back-pressure reports for one direction of a relayed connection. A slow reader makes the relay
// pause and resume its source many times a second; observers only want to hear when throttling
// starts, when the buffered amount grows a lot, and when throttling has really ended.

/** Throttling counts as over once the source has run this long without being paused again. */
export const RELIEF_DELAY_MS = 250;

export class BackpressureMonitor {
  private throttled = false;
  private lastReported = 0;
  private reliefTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly report: (bufferedBytes: number) => void,
    private readonly measure: () => number,
  ) {}

  /** The destination's write buffer is full and the source was paused. */
  paused(): void {
    this.cancelRelief();
    const buffered = this.measure();
    if (!this.throttled) {
      this.throttled = true;
      this.emit(buffered);
    } else if (buffered >= 2 * this.lastReported) {
      this.emit(buffered);
    }
  }

  /** The destination drained and the source was resumed. */
  resumed(): void {
    if (!this.throttled || this.reliefTimer) return;
    this.reliefTimer = setTimeout(() => {
      this.reliefTimer = undefined;
      this.throttled = false;
      this.emit(this.measure());
    }, RELIEF_DELAY_MS);
    this.reliefTimer.unref();
  }

  dispose(): void {
    this.cancelRelief();
  }

  private cancelRelief(): void {
    clearTimeout(this.reliefTimer);
    this.reliefTimer = undefined;
  }

  private emit(buffered: number): void {
    this.lastReported = buffered;
    this.report(buffered);
  }
}
