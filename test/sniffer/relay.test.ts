import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import { Relay } from '../../extension/sniffer/relay';
import { digestOf, receiveAll } from '../support/hashing';
import { connectRaw, rawServer, waitUntil, type Transport } from '../support/rawPeers';
import { assertExact, exchangeRandom, useRelayFixture } from '../support/relayFixture';
import { RecordingObserver } from '../support/recordingObserver';

const MiB = 1024 * 1024;

for (const transport of ['tcp', 'ipc'] as Transport[]) {
  describe(`Relay forwarding over ${transport}://`, () => {
    const hooks = useRelayFixture();

    it('forwards random chunks both ways byte for byte, and the observer sees the same bytes', async () => {
      const fixture = await hooks.start(transport);
      const [client, server] = await hooks.connectPair();
      const exchange = await exchangeRandom(client, server, 8 * MiB, 200_000);
      assert.equal(exchange.clientSent.bytes, 8 * MiB);
      assertExact(exchange, fixture.observer, 1);
      const closed = await fixture.observer.closed(1);
      assert.equal(closed.reason, 'end');
      assert.deepEqual(closed.bytes, { c2s: 8 * MiB, s2c: 8 * MiB });
      assert.deepEqual(fixture.observer.ends.map((end) => end.dir).sort(), ['c2s', 's2c']);
    });

    it('forwards single bytes as they come (no batching needed to get them through)', async () => {
      await hooks.start(transport);
      const [client, server] = await hooks.connectPair();
      for (let i = 0; i < 20; i++) {
        const arrived = new Promise<Buffer>((resolve) => server.once('data', resolve));
        client.write(Buffer.from([i]));
        assert.deepEqual(await arrived, Buffer.from([i]));
        const echoed = new Promise<Buffer>((resolve) => client.once('data', resolve));
        server.write(Buffer.from([255 - i]));
        assert.deepEqual(await echoed, Buffer.from([255 - i]));
      }
    });

    it('keeps 50 concurrent connections apart, each byte-exact, with increasing ids', async () => {
      const fixture = await hooks.start(transport);
      const count = 50;
      const pairs: [Socket, Socket][] = [];
      for (let i = 0; i < count; i++) pairs.push(await hooks.connectPair());
      await waitUntil(() => fixture.relay.connections().filter((c) => c.state === 'open').length === count, `${count} connections are open`);
      const status = fixture.relay.connections();
      assert.deepEqual(
        status.map((connection) => connection.id),
        Array.from({ length: count }, (_, i) => i + 1),
      );
      assert.ok(status.every((connection) => connection.target === fixture.server.endpoint && connection.listen === fixture.relay.listenEndpoint));
      const exchanges = await Promise.all(pairs.map(([client, server]) => exchangeRandom(client, server, 64 * 1024 + Math.floor(Math.random() * 192 * 1024), 8192)));
      exchanges.forEach((exchange, index) => assertExact(exchange, fixture.observer, index + 1));
      await waitUntil(() => fixture.relay.connections().length === 0, 'every connection is closed');
      assert.equal(fixture.observer.closes.size, count);
      assert.ok([...fixture.observer.closes.values()].every((record) => record.reason === 'end'));
    });

    it('goes on forwarding when the observer throws, and says so once', async () => {
      const warnings: string[] = [];
      await hooks.start(transport, {
        observer: {
          onData: () => {
            throw new Error('decoder bug');
          },
        },
        onObserverError: (message) => warnings.push(message),
      });
      const [client, server] = await hooks.connectPair();
      assertExact(await exchangeRandom(client, server, 1 * MiB));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /observer's onData threw on connection 1: decoder bug\. Forwarding goes on/);
    });
  });
}

describe('Relay endpoints in use', () => {
  it('listens on loopback for a bare port, and reports the port it got', async () => {
    const server = await rawServer('tcp');
    const relay = await Relay.start({ listen: '0', target: server.endpoint });
    try {
      assert.match(relay.listenEndpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(relay.listenEndpoint, 'tcp://127.0.0.1:0');
      assert.equal(relay.targetEndpoint, server.endpoint);
    } finally {
      await relay.stop();
      await server.close();
    }
  });

  it('listens on every interface only when asked with *, and is reachable on loopback then', async () => {
    const server = await rawServer('tcp');
    const relay = await Relay.start({ listen: 'tcp://*:0', target: server.endpoint });
    try {
      const port = relay.listenEndpoint.match(/^tcp:\/\/\*:(\d+)$/)?.[1];
      assert.ok(port, `unexpected listen endpoint ${relay.listenEndpoint}`);
      await roundTrip(`tcp://127.0.0.1:${port}`, server);
    } finally {
      await relay.stop();
      await server.close();
    }
  });

  it('relays over IPv6 loopback', async function () {
    const server = await rawServer('tcp');
    const observer = new RecordingObserver();
    const relay = await Relay.start({ listen: 'tcp://[::1]:0', target: server.endpoint, observer }).catch((error: unknown) => error);
    if (!(relay instanceof Relay)) {
      await server.close();
      // Only a machine without IPv6 on loopback may skip; any other failure is a failure.
      assert.match(String(relay), /not an address of this machine/);
      return this.skip();
    }
    try {
      assert.match(relay.listenEndpoint, /^tcp:\/\/\[::1\]:\d+$/);
      await roundTrip(relay.listenEndpoint, server);
      assert.match(observer.opened[0].peer, /^\[::1\]:\d+$/);
    } finally {
      await relay.stop();
      await server.close();
    }
  });

  if (process.platform === 'linux') {
    it('relays over an abstract-namespace ipc endpoint', async () => {
      const server = await rawServer('tcp');
      const name = `ipc://@zmq-relay-test-${process.pid}-${Date.now()}`;
      const relay = await Relay.start({ listen: name, target: server.endpoint });
      try {
        assert.equal(relay.listenEndpoint, name);
        await roundTrip(name, server);
      } finally {
        await relay.stop();
        await server.close();
      }
    });
  }
});

/** One message each way through whatever is at `endpoint`, ending at `server`. */
async function roundTrip(endpoint: string, server: Awaited<ReturnType<typeof rawServer>>): Promise<void> {
  const client = await connectRaw(endpoint);
  try {
    const accepted = await server.nextConnection();
    const request = Buffer.from('ping through the relay');
    const received = receiveAll(accepted);
    client.end(request);
    assert.deepEqual(await received, digestOf(request));
    const reply = receiveAll(client);
    accepted.end('pong');
    assert.deepEqual(await reply, digestOf(Buffer.from('pong')));
  } finally {
    client.destroy();
  }
}
