// Checks made from outside VS Code, through the browser, as a person would: they see what the
// in-host suite cannot (what is drawn, what the palette offers). The runner runs each in order
// after the in-host suite passed; add new checks to the list.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './launch.mjs';
import * as zmq from 'zeromq';
import { answerQuickInput, findWebviewFrame, runCommandFromPalette, webviewOfExtension } from './palette.mjs';
/* global document -- used only inside functions that run in the browser page */

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const extensionId = `${packageJson.publisher}.${packageJson.name}`;
const artifactsDir = join(repoRoot, 'test-artifacts');
const inspectorScreenshot = join(artifactsDir, 'inspector.png');
const composeScreenshot = join(artifactsDir, 'compose.png');
const uiTimeoutMs = 15_000;
const extensionLoadTimeoutMs = 60_000;

/** The title the palette shows for a contributed command: "Category: Title". */
function paletteTitle(commandId) {
  const entry = (packageJson.contributes?.commands ?? []).find((command) => command.command === commandId);
  if (!entry) throw new Error(`package.json contributes no command ${commandId}`);
  return entry.category ? `${entry.category}: ${entry.title}` : entry.title;
}

/** The quick input's validation message (or prompt) as shown under its text box. */
async function quickInputMessage(page, pattern) {
  const message = page.locator('.quick-input-widget .quick-input-message');
  const deadline = Date.now() + uiTimeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await message.innerText().catch(() => '')).trim();
    if (pattern.test(text)) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`the quick input never showed a message like ${pattern}; last shown: ${JSON.stringify(text)}`);
}

/**
 * The inspector's own page (the innermost webview frame) once it shows the Hello World example:
 * REQ and REP sockets in the topology and "Hello server" in the message list.
 */
function showsHelloWorld(frame) {
  return frame.evaluate(() => {
    const topology = document.querySelector('.topology-svg')?.textContent ?? '';
    const list = document.querySelector('.list-grid')?.textContent ?? '';
    return /\bREQ\b/.test(topology) && /\bREP\b/.test(topology) && list.includes('Hello server');
  });
}

/**
 * Takes keyboard focus out of a webview, as a person clicking the side bar does: keys pressed
 * while the inspector's frame has focus go to that frame, and F1 would not reach the workbench.
 */
async function focusWorkbench(page) {
  // The label, not the middle of the title bar: the ZeroMQ view puts its action buttons there.
  await page.locator('.part.sidebar .composite.title .title-label').click({ timeout: uiTimeoutMs });
}

/** Runs a command from the palette by its title as shown there, with the focus taken out of any webview first. */
async function runFromPalette(page, title) {
  await focusWorkbench(page);
  await runCommandFromPalette(page, title);
}

/** The text of the palette's entries for what is typed (after ">"), without running any. */
async function paletteOffers(page, typed) {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input[type="text"]').fill(`>${typed}`, { timeout: uiTimeoutMs });
  // The list filters as one types; give it a moment to settle before reading it.
  await page.waitForTimeout(500);
  const offered = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
  await page.keyboard.press('Escape');
  return offered.map((text) => text.split('\n')[0]);
}

/** Fails unless the palette offers `shown` and not `hidden` (two commands swapped by a context key). */
async function expectOneOf(page, shown, hidden) {
  const forShown = await paletteOffers(page, shown);
  if (!forShown.some((text) => text.startsWith(shown))) throw new Error(`the palette does not offer "${shown}"; typing it offers ${JSON.stringify(forShown)}`);
  const forHidden = await paletteOffers(page, hidden);
  if (forHidden.some((text) => text.startsWith(hidden))) throw new Error(`the palette offers "${hidden}", which should be hidden now; typing it offers ${JSON.stringify(forHidden)}`);
}

/** What the webview shows, for a failure message when the wait runs out. */
async function describeWebviews(page) {
  const texts = await Promise.all(page.frames().map((frame) => frame.evaluate(() => document.body?.innerText?.slice(0, 300) ?? '').catch(() => '')));
  return JSON.stringify(texts.filter((text) => text.trim() !== ''));
}

/** The inspector's frame once its compose area offers a socket whose option text includes `label`. */
async function composeOffering(page, label) {
  const offers = (frame) => frame.evaluate((wanted) => [...(document.querySelector('select[aria-label="Socket"]')?.options ?? [])].some((option) => option.text.includes(wanted)), label);
  try {
    return await findWebviewFrame(page, offers, 30_000);
  } catch (error) {
    throw new Error(`the compose area never offered the socket "${label}": ${error.message}\nthe webviews show: ${await describeWebviews(page)}`);
  }
}

