// Runs a refresh at most once per interval however often it is asked for, so views that follow
// live traffic (tree, status bar) cost a fixed number of redraws per second, not one per event.
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRun = -Infinity;
  private disposed = false;

  constructor(
    private readonly run: () => void,
    private readonly intervalMs: number,
  ) {}

  /** Asks for a run: soon if the last one was long enough ago, else when the interval has passed. */
  schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    const wait = Math.max(0, this.lastRun + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRun = Date.now();
      this.run();
    }, wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
