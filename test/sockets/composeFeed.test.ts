// The compose area's host side with real sockets: what the user types reaches the test's peer
// byte for byte, replies are listed (bounded), and every refusal says what was wrong.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { ComposeFeed } from '../../extension/sockets/composeFeed';
import { MAX_FRAMES_LISTED, MAX_REPLIES_LISTED } from '../../extension/protocol';
import { boundReply, endpointOf, eventually, newestMessage, userSocketsFixture, type UserSocketsFixture } from './fixture';

describe('ComposeFeed', () => {
  let fixture: UserSocketsFixture;
  let feed: ComposeFeed;
  let newSocketAsked = 0;

  beforeEach(() => {
    fixture = userSocketsFixture();
    newSocketAsked = 0;
    feed = new ComposeFeed(fixture.sockets, fixture.store, { newSocket: () => (newSocketAsked += 1), now: () => 1234 });
  });

  afterEach(async () => {
    feed.dispose();
    await fixture.close();
  });

  async function pushToPull(): Promise<{ pull: zmq.Pull; id: string }> {
    const pull = fixture.peer(new zmq.Pull({ linger: 0, receiveTimeout: 5000 }));
    await pull.bind('tcp://127.0.0.1:*');
    const { id } = await fixture.sockets.create({ type: 'PUSH', connect: pull.lastEndpoint as string });
    return { pull, id };
  }

  it('lists sockets as they open and close, bumping the version and caching the state per version', async () => {
    let heard = 0;
    feed.onChange(() => (heard += 1));
    const before = feed.version;
    assert.deepEqual(feed.state(), { sockets: [], replies: [] });
    const { id } = await pushToPull();
    assert.ok(feed.version > before && heard > 0, 'opening a socket changes the feed');
    const state = feed.state();
    assert.deepEqual(state.sockets.map(({ id: listed, type, canSend }) => ({ listed, type, canSend })), [{ listed: id, type: 'PUSH', canSend: true }]);
    assert.match(state.sockets[0].label, /^connect tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(feed.state(), state, 'the same version gives the same state object');
    await fixture.sockets.close(id);
    assert.deepEqual(feed.state().sockets, []);
    feed.newSocket();
    assert.equal(newSocketAsked, 1);
  });

  it('sends text, hex and JSON frames that the peer receives exactly', async () => {
    const { pull, id } = await pushToPull();
    await feed.send(id, 'text', 'topic\n\nbody');
    assert.deepEqual((await pull.receive()).map(String), ['topic', '', 'body']);
    await feed.send(id, 'hex', 'de ad\n00:ff');
    assert.deepEqual((await pull.receive()).map((frame) => frame.toString('hex')), ['dead', '00ff']);
    await feed.send(id, 'json', '["t", {"price": 3}]');
    assert.deepEqual((await pull.receive()).map(String), ['t', '{"price":3}']);
  });

  it('refuses bad hex with its position, an unknown socket, and a REQ sending twice', async () => {
    const { id } = await pushToPull();
    await assert.rejects(feed.send(id, 'hex', '00\nab x1'), /Frame 2 is not hex: "x" at position 4/);
    await assert.rejects(feed.send('user-404', 'text', 'hi'), /no open socket "user-404"; create one with ZeroMQ: New Socket/);
    const { rep, endpoint } = await boundReply(fixture);
    const req = await fixture.sockets.create({ type: 'REQ', connect: endpoint });
    await feed.send(req.id, 'text', 'first');
    await rep.receive();
    await assert.rejects(feed.send(req.id, 'text', 'second'), /a REQ must receive the reply before sending again/);
  });

  it('lists what user sockets receive as previews, newest last, bounded in replies and frames', async () => {
    const { rep, endpoint } = await boundReply(fixture);
    const req = await fixture.sockets.create({ type: 'REQ', connect: endpoint });
    await feed.send(req.id, 'text', 'ping');
    await rep.receive();
    await rep.send(['pong', Buffer.from([0, 1, 2])]);
    const first = await eventually('the reply in the feed', () => (feed.state().replies.length === 1 ? feed.state().replies[0] : undefined));
    assert.deepEqual(first, { socket: req.id, time: 1234, frames: ['pong', '0x 00 01 02'], omitted: 0 });

    const pull = await fixture.sockets.create({ type: 'PULL', bind: 'tcp://127.0.0.1:0' });
    const push = fixture.peer(new zmq.Push({ linger: 0, sendTimeout: 5000 }));
    push.connect(endpointOf(pull));
    const wide = Array.from({ length: MAX_FRAMES_LISTED + 3 }, (_, index) => `f${index}`);
    await push.send(wide);
    for (let index = 0; index < MAX_REPLIES_LISTED; index += 1) await push.send(`n${index}`);
    const replies = await eventually('every message listed', () => {
      const listed = feed.state().replies;
      return listed[listed.length - 1]?.frames[0] === `n${MAX_REPLIES_LISTED - 1}` ? listed : undefined;
    });
    assert.equal(replies.length, MAX_REPLIES_LISTED, 'older replies are dropped at the limit');
    assert.deepEqual(replies[0].frames, ['n0'], 'the REQ reply and the wide message fell off the front');
    assert.equal(replies[0].socket, pull.id);
  });

  it('cuts a long frame in its preview and counts the frames beyond the listed ones', async () => {
    const pull = await fixture.sockets.create({ type: 'PULL', bind: 'tcp://127.0.0.1:0' });
    const push = fixture.peer(new zmq.Push({ linger: 0, sendTimeout: 5000 }));
    push.connect(endpointOf(pull));
    await push.send(['x'.repeat(10_000), ...Array.from({ length: MAX_FRAMES_LISTED + 1 }, () => 'y')]);
    const [reply] = await eventually('the message listed', () => (feed.state().replies.length > 0 ? feed.state().replies : undefined));
    assert.equal(reply.frames.length, MAX_FRAMES_LISTED);
    assert.equal(reply.omitted, 2);
    assert.ok(reply.frames[0].length < 200 && reply.frames[0].endsWith('…'), `a cut preview: ${reply.frames[0].length} characters`);
  });

  it('sends a captured message again through another socket', async () => {
    const { pull, id } = await pushToPull();
    await feed.send(id, 'text', 'once\nmore');
    await pull.receive();
    const seq = await eventually('the message captured', () => newestMessage(fixture.store));
    const { pull: secondPull, id: second } = await pushToPull();
    await feed.resend(second, seq);
    assert.deepEqual((await secondPull.receive()).map(String), ['once', 'more']);
    await assert.rejects(feed.resend(second, fixture.store.endSeq + 10), /no longer in the capture/);
  });
});
