// Debian's Chromium, driven by playwright-core, showing the code-server workbench. The browser
// download that `npx playwright install` needs is not reachable here, so the system browser is used.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const chromiumPath = process.env.ZMQI_CHROMIUM || '/usr/bin/chromium';
const chromiumFlags = [
  '--no-sandbox', // root in a container: Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const workbenchTimeoutMs = 90_000;

/**
 * Opens `url` in a fresh headless Chromium profile.
 * @returns {Promise<{ page: import('playwright-core').Page, close: () => Promise<void> }>}
 */
export async function openInBrowser(url) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}; run .ci/setup.sh (installs Debian's chromium) or set ZMQI_CHROMIUM.`);
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'zmqi-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumFlags,
      viewport: { width: 1400, height: 900 },
    });
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until the workbench is drawn and interactive (its status bar shows). */
export async function waitForWorkbench(page, timeoutMs = workbenchTimeoutMs) {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}
