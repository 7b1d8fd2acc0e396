// Rules 3, 4, 5 and 13 (dropped sends) with real PUB/SUB sockets through the product Sniffer.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { DEFAULT_SETTINGS } from '../../extension/diagnostics/types';
import { countCommands, countMessages, useRig, zmtpEvents } from './rig';

const update = (i: number) => `1000${1 + (i % 3)} temperature=${15 + (i % 10)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('diagnostics: publish/subscribe', function () {
  this.timeout(30_000);
  const rig = useRig({ unmatchedAfterMs: 0, unmatchedAfterMessages: 10 });

  it('rule 3: a SUB connected without any subscription is reported once the wait is over, and a subscribed one is not', async () => {
    const listen = await rig().behindSniffer(new zmq.Publisher(), 'weather');
    rig().socket(new zmq.Subscriber()).connect(listen);
    await rig().until('the silent SUB handshake', (events) => countCommands(events, 'READY') === 2);
    const subscribed = rig().socket(new zmq.Subscriber());
    subscribed.subscribe('');
    subscribed.connect(listen);
    await rig().until('the second SUB subscribed', (events) => countCommands(events, 'SUBSCRIBE') === 1);
    rig().clock.advance(DEFAULT_SETTINGS.subscriptionWaitMs - 1);
    assert.deepEqual(rig().diagnostics(), [], 'nothing before the wait is over');
    rig().clock.advance(1);
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.rule, diagnostic.ruleNumber, diagnostic.severity, diagnostic.count], ['no-subscription', 3, 'warning', 1]);
    assert.deepEqual(diagnostic.refs.map((ref) => [ref.sniffer, ref.conn]), [['weather', 1]]);
    assert.match(diagnostic.message, /The connecting SUB \(from 127\.0\.0\.1:\d+\) on #1 on weather has been connected for 3\.0 s without subscribing/);
    assert.match(diagnostic.message, /subscribe\(""\) for everything/);
  });

  it('rule 4: a prefix matching none of the published topics is reported with the nearest topic', async () => {
    const publisher = new zmq.Publisher();
    const listen = await rig().behindSniffer(publisher, 'weather');
    for (const prefix of ['', '10009']) {
      const subscriber = rig().socket(new zmq.Subscriber());
      subscriber.subscribe(prefix);
      subscriber.connect(listen);
    }
    await rig().until('both subscriptions', (events) => countCommands(events, 'SUBSCRIBE') === 2);
    for (let i = 0; i < 12; i++) await publisher.send(update(i));
    await rig().until('the updates on the wire', (events) => countMessages(events) === 12);
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.rule, diagnostic.ruleNumber, diagnostic.severity, diagnostic.count], ['unmatched-subscription', 4, 'warning', 1]);
    assert.match(diagnostic.message, /The subscription "10009" on #\d on weather matches none of the 3 topics the publisher has sent \("10001", "10002", "10003"\), nor any of the 10 messages since it arrived/);
    assert.match(diagnostic.message, /Did you mean "10001"\?/);
    const subscribe = zmtpEvents(rig().events).find((event) => event.kind === 'command' && event.name === 'SUBSCRIBE' && event.topic?.length === 5);
    assert.ok(subscribe?.kind === 'command');
    assert.deepEqual([diagnostic.refs[0].conn, diagnostic.refs[0].dir, diagnostic.refs[0].offset], [subscribe.conn, 'c2s', subscribe.offset], 'the ref points at the SUBSCRIBE');
  });

  it('rule 4 from a publisher the extension runs: its sends count even when no other subscriber sees them', async () => {
    const publisher = rig().observed(new zmq.Publisher(), 'sensor');
    const listen = await rig().behindSniffer(publisher, 'weather');
    const subscriber = rig().socket(new zmq.Subscriber());
    subscriber.subscribe('Temp');
    subscriber.connect(listen);
    await rig().until('the subscription', (events) => countCommands(events, 'SUBSCRIBE') === 1);
    for (let i = 0; i < 10; i++) await publisher.send(['temperature', String(i)]);
    assert.equal(countMessages(rig().events), 0, 'nothing matched, so nothing crossed the wire');
    const [diagnostic] = rig().diagnostics('unmatched-subscription');
    assert.ok(diagnostic);
    assert.match(diagnostic.message, /"Temp" .* matches none of the 1 topic the publisher has sent \("temperature"\), nor any of the 10 messages since it arrived.*Did you mean "temperature"\?/);
  });

  it('rule 5: a publisher the extension runs sends before the subscription arrives: the slow joiner misses exactly those messages', async () => {
    const publisher = rig().observed(new zmq.Publisher(), 'ticker');
    const listen = await rig().behindSniffer(publisher, 'prices');
    const subscriber = rig().socket(new zmq.Subscriber({ receiveTimeout: 5000 }));
    subscriber.connect(listen);
    await rig().until('the handshake', (events) => countCommands(events, 'READY') === 2);
    for (let i = 0; i < 5; i++) await publisher.send(`early ${i}`);
    subscriber.subscribe('');
    await rig().until('the subscription', (events) => countCommands(events, 'SUBSCRIBE') === 1);
    await sleep(DEFAULT_SETTINGS.subscriptionRaceMs);
    await publisher.send('late');
    assert.equal(String((await subscriber.receive())[0]), 'late', 'the early messages never arrive');
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.rule, diagnostic.ruleNumber, diagnostic.severity, diagnostic.count, diagnostic.socket], ['slow-joiner', 5, 'warning', 5, 'ticker']);
    assert.match(diagnostic.message, /^ticker sent 5 messages matching "" on #1 on prices before that subscriber's subscription arrived, \d+ ms after it connected/);
    assert.deepEqual([diagnostic.refs[0].conn, diagnostic.refs[0].dir], [1, 'c2s']);
  });

  it('rule 13: sends a publisher the extension runs made that never reached the wire (high-water-mark drops) are counted exactly', async () => {
    const payload = Buffer.alloc(16 * 1024, 0x61);
    const publisher = rig().observed(new zmq.Publisher({ sendHighWaterMark: 10 }), 'flood');
    const listen = await rig().behindSniffer(publisher, 'firehose');
    const subscriber = rig().socket(new zmq.Subscriber({ receiveHighWaterMark: 10, receiveTimeout: 500 }));
    subscriber.subscribe('');
    subscriber.connect(listen);
    await rig().until('the subscription', (events) => countCommands(events, 'SUBSCRIBE') === 1);
    await sleep(DEFAULT_SETTINGS.subscriptionRaceMs);
    const sent = 2000;
    // The subscriber does not read yet: its queue, the TCP buffers and the relay fill up, then the PUB drops.
    for (let i = 0; i < sent; i++) await publisher.send(payload);
    let received = 0;
    try {
      for (;;) {
        await subscriber.receive();
        received++;
      }
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'EAGAIN', 'drained until nothing more came');
    }
    const onWire = countMessages(rig().events);
    assert.equal(received, onWire, 'whatever crossed the wire reached the subscriber');
    assert.ok(onWire < sent, `some sends were dropped (${onWire} of ${sent} crossed)`);
    for (let check = 0; check < 20 && rig().diagnostics('backpressure').every((d) => !d.id.includes(':drops:')); check++) {
      rig().clock.advance(DEFAULT_SETTINGS.dropCheckMs);
      await sleep(100);
    }
    const diagnostic = rig().diagnostics('backpressure').find((d) => d.id === 'backpressure:firehose:drops:flood');
    assert.ok(diagnostic, `a drops diagnosis among ${rig().diagnostics().map((d) => d.id).join(', ')}`);
    assert.deepEqual([diagnostic.ruleNumber, diagnostic.severity, diagnostic.socket], [13, 'warning', 'flood']);
    assert.equal(diagnostic.count, sent - onWire, 'every dropped send is counted, no more');
    assert.match(diagnostic.message, new RegExp(`^At least ${sent - onWire} messages that flood sent for #1 on firehose, and that matched its subscriptions, never reached the wire.*sendHighWaterMark 10`));
  });
});
