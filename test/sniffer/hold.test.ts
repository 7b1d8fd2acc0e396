// Step mode through the real Sniffer with real libzmq peers on both sides.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { BreakpointSet } from '../../extension/breakpoints/breakpointSet';
import { parseCondition } from '../../extension/breakpoints/breakpointText';
import { DEFAULT_GATE_LIMITS } from '../../extension/sniffer/holdGate';
import { Sniffer, type SnifferOptions } from '../../extension/sniffer/sniffer';
import type { HoldEvent, SnifferEvent } from '../../extension/sniffer/types';
import { digestOf, StreamDigest } from '../support/hashing';
import { waitUntil } from '../support/rawPeers';
import { commandsSeen as commandsIn, connectThrough, nothingArrives, QUIET_MS, RECEIVE_TIMEOUT_MS, sniffInFront } from '../support/heldTraffic';


describe('Sniffer step mode with real zeromq peers', () => {
  const sockets: zmq.Socket[] = [];
  const sniffers: Sniffer[] = [];
  let events: SnifferEvent[];
  let holds: HoldEvent[];
  let wire: StreamDigest;

  beforeEach(() => {
    events = [];
    holds = [];
    wire = new StreamDigest();
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await Promise.all(sniffers.splice(0).map((sniffer) => sniffer.stop()));
  });

  async function sniff(server: zmq.Socket, options: Partial<SnifferOptions> = {}): Promise<Sniffer> {
    const sniffer = await sniffInFront(sockets, server, {
      stepping: true,
      onEvent: (event) => events.push(event),
      onHold: (event) => holds.push(event),
      onData: (_conn, dir, chunk) => dir === 'c2s' && wire.update(chunk),
      ...options,
    });
    sniffers.push(sniffer);
    return sniffer;
  }

  const connect = <S extends zmq.Socket>(client: S, sniffer: Sniffer): S => connectThrough(sockets, client, sniffer);

  const commandsSeen = (name: string) => commandsIn(events, name);
  const readyCount = () => commandsSeen('READY');
  const heldMessages = (sniffer: Sniffer) => sniffer.pending().reduce((sum, entry) => sum + entry.messages.filter((message) => message.kind === 'message').length, 0);


  /** PUSH → sniffer → PULL, handshake done. */
  async function pushPull(socketOptions: { heartbeatInterval?: number; heartbeatTimeToLive?: number; heartbeatTimeout?: number } = {}): Promise<{ pull: zmq.Pull; sniffer: Sniffer; push: zmq.Push }> {
    const pull = new zmq.Pull({ receiveTimeout: RECEIVE_TIMEOUT_MS, ...socketOptions });
    const sniffer = await sniff(pull);
    const push = connect(new zmq.Push(socketOptions), sniffer);
    await waitUntil(() => readyCount() >= 2, 'both READY commands');
    return { pull, sniffer, push };
  }

  const payloads = (count: number) => Array.from({ length: count }, (_, i) => `message ${i} ${'x'.repeat(i * 37)}`);

  /** PUSH → sniffer → PULL; sends `messages`, stepping one at a time when `stepping`; returns what PULL got. */
  async function pushThrough(messages: string[], stepping: boolean): Promise<string[]> {
    const { pull, sniffer, push } = await pushPull();
    if (stepping) sniffer.hold();
    for (const message of messages) await push.send(message);
    const received: string[] = [];
    if (!stepping) {
      for (let i = 0; i < messages.length; i++) received.push((await pull.receive())[0].toString());
      return received;
    }
    await waitUntil(() => heldMessages(sniffer) === messages.length, `${messages.length} held messages`);
    await nothingArrives(pull);
    for (let i = 0; i < messages.length; i++) {
      assert.equal(sniffer.step(), true, `step ${i} found nothing held`);
      received.push((await pull.receive())[0].toString());
      if (i === 0 || i === messages.length - 1) await nothingArrives(pull);
    }
    assert.equal(sniffer.step(), false);
    return received;
  }

  it('releases exactly one message per step, and the wire bytes equal a run without holding', async function () {
    this.timeout(30_000);
    const messages = payloads(6);
    const plain = await pushThrough(messages, false);
    const plainWire = wire.summary();
    sockets.splice(0).forEach((socket) => socket.close());
    await Promise.all(sniffers.splice(0).map((sniffer) => sniffer.stop()));
    events = [];
    wire = new StreamDigest();
    const stepped = await pushThrough(messages, true);
    assert.deepEqual(stepped, messages);
    assert.deepEqual(plain, messages);
    assert.deepEqual(wire.summary(), plainWire);
    assert.equal(holds.filter((event) => event.type === 'released' && event.unit === 'message').length, messages.length);
    // Messages queuing up behind the held one are reported, so a held-list view can redraw.
    const queued = holds.filter((event) => event.type === 'queued').map((event) => event.type === 'queued' && event.units);
    assert.ok(queued.length > 0 && Math.max(...(queued as number[])) === messages.length, `queued reports ${JSON.stringify(queued)}`);
  });

  it('previews a held message as the message list does, every frame, so a REQ shows its text behind the delimiter', async () => {
    const rep = new zmq.Reply({ receiveTimeout: RECEIVE_TIMEOUT_MS });
    const sniffer = await sniff(rep);
    const req = connect(new zmq.Request({ receiveTimeout: RECEIVE_TIMEOUT_MS }), sniffer);
    await waitUntil(() => readyCount() >= 2, 'both READY commands');
    sniffer.hold();
    await req.send(['Hello', 'server']);
    await waitUntil(() => heldMessages(sniffer) === 1, 'the request held');
    assert.deepEqual(sniffer.pending()[0].messages.map(({ frames, preview }) => [frames, preview]), [[3, '∅ · Hello · server']]);
    sniffer.continue();
    assert.deepEqual((await rep.receive()).map(String), ['Hello', 'server']);
  });

  it('continue releases everything held, in order', async () => {
    const { pull, sniffer, push } = await pushPull();
    sniffer.hold();
    const messages = payloads(20);
    for (const message of messages) await push.send(message);
    await waitUntil(() => heldMessages(sniffer) === messages.length, 'all messages held');
    const pending = sniffer.pending();
    assert.deepEqual(pending.map(({ conn, dir }) => ({ conn, dir })), [{ conn: 1, dir: 'c2s' }]);
    assert.deepEqual(pending[0].messages.map((message) => message.preview?.slice(0, 10)), messages.map((message) => message.slice(0, 10)));
    await nothingArrives(pull);
    sniffer.continue();
    const received: string[] = [];
    for (let i = 0; i < messages.length; i++) received.push((await pull.receive())[0].toString());
    assert.deepEqual(received, messages);
    assert.deepEqual(sniffer.pending(), []);
  });

  it('steps a multipart message frame by frame: the receiver gets it once the last frame is released', async () => {
    const { pull, sniffer, push } = await pushPull();
    sniffer.hold();
    await push.send(['one', 'two', 'three']);
    await waitUntil(() => heldMessages(sniffer) === 1, 'the message held');
    assert.equal(sniffer.step({ unit: 'frame' }), true);
    assert.equal(sniffer.step({ unit: 'frame' }), true);
    await nothingArrives(pull);
    assert.equal(sniffer.step({ unit: 'frame' }), true);
    const frames = await pull.receive();
    assert.deepEqual(frames.map(String), ['one', 'two', 'three']);
    assert.deepEqual(holds.filter((event) => event.type === 'released').map((event) => event.type === 'released' && event.unit), ['frame', 'frame', 'frame']);
  });

  it('a breakpoint on topic "10001" holds only that topic; 10002 keeps flowing', async function () {
    this.timeout(30_000);
    const breakpoints = new BreakpointSet([{ id: 'topic', topicPrefix: '10001' }]);
    const pub = new zmq.Publisher();
    const sniffer = await sniff(pub, { breakpoints });
    const watched = connect(new zmq.Subscriber({ receiveTimeout: RECEIVE_TIMEOUT_MS }), sniffer);
    watched.subscribe('10001');
    await waitUntil(() => commandsSeen('SUBSCRIBE') >= 1, 'the first subscription');
    const other = connect(new zmq.Subscriber({ receiveTimeout: RECEIVE_TIMEOUT_MS }), sniffer);
    other.subscribe('10002');
    await waitUntil(() => commandsSeen('SUBSCRIBE') >= 2, 'both subscriptions');
    const rounds = 5;
    for (let i = 0; i < rounds; i++) {
      await pub.send(`10001 ${i}`);
      await pub.send(`10002 ${i}`);
    }
    for (let i = 0; i < rounds; i++) assert.equal((await other.receive())[0].toString(), `10002 ${i}`);
    await waitUntil(() => heldMessages(sniffer) === rounds, 'the 10001 messages held');
    await nothingArrives(watched);
    const held = holds.filter((event) => event.type === 'held');
    assert.equal(held.length, 1);
    assert.deepEqual(held[0].type === 'held' && [held[0].reason, held[0].breakpoint?.id, held[0].message.preview], ['breakpoint', 'topic', '10001 0']);
    sniffer.continue();
    // Each later message is a hit too: continue lets the held one go and stops at the next.
    for (let i = 0; i < rounds; i++) {
      assert.equal((await watched.receive())[0].toString(), `10001 ${i}`);
      sniffer.continue();
    }
    assert.equal(breakpoints.list()[0].hits, rounds);
  });

  it('a breakpoint on conn:tasks#1 holds only that sniffer\'s connection; the other sniffer\'s connection 1 keeps flowing', async function () {
    this.timeout(30_000);
    const breakpoints = new BreakpointSet([{ id: 'tasks only', ...parseCondition('conn:tasks#1') }]);
    const holdsOf: Record<string, HoldEvent[]> = {};
    const pipeline = async (name: string) => {
      const pull = new zmq.Pull({ receiveTimeout: RECEIVE_TIMEOUT_MS });
      holdsOf[name] = [];
      // Each sniffer counts its own connections, so both first connections are #1.
      const sniffer = await sniff(pull, { name, breakpoints, onHold: (event) => holdsOf[name].push(event) });
      return { pull, sniffer, push: connect(new zmq.Push(), sniffer) };
    };
    const tasks = await pipeline('tasks');
    const results = await pipeline('results');
    await waitUntil(() => readyCount() >= 4, 'the READY commands of both connections');
    assert.deepEqual(events.filter((event) => event.type === 'open').map((event) => event.conn), [1, 1], 'both sniffers number their connection 1');
    const rounds = 3;
    for (let i = 0; i < rounds; i++) {
      await tasks.push.send(`task ${i}`);
      await results.push.send(`result ${i}`);
    }
    for (let i = 0; i < rounds; i++) assert.equal((await results.pull.receive())[0].toString(), `result ${i}`);
    await waitUntil(() => heldMessages(tasks.sniffer) === rounds, 'the tasks messages held');
    await nothingArrives(tasks.pull);
    assert.deepEqual(results.sniffer.pending(), []);
    assert.deepEqual(holdsOf.results.filter((event) => event.type === 'held'), [], 'the results sniffer held something');
    const held = holdsOf.tasks.filter((event) => event.type === 'held');
    assert.deepEqual(held.map((event) => event.type === 'held' && [event.conn, event.reason, event.breakpoint?.id, event.message.preview]), [[1, 'breakpoint', 'tasks only', 'task 0']]);
    tasks.sniffer.continue();
    // Each later tasks message is a hit too: continue lets the held one go and stops at the next.
    for (let i = 0; i < rounds; i++) {
      assert.equal((await tasks.pull.receive())[0].toString(), `task ${i}`);
      tasks.sniffer.continue();
    }
    assert.equal(breakpoints.list()[0].hits, rounds, 'the results messages were counted as hits');
  });

  it('held heartbeats pass by default, so the connection outlives a long hold', async function () {
    this.timeout(30_000);
    const heartbeat = { heartbeatInterval: 100, heartbeatTimeToLive: 300, heartbeatTimeout: 300 };
    const { pull, sniffer, push } = await pushPull(heartbeat);
    sniffer.hold();
    await push.send('during the hold');
    const pingsBefore = commandsSeen('PING');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(commandsSeen('PING') > pingsBefore, 'no PING crossed the relay during the hold');
    assert.equal(heldMessages(sniffer), 1);
    sniffer.continue();
    assert.equal((await pull.receive())[0].toString(), 'during the hold');
    assert.deepEqual(events.filter((event) => event.type === 'open' || event.type === 'close').map((event) => [event.type, event.conn]), [['open', 1]]);
  });

  it('holds heartbeats too when asked (holdCommands), so they show as pending', async function () {
    this.timeout(30_000);
    const { sniffer } = await pushPull({ heartbeatInterval: 100 });
    sniffer.hold({ holdCommands: true });
    const heldPing = () => sniffer.pending().some((entry) => entry.messages.some((message) => message.kind === 'command' && message.name === 'PING'));
    await waitUntil(heldPing, 'a held PING');
    const crossed = commandsSeen('PING');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    assert.equal(commandsSeen('PING'), crossed, 'a PING crossed while commands were held');
    sniffer.continue();
    assert.deepEqual(sniffer.pending(), []);
  });

  it('holds back the sender instead of buffering without limit, and continue delivers every byte', async function () {
    this.timeout(60_000);
    const { pull, sniffer, push } = await pushPull();
    sniffer.hold();
    const messages = Array.from({ length: 40 }, (_, i) => Buffer.alloc(256 * 1024, i));
    for (const message of messages) await push.send(message);
    const heldBytes = () => sniffer.pending().reduce((sum, entry) => sum + entry.messages.reduce((bytes, message) => bytes + message.bytes, 0), 0);
    await waitUntil(() => heldBytes() >= DEFAULT_GATE_LIMITS.maxPendingBytes, 'the gate to fill');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    assert.ok(heldBytes() < DEFAULT_GATE_LIMITS.maxPendingBytes + 1024 * 1024, `the gate holds ${heldBytes()} bytes`);
    sniffer.continue();
    for (const message of messages) assert.deepEqual(digestOf((await pull.receive())[0]), digestOf(message));
  });

  it('explains what to do when step mode is off or the connection is unknown', async () => {
    const pull = new zmq.Pull();
    const plain = await sniff(pull, { stepping: false });
    assert.throws(() => plain.hold(), /start it with stepping: true/);
    const stepping = await sniff(new zmq.Pull());
    assert.throws(() => stepping.step({ conn: 42 }), /connection 42: it is not open/);
    assert.equal(stepping.step(), false);
  });
});
