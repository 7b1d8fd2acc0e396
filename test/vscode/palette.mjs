// Drives the workbench the way a person does: the command palette and what appears in webviews.
import { delay } from './launch.mjs';
/* global document -- used only inside functions that run in the browser page */

const defaultTimeoutMs = 15_000;

/** F1, type the command's title as shown in the palette (e.g. "ZeroMQ: Open Inspector"), Enter. */
export async function runCommandFromPalette(page, title, timeoutMs = defaultTimeoutMs) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input[type="text"]');
  try {
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    const focused = await page.evaluate(() => `${document.activeElement?.tagName}.${document.activeElement?.className}`).catch(() => '?');
    throw new Error(`F1 did not open the command palette to run "${title}" (the focus was on ${focused}): ${error.message.split('\n')[0]}`);
  }
  await input.fill(`>${title}`);
  // Enter runs the highlighted entry, so wait until the highlight is on the wanted command.
  const highlighted = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
  try {
    await highlighted.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const offered = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    await page.keyboard.press('Escape');
    throw new Error(`the command palette did not offer "${title}" first; it offered: ${JSON.stringify(offered.slice(0, 5))}`);
  }
  await page.keyboard.press('Enter');
}

/**
 * The first frame for which `predicate(frame)` resolves true, polling while webviews load.
 * Webviews are nested iframes (a host frame, then the extension's page inside it), so every
 * frame of the page is tried. `predicate` may also be a CSS selector the frame must contain.
 */
export async function findWebviewFrame(page, predicate, timeoutMs = defaultTimeoutMs) {
  const matches = typeof predicate === 'string' ? async (frame) => (await frame.locator(predicate).count()) > 0 : predicate;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      // A frame can detach while it is being probed; that is just "not this one".
      if (await Promise.resolve(matches(frame)).catch(() => false)) return frame;
    }
    await delay(200);
  }
  throw new Error(`no frame matched within ${timeoutMs} ms; frames seen: ${JSON.stringify(page.frames().map((frame) => frame.url().slice(0, 120)))}`);
}

/** A predicate for findWebviewFrame: the webview host frame that belongs to the given extension. */
export function webviewOfExtension(extensionId) {
  return (frame) => new URL(frame.url()).searchParams.get('extensionId') === extensionId;
}

/**
 * Answers the open quick pick or input box titled like `title`: types `text` and presses Enter.
 * A pick waits until its highlighted entry is exactly `text`, so Enter chooses that entry.
 */
export async function answerQuickInput(page, title, text, { pick = false, timeoutMs = defaultTimeoutMs } = {}) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.quick-input-widget input[type="text"]').fill(text, { timeout: timeoutMs });
  if (pick) {
    const highlighted = page.locator('.quick-input-list .monaco-list-row.focused .label-name', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
    try {
      await highlighted.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      const offered = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      throw new Error(`the quick pick "${title}" did not highlight "${text}"; it offered: ${JSON.stringify(offered.slice(0, 12))}`);
    }
  }
  await page.keyboard.press('Enter');
}

/**
 * Waits until `predicate(arg)`, run inside `frame`, returns something truthy, and returns it.
 * On timeout the error names `what` and, via `describe(frame)`, what the frame shows instead.
 */
export async function waitInFrame(frame, what, predicate, arg, { timeoutMs = defaultTimeoutMs, describe } = {}) {
  try {
    const handle = await frame.waitForFunction(predicate, arg, { timeout: timeoutMs, polling: 100 });
    return await handle.jsonValue();
  } catch (error) {
    const shown = describe ? await Promise.resolve(describe(frame)).catch((problem) => `(could not read the frame: ${problem.message})`) : '';
    throw new Error(`waited ${timeoutMs} ms for ${what}: ${error.message.split('\n')[0]}${shown ? `\nthe frame shows: ${shown}` : ''}`);
  }
}
