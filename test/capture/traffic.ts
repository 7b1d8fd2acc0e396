// Real libzmq traffic through the product Sniffer, recorded as the capture layer records it, while
// tcpdump captures the sniffer's listen port: the material the round-trip tests compare.
import * as zmq from 'zeromq';
import { CaptureBuffer, SnifferRecorder } from '../../extension/capture/recorder';
import type { CaptureRecord } from '../../extension/capture/records';
import { Sniffer } from '../../extension/sniffer/sniffer';
import type { SnifferEvent } from '../../extension/sniffer/types';
import type { Direction } from '../../extension/zmtp/types';
import { tcpdump, waitFor } from './tools';

export interface SocketPair {
  name: string;
  create(): { server: zmq.Socket; client: zmq.Socket };
  /** Runs an exchange; resolves when every message arrived. */
  exchange(server: zmq.Socket, client: zmq.Socket): Promise<void>;
}

const ROUNDS = 5;

export const SOCKET_PAIRS: SocketPair[] = [
  {
    name: 'REQ/REP',
    create: () => ({ server: new zmq.Reply({ linger: 0 }), client: new zmq.Request({ linger: 0 }) }),
    async exchange(server, client) {
      for (let i = 0; i < ROUNDS; i++) {
        await (client as zmq.Request).send(['request', String(i), Buffer.alloc(300 * i, i)]);
        const [, n] = await (server as zmq.Reply).receive();
        await (server as zmq.Reply).send(`reply ${n.toString()}`);
        await (client as zmq.Request).receive();
      }
    },
  },
  {
    name: 'PUB/SUB',
    create: () => ({ server: new zmq.Publisher({ linger: 0 }), client: new zmq.Subscriber({ linger: 0, receiveTimeout: 50 }) }),
    async exchange(server, client) {
      const publisher = server as zmq.Publisher;
      const subscriber = client as zmq.Subscriber;
      subscriber.subscribe('news');
      // The subscription reaches the publisher some time after connecting: publish until one arrives.
      const deadline = Date.now() + 5000;
      for (let got = false; !got; ) {
        if (Date.now() > deadline) throw new Error('PUB/SUB: no message arrived within 5 s');
        await publisher.send(['news', 'warm-up']);
        got = await subscriber.receive().then(() => true, () => false);
      }
      for (let i = 0; i < ROUNDS; i++) {
        await publisher.send(['news', `item ${i}`]);
        await publisher.send(['sport', 'filtered out by the publisher']);
      }
      for (let i = 0; i < ROUNDS; i++) await subscriber.receive();
    },
  },
  {
    name: 'PUSH/PULL',
    create: () => ({ server: new zmq.Pull({ linger: 0 }), client: new zmq.Push({ linger: 0 }) }),
    async exchange(server, client) {
      for (let i = 0; i < ROUNDS; i++) await (client as zmq.Push).send(`task ${i} ${'w'.repeat(i * 1000)}`);
      for (let i = 0; i < ROUNDS; i++) await (server as zmq.Pull).receive();
    },
  },
  {
    name: 'DEALER/ROUTER',
    create: () => ({ server: new zmq.Router({ linger: 0 }), client: new zmq.Dealer({ linger: 0, routingId: 'dealer-1' }) }),
    async exchange(server, client) {
      for (let i = 0; i < ROUNDS; i++) {
        await (client as zmq.Dealer).send(['', `hello ${i}`]);
        const [id, , text] = await (server as zmq.Router).receive();
        await (server as zmq.Router).send([id, '', `world ${text.toString()}`]);
        await (client as zmq.Dealer).receive();
      }
    },
  },
];

export interface SniffedRun {
  events: SnifferEvent[];
  /** The bytes the relay forwarded, per connection and direction. */
  relayed: Map<number, Record<Direction, Buffer[]>>;
  records: CaptureRecord[];
  /** The sniffer's listen port (what tcpdump captured) and the server's port. */
  listenPort: number;
  serverPort: number;
}

/** Runs `pair` through a Sniffer while tcpdump writes `pcapPath`. */
export async function sniffAndCapture(pair: SocketPair, pcapPath: string): Promise<SniffedRun> {
  const { server, client } = pair.create();
  const events: SnifferEvent[] = [];
  const relayed = new Map<number, Record<Direction, Buffer[]>>();
  const buffer = new CaptureBuffer();
  let sniffer: Sniffer | undefined;
  let dump: Awaited<ReturnType<typeof tcpdump>> | undefined;
  try {
    await server.bind('tcp://127.0.0.1:*');
    const target = server.lastEndpoint as string;
    const recorder = new SnifferRecorder(buffer, { id: 'test', name: pair.name, listen: 'tcp://127.0.0.1:0', target });
    sniffer = await Sniffer.start({
      listen: 'tcp://127.0.0.1:0',
      target,
      onEvent: (event) => {
        events.push(event);
        recorder.event(event);
      },
      onData: (conn, dir, chunk) => {
        if (!relayed.has(conn)) relayed.set(conn, { c2s: [], s2c: [] });
        relayed.get(conn)![dir].push(Buffer.from(chunk));
        recorder.data(conn, dir, chunk);
      },
    });
    const listenPort = Number(sniffer.listenEndpoint.split(':').pop());
    dump = await tcpdump(pcapPath, [listenPort]);
    client.connect(sniffer.listenEndpoint);
    await pair.exchange(server, client);
    client.close();
    await waitFor(`${pair.name}: the sniffer to see the connection close`, () => events.some((event) => event.type === 'close'));
    // tcpdump writes what it captured before it exits; the last ACKs may still be in flight.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { events, relayed, records: buffer.snapshot(), listenPort, serverPort: Number(target.split(':').pop()) };
  } finally {
    if (!client.closed) client.close();
    await dump?.stop();
    await sniffer?.stop();
    server.close();
  }
}
