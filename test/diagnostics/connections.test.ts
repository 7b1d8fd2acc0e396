// Rules 9, 11 and 13 (a held-back relay direction) with real sockets; the silent heartbeat peer is
// raw bytes on a plain net socket, because libzmq always answers a PING and cannot be made not to.
import { strict as assert } from 'node:assert';
import { createServer, type Socket } from 'node:net';
import * as zmq from 'zeromq';
import { DEFAULT_SETTINGS } from '../../extension/diagnostics/types';
import { command, greeting3, metadata } from '../zmtp/streams';
import { countCommands, useRig } from './rig';

/** A ZMTP 3.1 ROUTER made of bytes: greets, sends READY, then reads and ignores everything, PINGs included. */
async function silentRouter(onTeardown: (release: () => unknown) => void): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.write(Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'ROUTER'], ['Identity', '']]))]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTeardown(() => {
    sockets.forEach((socket) => socket.destroy());
    return new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return `tcp://127.0.0.1:${address.port}`;
}

describe('diagnostics: heartbeats, routing ids, back-pressure', function () {
  this.timeout(20_000);
  const rig = useRig();

  it('rule 9: a PING left without a PONG for its TTL is a warning; heartbeats from one side only are information', async () => {
    const listen = await rig().sniff(await silentRouter(rig().onTeardown), 'silent');
    const dealer = rig().socket(new zmq.Dealer({ heartbeatInterval: 100, heartbeatTimeToLive: 1000, heartbeatTimeout: 10_000 }));
    dealer.connect(listen);
    await rig().until('three PINGs', (events) => countCommands(events, 'PING') >= DEFAULT_SETTINGS.oneSidedPings);
    rig().clock.advance(999);
    assert.deepEqual(rig().diagnostics().map((d) => d.id), ['heartbeat:silent:one-sided:c2s'], 'before the TTL, only the one-sided note');
    rig().clock.advance(1);
    const noPong = rig().diagnostics().find((d) => d.id === 'heartbeat:silent:no-pong:c2s');
    assert.ok(noPong);
    assert.deepEqual([noPong.ruleNumber, noPong.severity, noPong.count, noPong.refs[0].dir], [9, 'warning', 1, 'c2s']);
    assert.match(noPong.message, /^The connecting DEALER .* sent a PING on #1 on silent and none came within 1\.0 s\. libzmq answers every PING with a PONG/);
    const oneSided = rig().diagnostics().find((d) => d.id === 'heartbeat:silent:one-sided:c2s');
    assert.deepEqual([oneSided?.severity, oneSided?.count], ['info', 1]);
    assert.match(oneSided!.message, /^Only the connecting DEALER .* sends heartbeats on #1 on silent; the bound ROUTER .* never pings/);
  });

  it('rule 9: a connection that the pinging side closes for want of a PONG counts too', async () => {
    const listen = await rig().sniff(await silentRouter(rig().onTeardown), 'silent');
    rig().socket(new zmq.Dealer({ heartbeatInterval: 100, heartbeatTimeout: 500 })).connect(listen);
    await rig().until('the heartbeat timeout closing the connection', (events) => events.some((event) => event.type === 'close'));
    const noPong = rig().diagnostics().find((d) => d.id === 'heartbeat:silent:no-pong:c2s');
    assert.ok(noPong, `a no-PONG diagnosis among ${rig().diagnostics().map((d) => d.id).join(', ')}`);
    assert.match(noPong.message, /sent a PING on #1 on silent and the connection closed \d+ ms later without one/);
  });

  it('rule 9: libzmq peers answer every PING, so only the one-sided note remains', async () => {
    const router = new zmq.Router();
    const listen = await rig().behindSniffer(router, 'jobs');
    rig().socket(new zmq.Dealer({ heartbeatInterval: 50 })).connect(listen);
    await rig().until('three PONGs', (events) => countCommands(events, 'PONG') >= 3);
    rig().clock.advance(60_000);
    assert.deepEqual(rig().diagnostics().map((d) => d.id), ['heartbeat:jobs:one-sided:c2s']);
  });

  it('rule 11: two DEALERs with the same routing id on one ROUTER: an error naming both, and the second is indeed ignored', async () => {
    const router = new zmq.Router({ receiveTimeout: 300 });
    const listen = await rig().behindSniffer(router, 'workers');
    const first = rig().socket(new zmq.Dealer({ routingId: 'worker-1' }));
    first.connect(listen);
    await rig().until('the first handshake', (events) => countCommands(events, 'READY') === 2);
    const second = rig().socket(new zmq.Dealer({ routingId: 'worker-1' }));
    second.connect(listen);
    await rig().until('the second handshake', (events) => countCommands(events, 'READY') === 4);
    await second.send('from the second');
    await first.send('from the first');
    assert.equal(String((await router.receive())[1]), 'from the first', "the ROUTER hears only the first peer's message");
    await assert.rejects(router.receive(), { code: 'EAGAIN' });
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.rule, diagnostic.ruleNumber, diagnostic.severity, diagnostic.count], ['duplicate-routing-id', 11, 'error', 1]);
    assert.deepEqual(diagnostic.refs.map((ref) => ref.conn), [1, 2]);
    assert.match(diagnostic.message, /^Two peers present the routing id "worker-1" to the bound ROUTER .*: #1 on workers \(from 127\.0\.0\.1:\d+\) and #2 on workers/);
  });

  it('rule 13: a relay direction held back by a reader that does not read is reported once it lasts', async () => {
    const pull = new zmq.Pull({ receiveHighWaterMark: 1 });
    const listen = await rig().behindSniffer(pull, 'sink');
    const push = rig().socket(new zmq.Push({ sendHighWaterMark: 1 }));
    push.connect(listen);
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    let stop = false;
    rig().onTeardown(() => (stop = true));
    const sending = (async () => {
      for (let i = 0; i < 2000 && !stop; i++) await push.send(chunk);
    })().catch(() => undefined); // the send pending at teardown fails when the socket closes
    rig().onTeardown(() => sending);
    await rig().until('the relay holding back the PUSH', (events) => events.some((event) => event.type === 'backpressure' && event.dir === 'c2s'));
    rig().clock.advance(DEFAULT_SETTINGS.backpressureMs);
    const [diagnostic, ...others] = rig().diagnostics();
    assert.deepEqual(others, []);
    assert.deepEqual([diagnostic.id, diagnostic.ruleNumber, diagnostic.severity, diagnostic.count], ['backpressure:sink:held:c2s', 13, 'warning', 1]);
    assert.match(diagnostic.message, /^The relay has been holding back the connecting PUSH .* for 2\.0 s: the bound PULL .* reads more slowly.*makes send\(\) wait/);
  });
});
