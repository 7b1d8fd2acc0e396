// The status bar item: capture state (recording or paused) and the live message rate. It is drawn
// at most twice a second; a rate sampler ticks only while something runs.
import * as vscode from 'vscode';
import type { CaptureStore } from '../inspector/store';
import type { Runtime } from './runtime';
import { Throttle } from './throttle';

export const STATUS_REFRESH_MS = 500;

const formatRate = (rate: number): string => (rate >= 10 || rate === 0 ? Math.round(rate).toLocaleString('en') : rate.toFixed(1));
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export class CaptureStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('zmqInspector.capture', vscode.StatusBarAlignment.Left, 10);
  private readonly render = new Throttle(() => this.draw(), STATUS_REFRESH_MS);
  private readonly unsubscribe: (() => void)[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;
  private sampledCount = 0;
  private sampledAt = Date.now();
  private shownPaused: boolean | undefined;
  /** Messages per second over the last sampling interval; undefined until one interval has passed. */
  rate: number | undefined;
  /** Times the item was drawn: tests check the ≤ 2 per second bound with it. */
  draws = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly store: CaptureStore,
  ) {
    this.item.name = 'ZeroMQ Capture';
    this.item.command = 'zmqInspector.openInspector';
    this.unsubscribe.push(
      runtime.onDidChange((change) => {
        if (change === 'runs') this.updateTicker();
      }),
      // Called on every ingest, so it only compares; while the ticker runs it redraws anyway.
      store.onChange(() => {
        if (store.paused !== this.shownPaused || this.ticker === undefined) this.render.schedule();
      }),
    );
    this.draw();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  dispose(): void {
    this.unsubscribe.forEach((unsubscribe) => unsubscribe());
    this.stopTicker();
    this.render.dispose();
    this.item.dispose();
  }

  private updateTicker(): void {
    const running = this.runtime.live().length > 0;
    if (running && this.ticker === undefined) {
      this.sample();
      this.rate = undefined;
      this.ticker = setInterval(() => this.tick(), STATUS_REFRESH_MS);
    } else if (!running && this.ticker !== undefined) {
      this.stopTicker();
      this.rate = undefined;
    }
    this.render.schedule();
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private tick(): void {
    this.sample();
    this.render.schedule();
  }

  private sample(): void {
    const now = Date.now();
    const count = this.runtime.messagesSeen;
    const elapsed = now - this.sampledAt;
    if (elapsed > 0) this.rate = ((count - this.sampledCount) * 1000) / elapsed;
    this.sampledCount = count;
    this.sampledAt = now;
  }

  private draw(): void {
    this.draws += 1;
    const paused = this.store.paused;
    this.shownPaused = paused;
    const examples = this.runtime.live('example').length;
    const sniffers = this.runtime.live('sniffer').length;
    const running = examples + sniffers > 0;
    const rate = running && this.rate !== undefined ? ` ${formatRate(this.rate)} msg/s` : '';
    this.item.text = paused ? `$(debug-pause) ZeroMQ paused${rate}` : `$(record) ZeroMQ${rate}`;
    this.item.backgroundColor = paused ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const { stored, capacity } = this.store.counts();
    const what = running ? `${plural(examples, 'example')} and ${plural(sniffers, 'sniffer')} running` : 'nothing running';
    this.item.tooltip = `ZeroMQ capture ${paused ? 'paused (new messages are not kept)' : 'recording'}: ${stored.toLocaleString('en')} of ${capacity.toLocaleString('en')} rows kept; ${what}. Click to open the inspector.`;
    this.item.accessibilityInformation = { label: `ZeroMQ capture ${paused ? 'paused' : 'recording'}${rate ? `, ${formatRate(this.rate ?? 0)} messages per second` : ''}`, role: 'button' };
  }
}
