// Checks made from outside VS Code, through the browser, as a person would: they see what the
// in-host suite cannot (what is drawn, what the palette offers). The runner runs each in order
// after the in-host suite passed; add new checks to the list.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './launch.mjs';
import * as zmq from 'zeromq';
import { answerQuickInput, findWebviewFrame, runCommandFromPalette, waitInFrame, webviewOfExtension } from './palette.mjs';
/* global document -- used only inside functions that run in the browser page */

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const extensionId = `${packageJson.publisher}.${packageJson.name}`;
const artifactsDir = join(repoRoot, 'test-artifacts');
const inspectorScreenshot = join(artifactsDir, 'inspector.png');
const composeScreenshot = join(artifactsDir, 'compose.png');
const steppingScreenshot = join(artifactsDir, 'stepping.png');
const breakpointScreenshot = join(artifactsDir, 'breakpoint.png');
const uiTimeoutMs = 15_000;
const extensionLoadTimeoutMs = 60_000;
/** How long a message let through by mistake gets to show up in the inspector before a check says none did. */
const quietMs = 1_000;
/**
 * Long enough for a focus change in a webview to reach the workbench's context keys: the webview
 * tells the extension host, which sets zmqInspector.inspectorFocused (the step keys' when clause).
 * Pressed at once after a click on the side bar (no wait), F10 still stepped the held message
 * (2 runs of 2); a person's click and key press are further apart than this.
 */
const focusSettleMs = 500;

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

/**
 * Shows the ZeroMQ views (Runs, Breakpoints) in the side bar. Its icon is clicked only when another
 * container is shown: a click on the shown one would close the side bar.
 */
async function showZeroMQViews(page) {
  const icon = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="ZeroMQ"]') });
  // Run alone in a fresh window, the icon appears once the extension's contributions are read.
  await icon.waitFor({ timeout: extensionLoadTimeoutMs });
  if (!(await icon.evaluate((item) => item.classList.contains('checked')))) await icon.locator('a').click({ timeout: uiTimeoutMs });
  await breakpointsPane(page).waitFor({ state: 'visible', timeout: uiTimeoutMs });
}

/** The Breakpoints view in the side bar: its header (with its title actions) and its body. */
function breakpointsPane(page) {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Breakpoints' }) });
}

/** Clicks one of the Breakpoints view's title actions, which show while the pointer is over its header. */
async function clickBreakpointsAction(page, label) {
  const header = breakpointsPane(page).locator('.pane-header');
  await header.hover({ timeout: uiTimeoutMs });
  await header.locator(`.action-label[aria-label^="${label}"]`).click({ timeout: uiTimeoutMs });
}

/** What the inspector's step bar, held traffic and message list show, for failure messages. */
function inspectorShows(frame) {
  return frame
    .evaluate(() => ({
      stepBar: document.querySelector('.step-bar')?.innerText,
      held: document.querySelector('.side-section.held')?.innerText,
      rows: document.querySelector('.counts')?.textContent,
      list: document.querySelector('.list-grid')?.innerText.slice(-500),
    }))
    .then((shown) => JSON.stringify(shown));
}

/* Predicates run inside the inspector's page (waitInFrame, frame.evaluate). */
/**
 * Whether Held traffic lists a data message of two frames (REQ/REP's empty delimiter, then the text)
 * sent in direction `dir`: 'c2s' the request, 's2c' the reply. Held messages are told apart by
 * direction, not text: their preview is the first frame, which for REQ/REP is the empty delimiter.
 */
const heldShows = (dir) =>
  [...document.querySelectorAll('.held-queue')].some((queue) => queue.querySelector(`.held-conn.dir-${dir}`) && [...queue.querySelectorAll('.held-message.kind-message .held-facts')].some((facts) => /\b2 frames\b/.test(facts.textContent ?? '')));
// innerText, not textContent: the list keeps spare row elements hidden, with what they showed last.
const listShows = (text) => (document.querySelector('.list-grid')?.innerText ?? '').includes(text);
/** The rows stored, from the filter bar's "N of M rows". */
const storedRows = () => Number(/of ([\d,.\s]+) rows/.exec(document.querySelector('.counts')?.textContent ?? '')?.[1].replace(/\D/g, '') ?? Number.NaN);

