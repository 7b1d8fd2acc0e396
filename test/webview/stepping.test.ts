// Step mode in Chromium at 900×600, end to end: the step bar and the held list drive the REAL
// TrafficControl through the real InspectorSession, which holds a real Sniffer in step mode between
// a libzmq PUSH and PULL; what the PULL receives proves what each button released.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { CaptureStore } from '../../extension/inspector/store';
import { MAX_HELD_LISTED, type SnifferSource } from '../../extension/protocol';
import { Sniffer } from '../../extension/sniffer/sniffer';
import type { SnifferEvent } from '../../extension/sniffer/types';
import { TrafficControl } from '../../extension/stepping/trafficControl';
import { waitUntil } from '../support/rawPeers';
import { WebviewHarness } from './harness';
import { commandsSeen, connectThrough, nothingArrives as nothingReaches, RECEIVE_TIMEOUT_MS, sniffInFront } from '../support/heldTraffic';

/** Shorter than the sniffer's preview limit, so it shows whole. */
const HOSTILE = '<img src=x onerror=__pwned=1>';

describe('Webview step mode (Chromium, real sniffer)', function () {
  this.timeout(60_000);
  const events: SnifferEvent[] = [];
  const breakpoints = new BreakpointSet();
  let holdCommands = false;
  const control = new TrafficControl({ breakpoints, holdCommands: () => holdCommands, describeBreakpoint: (id) => (id === 'orders' ? 'topic:order dir:c2s' : id) });
  let pull: zmq.Pull;
  let push: zmq.Push;
  let sniffer: Sniffer;
  let detach: () => void;
  let harness: WebviewHarness;

  before(async () => {
    const store = new CaptureStore();
    pull = new zmq.Pull({ receiveTimeout: RECEIVE_TIMEOUT_MS });
    const source: SnifferSource = { id: 'steps-1', name: 'steps', listen: '', target: '' };
    sniffer = await sniffInFront([], pull, {
      name: source.name,
      onEvent: (event) => {
        events.push(event);
        store.ingest(source, event);
      },
      ...control.snifferOptions(source.id),
    });
    Object.assign(source, { listen: sniffer.listenEndpoint, target: sniffer.targetEndpoint });
    detach = control.attach(source.id, sniffer, source.name);
    push = connectThrough([], new zmq.Push(), sniffer);
    await waitUntil(() => commandsSeen(events, 'READY') >= 2, 'both READY commands');
    harness = await WebviewHarness.open(store, { width: 900, height: 600, session: { stepping: control } });
  });

  after(async () => {
    await harness?.close();
    detach?.();
    push?.close();
    pull?.close();
    await sniffer?.stop();
  });

  const page = () => harness.page;
  const button = (name: RegExp) => page().locator('.step-bar').getByRole('button', { name });
  const pauseButton = () => button(/^Pause Traffic/);
  const stepButton = () => button(/^Step:/);
  const stepFrameButton = () => button(/^Step Frame/);
  const continueButton = () => button(/^Continue/);
  const enabled = async () => Promise.all([pauseButton(), stepButton(), stepFrameButton(), continueButton()].map((locator) => locator.isEnabled()));
  const previews = () => page().locator('.held .held-preview').allTextContents();
  const posted = (action: string) => harness.fromWebview.filter((message) => JSON.stringify(message) === JSON.stringify({ type: 'traffic', action }));

  const nothingArrives = () => nothingReaches(pull);
  const received = async () => (await pull.receive()).map(String);
  const heldAtSniffer = () => sniffer.pending().reduce((sum, queue) => sum + queue.messages.length, 0);

  it('starts flowing: only Pause Traffic is enabled, keys are in the titles, and the bar says heartbeats keep flowing', async () => {
    await harness.until('the step bar', async () => page().locator('.step-bar:not([hidden])').isVisible());
    assert.deepEqual(await enabled(), [true, false, false, false]);
    assert.equal(await pauseButton().getAttribute('title'), 'Pause Traffic (F6)');
    assert.match((await stepButton().getAttribute('title')) ?? '', /\(F10\)$/);
    assert.match((await stepFrameButton().getAttribute('title')) ?? '', /\(Shift\+F10\)$/);
    assert.match((await continueButton().getAttribute('title')) ?? '', /\(F5\)$/);
    assert.equal(await page().locator('.step-hint').textContent(), 'Handshakes and heartbeats keep flowing, so peers stay connected.');
    assert.equal(await page().locator('.step-held').textContent(), 'Flowing');
    assert.equal(await page().locator('.held-empty').isVisible(), true, 'the held section says nothing is held');
    assert.equal(await page().locator('.held').getByText('The setting zmqInspector.stepping.holdCommands chooses whether handshakes and heartbeats are held with the messages.').isVisible(), true, 'the choice is explained');
  });

  it('Pause Traffic by keyboard holds the next message, shown as text (a hostile preview stays inert)', async () => {
    await page().getByRole('button', { name: 'Clear the capture' }).focus();
    await page().keyboard.press('Tab');
    assert.equal(await pauseButton().evaluate((element) => element === document.activeElement), true, 'Tab from the toolbar reaches Pause Traffic');
    await page().keyboard.press('Enter');
    await harness.until('Pause Traffic to take effect', async () => (await enabled()).join() === 'false,false,false,true');
    assert.equal(posted('hold').length, 1);
    assert.equal(await pauseButton().getAttribute('aria-pressed'), 'true');

    await push.send(HOSTILE);
    await harness.until('the held message', async () => (await previews()).length === 1);
    assert.deepEqual(await previews(), [HOSTILE]);
    assert.equal(await page().locator('.step-held').textContent(), '1 held');
    assert.deepEqual(await enabled(), [false, true, true, true]);
    assert.equal(await page().locator('.held img').count(), 0);
    assert.equal(await page().locator('.held-queue .held-conn').textContent(), 'steps #1 →');
    // Bytes on the wire: the flags and size bytes, then the body.
    assert.deepEqual(await page().locator('.held-facts').allTextContents(), [`message · 1 frame · ${2 + HOSTILE.length} B`]);
    await nothingArrives();
    assert.equal(await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'no injected handler ran');
  });

  it('lists messages that queue up behind the held one, in order, as they arrive', async () => {
    for (const message of ['second', 'third']) await push.send(message);
    await waitUntil(() => heldAtSniffer() === 3, 'the sniffer to hold three messages');
    await harness.until('three held messages in the list', async () => (await previews()).length === 3).catch(async (error: Error) => {
      throw new Error(`${error.message}: the sniffer holds 3 but the inspector lists ${(await previews()).length}; SteppingFeed did not report the messages queued behind the held one`);
    });
    assert.deepEqual(await previews(), [HOSTILE, 'second', 'third']);
    assert.equal(await page().locator('.step-held').textContent(), '3 held');
  });

  it('Step (Space) releases the oldest message only: the PULL gets it and the held list shrinks by one', async () => {
    const before = heldAtSniffer();
    await stepButton().focus();
    await page().keyboard.press('Space');
    assert.deepEqual(await received(), [HOSTILE]);
    await harness.until('one message fewer', async () => (await previews()).length === before - 1);
    assert.deepEqual(await previews(), ['second', 'third']);
    assert.equal(posted('step').length, 1);
    await nothingArrives();
  });

  it('lists at most MAX_HELD_LISTED per connection with "+N more", and the connection\'s Continue releases them all in order', async () => {
    const more = Array.from({ length: MAX_HELD_LISTED + 3 }, (_, i) => `more ${i}`);
    for (const message of more) await push.send(message);
    await waitUntil(() => heldAtSniffer() === 2 + more.length, 'the sniffer to hold them all');
    // Step Frame on a one-frame message releases it whole (and the list is drawn afresh).
    await stepFrameButton().click();
    assert.deepEqual(await received(), ['second']);
    const total = 1 + more.length;
    await harness.until(`${total} held`, async () => (await page().locator('.step-held').textContent()) === `${total} held`);
    assert.equal(await page().locator('.held-message').count(), MAX_HELD_LISTED);
    assert.equal(await page().locator('.held-messages .held-more').textContent(), `+${total - MAX_HELD_LISTED} more`);

    // The list is drawn afresh on every change; the keyboard focus stays on the button pressed.
    const queueStep = page().locator('.held-queue').getByRole('button', { name: /^Step steps #1/ });
    await queueStep.focus();
    await page().keyboard.press('Enter');
    assert.deepEqual(await received(), ['third']);
    await harness.until(`${total - 1} held`, async () => (await page().locator('.step-held').textContent()) === `${total - 1} held`);
    assert.equal(await queueStep.evaluate((element) => element === document.activeElement), true, 'focus stays on the connection\'s Step');

    await page().locator('.held-queue').getByRole('button', { name: /^Continue steps #1/ }).click();
    const expected = [...more];
    const got: string[] = [];
    for (let i = 0; i < expected.length; i++) got.push(...(await received()));
    assert.deepEqual(got, expected);
    assert.ok(harness.fromWebview.some((message) => JSON.stringify(message) === JSON.stringify({ type: 'traffic', action: 'continue', conn: 'steps-1#1' })));
    await harness.until('the empty held list', async () => page().locator('.held-empty').isVisible());
    assert.equal(await page().locator('.held-message').count(), 0);
    // Pause Traffic is still on for connections opened later: Continue in the bar ends it.
    assert.deepEqual(await enabled(), [false, false, false, true]);
    await continueButton().click();
    await harness.until('flowing again', async () => (await enabled()).join() === 'true,false,false,false');
    await push.send('flows');
    assert.deepEqual(await received(), ['flows']);
  });

  it('a breakpoint hit holds at its message, highlights it with the condition, scrolls it into view and announces it', async () => {
    breakpoints.add({ id: 'orders', topicPrefix: 'order' });
    try {
      await push.send('tick 1');
      await push.send(['order 7', 'qty 2']);
      assert.deepEqual(await received(), ['tick 1']);
      const hit = page().locator('.held-message.held-hit');
      await harness.until('the hit highlight', async () => (await hit.count()) === 1);
      assert.equal(await hit.locator('.held-preview').textContent(), 'order 7 · qty 2', 'the preview shows every frame, as the message list does');
      assert.equal(await hit.locator('.held-condition').textContent(), 'Breakpoint orders: topic:order dir:c2s');
      assert.equal(await hit.getAttribute('aria-current'), 'true');
      assert.match((await hit.locator('.held-facts').textContent()) ?? '', /^message · 2 frames · /);
      const banner = page().locator('.held-hit-banner');
      assert.equal(await banner.getAttribute('aria-live'), 'polite');
      assert.match((await banner.textContent()) ?? '', /^Stopped at breakpoint orders \(topic:order dir:c2s\) on steps #1 →, hit 1 time, at \d\d:\d\d:\d\d\.\d{3}\. Step or Continue to release it\.$/);
      const inView = await hit.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const body = (element.closest('.section-body') as HTMLElement).getBoundingClientRect();
        return box.top >= body.top - 1 && box.bottom <= body.bottom + 1 && box.bottom <= window.innerHeight;
      });
      assert.equal(inView, true, 'the hit is scrolled into view');
      await page().screenshot({ path: 'test-artifacts/inspector-stepping.png' });
      await nothingArrives();

      await page().locator('.held-queue').getByRole('button', { name: /^Step steps #1/ }).click();
      assert.deepEqual(await received(), ['order 7', 'qty 2']);
      await harness.until('the hit cleared', async () => (await hit.count()) === 0 && (await banner.textContent()) === '' && (await banner.isHidden()));
    } finally {
      breakpoints.remove('orders');
    }
  });

  it('warns when heartbeats are held too, and says so when step mode is off', async () => {
    holdCommands = true;
    await pauseButton().click();
    await harness.until('the holdCommands hint', async () => (await page().locator('.step-hint').textContent()) === 'Handshakes and heartbeats are held too: peers may time out.');
    assert.equal(await page().locator('.step-hint.warning').count(), 1);
    await continueButton().click();
    await harness.until('flowing again', async () => (await enabled()).join() === 'true,false,false,false');

    control.setAvailable(false);
    await harness.until('step mode off', async () => (await page().locator('.step-hint').textContent()) === 'Step mode is off in the settings (zmqInspector.stepping.enabled): the running sniffers cannot hold traffic.');
    assert.deepEqual(await enabled(), [false, false, false, false]);
    assert.equal(await page().locator('.held').isHidden(), true);
  });
});