/** @type {{ title: string, run: (page: import('playwright-core').Page) => Promise<void> }[]} */
export const browserChecks = [
  {
    title: 'the ZeroMQ view offers the examples, Sniff Endpoint and Add Breakpoint while nothing runs',
    async run(page) {
      // First check of a fresh window: the extension host may still be reading the extension's contributions.
      await page.locator('.activitybar .action-item a[aria-label^="ZeroMQ"]').click({ timeout: extensionLoadTimeoutMs });
      // Two views have welcome content: the runs ("Nothing runs yet") and the breakpoints.
      const offers = { 'Nothing runs yet': ['Run Hello World (REQ/REP)', 'Run Pipeline (Manager/Workers/Sink)', 'Run Publish/Subscribe', 'Sniff Endpoint…'], 'No message breakpoints': ['Add Breakpoint…'] };
      for (const [view, links] of Object.entries(offers)) {
        const welcome = page.locator('.welcome-view-content', { hasText: view });
        await welcome.waitFor({ state: 'visible', timeout: uiTimeoutMs });
        const text = await welcome.innerText();
        for (const offer of links) {
          if (!text.includes(offer)) throw new Error(`the welcome view "${view}" does not offer "${offer}"; it shows: ${JSON.stringify(text)}`);
        }
      }
    },
  },
  {
    title: 'Sniff Endpoint checks the target as it is typed and says what is wrong',
    async run(page) {
      await runFromPalette(page, paletteTitle('zmqInspector.sniffEndpoint'));
      const input = page.locator('.quick-input-widget input[type="text"]');
      await input.waitFor({ state: 'visible', timeout: uiTimeoutMs });
      // With recent endpoints in the profile, a pick comes first: choose to type a new one.
      const newEndpoint = page.locator('.quick-input-list .monaco-list-row', { hasText: 'New endpoint…' });
      if (await newEndpoint.isVisible().catch(() => false)) {
        await newEndpoint.click();
        await page.locator('.quick-input-widget .quick-input-title', { hasText: '(1/2): target' }).waitFor({ timeout: uiTimeoutMs });
      }
      await input.fill('tcp://127.0.0.1');
      await quickInputMessage(page, /has no port; write it like tcp:\/\/127\.0\.0\.1:5555/);
      await input.fill('inproc://workers');
      await quickInputMessage(page, /inproc:\/\/ traffic never leaves its process/);
      await page.keyboard.press('Escape');
    },
  },
  {
    title: 'the command palette opens the inspector webview',
    async run(page) {
      await runFromPalette(page, paletteTitle('zmqInspector.openInspector'));
      await findWebviewFrame(page, webviewOfExtension(extensionId), 30_000);
      // Wait for the inspector's own page: a webview takes the focus when it has loaded, which
      // would close a palette the next check opened in the meantime.
      await findWebviewFrame(page, '.list-grid', 30_000);
    },
  },
  {
    title: 'Run Example: Hello World from the palette shows REQ, REP and "Hello server" in the inspector and the run in the ZeroMQ view',
    async run(page) {
      await runFromPalette(page, paletteTitle('zmqInspector.runExampleHello'));
      try {
        await findWebviewFrame(page, showsHelloWorld, 30_000);
      } catch (error) {
        throw new Error(`${error.message}\nthe webviews show: ${await describeWebviews(page)}`);
      }
      const run = page.locator('.monaco-list-row', { hasText: 'Hello World' });
      await run.first().waitFor({ state: 'visible', timeout: uiTimeoutMs });
      mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: inspectorScreenshot });
      console.log(`      screenshot: ${inspectorScreenshot}`);
    },
  },
  {
    title: 'Reveal in Inspector on a connection of the ZeroMQ view narrows the inspector to that connection',
    async run(page) {
      // Once the run has finished the view stops redrawing, so the row under the mouse stays put.
      await page.locator('.part.sidebar .monaco-list-row', { hasText: 'finished' }).first().waitFor({ timeout: uiTimeoutMs });
      const connection = page.locator('.part.sidebar .monaco-list-row', { hasText: 'REQ ⇄ REP' }).first();
      await connection.hover({ timeout: uiTimeoutMs });
      await connection.locator('.action-label[aria-label="Reveal in Inspector"]').click({ timeout: uiTimeoutMs });
      const narrowed = (frame) =>
        frame.evaluate(() => {
          const select = document.querySelector('select[aria-label="Connection"]');
          return Boolean(select?.value) && select.selectedOptions[0]?.text.startsWith('hello #1');
        });
      try {
        await findWebviewFrame(page, narrowed, uiTimeoutMs);
      } catch (error) {
        const selects = await Promise.all(
          page.frames().map((frame) =>
            frame.evaluate(() => {
              const select = document.querySelector('select[aria-label="Connection"]');
              return select ? { value: select.value, options: [...select.options].map((option) => option.text) } : undefined;
            }).catch(() => undefined),
          ),
        );
        throw new Error(`the inspector's Connection filter did not switch to "hello #1" (${JSON.stringify(selects.filter(Boolean))}): ${error.message}`);
      }
    },
  },
  {
    title: 'the palette offers Pause Capture or Resume Capture, whichever applies',
    async run(page) {
      await expectOneOf(page, 'ZeroMQ: Pause Capture', 'ZeroMQ: Resume Capture');
      await runFromPalette(page, paletteTitle('zmqInspector.pauseCapture'));
      await page.locator('.part.statusbar', { hasText: 'ZeroMQ paused' }).waitFor({ timeout: uiTimeoutMs });
      await expectOneOf(page, 'ZeroMQ: Resume Capture', 'ZeroMQ: Pause Capture');
      await runFromPalette(page, paletteTitle('zmqInspector.resumeCapture'));
      await expectOneOf(page, 'ZeroMQ: Pause Capture', 'ZeroMQ: Resume Capture');
    },
  },
  {
    title: "New Socket… from the palette makes a PUSH, the inspector's compose area sends two frames that the check's PULL receives, and its New Socket… button asks for another",
    async run(page) {
      // The check's own PULL, in this Node process: what it receives is what crossed the wire.
      const pull = new zmq.Pull({ linger: 0, receiveTimeout: 30_000 });
      try {
        await pull.bind('tcp://127.0.0.1:*');
        const endpoint = pull.lastEndpoint;
        // Run alone in a fresh window, the palette offers the extension's commands only once it has loaded.
        await page.locator('.activitybar .action-item a[aria-label^="ZeroMQ"]').waitFor({ timeout: extensionLoadTimeoutMs });
        await runFromPalette(page, paletteTitle('zmqInspector.newSocket'));
        await answerQuickInput(page, 'New Socket (1/3)', 'PUSH', { pick: true });
        await answerQuickInput(page, 'New Socket (2/3)', 'connect', { pick: true });
        await answerQuickInput(page, 'New Socket (3/3)', endpoint);

        await runFromPalette(page, paletteTitle('zmqInspector.openInspector'));
        const label = `PUSH connect ${endpoint}`;
        const frame = await composeOffering(page, label);
        const socket = frame.getByLabel('Socket', { exact: true });
        const value = await socket.locator('option', { hasText: label }).getAttribute('value', { timeout: uiTimeoutMs });
        await socket.selectOption(value, { timeout: uiTimeoutMs });
        await frame.getByLabel('Format', { exact: true }).selectOption('text', { timeout: uiTimeoutMs });
        await frame.getByLabel('Frames', { exact: true }).fill('order 7\n{"qty": 2}', { timeout: uiTimeoutMs });
        await frame.getByRole('button', { name: 'Send', exact: true }).click({ timeout: uiTimeoutMs });

        let received;
        try {
          received = await pull.receive();
        } catch (error) {
          const shown = await frame.locator('.compose').innerText().catch(() => '');
          throw new Error(`the check's PULL received nothing after Send (${error.message}); the compose area shows: ${JSON.stringify(shown)}`);
        }
        const texts = received.map(String);
        if (JSON.stringify(texts) !== JSON.stringify(['order 7', '{"qty": 2}'])) throw new Error(`the PULL received ${JSON.stringify(texts)}, not the two frames typed`);
        await frame.getByRole('status').filter({ hasText: /^Sent at / }).waitFor({ timeout: uiTimeoutMs });
        mkdirSync(artifactsDir, { recursive: true });
        await page.screenshot({ path: composeScreenshot });
        console.log(`      screenshot: ${composeScreenshot}`);
        // The compose area's own New Socket… asks the host, which opens the same quick picks.
        await frame.getByRole('button', { name: 'New Socket…', exact: true }).click({ timeout: uiTimeoutMs });
        await page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Socket (1/3)' }).waitFor({ state: 'visible', timeout: uiTimeoutMs });
        await page.keyboard.press('Escape');
      } finally {
        pull.close();
      }
    },
  },
];
