// The socket probe on real zeromq sockets: the proxy behaves as the socket, and reports its calls.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { firstFrameHead, probeSocket } from '../../extension/diagnostics/socketProbe';
import type { HostSocketEvent } from '../../extension/diagnostics/types';
import { waitUntil } from '../support/rawPeers';

function probed<T extends zmq.Socket>(socket: T, label: string) {
  const events: HostSocketEvent[] = [];
  socket.linger = 0;
  const probe = probeSocket(socket, label, (event) => events.push(event));
  return { socket: probe.socket, probe, events, types: () => events.map((event) => event.type) };
}

describe('diagnostics: the socket probe', function () {
  this.timeout(10_000);
  const sockets: zmq.Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.closed || socket.close()));

  it('is the socket for the program (options, instanceof, subscribe, iteration) and reports bind, send, receive and close', async () => {
    const publisher = probed(new zmq.Publisher(), 'pub');
    const subscriber = probed(new zmq.Subscriber(), 'sub');
    sockets.push(publisher.socket, subscriber.socket);
    assert.ok(subscriber.socket instanceof zmq.Subscriber);
    publisher.socket.sendHighWaterMark = 50;
    assert.equal(publisher.socket.sendHighWaterMark, 50);
    await publisher.socket.bind('tcp://127.0.0.1:*');
    subscriber.socket.subscribe('t');
    subscriber.socket.connect(publisher.socket.lastEndpoint!);
    const payload = Buffer.from('topic 1');
    let received = '';
    const reading = (async () => {
      for await (const [message] of subscriber.socket) {
        received = message.toString();
        break;
      }
    })();
    await waitUntil(() => subscriber.types().includes('connection'), 'the subscriber connected');
    for (let i = 0; i < 50 && received === ''; i++) {
      await publisher.socket.send(payload);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await reading;
    assert.equal(received, 'topic 1');
    payload.write('XXXXX');
    const send = publisher.events.find((event) => event.type === 'send');
    assert.ok(send?.type === 'send' && send.head);
    assert.equal(Buffer.from(send.head).toString(), 'topic 1', 'the head is a copy, not the caller\'s buffer');
    assert.deepEqual(publisher.events[0], { type: 'socket', socket: 'pub', time: publisher.events[0].time, socketType: 'PUB', sendHighWaterMark: 1000 });
    const bind = publisher.events.find((event) => event.type === 'bind');
    assert.equal(bind?.type === 'bind' && bind.endpoint, publisher.socket.lastEndpoint);
    assert.ok(subscriber.types().includes('receive'), 'for-await receives go through the probe');
    publisher.socket.close();
    assert.equal(publisher.types().filter((type) => type === 'closed').length, 1);
  });

  it('reports a close done on the socket itself (not through the proxy) from the monitor, once', async () => {
    const raw = new zmq.Push();
    const push = probed(raw, 'push');
    await push.socket.bind('tcp://127.0.0.1:*');
    raw.close();
    await waitUntil(() => push.types().includes('closed'), 'the closed report');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(push.types().filter((type) => type === 'closed').length, 1);
  });

  it('tells whether a REQ could send, and stops reporting after dispose while the proxy keeps working', async () => {
    const server = new zmq.Reply({ linger: 0 });
    sockets.push(server);
    await server.bind('tcp://127.0.0.1:*');
    const client = probed(new zmq.Request(), 'req');
    sockets.push(client.socket);
    client.socket.connect(server.lastEndpoint!);
    await client.socket.send('first');
    const second = client.socket.send('second');
    const sends = client.events.filter((event) => event.type === 'send');
    assert.deepEqual(
      sends.map((event) => event.type === 'send' && event.writable),
      [true, false],
      'writable before the first send; not while the reply is awaited',
    );
    client.probe.dispose();
    await server.receive();
    await server.send('reply');
    assert.equal(String((await client.socket.receive())[0]), 'reply');
    await second;
    assert.equal(client.events.filter((event) => event.type === 'receive').length, 0, 'nothing reported after dispose');
  });

  it('takes the first frame of any message form, copied and cut to 256 bytes', () => {
    assert.equal(Buffer.from(firstFrameHead(['a', 'b'])).toString(), 'a');
    assert.equal(Buffer.from(firstFrameHead(42)).toString(), '42');
    assert.equal(firstFrameHead(null).length, 0);
    assert.equal(firstFrameHead(new Uint8Array(1000)).length, 256);
    assert.equal(firstFrameHead(new ArrayBuffer(3)).length, 3);
    assert.equal(firstFrameHead('é'.repeat(300)).length, 256);
  });
});