/** The inspector's page once its held traffic lists a message sent in direction `dir` (see heldShows). */
async function inspectorHolding(page, dir) {
  try {
    return await findWebviewFrame(page, (frame) => frame.evaluate(heldShows, dir), 30_000);
  } catch (error) {
    throw new Error(`the inspector's Held traffic never listed a ${dir} message: ${error.message}\nthe webviews show: ${await describeWebviews(page)}`);
  }
}

/** Lists every connection: an earlier check may have narrowed the list to a run that is gone. */
async function showAllConnections(frame) {
  await frame.getByLabel('Connection', { exact: true }).selectOption('', { timeout: uiTimeoutMs });
}

/**
 * Hides the bottom panel when something opened it (code-server shows its Ports and Terminal there),
 * so the screenshots taken for the README show the inspector whole. Cosmetic: never fails a check.
 */
async function hidePanel(page) {
  if (!(await page.locator('.part.panel').isVisible().catch(() => false))) return;
  await runFromPalette(page, 'View: Hide Panel').catch(() => page.keyboard.press('Escape'));
}

/** "ZeroMQ: Stop All", then waits until the Runs view lists no run as running or stopping. */
async function stopAllRuns(page) {
  await runFromPalette(page, paletteTitle('zmqInspector.stopAll'));
  const busy = page.locator('.part.sidebar .monaco-list-row', { hasText: /· (running|stopping)\b/ });
  const deadline = Date.now() + uiTimeoutMs;
  while ((await busy.count()) > 0) {
    if (Date.now() > deadline) throw new Error(`Stop All left runs going: ${JSON.stringify(await busy.allInnerTexts())}`);
    await page.waitForTimeout(200);
  }
}

/**
 * Runs `steps`, then stops every run with "ZeroMQ: Stop All". When `steps` fail, whatever they left
 * held is let go first (Continue Traffic) and their breakpoints removed, so a failure stays the only one.
 */
