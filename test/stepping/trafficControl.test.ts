// TrafficControl over real Sniffers in step mode, with real libzmq peers on both sides.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { MAX_HELD_LISTED, MAX_HELD_QUEUES, type BreakpointHitInfo, type HeldMessage } from '../../extension/protocol';
import { Sniffer } from '../../extension/sniffer/sniffer';
import type { SnifferEvent } from '../../extension/sniffer/types';
import { NOTHING_HELD, TrafficControl } from '../../extension/stepping/trafficControl';
import { StreamDigest } from '../support/hashing';
import { waitUntil } from '../support/rawPeers';
import { commandsSeen as commandsIn, connectThrough, nothingArrives, RECEIVE_TIMEOUT_MS, sniffInFront } from '../support/heldTraffic';


describe('TrafficControl over step-mode sniffers', () => {
  const sockets: zmq.Socket[] = [];
  const running: { sniffer: Sniffer; detach: () => void }[] = [];
  let events: SnifferEvent[];
  let wire: StreamDigest;
  let control: TrafficControl;
  let breakpoints: BreakpointSet;

  beforeEach(() => {
    events = [];
    wire = new StreamDigest();
    breakpoints = new BreakpointSet();
    control = new TrafficControl({ breakpoints, describeBreakpoint: (id) => `condition of ${id}` });
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await Promise.all(
      running.splice(0).map(({ sniffer, detach }) => {
        detach();
        return sniffer.stop();
      }),
    );
  });

  /** Binds `server`, starts a step-mode sniffer in front of it under `sourceId`, attached to the control. */
  async function sniff(server: zmq.Socket, sourceId: string): Promise<Sniffer> {
    const sniffer = await sniffInFront(sockets, server, {
      name: sourceId,
      onEvent: (event) => events.push(event),
      onData: (_conn, dir, chunk) => dir === 'c2s' && wire.update(chunk),
      ...control.snifferOptions(sourceId),
    });
    running.push({ sniffer, detach: control.attach(sourceId, sniffer, `${sourceId} name`) });
    return sniffer;
  }

  const connect = <S extends zmq.Socket>(client: S, sniffer: Sniffer): S => connectThrough(sockets, client, sniffer);

  const commandsSeen = (name: string) => commandsIn(events, name);
  const heldMessages = () => control.state().queues.reduce((sum, queue) => sum + queue.messages.filter((message) => message.kind === 'message').length + queue.omitted, 0);


  /** PUSH → sniffer → PULL, handshake done. */
  async function pushPull(sourceId: string): Promise<{ pull: zmq.Pull; sniffer: Sniffer; push: zmq.Push }> {
    const pull = new zmq.Pull({ receiveTimeout: RECEIVE_TIMEOUT_MS });
    const readyBefore = commandsSeen('READY');
    const sniffer = await sniff(pull, sourceId);
    const push = connect(new zmq.Push(), sniffer);
    await waitUntil(() => commandsSeen('READY') >= readyBefore + 2, 'both READY commands');
    return { pull, sniffer, push };
  }

  const payloads = (count: number) => Array.from({ length: count }, (_, i) => `message ${i} ${'y'.repeat(i * 53)}`);

  /** Sends `messages` PUSH → PULL, through Pause and one Step per message when `stepping`; returns what PULL got. */
  async function pushThrough(messages: string[], stepping: boolean): Promise<string[]> {
    const { pull, push } = await pushPull(stepping ? 'stepped' : 'plain');
    if (stepping) control.hold();
    for (const message of messages) await push.send(message);
    const received: string[] = [];
    if (stepping) {
      await waitUntil(() => heldMessages() === messages.length, `${messages.length} held messages`);
      await nothingArrives(pull);
    }
    for (let i = 0; i < messages.length; i++) {
      if (stepping) assert.equal(control.step(), true, `step ${i} found nothing held`);
      received.push((await pull.receive())[0].toString());
      if (stepping) {
        await waitUntil(() => heldMessages() === messages.length - i - 1, 'the step to show in the state');
        if (i < 2) await nothingArrives(pull);
      }
    }
    return received;
  }

  it('Pause holds at message boundaries, each Step releases one message in order, and the bytes equal a run without holding', async function () {
    this.timeout(40_000);
    const messages = payloads(5);
    assert.deepEqual(await pushThrough(messages, false), messages);
    const plainWire = wire.summary();
    sockets.splice(0).forEach((socket) => socket.close());
    wire = new StreamDigest();
    assert.deepEqual(await pushThrough(messages, true), messages);
    assert.deepEqual(wire.summary(), plainWire);
    assert.equal(control.act('step'), NOTHING_HELD);
    assert.equal(control.holdingAll, true, 'Step does not end Pause Traffic');
  });

  it('a Step without a connection releases the message that has waited longest, across sniffers', async function () {
    this.timeout(30_000);
    const first = await pushPull('first');
    const second = await pushPull('second');
    control.hold();
    await second.push.send('second 0');
    await waitUntil(() => heldMessages() === 1, 'the first held message');
    await first.push.send('first 0');
    await second.push.send('second 1');
    await waitUntil(() => heldMessages() === 3, 'three held messages');
    assert.deepEqual(
      control.state().queues.map(({ conn, connLabel, dir, messages }) => [conn, connLabel, dir, messages.map((message) => message.preview)]),
      [
        ['first#1', 'first name #1', 'c2s', ['first 0']],
        ['second#1', 'second name #1', 'c2s', ['second 0', 'second 1']],
      ],
    );
    assert.deepEqual([control.labelOf('second#1'), control.labelOf('gone#3')], ['second name #1', 'gone#3'], 'a notification names the connection as the rows do');
    assert.equal(control.step(), true);
    assert.equal((await second.pull.receive())[0].toString(), 'second 0');
    // "second" stopped again at its next message after the step, so "first" has waited longest now.
    assert.equal(control.step(), true);
    assert.equal((await first.pull.receive())[0].toString(), 'first 0');
    await nothingArrives(second.pull);
    assert.equal(control.step('second#1'), true);
    assert.equal((await second.pull.receive())[0].toString(), 'second 1');
  });

  it('a Pause given before a sniffer starts holds its traffic from the first message', async function () {
    this.timeout(30_000);
    control.hold();
    const { pull, push } = await pushPull('later');
    await push.send('held from the start');
    await waitUntil(() => heldMessages() === 1, 'the held message');
    await nothingArrives(pull);
    control.continue();
    assert.equal((await pull.receive())[0].toString(), 'held from the start');
    assert.equal(control.holdingAll, false);
  });

  it('a breakpoint on topic "10001" holds only that topic, reports the hit with its connection key, and clears it once released', async function () {
    this.timeout(30_000);
    breakpoints.add({ id: 'topic', topicPrefix: '10001' });
    const hits: [BreakpointHitInfo, HeldMessage][] = [];
    control.onHit((hit, message) => hits.push([hit, message]));
    const pub = new zmq.Publisher();
    const sniffer = await sniff(pub, 'updates');
    const watched = connect(new zmq.Subscriber({ receiveTimeout: RECEIVE_TIMEOUT_MS }), sniffer);
    watched.subscribe('10001');
    await waitUntil(() => commandsSeen('SUBSCRIBE') >= 1, 'the first subscription');
    const other = connect(new zmq.Subscriber({ receiveTimeout: RECEIVE_TIMEOUT_MS }), sniffer);
    other.subscribe('10002');
    await waitUntil(() => commandsSeen('SUBSCRIBE') >= 2, 'both subscriptions');
    for (let i = 0; i < 3; i++) {
      await pub.send(`10001 ${i}`);
      await pub.send(`10002 ${i}`);
    }
    for (let i = 0; i < 3; i++) assert.equal((await other.receive())[0].toString(), `10002 ${i}`);
    await waitUntil(() => heldMessages() === 3, 'the 10001 messages held');
    await nothingArrives(watched);
    assert.equal(hits.length, 1);
    const [hit, message] = hits[0];
    assert.deepEqual([hit.breakpoint, hit.condition, hit.hits, hit.conn, hit.dir, hit.offset], ['topic', 'condition of topic', 1, 'updates#1', 's2c', message.offset]);
    assert.deepEqual([message.preview, message.breakpoint], ['10001 0', 'topic']);
    const state = control.state();
    assert.deepEqual(state.hit, hit);
    assert.equal(state.holdingAll, false, 'a breakpoint holds one connection, not Pause Traffic');
    assert.deepEqual(state.queues[0].messages.map((held) => [held.preview, held.breakpoint]), [['10001 0', 'topic'], ['10001 1', undefined], ['10001 2', undefined]]);
    assert.equal(control.step('updates#1'), true);
    assert.equal((await watched.receive())[0].toString(), '10001 0');
    // The next 10001 message is a hit of its own.
    await waitUntil(() => hits.length === 2, 'the second hit');
    assert.equal(control.state().hit?.hits, 2);
    // Each held message matched when it arrived, so Continue lets one go and stops at the next.
    control.continue();
    assert.equal((await watched.receive())[0].toString(), '10001 1');
    await waitUntil(() => hits.length === 3, 'the third hit');
    await nothingArrives(watched);
    control.continue();
    assert.equal((await watched.receive())[0].toString(), '10001 2');
    assert.equal(control.state().hit, undefined);
    assert.equal(heldMessages(), 0);
  });

  it('continue releases everything held, in order, and the state lists at most MAX_HELD_LISTED messages per queue', async function () {
    this.timeout(30_000);
    const { pull, push } = await pushPull('many');
    control.hold();
    const messages = payloads(MAX_HELD_LISTED + 10).map((text) => text.slice(0, 30));
    for (const message of messages) await push.send(message);
    await waitUntil(() => control.state().heldCount === messages.length, 'every message held');
    const [queue] = control.state().queues;
    assert.equal(queue.messages.length, MAX_HELD_LISTED);
    assert.equal(queue.omitted, 10);
    assert.deepEqual(queue.messages.map((message) => message.preview), messages.slice(0, MAX_HELD_LISTED));
    assert.equal(control.act('continue'), undefined);
    const received: string[] = [];
    for (let i = 0; i < messages.length; i++) received.push((await pull.receive())[0].toString());
    assert.deepEqual(received, messages);
    await waitUntil(() => control.state().heldCount === 0, 'nothing held');
  });

  it('lists at most MAX_HELD_QUEUES queues and counts the rest', async function () {
    this.timeout(40_000);
    const pull = new zmq.Pull({ receiveTimeout: RECEIVE_TIMEOUT_MS });
    const sniffer = await sniff(pull, 'fan-in');
    const pushes = Array.from({ length: MAX_HELD_QUEUES + 3 }, () => connect(new zmq.Push(), sniffer));
    await waitUntil(() => commandsSeen('READY') >= pushes.length * 2, 'every handshake');
    control.hold();
    await Promise.all(pushes.map((push, i) => push.send(`from ${i}`)));
    await waitUntil(() => control.state().heldCount === pushes.length, 'one held message per connection');
    const state = control.state();
    assert.equal(state.queues.length, MAX_HELD_QUEUES);
    assert.equal(state.omittedQueues, 3);
    control.continue();
    const received = new Set<string>();
    for (let i = 0; i < pushes.length; i++) received.add((await pull.receive())[0].toString());
    assert.equal(received.size, pushes.length);
  });

  it('versions its state: one computation per version, a new version when something is held or released, and coalesced notices', async function () {
    this.timeout(30_000);
    let notices = 0;
    control.onChange(() => notices++);
    const { push } = await pushPull('versioned');
    await Promise.resolve();
    const before = control.version;
    assert.equal(control.state(), control.state(), 'state() is cached per version');
    const noticesBefore = notices;
    control.hold();
    control.hold();
    await Promise.resolve();
    assert.equal(notices, noticesBefore + 1, 'two changes in one turn are one notice');
    await push.send('one');
    await waitUntil(() => control.version > before + 2, 'the held report');
    const state = control.state();
    assert.equal(state.heldCount, 1);
    const held = control.version;
    control.step();
    assert.ok(control.version > held);
    assert.notEqual(control.state(), state);
    assert.equal(control.state().heldCount, 0);
  });

  it('a connection paused on its own holds only it, and Continue ends that pause even before a message waits', async () => {
    const { pull, push } = await pushPull('one');
    assert.equal(control.act('hold', 'one#1'), undefined);
    assert.equal(control.holdingAll, false);
    assert.equal(control.act('continue', 'one#1'), undefined, 'Continue on a paused connection with nothing waiting yet was refused');
    await push.send('after the pause');
    assert.deepEqual((await pull.receive()).map(String), ['after the pause']);
    assert.match(control.act('continue', 'one#1') ?? '', /Nothing is held/, 'a second Continue has nothing left to end');
  });

  it("tells of the user's Pause and Continue (act), not of holds made by code, so a debug session's hold knows it is no longer its own", () => {
    let told = 0;
    const stop = control.onUserAction(() => told++);
    control.hold();
    control.continue();
    assert.equal(told, 0);
    control.act('hold');
    control.act('step');
    control.act('continue');
    assert.equal(told, 2);
    stop();
  });

  it('refuses in words: unknown connections, stopped sniffers, and nothing to step or continue', async () => {
    assert.equal(control.act('step'), NOTHING_HELD);
    assert.equal(control.act('stepFrame'), NOTHING_HELD);
    assert.match(control.act('continue') ?? '', /Nothing is held, so there is nothing to continue/);
    assert.match(control.act('hold', 'no-hash') ?? '', /"no-hash" is not a connection key; keys look like "<sniffer id>#<connection number>"/);
    assert.match(control.act('step', 'gone#1') ?? '', /sniffer of connection gone#1 is not running in step mode/);
    await sniff(new zmq.Pull(), 'idle');
    assert.match(control.act('continue', 'idle#7') ?? '', /connection 7: it is not open on this sniffer/);
    control.setAvailable(false);
    assert.match(control.act('hold') ?? '', /Step mode is off \(zmqInspector\.stepping\.enabled\)/);
    assert.equal(control.holdingAll, false, 'a refused Pause must not hold sniffers started later');
    assert.equal(control.state().available, false);
  });
});
