import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { Relay } from '../../extension/sniffer/relay';
import { digestOf, receiveAll } from '../support/hashing';
import { connectRaw, outcome, relayListenEndpoint, temporaryDirectory, unusedTcpPort, waitUntil, type Transport } from '../support/rawPeers';
import { useRelayFixture } from '../support/relayFixture';
import { RecordingObserver } from '../support/recordingObserver';

for (const transport of ['tcp', 'ipc'] as Transport[]) {
  describe(`Relay closing over ${transport}://`, () => {
    const hooks = useRelayFixture();

    it('passes a half-close from the client on, and the server can still answer', async () => {
      const fixture = await hooks.start(transport);
      const [client, server] = await hooks.connectPair();
      const request = Buffer.from('request, then FIN');
      const serverGot = receiveAll(server);
      client.end(request);
      assert.deepEqual(await serverGot, digestOf(request), 'server sees the bytes and then the end');
      assert.ok(!server.writableEnded && !client.readableEnded, 'the other direction stays open');
      const reply = Buffer.alloc(300_000, 7);
      const clientGot = receiveAll(client);
      server.end(reply);
      assert.deepEqual(await clientGot, digestOf(reply));
      const closed = await fixture.observer.closed(1);
      assert.equal(closed.reason, 'end');
      assert.deepEqual(fixture.observer.ends.map((end) => end.dir), ['c2s', 's2c']);
    });

    it('passes a half-close from the server on, and the client can still send', async () => {
      const fixture = await hooks.start(transport);
      const [client, server] = await hooks.connectPair();
      const clientGot = receiveAll(client);
      server.end('greeting, then FIN');
      assert.deepEqual(await clientGot, digestOf(Buffer.from('greeting, then FIN')));
      const serverGot = receiveAll(server);
      client.end('late request');
      assert.deepEqual(await serverGot, digestOf(Buffer.from('late request')));
      assert.equal((await fixture.observer.closed(1)).reason, 'end');
      assert.deepEqual(fixture.observer.ends.map((end) => end.dir), ['s2c', 'c2s']);
    });

    it('stop() closes open connections, frees the endpoint, and can be called again', async () => {
      const fixture = await hooks.start(transport);
      const [client] = await hooks.connectPair();
      const clientSawEnd = receiveAll(client);
      const listen = fixture.relay.listenEndpoint;
      await Promise.all([fixture.relay.stop(), fixture.relay.stop()]);
      await clientSawEnd;
      assert.equal((await fixture.observer.closed(1)).reason, 'stopped');
      assert.deepEqual(fixture.relay.connections(), []);
      if (transport === 'ipc') assert.ok(!existsSync(listen.slice('ipc://'.length)), 'the socket file is gone');
      await assertEndpointFree(listen);
    });
  });
}

describe('Relay resets', () => {
  const hooks = useRelayFixture();

  for (const [resetter, other] of [
    ['client', 'server'],
    ['server', 'client'],
  ] as const) {
    it(`passes a reset by the ${resetter} on to the ${other}`, async () => {
      const fixture = await hooks.start('tcp');
      const [client, server] = await hooks.connectPair();
      const peers = { client, server };
      const otherOutcome = outcome(peers[other]);
      // Make sure the connection is fully through the relay before resetting it.
      const arrived = once(server, 'data');
      client.write('x');
      await arrived;
      peers[resetter].resetAndDestroy();
      const error = await otherOutcome;
      assert.equal(error?.code, 'ECONNRESET', `the ${other} should see a reset, saw ${error?.code ?? 'a normal close'}`);
      const closed = await fixture.observer.closed(1);
      assert.equal(closed.reason, 'reset');
      assert.equal(closed.detail, `the ${resetter} reset the connection`);
    });
  }
});

