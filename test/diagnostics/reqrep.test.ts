// Rules 6, 7, 12 and 13 (send timeouts) with real sockets: REQ/REP lockstep, envelopes, and the
// calls a socket the extension runs makes.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { DEFAULT_SETTINGS } from '../../extension/diagnostics/types';
import { countMessages, useRig, zmtpEvents } from './rig';

/** Resolves with the error code of a receive that must not deliver anything. */
async function nothingArrives(socket: zmq.Reply | zmq.Request): Promise<string | undefined> {
  try {
    await socket.receive();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('diagnostics: request/reply and socket calls', function () {
  this.timeout(20_000);
  const rig = useRig();

  it('rule 6: a request without a reply past the timeout is reported, pointing at the request', async () => {
    const server = new zmq.Reply();
    const listen = await rig().behindSniffer(server, 'service');
    const client = rig().socket(new zmq.Request());
    client.connect(listen);
    await client.send('anyone there?');
    await server.receive(); // ...and never answers.
    await rig().until('the request on the wire', (events) => countMessages(events) === 1);
    rig().clock.advance(DEFAULT_SETTINGS.replyTimeoutMs - 1);
    assert.deepEqual(rig().diagnostics(), []);
    rig().clock.advance(1);
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.id, diagnostic.ruleNumber, diagnostic.severity, diagnostic.count], ['req-rep:service:no-reply', 6, 'warning', 1]);
    const request = zmtpEvents(rig().events).find((event) => event.kind === 'message');
    assert.deepEqual([diagnostic.refs[0].conn, diagnostic.refs[0].dir, diagnostic.refs[0].offset], [1, 'c2s', request?.offset]);
    assert.match(diagnostic.message, /^The request the connecting REQ .* sent on #1 on service has had no reply for 5\.0 s\. A REQ socket cannot send again/);
    assert.match(diagnostic.message, /Lazy Pirate/);
  });

  it('rule 6: answered requests raise nothing however long the clock runs', async () => {
    const server = new zmq.Reply();
    const listen = await rig().behindSniffer(server, 'service');
    const client = rig().observed(new zmq.Request(), 'client');
    client.connect(listen);
    for (let i = 0; i < 3; i++) {
      await client.send(`request ${i}`);
      await server.receive();
      await server.send(`reply ${i}`);
      await client.receive();
    }
    await rig().until('all replies on the wire', (events) => countMessages(events) === 6);
    rig().clock.advance(60_000);
    assert.deepEqual(rig().diagnostics(), []);
  });

  it('rule 6: a second send on a strict REQ before its reply is an error at once; a relaxed REQ may do it', async () => {
    const server = rig().socket(new zmq.Reply());
    await server.bind('tcp://127.0.0.1:*');
    const strict = rig().observed(new zmq.Request(), 'strict client');
    strict.connect(server.lastEndpoint!);
    await strict.send('first');
    const held = strict.send('second').catch((error: { code?: string }) => error.code);
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.id, diagnostic.ruleNumber, diagnostic.severity, diagnostic.socket], ['req-rep:strict client:efsm', 6, 'error', 'strict client']);
    assert.match(diagnostic.message, /strict client \(REQ\) was asked to send a request before it had received the reply to its previous one.*EFSM.*REQ_RELAXED, REQ_CORRELATE\), or use a DEALER/);
    await server.receive();
    await server.send('reply');
    await strict.receive();
    assert.equal(await held, undefined, 'zeromq held the second send until the reply came');

    const relaxed = rig().observed(new zmq.Request({ relaxed: true, correlate: true }), 'relaxed client');
    relaxed.connect(server.lastEndpoint!);
    await relaxed.send('first');
    await relaxed.send('second');
    assert.deepEqual(rig().diagnostics().map((d) => d.socket), ['strict client']);
  });

  it('rule 7: a DEALER talking to a REP without the empty delimiter is an error, and the REP indeed drops it', async () => {
    const server = new zmq.Reply({ receiveTimeout: 300 });
    const listen = await rig().behindSniffer(server, 'service');
    const dealer = rig().socket(new zmq.Dealer());
    dealer.connect(listen);
    await dealer.send('no envelope');
    assert.equal(await nothingArrives(server), 'EAGAIN', 'the REP discarded it');
    await dealer.send(['', 'with envelope']);
    assert.equal(String((await server.receive())[0]), 'with envelope');
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.id, diagnostic.ruleNumber, diagnostic.severity, diagnostic.count], ['envelope:service:no-delimiter:c2s', 7, 'error', 1]);
    assert.match(diagnostic.message, /^The connecting DEALER .* sent a message on #1 on service without an empty delimiter frame.*send\(\["", "request"\]\)/);
  });

  it('rule 7: a ROUTER reply without the delimiter is an error, and the REQ indeed drops it', async () => {
    const router = new zmq.Router();
    const listen = await rig().behindSniffer(router, 'broker');
    const client = rig().socket(new zmq.Request({ receiveTimeout: 300 }));
    client.connect(listen);
    await client.send('ping');
    const [id] = await router.receive();
    await router.send([id, 'pong']);
    assert.equal(await nothingArrives(client), 'EAGAIN', 'the REQ dropped the reply');
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.id, diagnostic.severity, diagnostic.refs[0].dir], ['envelope:broker:reply-shape:s2c', 'error', 's2c']);
    assert.match(diagnostic.message, /does not start with an empty delimiter frame, so the REQ drops it silently.*\[routing id, "", reply\.\.\.\]/);
  });

  it('rule 12: a second concurrent send or receive (EBUSY) is explained, once per kind of call', async () => {
    const push = rig().observed(new zmq.Push(), 'pusher');
    const pending = push.send('waits: nobody is connected');
    pending.catch(() => undefined);
    assert.throws(() => void push.send('one too many'), { code: 'EBUSY' });
    assert.throws(() => void push.send('and another'), { code: 'EBUSY' });
    const pull = rig().observed(new zmq.Pull(), 'puller');
    pull.receive().catch(() => undefined);
    assert.throws(() => void pull.receive(), { code: 'EBUSY' });
    const diagnostics = rig().diagnostics('ebusy');
    assert.deepEqual(diagnostics.map((d) => [d.id, d.count, d.severity, d.ruleNumber]).sort(), [
      ['ebusy:puller:receive', 1, 'error', 12],
      ['ebusy:pusher:send', 2, 'error', 12],
    ]);
    assert.match(diagnostics.find((d) => d.socket === 'pusher')!.message, /a socket allows one pending send\(\) at a time.*Await each send\(\)/);
  });

  it('rule 13: a send that gives up after sendTimeout never reached the wire', async () => {
    const push = rig().observed(new zmq.Push({ sendTimeout: 50, sendHighWaterMark: 5 }), 'impatient');
    await assert.rejects(push.send('nobody to take it'), { code: 'EAGAIN' });
    const [diagnostic] = rig().diagnostics();
    assert.deepEqual([diagnostic.id, diagnostic.ruleNumber, diagnostic.severity], ['backpressure:impatient:send-timeout', 13, 'warning']);
    assert.match(diagnostic.message, /gave up after its sendTimeout \(EAGAIN\).*sendHighWaterMark 5/);
  });
});
