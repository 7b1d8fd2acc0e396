// Real libzmq peers on both sides of the relay: they must not notice it is there.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as zmq from 'zeromq';
import { Relay } from '../../extension/sniffer/relay';
import { digestOf } from '../support/hashing';
import { relayListenEndpoint, temporaryDirectory, type Transport } from '../support/rawPeers';
import { RecordingObserver } from '../support/recordingObserver';

const MiB = 1024 * 1024;
/** Bounds every receive so a broken relay fails the test instead of hanging it. */
const RECEIVE_TIMEOUT_MS = 15_000;

for (const transport of ['tcp', 'ipc'] as Transport[]) {
  describe(`Relay with real zeromq peers over ${transport}://`, () => {
    const sockets: zmq.Socket[] = [];
    let relay: Relay | undefined;
    let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
    let observer: RecordingObserver;
    beforeEach(async () => {
      directory = await temporaryDirectory();
      observer = new RecordingObserver();
    });
    afterEach(async () => {
      sockets.splice(0).forEach((socket) => socket.close());
      await relay?.stop();
      relay = undefined;
      await directory.remove();
    });

    /** Binds `server`, puts a relay in front of it and connects `client` to the relay. */
    async function wire<S extends zmq.Socket, C extends zmq.Socket>(server: S, client: C): Promise<[S, C]> {
      sockets.push(server, client);
      await server.bind(transport === 'tcp' ? 'tcp://127.0.0.1:*' : `ipc://${directory.file('server.ipc')}`);
      relay = await Relay.start({ listen: relayListenEndpoint(transport, directory), target: server.lastEndpoint!, observer });
      client.connect(relay.listenEndpoint);
      return [server, client];
    }

    it('carries a 64 MiB message PUSH → PULL unchanged', async function () {
      this.timeout(60_000);
      const [pull, push] = await wire(new zmq.Pull({ receiveTimeout: RECEIVE_TIMEOUT_MS }), new zmq.Push());
      const message = randomBytes(64 * MiB);
      await push.send(message);
      const [received] = await pull.receive();
      assert.deepEqual(digestOf(received), digestOf(message));
      // What the observer saw starts with a ZMTP signature and holds at least the message itself.
      const c2s = observer.prefix(1, 'c2s');
      assert.equal(c2s[0], 0xff);
      assert.equal(c2s[9], 0x7f);
      assert.ok(observer.seen(1, 'c2s').bytes > message.length);
    });

    it('carries REQ/REP round trips with the replies matching their requests', async () => {
      const [rep, req] = await wire(new zmq.Reply({ receiveTimeout: RECEIVE_TIMEOUT_MS }), new zmq.Request({ receiveTimeout: RECEIVE_TIMEOUT_MS }));
      const rounds = 100;
      const server = (async () => {
        for (let i = 0; i < rounds; i++) {
          const [request] = await rep.receive();
          await rep.send(Buffer.from(request).reverse());
        }
      })();
      for (let i = 0; i < rounds; i++) {
        const request = randomBytes(1 + ((i * 977) % 5000));
        await req.send(request);
        const [reply] = await req.receive();
        assert.deepEqual(reply, Buffer.from(request).reverse(), `round ${i}`);
      }
      await server;
      assert.equal(observer.opened.length, 1, 'one connection carried every round trip');
      assert.equal(observer.prefix(1, 's2c')[0], 0xff, 'the server side greets back through the relay');
    });
  });
}