describe('Relay target failures', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startRelay(target: string, transport: Transport, connectTimeoutMs?: number) {
    const directory = await temporaryDirectory();
    cleanups.push(() => directory.remove());
    const observer = new RecordingObserver();
    const relay = await Relay.start({ listen: relayListenEndpoint(transport, directory), target, observer, connectTimeoutMs });
    cleanups.push(() => relay.stop());
    return { relay, observer, directory };
  }

  it('resets the client when the target refuses, and says why', async () => {
    const target = `tcp://127.0.0.1:${await unusedTcpPort()}`;
    const { relay, observer } = await startRelay(target, 'tcp');
    const client = await connectRaw(relay.listenEndpoint);
    const error = await outcome(client);
    assert.equal(error?.code, 'ECONNRESET');
    const closed = await observer.closed(1);
    assert.equal(closed.reason, 'target-failed');
    assert.equal(closed.detail, `connection to ${target} refused: is the server running and bound to that endpoint?`);
    assert.deepEqual(closed.bytes, { c2s: 0, s2c: 0 });
    assert.equal(observer.opened.length, 1, 'onOpen comes before the failure is known');
  });

  it('closes an ipc client when the target socket file does not exist', async () => {
    const { relay, observer } = await startRelay('ipc:///nonexistent-dir-for-relay-test/server.ipc', 'ipc');
    const client = await connectRaw(relay.listenEndpoint);
    // A pipe has no reset: the client sees the relay hang up.
    assert.equal((await receiveAll(client)).bytes, 0);
    client.destroy();
    const closed = await observer.closed(1);
    assert.equal(closed.reason, 'target-failed');
    assert.match(closed.detail ?? '', /^connection to ipc:\/\/\/nonexistent-dir-for-relay-test\/server\.ipc failed: no such socket file; is the server running/);
  });

  /** A tcp target whose connects hang: a stopped listener cannot accept, and once its backlog is full the kernel drops SYNs. */
  async function hangingTarget(): Promise<string> {
    const { port, child } = await stoppedListener();
    cleanups.push(() => void child.kill('SIGKILL'));
    const fillers: Socket[] = [];
    cleanups.push(() => fillers.forEach((socket) => socket.destroy()));
    const target = `tcp://127.0.0.1:${port}`;
    let backlogFull = false;
    for (let i = 0; i < 8 && !backlogFull; i++) backlogFull = !(await connectsWithin(target, 200, fillers));
    assert.ok(backlogFull, "could not fill the stopped listener's backlog, so a hanging connect cannot be provoked here");
    return target;
  }

  it('gives up on a target that does not answer within the connect timeout', async () => {
    const target = await hangingTarget();
    const { relay, observer } = await startRelay(target, 'tcp', 300);
    const client = await connectRaw(relay.listenEndpoint);
    assert.equal((await outcome(client))?.code, 'ECONNRESET');
    const closed = await observer.closed(1);
    assert.equal(closed.reason, 'target-failed');
    assert.equal(closed.detail, `connection to ${target} timed out after 300 ms: is the host reachable and the server accepting?`);
  });

  it('stop() ends a connection still waiting for its target, timer included', async () => {
    const target = await hangingTarget();
    const timersBefore = activeTimers();
    const { relay, observer } = await startRelay(target, 'tcp', 60_000);
    const client = await connectRaw(relay.listenEndpoint);
    const clientSawEnd = receiveAll(client);
    await waitUntil(() => relay.connections()[0]?.state === 'connecting', 'the relay is connecting to the target');
    await relay.stop();
    await clientSawEnd;
    client.destroy();
    assert.equal((await observer.closed(1)).reason, 'stopped');
    assert.equal(activeTimers(), timersBefore, 'the connect timer is cleared, not left to hold the process');
  });
});

const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

async function assertEndpointFree(endpoint: string): Promise<void> {
  const server = createServer();
  const match = /^tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(endpoint);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (match) server.listen({ host: '127.0.0.1', port: Number(match[1]) }, resolve);
    else server.listen({ path: endpoint.slice('ipc://'.length) }, resolve);
  });
  await new Promise((resolve) => server.close(resolve));
}

/** A child process listening with backlog 1 (Node reads 0 as "default"), then SIGSTOPped so it never accepts. */
async function stoppedListener(): Promise<{ port: number; child: ChildProcess }> {
  const script = "const s=require('net').createServer();s.listen({host:'127.0.0.1',port:0,backlog:1},()=>console.log(s.address().port))";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  child.kill('SIGSTOP');
  await waitUntil(() => /\bT\b/.test(processState(child.pid!)), 'the listener process is stopped', 5000);
  return { port: Number(line.toString().trim()), child };
}

function processState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2];
  } catch {
    return 'T'; // no /proc: SIGSTOP is synchronous enough for the fillers that follow
  }
}

/** Opens a connection to 127.0.0.1 and keeps the socket; resolves false if it does not complete within `ms`. */
function connectsWithin(endpoint: string, ms: number, keep: Socket[]): Promise<boolean> {
  const socket = connect({ host: '127.0.0.1', port: Number(endpoint.slice(endpoint.lastIndexOf(':') + 1)) });
  keep.push(socket);
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