async function thenStopAll(page, steps) {
  const cleanUp = (title) => runFromPalette(page, title).catch((error) => console.log(`      cleanup, ${title}: ${error.message}`));
  try {
    await steps();
  } catch (error) {
    const failureScreenshot = join(artifactsDir, 'stepping-failure.png');
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: failureScreenshot }).then(() => console.log(`      screenshot at the failure: ${failureScreenshot}`), () => {});
    await page.keyboard.press('Escape');
    await cleanUp(paletteTitle('zmqInspector.removeAllBreakpoints'));
    await cleanUp(paletteTitle('zmqInspector.continueTraffic'));
    throw error;
  } finally {
    await cleanUp(paletteTitle('zmqInspector.stopAll'));
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
        await answerQuickInput(page, 'New Socket (1/4)', 'PUSH', { pick: true });
        await answerQuickInput(page, 'New Socket (2/4)', 'connect', { pick: true });
        await answerQuickInput(page, 'New Socket (3/4)', endpoint);
        await answerQuickInput(page, 'New Socket (4/4)', 'No options (create now)', { pick: true });

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
        await page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Socket (1/4)' }).waitFor({ state: 'visible', timeout: uiTimeoutMs });
        await page.keyboard.press('Escape');
        // The PUSH's sniffer goes before the PULL: left running, it would knock on a closed port for the checks after this one.
        await stopAllRuns(page);
        await runFromPalette(page, 'Notifications: Clear All Notifications');
      } finally {
        pull.close();
      }
    },
  },
  {
    title: 'Pause Traffic, then Step with F10 in the inspector lets one message cross',
    async run(page) {
      await showZeroMQViews(page);
      await hidePanel(page);
      await thenStopAll(page, async () => {
        // An empty list first: then a "Hello server" row can only be this run's request.
        await runFromPalette(page, paletteTitle('zmqInspector.clearCapture'));
        await runFromPalette(page, paletteTitle('zmqInspector.pauseTraffic'));
        await runFromPalette(page, paletteTitle('zmqInspector.runExampleHello'));
        // Held traffic lists the request under "hello #1 →" ("message · 2 frames · 16 B", "∅ · Hello server").
        const frame = await inspectorHolding(page, 'c2s');
        const shows = () => inspectorShows(frame);
        await showAllConnections(frame);
        await page.waitForTimeout(quietMs);
        if (await frame.evaluate(listShows, 'Hello server')) throw new Error(`"Hello server" reached the message list while Held traffic lists it: ${await shows()}`);

        // A click on the step bar's title (not a button) gives the inspector the keyboard, as a person would.
        await frame.locator('.step-bar .step-title').click({ timeout: uiTimeoutMs });
        if (!(await frame.evaluate(() => document.hasFocus()))) throw new Error('a click into the inspector did not give it the keyboard focus');
        await page.keyboard.press('F10');
        // The request crosses; the server answers and the reply is held in its turn.
        await waitInFrame(frame, 'F10 in the inspector to release "Hello server" (a row) and hold the reply (←)', () => {
          const held = (dir) => Boolean(document.querySelector(`.held-queue .held-conn.dir-${dir}`));
          return (document.querySelector('.list-grid')?.innerText ?? '').includes('Hello server') && held('s2c') && !held('c2s');
        }, undefined, { timeoutMs: uiTimeoutMs, describe: inspectorShows });
        mkdirSync(artifactsDir, { recursive: true });
        await page.screenshot({ path: steppingScreenshot });
        console.log(`      screenshot: ${steppingScreenshot}`);

        await frame.locator('.step-bar button[data-action="step"]').click({ timeout: uiTimeoutMs });
        await waitInFrame(frame, 'Step in the step bar to release the reply "Hello client" into the list', listShows, 'Hello client', { timeoutMs: uiTimeoutMs, describe: inspectorShows });
        // The client asks again 200 ms later, and that request is held: Continue has something to let go.
        await waitInFrame(frame, 'the next request to be held', heldShows, 'c2s', { timeoutMs: uiTimeoutMs, describe: inspectorShows });
        const rowsBefore = await frame.evaluate(storedRows);
        await frame.locator('.step-bar .step-title').click({ timeout: uiTimeoutMs });
        await page.keyboard.press('F5');
        // Nine round trips are left (18 messages) at 5 a second: more rows, and nothing held.
        await waitInFrame(frame, `F5 in the inspector to let the traffic flow (more than ${rowsBefore + 6} rows, nothing held)`, (before) => {
          const counts = /of ([\d,.\s]+) rows/.exec(document.querySelector('.counts')?.textContent ?? '');
          const stored = Number(counts?.[1].replace(/\D/g, '') ?? Number.NaN);
          return stored > before + 6 && document.querySelector('.step-bar .step-held')?.textContent === 'Flowing';
        }, rowsBefore, { timeoutMs: uiTimeoutMs, describe: inspectorShows });

        // Outside the inspector F10 is the debugger's (Step Over): it must not step the traffic. A
        // second run, alone (the first may still be sending) and in an empty list.
        await stopAllRuns(page);
        await runFromPalette(page, paletteTitle('zmqInspector.clearCapture'));
        await runFromPalette(page, paletteTitle('zmqInspector.pauseTraffic'));
        await runFromPalette(page, paletteTitle('zmqInspector.runExampleHello'));
        await waitInFrame(frame, 'the second run\'s request to be held', heldShows, 'c2s', { timeoutMs: 30_000, describe: inspectorShows });
        await focusWorkbench(page);
        if (await frame.evaluate(() => document.hasFocus())) throw new Error('the inspector kept the keyboard focus after a click on the side bar');
        // The blur reaches the keys' when clause through the extension host: see focusSettleMs.
        await page.waitForTimeout(focusSettleMs);
        await page.keyboard.press('F10');
        await page.waitForTimeout(quietMs);
        const outside = { requestHeld: await frame.evaluate(heldShows, 'c2s'), replyHeld: await frame.evaluate(heldShows, 's2c'), requestListed: await frame.evaluate(listShows, 'Hello server') };
        if (!outside.requestHeld || outside.replyHeld || outside.requestListed) throw new Error(`F10 with the focus in the side bar released the held request (${JSON.stringify(outside)}): ${await shows()}`);

        await runFromPalette(page, paletteTitle('zmqInspector.continueTraffic'));
        await waitInFrame(frame, 'Continue Traffic from the palette to release the request', listShows, 'Hello server', { timeoutMs: uiTimeoutMs, describe: inspectorShows });
      });
    },
  },
  {
    title: 'a breakpoint added in the Breakpoints view holds the matching message and is highlighted',
    async run(page) {
      await showZeroMQViews(page);
      await hidePanel(page);
      const pane = breakpointsPane(page);
      await thenStopAll(page, async () => {
        await clickBreakpointsAction(page, 'Add Breakpoint');
        await answerQuickInput(page, 'Add Breakpoint', '/Hello server/');
        const item = pane.locator('.monaco-list-row', { hasText: 'Hello server' });
        await item.waitFor({ state: 'visible', timeout: uiTimeoutMs });
        const added = await item.innerText();
        if (!/\b0 hits\b/.test(added)) throw new Error(`the new breakpoint's item shows ${JSON.stringify(added)}, not "0 hits"`);

        await runFromPalette(page, paletteTitle('zmqInspector.clearCapture'));
        await runFromPalette(page, paletteTitle('zmqInspector.runExampleHello'));
        const frame = await inspectorHolding(page, 'c2s');
        await showAllConnections(frame);
        const hit = await waitInFrame(frame, 'the held request to be highlighted as the breakpoint\'s hit, with its condition', () => {
          const message = document.querySelector('.held-queue:has(.held-conn.dir-c2s) .held-message.held-hit[aria-current="true"]');
          const condition = message?.querySelector('.held-condition')?.textContent ?? '';
          const banner = document.querySelector('.held-hit-banner')?.textContent ?? '';
          return message && /^Breakpoint \S+: .*Hello server/.test(condition) && /^Stopped at breakpoint/.test(banner) ? { condition, banner } : undefined;
        }, undefined, { timeoutMs: uiTimeoutMs, describe: inspectorShows });
        if (await frame.evaluate(listShows, 'Hello server')) throw new Error(`"Hello server" reached the message list while the breakpoint holds it: ${await inspectorShows(frame)}`);
        await item.filter({ hasText: /\b1 hit\b/ }).waitFor({ state: 'visible', timeout: uiTimeoutMs }).catch(async () => {
          throw new Error(`the Breakpoints view's item never showed "1 hit" (held: ${hit.banner}); it shows ${JSON.stringify(await item.innerText())}`);
        });
        mkdirSync(artifactsDir, { recursive: true });
        await page.screenshot({ path: breakpointScreenshot });
        console.log(`      screenshot: ${breakpointScreenshot}`);

        // Continue lets the request and its reply cross; the breakpoint stays and holds the next request.
        await frame.locator('.step-bar button[data-action="continue"]').click({ timeout: uiTimeoutMs });
        await waitInFrame(frame, 'Continue to release the request and its reply into the list', (texts) => texts.every((text) => (document.querySelector('.list-grid')?.innerText ?? '').includes(text)), ['Hello server', 'Hello client'], { timeoutMs: uiTimeoutMs, describe: inspectorShows });
        await item.filter({ hasText: /\b2 hits\b/ }).waitFor({ state: 'visible', timeout: uiTimeoutMs }).catch(async () => {
          throw new Error(`the breakpoint did not hold the next request: its item shows ${JSON.stringify(await item.innerText())}; the inspector shows ${await inspectorShows(frame)}`);
        });

        await clickBreakpointsAction(page, 'Remove All Breakpoints');
        await pane.locator('.welcome-view-content', { hasText: 'No message breakpoints' }).waitFor({ state: 'visible', timeout: uiTimeoutMs });
        await frame.locator('.step-bar button[data-action="continue"]').click({ timeout: uiTimeoutMs });
        // Without the breakpoint the rest flows: 10 round trips in all, nothing held.
        await waitInFrame(frame, 'the traffic to flow once the breakpoint is gone (20 messages, nothing held)', () => {
          const list = document.querySelector('.list-grid')?.innerText ?? '';
          return document.querySelector('.step-bar .step-held')?.textContent === 'Flowing' && !document.querySelector('.held-message') && list.includes('Hello client');
        }, undefined, { timeoutMs: uiTimeoutMs, describe: inspectorShows });
      });
      await runFromPalette(page, 'Notifications: Clear All Notifications');
    },
  },
];
