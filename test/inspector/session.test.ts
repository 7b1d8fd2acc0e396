import { strict as assert } from 'node:assert';
import { PROTOCOL_VERSION, type HostToWebview } from '../../extension/protocol';
import { InspectorSession, type Clock } from '../../extension/inspector/session';
import { CaptureStore } from '../../extension/inspector/store';
import { Feed, frontend, message } from './fixtures';
import { BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { TrafficControl } from '../../extension/stepping/trafficControl';

/** A clock the test moves by hand: timers run when `advance` passes their time. */
class FakeClock implements Clock {
  time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = end;
  }
}

function open(options: { follow?: boolean; visibleCount?: number } = {}) {
  const clock = new FakeClock();
  const store = new CaptureStore({ capacity: 10_000 });
  const posted: HostToWebview[] = [];
  const session = new InspectorSession(store, (m) => posted.push(m), { clock });
  const feed = new Feed((source, event) => store.ingest(source, event));
  const ready = () => session.receive({ type: 'ready', protocol: PROTOCOL_VERSION, state: { filter: {}, follow: options.follow ?? true }, visibleCount: options.visibleCount ?? 20 });
  return { clock, store, posted, session, feed, ready };
}

describe('InspectorSession', () => {
  it('posts nothing before the webview is ready, then answers ready with a full snapshot', () => {
    const { posted, feed, ready, session, clock } = open();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    clock.advance(1000);
    assert.equal(posted.length, 0);
    ready();
    assert.equal(posted.length, 1);
    const snapshot = posted[0];
    assert.equal(snapshot.type, 'snapshot');
    if (snapshot.type !== 'snapshot') return;
    assert.equal(snapshot.counts.stored, 5);
    assert.equal(snapshot.topology.edges.length, 1);
    assert.equal(snapshot.tail?.rows.length, 5);
    assert.equal(snapshot.sources[0].name, 'frontend');
    session.dispose();
  });

  it('batches: 50,000 events over 2 seconds make at most ~20 posts a second, each with the newest tail', () => {
    const { posted, feed, ready, session, clock } = open({ visibleCount: 30 });
    feed.handshake(frontend, 1, 'PUSH', 'PULL');
    ready();
    posted.length = 0;
    for (let ms = 0; ms < 2000; ms++) {
      for (let i = 0; i < 25; i++) feed.zmtp(frontend, 1, 'c2s', message(`m${ms * 25 + i}`));
      clock.advance(1);
    }
    clock.advance(100);
    const updates = posted.filter((m) => m.type === 'update');
    assert.ok(updates.length >= 30 && updates.length <= 42, `${updates.length} updates for 2 s of traffic`);
    const last = updates[updates.length - 1];
    assert.ok(last.type === 'update' && last.tail);
    if (last.type !== 'update' || !last.tail) return;
    assert.equal(last.tail.rows.length, 30);
    assert.equal(last.tail.rows[29].preview, 'm49999');
    assert.equal(last.counts.stored, 10_000);
    session.dispose();
    assert.equal(clock.pending, 0, 'dispose leaves no timer behind');
  });

  it('sends no tail while the user has scrolled away, and answers row windows in the filtered view', () => {
    const { posted, feed, ready, session, clock } = open({ follow: false });
    feed.handshake(frontend, 1, 'PUSH', 'PULL');
    for (let i = 0; i < 100; i++) feed.zmtp(frontend, 1, 'c2s', message(i % 10 === 0 ? `tens ${i}` : `x ${i}`));
    ready();
    session.receive({ type: 'setFilter', filter: { text: 'tens' } });
    clock.advance(200);
    const update = posted.filter((m) => m.type === 'update').pop();
    assert.ok(update?.type === 'update');
    if (update?.type !== 'update') return;
    assert.equal(update.tail, undefined);
    assert.equal(update.view.length, 10);
    assert.equal(update.view.scanning, false);
    session.receive({ type: 'requestRows', requestId: 7, start: update.view.base + 8, count: 5 });
    const rows = posted[posted.length - 1];
    assert.ok(rows.type === 'rows');
    if (rows.type !== 'rows') return;
    assert.equal(rows.requestId, 7);
    assert.deepEqual(rows.rows.map((r) => r.preview), ['tens 80', 'tens 90']);
    session.dispose();
  });

  it('answers detail and frame requests, and says why when a row is gone', () => {
    const { posted, feed, ready, session, store } = open();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    feed.zmtp(frontend, 1, 'c2s', message('', 'Hello'));
    ready();
    const seq = store.endSeq - 1;
    session.receive({ type: 'requestDetail', seq });
    session.receive({ type: 'requestFrames', seq });
    session.receive({ type: 'requestDetail', seq: 999_999 });
    const [detail, frames, missing] = posted.slice(-3);
    assert.ok(detail.type === 'detail' && detail.detail);
    if (detail.type !== 'detail' || !detail.detail) return;
    assert.equal(detail.detail.frames.length, 2);
    assert.equal(Buffer.from(detail.detail.frames[1].body, 'base64').toString(), 'Hello');
    assert.ok(frames.type === 'frames');
    if (frames.type === 'frames') assert.deepEqual(frames.frames.map((f) => [f.flags, f.size, f.preview]), [[1, 0, ''], [0, 5, 'Hello']]);
    assert.ok(missing.type === 'detail' && /left the capture/.test(missing.missing ?? ''));
    session.dispose();
  });

  it('refuses malformed messages with a notice instead of throwing', () => {
    const { posted, ready, session } = open();
    ready();
    session.receive({ type: 'requestRows', requestId: 1, start: -5, count: 10 });
    session.receive('garbage');
    session.receive({ type: 'ready', protocol: 999, state: {} });
    const notices = posted.filter((m) => m.type === 'notice').map((m) => (m.type === 'notice' ? m.message : ''));
    assert.equal(notices.length, 3);
    assert.match(notices[0], /requestRows needs whole numbers/);
    assert.match(notices[1], /must be an object/);
    assert.match(notices[2], /protocol 999.*reload the window/);
    session.dispose();
  });

  it('routes Pause and Clear to the controls, and the next update shows their effect', () => {
    const { posted, feed, ready, session, clock, store } = open();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    ready();
    session.receive({ type: 'setPaused', paused: true });
    feed.zmtp(frontend, 1, 'c2s', message('dropped'));
    clock.advance(100);
    const paused = posted.filter((m) => m.type === 'update').pop();
    assert.ok(paused?.type === 'update' && paused.paused && paused.counts.droppedWhilePaused === 1);
    session.receive({ type: 'setPaused', paused: false });
    session.receive({ type: 'clear' });
    clock.advance(100);
    const cleared = posted.filter((m) => m.type === 'update').pop();
    assert.ok(cleared?.type === 'update' && !cleared.paused && cleared.counts.stored === 0);
    assert.equal(store.counts().stored, 0);
    session.dispose();
  });

  it('applies a filter the host asks for, before and after the webview is ready', () => {
    const { posted, feed, session, clock } = open();
    feed.handshake(frontend, 1, 'REQ', 'REP');
    feed.handshake(frontend, 2, 'REQ', 'REP');
    session.focus({ connections: ['sniffer-1#2'] });
    session.receive({ type: 'ready', protocol: PROTOCOL_VERSION, state: { filter: { kinds: 'commands' }, follow: true }, visibleCount: 20 });
    const snapshot = posted[0];
    assert.ok(snapshot.type === 'snapshot');
    if (snapshot.type !== 'snapshot') return;
    assert.deepEqual(snapshot.filter, { kinds: 'commands', connections: ['sniffer-1#2'] }, 'merged with the view\'s own filter');
    clock.advance(100);
    session.focus({ connections: undefined, node: 'bound:tcp://127.0.0.1:5555' });
    const applied = posted.find((m) => m.type === 'applyFilter');
    assert.deepEqual(applied?.type === 'applyFilter' && applied.filter, { kinds: 'commands', node: 'bound:tcp://127.0.0.1:5555' });
    clock.advance(100);
    const update = posted.filter((m) => m.type === 'update').pop();
    assert.equal(update?.type === 'update' && update.view.length, 4, 'the READYs of both connections');
    session.dispose();
  });

  it('flushes on a real clock too, and stops its timers when disposed', async () => {
    const store = new CaptureStore();
    const posted: HostToWebview[] = [];
    const session = new InspectorSession(store, (m) => posted.push(m), { flushIntervalMs: 20, rateIntervalMs: 50 });
    const feed = new Feed((source, event) => store.ingest(source, event));
    session.receive({ type: 'ready', protocol: PROTOCOL_VERSION, state: { filter: {}, follow: true }, visibleCount: 10 });
    const deadline = Date.now() + 300;
    while (Date.now() < deadline && !posted.some((m) => m.type === 'update')) {
      feed.handshake(frontend, posted.length + 1, 'PUSH', 'PULL');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(posted.some((m) => m.type === 'update'), 'an update arrived within 300 ms');
    session.dispose();
  });
});

describe('InspectorSession with step mode and focus', () => {
  function openStepping() {
    const clock = new FakeClock();
    const store = new CaptureStore({ capacity: 1000 });
    const posted: HostToWebview[] = [];
    const stepping = new TrafficControl({ breakpoints: new BreakpointSet() });
    const focus: boolean[] = [];
    const session = new InspectorSession(store, (m) => posted.push(m), { clock, stepping, onFocus: (focused) => focus.push(focused) });
    session.receive({ type: 'ready', protocol: PROTOCOL_VERSION, state: { filter: {}, follow: true }, visibleCount: 20 });
    return { clock, store, posted, stepping, session, focus };
  }
  const steppingOf = (message: HostToWebview | undefined) => (message && (message.type === 'snapshot' || message.type === 'update') ? message.stepping : undefined);

  it('posts step mode in the snapshot, and in an update only after it changed', async () => {
    const { clock, store, posted, stepping } = openStepping();
    assert.equal(steppingOf(posted[0])?.holdingAll, false);
    new Feed((source, event) => store.ingest(source, event)).handshake(frontend, 1, 'PUSH', 'PULL');
    clock.advance(100);
    assert.equal(posted.length, 2);
    assert.equal(steppingOf(posted[1]), undefined, 'unchanged step mode was posted again');
    stepping.hold();
    await Promise.resolve(); // TrafficControl tells its listeners in a microtask
    clock.advance(100);
    assert.equal(steppingOf(posted[posted.length - 1])?.holdingAll, true);
  });

  it('carries out traffic buttons, and turns a refusal into a notice in words', () => {
    const { posted, stepping, session } = openStepping();
    session.receive({ type: 'traffic', action: 'step' });
    const notice = posted[posted.length - 1];
    assert.equal(notice.type, 'notice');
    assert.match(notice.type === 'notice' ? notice.message : '', /Nothing is held/);
    session.receive({ type: 'traffic', action: 'hold' });
    assert.equal(stepping.holdingAll, true);
    session.receive({ type: 'traffic', action: 'continue' });
    assert.equal(stepping.holdingAll, false);
  });

  it('passes focus changes on, and answers a send without a compose area with sendResult', async () => {
    const { posted, session, focus } = openStepping();
    session.receive({ type: 'focus', focused: true });
    session.receive({ type: 'focus', focused: false });
    assert.deepEqual(focus, [true, false]);
    session.receive({ type: 'send', requestId: 9, socket: 's', format: 'text', text: 'x' });
    await new Promise((resolve) => setImmediate(resolve));
    const result = posted[posted.length - 1];
    assert.deepEqual(result, { type: 'sendResult', requestId: 9, ok: false, error: 'sending is not available here' });
  });
});
