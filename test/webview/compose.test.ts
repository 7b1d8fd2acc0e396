// The compose area and "Send again" in Chromium at 900×600, end to end: the REAL ComposeFeed over
// real UserSockets (each behind a real Sniffer feeding the capture store) talks to the test's libzmq
// REP; New Socket… creates the REQ as the host's quick picks would.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { ComposeFeed } from '../../extension/sockets/composeFeed';
import { TrafficControl } from '../../extension/stepping/trafficControl';
import { boundReply, userSocketsFixture, type UserSocketsFixture } from '../sockets/fixture';
import { WebviewHarness } from './harness';

const HOSTILE = '<img src=x onerror="window.__pwned = 1">';

describe('Webview compose area (Chromium, real sockets)', function () {
  this.timeout(60_000);
  let fixture: UserSocketsFixture;
  let feed: ComposeFeed;
  let rep: zmq.Reply;
  let harness: WebviewHarness;
  let created: Promise<unknown> | undefined;

  before(async () => {
    fixture = userSocketsFixture();
    const reply = await boundReply(fixture);
    rep = reply.rep;
    feed = new ComposeFeed(fixture.sockets, fixture.store, { newSocket: () => (created = fixture.sockets.create({ type: 'REQ', connect: reply.endpoint })) });
    // Step mode too, as the extension offers both: the side column must fit them beside the details.
    const stepping = new TrafficControl({ breakpoints: new BreakpointSet() });
    harness = await WebviewHarness.open(fixture.store, { width: 900, height: 600, session: { compose: feed, stepping } });
  });

  after(async () => {
    await harness?.close();
    feed?.dispose();
    await fixture?.close();
  });

  const page = () => harness.page;
  const compose = () => page().locator('.compose');
  const sendButton = () => compose().getByRole('button', { name: 'Send', exact: true });
  const posted = (type: string) => harness.fromWebview.filter((message) => (message as { type: string }).type === type) as Record<string, unknown>[];
  const socketId = () => feed.state().sockets[0]?.id;

  it('starts empty: Send is disabled, the area says how to get a socket, and New Socket… (keyboard) asks the host', async () => {
    await harness.until('the compose area', async () => compose().isVisible());
    assert.equal(await sendButton().isDisabled(), true);
    assert.equal(await compose().getByLabel('Socket').isDisabled(), true);
    assert.match((await compose().locator('.compose-note').first().textContent()) ?? '', /^No socket yet: New Socket… creates one/);
    assert.deepEqual(await compose().getByLabel('Format').locator('option').allTextContents(), ['Text', 'Hex', 'JSON', 'File']);

    await compose().getByRole('button', { name: 'New Socket…' }).focus();
    await page().keyboard.press('Enter');
    assert.deepEqual(posted('newSocket'), [{ type: 'newSocket' }]);
    await created;
    await harness.until('the new socket in the picker', async () => (await compose().getByLabel('Socket').locator('option').count()) === 1);
    assert.match((await compose().getByLabel('Socket').locator('option').textContent()) ?? '', /^REQ connect tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await sendButton().isEnabled(), true);
  });

  it('explains each format in the field, and sends one frame per line by keyboard; the REP gets them exactly', async () => {
    const frames = compose().getByLabel('Frames');
    await compose().getByLabel('Format').selectOption('json');
    assert.equal(await page().locator('#compose-help').textContent(), 'A JSON array with one entry per frame: strings go as text, anything else as its JSON.');
    assert.equal(await frames.getAttribute('placeholder'), '["orders", {"id": 7, "qty": 2}]');
    await compose().getByLabel('Format').selectOption('text');
    assert.match((await page().locator('#compose-help').textContent()) ?? '', /^One frame per line/);

    await frames.fill('hello\n\nworld');
    await frames.focus();
    await page().keyboard.press('Tab');
    assert.equal(await sendButton().evaluate((element) => element === document.activeElement), true, 'Tab from Frames reaches Send');
    await page().keyboard.press('Enter');
    assert.deepEqual((await rep.receive()).map(String), ['hello', '', 'world']);
    const [send] = posted('send');
    assert.deepEqual({ ...send, requestId: undefined }, { type: 'send', requestId: undefined, socket: socketId(), format: 'text', text: 'hello\n\nworld' });
    assert.equal(typeof send.requestId, 'number');
    await harness.until('the sent status', async () => /^Sent at \d\d:\d\d:\d\d\.\d{3}\.$/.test((await compose().locator('.compose-status').textContent()) ?? ''));
  });

  it('lists the reply, newest last, with each frame as text', async () => {
    await rep.send([HOSTILE, 'second frame']);
    const reply = compose().locator('.reply');
    await harness.until('the reply', async () => (await reply.count()) === 1);
    assert.deepEqual(await reply.locator('.reply-frame').allTextContents(), [HOSTILE, 'second frame']);
    assert.match((await reply.locator('.reply-meta').textContent()) ?? '', /^\d\d:\d\d:\d\d\.\d{3} · REQ connect tcp:/);
    assert.equal(await compose().locator('img').count(), 0);
    assert.equal(await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'no injected handler ran');
  });

  it('shows why invalid input was not sent, as text in an alert (Ctrl+Enter sends from the field)', async () => {
    await compose().getByLabel('Format').selectOption('hex');
    const frames = compose().getByLabel('Frames');
    await frames.fill('00 ff\n<b>x</b>');
    await frames.press('Control+Enter');
    const error = compose().getByRole('alert');
    await harness.until('the error', async () => (await error.isVisible()) && ((await error.textContent()) ?? '') !== '');
    assert.equal(await error.textContent(), 'Frame 2 is not hex: "<" at position 1. Use the digits 0-9 and a-f (spaces or colons between bytes are fine), or choose the text format.');
    assert.equal(await error.locator('b').count(), 0);
    assert.equal(await frames.getAttribute('aria-invalid'), 'true');
    const sent = posted('send').at(-1);
    assert.deepEqual([sent?.format, sent?.text], ['hex', '00 ff\n<b>x</b>'], 'Ctrl+Enter sent the field as typed, for the host to check');
    await page().screenshot({ path: 'test-artifacts/inspector-compose.png' });
  });

  it('sends a captured data message again through the chosen socket, and offers it for data messages only', async () => {
    // A REQ puts the empty delimiter frame first on the wire.
    const row = harness.row('c8', /^∅ · hello · ∅ · world$/);
    await harness.until('the captured request', async () => (await row.count()) === 1);
    await row.click();
    const resend = page().locator('.details').getByRole('button', { name: 'Send again' });
    await harness.until('Send again', async () => resend.isVisible());
    assert.match((await page().locator('.resend-via').textContent()) ?? '', /^through REQ connect tcp:/);
    await resend.click();
    assert.deepEqual((await rep.receive()).map(String), ['hello', '', 'world']);
    const [request] = posted('resend');
    assert.equal(request.socket, socketId());
    assert.equal(typeof request.seq, 'number');
    await harness.until('sent again', async () => /^Sent again at /.test((await page().locator('.resend-status').textContent()) ?? ''));

    // The REQ has not had its reply: the host refuses in words, shown beside the button.
    await resend.click();
    const refusal = page().locator('.resend .compose-error');
    await harness.until('the refusal', async () => refusal.isVisible());
    assert.match((await refusal.textContent()) ?? '', /a REQ must receive the reply before sending again/);
    assert.equal(await refusal.getAttribute('role'), 'alert');

    await harness.row('c4', 'READY').first().click();
    await harness.until('a command in the details', async () => /READY/.test((await page().locator('.details-title').textContent()) ?? ''));
    assert.equal(await resend.isVisible(), false, 'commands cannot be sent again');
  });

  it('fits held traffic, compose and the details pane in the side column at 900×600', async () => {
    const measured = await page().evaluate(() => {
      const box = (selector: string) => (document.querySelector(selector) as HTMLElement).getBoundingClientRect();
      const side = box('.side');
      return { side, details: box('.details'), send: box('.compose .text-button.primary'), held: box('.held'), overflow: (document.querySelector('.side') as HTMLElement).scrollHeight - (document.querySelector('.side') as HTMLElement).clientHeight };
    });
    await page().screenshot({ path: 'test-artifacts/inspector-side-column.png' });
    assert.ok(measured.overflow <= 1, `the side column overflows by ${measured.overflow} px`);
    assert.ok(measured.details.height >= 80, `the details pane is ${measured.details.height} px high`);
    assert.ok(measured.held.height > 0 && measured.held.bottom <= measured.details.top + 1, 'held traffic sits above the details');
    assert.ok(measured.send.bottom <= measured.side.bottom, 'Send is inside the column');
    assert.ok(measured.side.width >= 200, `the side column is ${measured.side.width} px wide`);
    // Both stylesheets load under the CSP and style with the theme: the dark theme's button colour.
    assert.equal(await compose().locator('.text-button.primary').evaluate((element) => getComputedStyle(element).backgroundColor), 'rgb(0, 120, 212)');
    assert.equal(await page().locator('.side').evaluate((element) => getComputedStyle(element).flexDirection), 'column');
    assert.deepEqual(await page().evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  });
});
