// Runs the built webview (dist/webview.js + media/) in Debian's Chromium, in a page whose HTML comes
// from the same builder the VS Code panel uses (so the same CSP applies), served from a fake origin
// by request interception. The browser test runs outside VS Code, so a stand-in replaces VS Code's
// webview host: `acquireVsCodeApi` posts to a Playwright binding that hands each message to the
// REAL InspectorSession and CaptureStore in this Node process, and the session's posts are
// delivered back as window `message` events, as VS Code does.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildInspectorHtml, makeNonce, SIBLING_STYLESHEETS } from '../../extension/inspector/html';
import { InspectorSession, type SessionOptions } from '../../extension/inspector/session';
import { CaptureStore, type StoreOptions } from '../../extension/inspector/store';
import { Feed } from '../inspector/fixtures';
import type { HostToWebview } from '../../extension/protocol';
import { themeCss, type Theme } from './theme';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ORIGIN = 'https://webview.test';
/** The repository: found upwards from here, since this file runs from out/test/webview and from the dist/bench bundle. */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'media'))) return dir;
  throw new Error(`Cannot find the repository (package.json and media/) above ${__dirname}.`);
}
const ROOT = repositoryRoot();

const FILES: Record<string, [string, string]> = {
  '/dist/webview.js': [join(ROOT, 'dist/webview.js'), 'text/javascript'],
  '/media/inspector.css': [join(ROOT, 'media/inspector.css'), 'text/css'],
  ...Object.fromEntries(SIBLING_STYLESHEETS.map((name) => [`/media/${name}`, [join(ROOT, 'media', name), 'text/css']])),
  '/codicons/codicon.css': [join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.css'), 'text/css'],
  '/codicons/codicon.ttf': [join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.ttf'), 'font/ttf'],
};

/** The browser tests fail (never skip) when Chromium or the built webview is missing. */
export function requirePrerequisites(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}. Install it with "apt-get install -y chromium" (CI: .ci/setup.sh); the webview tests need a real browser.`);
  if (!existsSync(FILES['/dist/webview.js'][0])) throw new Error('dist/webview.js is missing: run "node esbuild.mjs" first.');
}

export interface HarnessOptions {
  theme?: Theme;
  width?: number;
  height?: number;
  session?: SessionOptions;
}

export class WebviewHarness {
  /** Messages the webview posted, in order. */
  readonly fromWebview: unknown[] = [];
  session: InspectorSession;
  private delivery: Promise<unknown> = Promise.resolve();
  private readonly nonce = makeNonce();

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly store: CaptureStore,
    private readonly userDataDir: string,
    private readonly sessionOptions: SessionOptions,
  ) {
    this.session = this.newSession();
  }

  static async open(store: CaptureStore, options: HarnessOptions = {}): Promise<WebviewHarness> {
    requirePrerequisites();
    const userDataDir = mkdtempSync(join(tmpdir(), 'inspector-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: options.width ?? 1400, height: options.height ?? 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const harness = new WebviewHarness(context, page, store, userDataDir, options.session ?? {});
    await harness.install(options.theme ?? 'dark');
    return harness;
  }

  private newSession(): InspectorSession {
    return new InspectorSession(this.store, (message) => this.deliver(message), this.sessionOptions);
  }

  private async install(theme: Theme): Promise<void> {
    const page = this.page;
    const html = buildInspectorHtml({
      cspSource: ORIGIN,
      nonce: this.nonce,
      scriptUri: `${ORIGIN}/dist/webview.js`,
      styleUri: `${ORIGIN}/media/inspector.css`,
      codiconsUri: `${ORIGIN}/codicons/codicon.css`,
    });
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
      if (path === '/theme.css') return route.fulfill({ status: 200, contentType: 'text/css', body: themeCss(theme) });
      const file = FILES[path];
      if (!file) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ status: 200, contentType: file[1], body: readFileSync(file[0]) });
    });
    await page.exposeBinding('__inspectorToHost', (_source, message: unknown) => {
      this.fromWebview.push(message);
      this.session.receive(message);
    });
    await page.addInitScript((bodyClass: string) => {
      const w = window as unknown as Record<string, unknown>;
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => (w.__cspViolations as string[]).push(`${event.violatedDirective} ${event.blockedURI}`));
      // VS Code puts its theme kind on <body>; the variables come from /theme.css below.
      document.addEventListener('DOMContentLoaded', () => document.body.classList.add(bodyClass));
      w.acquireVsCodeApi = () => ({
        postMessage: (message: unknown) => (w.__inspectorToHost as (m: unknown) => void)(message),
        getState: () => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null'),
        setState: (state: unknown) => sessionStorage.setItem('vscode-state', JSON.stringify(state)),
      });
    }, `vscode-${theme}`);
    await this.load();
  }

  /** (Re)loads the page, as VS Code reloads a webview; the host answers the new `ready`. */
  async load(): Promise<void> {
    await this.page.goto(`${ORIGIN}/index.html`);
    await this.page.addStyleTag({ url: `${ORIGIN}/theme.css` });
    await this.page.waitForSelector('.list-grid');
    await this.settle();
  }

  /** Simulates closing the panel and restoring it after a window reload: a new session, the same store. */
  async restore(): Promise<void> {
    this.session.dispose();
    this.session = this.newSession();
    await this.load();
  }

  private deliver(message: HostToWebview): void {
    this.delivery = this.delivery
      .then(() => this.page.evaluate((m) => window.postMessage(m, '*'), message))
      .catch(() => {
        // The page is closing.
      });
  }

  /** Waits until posted messages are delivered and the page has drawn a couple of frames. */
  async settle(ms = 150): Promise<void> {
    await new Promise((done) => setTimeout(done, ms));
    await this.delivery;
    await this.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await this.delivery;
  }

  /** Polls `check` until it returns true (bounded in time), settling between tries. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.settle(50);
    }
    // Let what the same update scheduled (the list renders on the next frame) catch up.
    await this.settle(0);
  }

  /** The shown list row (pooled hidden rows keep stale text) whose cell `cell` (c0-c8) matches. */
  row(cell: string, text: string | RegExp) {
    return this.page.locator('.list-viewport .row:not([hidden])').filter({ has: this.page.locator(`.${cell}`, { hasText: text }) });
  }

  async close(): Promise<void> {
    this.session.dispose();
    await this.context.close();
    rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

/**
 * Mocha hooks for a describe block: a store filled by `fill` (through a Feed), one browser page on
 * it for the whole block, closed afterwards. The getters are valid inside the block's tests.
 */
export function withInspector(fill: (feed: Feed) => void, options: HarnessOptions & { store?: StoreOptions } = {}): { harness: () => WebviewHarness; store: () => CaptureStore; feed: () => Feed } {
  let harness: WebviewHarness | undefined;
  let store: CaptureStore | undefined;
  let feed: Feed | undefined;
  before(async () => {
    store = new CaptureStore(options.store);
    const target = store;
    feed = new Feed((source, event) => target.ingest(source, event));
    fill(feed);
    harness = await WebviewHarness.open(store, options);
  });
  after(async () => {
    await harness?.close();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('withInspector: use the getters inside tests, after the before hook ran');
    return value;
  };
  return { harness: () => need(harness), store: () => need(store), feed: () => need(feed) };
}
