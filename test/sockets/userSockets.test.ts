// Real zeromq sockets behind real Sniffers: what New Socket… builds, without VS Code.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import type { CaptureStore } from '../../extension/inspector/store';
import { framesToResend } from '../../extension/sockets/resend';
import { RECEIVED_BYTES_KEPT, RECEIVED_KEPT, REQ_TWICE, UserSocketError, type UserSockets } from '../../extension/sockets/userSockets';
import { boundReply as boundReplyOf, eventually, userSocketsFixture, type UserSocketsFixture } from './fixture';

describe('UserSockets', () => {
  let fixture: UserSocketsFixture;
  let sockets: UserSockets;
  let store: CaptureStore;

  beforeEach(() => {
    fixture = userSocketsFixture();
    ({ sockets, store } = fixture);
  });

  afterEach(() => fixture.close());

  const boundReply = () => boundReplyOf(fixture);

  const messagesSeen = () => fixture.events.filter((event) => event.type === 'zmtp' && event.event.kind === 'message').length;

  it('a connecting REQ reaches a REP through its sniffer, refuses a second send, and takes the reply', async () => {
    const { rep, endpoint } = await boundReply();
    const info = await sockets.create({ type: 'REQ', connect: endpoint });
    assert.equal(info.label, `connect ${endpoint}`);
    await sockets.send(info.id, [Buffer.from('hello')]);
    assert.deepEqual((await rep.receive()).map(String), ['hello']);
    await assert.rejects(sockets.send(info.id, [Buffer.from('again')]), (error: Error) => error instanceof UserSocketError && error.message === REQ_TWICE);
    await rep.send('world');
    for (let tries = 0; tries < 100 && sockets.received(info.id).length === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(sockets.received(info.id).map((frames) => frames.map(String)), [['world']]);
    assert.equal(messagesSeen(), 2, 'the sniffer saw the request and the reply');
    await sockets.send(info.id, [Buffer.from('after the reply')]);
  });

  it('a relaxed REQ may send again before the reply arrives', async () => {
    const { rep, endpoint } = await boundReply();
    const info = await sockets.create({ type: 'REQ', connect: endpoint, options: { relaxed: true } });
    await sockets.send(info.id, [Buffer.from('first')]);
    await sockets.send(info.id, [Buffer.from('second')]);
    assert.deepEqual((await rep.receive()).map(String), ['first']);
  });

  it('a bound PUB behind its sniffer reaches a SUB that connects to the endpoint asked for', async () => {
    const info = await sockets.create({ type: 'PUB', bind: 'tcp://127.0.0.1:0' });
    const port = /:(\d+)$/.exec(info.label)?.[1];
    assert.ok(port && port !== '0', `the label names the sniffer's real port: ${info.label}`);
    const sub = new zmq.Subscriber({ linger: 0, receiveTimeout: 200 });
    fixture.peer(sub);
    sub.subscribe('t');
    sub.connect(`tcp://127.0.0.1:${port}`);
    let received: string[] | undefined;
    for (let tries = 0; tries < 25 && !received; tries += 1) {
      await sockets.send(info.id, [Buffer.from('t'), Buffer.from('body')]);
      received = await sub.receive().then((frames) => frames.map(String), () => undefined);
    }
    assert.deepEqual(received, ['t', 'body']);
  });

  it('refuses a send on a SUB, an unknown socket, and a create without an endpoint', async () => {
    const { endpoint } = await boundReply();
    const sub = await sockets.create({ type: 'SUB', connect: endpoint, options: { subscriptions: [''] } });
    await assert.rejects(sockets.send(sub.id, [Buffer.from('x')]), /A SUB socket only receives/);
    await assert.rejects(sockets.send('nope', [Buffer.from('x')]), /no open socket "nope"/);
    await assert.rejects(sockets.create({ type: 'REQ' }), /exactly one of "bind" or "connect"/);
    await assert.rejects(sockets.create({ type: 'PUB', connect: endpoint, options: { routingId: 'x' } }), /takes no routing id/);
  });

  it('refuses heartbeat times that are not whole milliseconds from 10 to an hour, saying what it got', async () => {
    const { endpoint } = await boundReply();
    await assert.rejects(sockets.create({ type: 'DEALER', connect: endpoint, options: { heartbeatIntervalMs: 2.5 } }), /"heartbeatIntervalMs" must be a whole number of milliseconds from 10 to 3600000 \(an hour\), not 2\.5/);
    await assert.rejects(sockets.create({ type: 'DEALER', connect: endpoint, options: { heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 0 } }), /"heartbeatTimeoutMs" must be .*, not 0\./);
    await assert.rejects(sockets.create({ type: 'DEALER', connect: endpoint, options: { heartbeatIntervalMs: '1000' as never } }), /not "1000"/);
    assert.deepEqual(sockets.list(), [], 'nothing was opened');
  });

  it('refuses an endpoint the relay cannot use, leaving nothing open', async () => {
    await assert.rejects(sockets.create({ type: 'DEALER', connect: 'inproc://x' }), /inproc/);
    assert.deepEqual(sockets.list(), []);
  });

  it('a DEALER with nothing to take its message says so instead of waiting forever', async function () {
    this.timeout(10_000);
    const info = await sockets.create({ type: 'DEALER', bind: 'tcp://127.0.0.1:0' });
    await assert.rejects(sockets.send(info.id, [Buffer.from('x')]), /No peer took the message/);
  });

  it('sends a captured request again through a new REQ, without doubling the delimiter', async () => {
    const { rep, endpoint } = await boundReply();
    const first = await sockets.create({ type: 'REQ', connect: endpoint });
    await sockets.send(first.id, [Buffer.from('a'), Buffer.from('b')]);
    await rep.receive();
    let seq: number | undefined;
    for (let tries = 0; tries < 100 && seq === undefined; tries += 1) {
      for (let candidate = store.firstSeq; candidate < store.endSeq; candidate += 1) if (store.kindOf(candidate) === 'message') seq = candidate;
      if (seq === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(seq !== undefined, 'the request was not captured');
    assert.deepEqual(framesToResend(store, seq, 'DEALER').map(String), ['', 'a', 'b']);
    await rep.send('done');
    const second = await sockets.create({ type: 'REQ', connect: endpoint });
    await sockets.send(second.id, framesToResend(store, seq, 'REQ'));
    assert.deepEqual((await rep.receive()).map(String), ['a', 'b']);
    assert.throws(() => framesToResend(store, store.endSeq + 5, 'REQ'), /no longer in the capture/);
  });

  it('keeps what a socket received bounded in messages and in bytes, newest kept', async () => {
    const pull = await sockets.create({ type: 'PULL', bind: 'tcp://127.0.0.1:0' });
    const push = fixture.peer(new zmq.Push({ linger: 0, sendTimeout: 5000 }));
    push.connect(pull.label.replace(/^bind /, ''));
    for (let index = 0; index < RECEIVED_KEPT + 5; index += 1) await push.send(`small ${index}`);
    await eventually('the last small message', () => (sockets.received(pull.id).at(-1)?.[0].toString() === `small ${RECEIVED_KEPT + 4}` ? true : undefined));
    assert.equal(sockets.received(pull.id).length, RECEIVED_KEPT);
    const big = Buffer.alloc(RECEIVED_BYTES_KEPT / 4, 0x61);
    for (let index = 0; index < 5; index += 1) await push.send([Buffer.from(`big ${index}`), big]);
    const kept = await eventually('the last big message', () => {
      const received = sockets.received(pull.id);
      return received.at(-1)?.[0].toString() === 'big 4' ? received : undefined;
    });
    assert.ok(kept.reduce((sum, frames) => sum + frames.reduce((bytes, frame) => bytes + frame.length, 0), 0) <= RECEIVED_BYTES_KEPT);
    assert.deepEqual(kept.map((frames) => String(frames[0])), ['big 2', 'big 3', 'big 4'], 'four would be more than the bytes kept');
  });
});
