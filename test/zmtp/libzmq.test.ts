// Real libzmq 4.3.5 traffic (the zeromq package) through the test tap, decoded live.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as zmq from 'zeromq';
import { OBSERVED, REQ_REP_ROUND_TRIP, V } from '../support/vectors';
import { commandNames, findCommand, messages, sniff, waitFor, type Sniffer } from './sniffing';
import { command, greeting3, hex, metadata } from './streams';
import { ZapHandler, type ZapDecision } from '../../extension/sockets/zapHandler';
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import type { DecoderOptions, ZmtpEvent } from '../../extension/zmtp/types';

const TIMEOUTS = { receiveTimeout: 5000, sendTimeout: 5000, linger: 0 };
// Send-only and receive-only sockets refuse the option for the operation they lack.
const SEND_TIMEOUT = { sendTimeout: 5000, linger: 0 };
const RECEIVE_TIMEOUT = { receiveTimeout: 5000, linger: 0 };

/** Sockets, sniffers and raw sockets a test made, closed whatever happens. */
class Cleanup {
  private readonly closers: (() => unknown)[] = [];
  socket<T extends zmq.Socket>(socket: T): T {
    this.closers.push(() => socket.close());
    return socket;
  }
  sniffer(sniffer: Sniffer): Sniffer {
    this.closers.push(() => sniffer.close());
    return sniffer;
  }
  raw(socket: net.Socket): net.Socket {
    this.closers.push(() => socket.destroy());
    return socket;
  }
  add(closer: () => unknown): void {
    this.closers.push(closer);
  }
  /** Binds `server` on 127.0.0.1 and puts a sniffing tap in front of it. */
  async tapped<S extends zmq.Socket>(server: S, options?: DecoderOptions): Promise<{ server: S; sniffer: Sniffer }> {
    this.socket(server);
    await server.bind('tcp://127.0.0.1:*');
    return { server, sniffer: this.sniffer(await sniff(server.lastEndpoint as string, options)) };
  }
  /** As tapped(), with `client` connected through the tap. */
  async pair<S extends zmq.Socket, C extends zmq.Socket>(server: S, client: C, options?: DecoderOptions): Promise<{ server: S; client: C; sniffer: Sniffer }> {
    const tapped = await this.tapped(server, options);
    this.socket(client).connect(tapped.sniffer.endpoint);
    return { ...tapped, client };
  }
  async run(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
  }
}

const sumBytes = (chunks: Buffer[]) => Buffer.concat(chunks);

describe('decoder: real libzmq traffic through a TCP tap', function () {
  this.timeout(20000);
  let cleanup: Cleanup;
  let zapDecision: ZapDecision = () => true;
  let zap: ZapHandler;
  // One ZAP handler in the default context for the whole file, answering with the current test's
  // decision: libzmq unbinds inproc://zeromq.zap.01 asynchronously, so binding it per test would race.
  before(async () => (zap = await ZapHandler.start(zmq.context, (mechanism, credentials) => zapDecision(mechanism, credentials))));
  after(() => zap.close());
  beforeEach(() => (cleanup = new Cleanup()));
  afterEach(async () => {
    await cleanup.run();
    zapDecision = () => true;
  });

  it('REQ/REP: the bytes are the §7 round trip and decode to READYs and the enveloped messages', async () => {
    const { server: rep, client: req, sniffer } = await cleanup.pair(new zmq.Reply(TIMEOUTS), new zmq.Request(TIMEOUTS));
    await req.send('Hello');
    const [request] = await rep.receive();
    await rep.send('World');
    const [reply] = await req.receive();
    assert.equal(`${request} ${reply}`, 'Hello World');
    const connection = await sniffer.until('the reply on the wire', (c) => messages(c.events.s2c).length === 1);
    assert.deepStrictEqual(sumBytes(connection.chunks.c2s), hex(REQ_REP_ROUND_TRIP.c2s.join('')));
    assert.deepStrictEqual(sumBytes(connection.chunks.s2c), hex(REQ_REP_ROUND_TRIP.s2c.join('')));
    // libzmq sends its 10-byte signature, then the version byte only after the peer's signature arrived:
    // the first chunk never holds the whole greeting (it may hold 11 bytes if the relay read late).
    assert.ok(connection.chunks.c2s[0].length <= 11, `libzmq sends its greeting in stages (first chunk ${connection.chunks.c2s[0].length} bytes)`);
    assert.deepStrictEqual(commandNames(connection.events.c2s), ['READY']);
    assert.deepStrictEqual(messages(connection.events.c2s), [['', 'Hello']]);
    assert.deepStrictEqual(messages(connection.events.s2c), [['', 'World']]);
    assert.deepStrictEqual(connection.decoder.peer('c2s'), { version: '3.1', mechanism: 'NULL', socketType: 'REQ', identity: new Uint8Array(0) });
    assert.deepStrictEqual(connection.decoder.peer('s2c'), { version: '3.1', mechanism: 'NULL', socketType: 'REP' });
  });

  it('DEALER/ROUTER: the routing id travels as READY Identity, never as a frame', async () => {
    const { server: router, client: dealer, sniffer } = await cleanup.pair(new zmq.Router(TIMEOUTS), new zmq.Dealer({ ...TIMEOUTS, routingId: 'dealer-1' }));
    await dealer.send('job');
    const [id, job] = await router.receive();
    assert.equal(`${id}/${job}`, 'dealer-1/job');
    await router.send([id, 'done']);
    assert.equal(`${(await dealer.receive())[0]}`, 'done');
    const connection = await sniffer.until('the reply', (c) => messages(c.events.s2c).length === 1);
    assert.equal(Buffer.from(connection.decoder.peer('c2s').identity ?? []).toString(), 'dealer-1');
    assert.equal(connection.decoder.peer('c2s').socketType, 'DEALER');
    const routerReady = findCommand(connection.events.s2c, 'READY');
    assert.deepStrictEqual(routerReady?.metadata?.map((entry) => [entry.name, entry.text]), [['Socket-Type', 'ROUTER'], ['Identity', '']]);
    assert.deepStrictEqual(messages(connection.events.c2s), [['job']]);
    assert.deepStrictEqual(messages(connection.events.s2c), [['done']]);
    const greeting = connection.events.c2s[0];
    assert.ok(greeting.kind === 'greeting');
    assert.equal(sumBytes(connection.chunks.c2s)[8], 'dealer-1'.length + 1, 'padding holds the routing-id length + 1');
  });

  it('PUB/SUB: SUBSCRIBE and CANCEL commands, then the published message', async () => {
    const { server: pub, client: sub, sniffer } = await cleanup.pair(new zmq.Publisher(SEND_TIMEOUT), new zmq.Subscriber(RECEIVE_TIMEOUT));
    sub.subscribe('weather');
    await sniffer.until('SUBSCRIBE', (c) => findCommand(c.events.c2s, 'SUBSCRIBE') !== undefined);
    await pub.send('weather sunny');
    assert.equal(`${(await sub.receive())[0]}`, 'weather sunny');
    sub.unsubscribe('weather');
    const connection = await sniffer.until('CANCEL', (c) => findCommand(c.events.c2s, 'CANCEL') !== undefined);
    assert.deepStrictEqual(commandNames(connection.events.c2s), ['READY', 'SUBSCRIBE', 'CANCEL']);
    assert.equal(Buffer.from(findCommand(connection.events.c2s, 'SUBSCRIBE')?.topic ?? []).toString(), 'weather');
    assert.equal(Buffer.from(findCommand(connection.events.c2s, 'CANCEL')?.topic ?? []).toString(), 'weather');
    assert.deepStrictEqual(messages(connection.events.s2c), [['weather sunny']]);
  });

  it('XPUB/XSUB: a \\x01topic data frame from the XSUB is a legacy SUBSCRIBE, even to a 3.1 peer', async () => {
    const { server: xpub, client: xsub, sniffer } = await cleanup.pair(new zmq.XPublisher(TIMEOUTS), new zmq.XSubscriber(TIMEOUTS));
    await xsub.send(Buffer.from('\u0001news'));
    assert.equal(`${(await xpub.receive())[0]}`, '\u0001news');
    await xsub.send(Buffer.from('\u0000news'));
    assert.equal(`${(await xpub.receive())[0]}`, '\u0000news');
    const connection = await sniffer.until('the legacy CANCEL', (c) => commandNames(c.events.c2s).length === 3);
    assert.deepStrictEqual(commandNames(connection.events.c2s), ['READY', 'SUBSCRIBE (legacy)', 'CANCEL (legacy)']);
    const subscribe = findCommand(connection.events.c2s, 'SUBSCRIBE');
    assert.equal(Buffer.from(subscribe?.topic ?? []).toString(), 'news');
    assert.equal(connection.decoder.peer('s2c').version, '3.1');
  });

  it('PUSH/PULL: a multipart message is one message event with its frames', async () => {
    const { server: pull, client: push, sniffer } = await cleanup.pair(new zmq.Pull(RECEIVE_TIMEOUT), new zmq.Push(SEND_TIMEOUT));
    await push.send(['part-1', 'part-2', Buffer.alloc(300, 0x2e)]);
    const received = await pull.receive();
    assert.equal(received.length, 3);
    const connection = await sniffer.until('the message', (c) => messages(c.events.c2s).length === 1);
    const [message] = connection.events.c2s.filter((event) => event.kind === 'message');
    assert.ok(message.kind === 'message');
    assert.deepStrictEqual(message.frames.map((frame) => [frame.flags, frame.size]), [[1, 6], [1, 6], [2, 300]]);
    assert.equal(message.size, 312);
  });

  it('PAIR: messages both ways', async () => {
    const { server: left, client: right, sniffer } = await cleanup.pair(new zmq.Pair(TIMEOUTS), new zmq.Pair(TIMEOUTS));
    await right.send('ping');
    await left.receive();
    await left.send('pong');
    await right.receive();
    const connection = await sniffer.until('pong', (c) => messages(c.events.s2c).length === 1);
    assert.deepStrictEqual([messages(connection.events.c2s), messages(connection.events.s2c)], [[['ping']], [['pong']]]);
    assert.deepStrictEqual([connection.decoder.peer('c2s').socketType, connection.decoder.peer('s2c').socketType], ['PAIR', 'PAIR']);
  });

  it('PLAIN with a ZAP handler: HELLO with the password masked everywhere, WELCOME, INITIATE, READY', async () => {
    zapDecision = (mechanism, [user, pass]) => mechanism === 'PLAIN' && `${user}:${pass}` === 'admin:secret';
    const { server: rep, client: req, sniffer } = await cleanup.pair(new zmq.Reply({ ...TIMEOUTS, plainServer: true }), new zmq.Request({ ...TIMEOUTS, plainUsername: 'admin', plainPassword: 'secret' }), { emitFrames: true });
    await req.send('Hello');
    await rep.receive();
    await rep.send('World');
    await req.receive();
    const connection = await sniffer.until('the reply', (c) => messages(c.events.s2c).length === 1);
    assert.deepStrictEqual(commandNames(connection.events.c2s), ['HELLO', 'INITIATE']);
    assert.deepStrictEqual(commandNames(connection.events.s2c), ['WELCOME', 'READY']);
    const hello = findCommand(connection.events.c2s, 'HELLO');
    assert.deepStrictEqual([hello?.username, hello?.password, hello?.passwordMasked], ['admin', '••••••', true]);
    for (const event of connection.events.c2s) {
      const bytes = event.kind === 'frame' ? event.frame.body : event.kind === 'command' ? event.body : new Uint8Array(0);
      assert.equal(Buffer.from(bytes).includes('secret'), false, `no event carries the password (${event.kind})`);
    }
    assert.ok(sumBytes(connection.chunks.c2s).includes('secret'), 'while it is in clear on the wire');
    assert.equal(connection.decoder.peer('c2s').mechanism, 'PLAIN');
    assert.equal(connection.decoder.peer('c2s').socketType, 'REQ', 'from the INITIATE properties');
    assert.deepStrictEqual(messages(connection.events.c2s), [['', 'Hello']]);
  });

  it('NULL with a ZAP domain, denied: ERROR "400" from the server, the E1 vector', async () => {
    zapDecision = () => false;
    const { sniffer } = await cleanup.pair(new zmq.Reply({ ...TIMEOUTS, zapDomain: 'test' }), new zmq.Request(TIMEOUTS));
    const connection = await sniffer.until('ERROR', (c) => findCommand(c.events.s2c, 'ERROR') !== undefined);
    const error = findCommand(connection.events.s2c, 'ERROR');
    assert.deepStrictEqual([error?.reason, error?.problem], ['400', undefined]);
    assert.deepStrictEqual(sumBytes(connection.chunks.s2c).subarray(64), hex(V.E1), 'the E1 vector');
  });

  it('PLAIN denied: libzmq sends ERROR with a malformed name (5E "RROR"), decoded as ERROR with a problem', async () => {
    zapDecision = () => false;
    const { sniffer } = await cleanup.pair(new zmq.Reply({ ...TIMEOUTS, plainServer: true }), new zmq.Request({ ...TIMEOUTS, plainUsername: 'admin', plainPassword: 'wrong' }));
    const connection = await sniffer.until('ERROR', (c) => findCommand(c.events.s2c, 'ERROR') !== undefined);
    const error = findCommand(connection.events.s2c, 'ERROR');
    assert.equal(error?.reason, '400');
    assert.match(error?.problem ?? '', /5E "RROR" instead of 05 "ERROR"/);
    assert.deepStrictEqual(sumBytes(connection.chunks.s2c).subarray(64), hex(OBSERVED.PLAIN_ERROR));
  });

  it('CURVE: handshake commands with nonces and box sizes, then MESSAGE boxes marked encrypted', async () => {
    zapDecision = (mechanism) => mechanism === 'CURVE';
    const server = zmq.curveKeyPair();
    const client = zmq.curveKeyPair();
    const { server: rep, client: req, sniffer } = await cleanup.pair(new zmq.Reply({ ...TIMEOUTS, curveServer: true, curveSecretKey: server.secretKey }), new zmq.Request({ ...TIMEOUTS, curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey }));
    await req.send('Hello');
    await rep.receive();
    await rep.send('World');
    await req.receive();
    const connection = await sniffer.until('the reply', (c) => messages(c.events.s2c).length === 2);
    const labels = (dir: 'c2s' | 's2c') =>
      connection.events[dir].flatMap((event) =>
        event.kind === 'command' ? [`${event.name} ${event.curve?.nonce.length === 32 ? 'long' : event.curve?.nonce} ${event.curve?.boxSize}`] : event.kind === 'message' ? event.frames.map((f) => `MESSAGE ${f.curve?.nonce} ${f.curve?.boxSize}`) : [],
      );
    // REQ sends the empty delimiter and "Hello" as two boxes: 16-byte MAC + inner flags + payload.
    assert.deepStrictEqual(labels('c2s'), ['HELLO 1 80', 'INITIATE 2 176', 'MESSAGE 3 17', 'MESSAGE 4 22']);
    assert.deepStrictEqual(labels('s2c'), ['WELCOME long 144', 'READY 1 35', 'MESSAGE 2 17', 'MESSAGE 3 22']);
    assert.deepStrictEqual(connection.decoder.peer('c2s'), { version: '3.1', mechanism: 'CURVE' });
    assert.equal(sumBytes(connection.chunks.c2s).includes('Hello'), false, 'the payload is encrypted on the wire');
  });

  it('heartbeats: PING with the TTL in deciseconds, answered by an empty PONG', async () => {
    const { sniffer } = await cleanup.pair(new zmq.Router(TIMEOUTS), new zmq.Dealer({ ...TIMEOUTS, heartbeatInterval: 100, heartbeatTimeToLive: 10000 }));
    const connection = await sniffer.until('PING and PONG', (c) => findCommand(c.events.c2s, 'PING') !== undefined && findCommand(c.events.s2c, 'PONG') !== undefined);
    const ping = findCommand(connection.events.c2s, 'PING');
    assert.deepStrictEqual([ping?.ttl, ping?.context?.length], [100, 0]);
    assert.equal(findCommand(connection.events.s2c, 'PONG')?.context?.length, 0);
  });

  it('an incompatible pair (PUB vs PUSH): greetings, READY, then a close without ERROR', async () => {
    const { sniffer } = await cleanup.pair(new zmq.Publisher(SEND_TIMEOUT), new zmq.Push(SEND_TIMEOUT));
    const connection = await sniffer.until('the connection to close', (c) => c.closed);
    // Whoever parses the other's READY first closes at once, sometimes before sending its own
    // READY; when that is the connecting PUSH it never reconnects (reference §4). So at least one
    // READY, each naming its sender's type, and nothing else.
    const types: Record<'c2s' | 's2c', string> = { c2s: 'PUSH', s2c: 'PUB' };
    let readys = 0;
    for (const dir of ['c2s', 's2c'] as const) {
      const kinds = connection.events[dir].map((event) => (event.kind === 'command' ? event.name : event.kind));
      assert.ok(['greeting', 'greeting,READY'].includes(kinds.join(',')), `${dir}: ${kinds.join(', ')}`);
      if (kinds.includes('READY')) {
        readys++;
        assert.equal(connection.decoder.peer(dir).socketType, types[dir]);
      }
    }
    assert.ok(readys >= 1, 'at least one READY before the close');
  });

  it('a ZMTP 2.0 REQ (raw bytes) and a real REP: libzmq answers with 12 bytes and speaks 2.0 framing', async () => {
    const { server: rep, sniffer } = await cleanup.tapped(new zmq.Reply(TIMEOUTS));
    const received: Buffer[] = [];
    const raw = cleanup.raw(net.connect(Number(new URL(sniffer.endpoint).port), '127.0.0.1'));
    raw.on('data', (chunk: Buffer) => received.push(chunk));
    raw.write(hex(V.Z2));
    await waitFor("libzmq's 2.0 greeting", () => Buffer.concat(received).length >= 14);
    raw.write(hex('01 00 00 05 48 65 6c 6c 6f'));
    assert.equal(`${(await rep.receive())[0]}`, 'Hello');
    await rep.send('World');
    const connection = await sniffer.until('the reply', (c) => messages(c.events.s2c).length === 1);
    assert.deepStrictEqual(sumBytes(connection.chunks.s2c), hex(V.Z2b + '01 00 00 05 57 6f 72 6c 64'), 'the Z2b vector, then the reply');
    const greeting = connection.events.s2c[0];
    assert.ok(greeting.kind === 'greeting');
    assert.deepStrictEqual([greeting.version, greeting.length, greeting.socketType], ['2.0', 12, 'REP']);
    assert.deepStrictEqual(messages(connection.events.c2s), [['', 'Hello']]);
    assert.deepStrictEqual(messages(connection.events.s2c), [['', 'World']]);
  });

  it('a ZMTP 1.0 REQ (raw bytes) and a real REP: its signature doubles as a 1.0 identity frame', async () => {
    const { server: rep, sniffer } = await cleanup.tapped(new zmq.Reply(TIMEOUTS));
    const raw = cleanup.raw(net.connect(Number(new URL(sniffer.endpoint).port), '127.0.0.1'));
    raw.on('data', () => undefined);
    raw.write(hex('01 00  01 01  06 00 48 65 6c 6c 6f'));
    assert.equal(`${(await rep.receive())[0]}`, 'Hello');
    await rep.send('World');
    const connection = await sniffer.until('the reply', (c) => messages(c.events.s2c).length === 1);
    assert.deepStrictEqual(sumBytes(connection.chunks.s2c), hex('ff 00 00 00 00 00 00 00 01 7f  01 01  06 00 57 6f 72 6c 64'));
    for (const dir of ['c2s', 's2c'] as const) {
      const greeting = connection.events[dir][0];
      assert.ok(greeting.kind === 'greeting');
      assert.deepStrictEqual([greeting.version, greeting.length, greeting.identity?.length], ['1.0', 0, 0], dir);
    }
    assert.deepStrictEqual(messages(connection.events.c2s), [['', 'Hello']]);
    assert.deepStrictEqual(messages(connection.events.s2c), [['', 'World']]);
  });

  it("a SUB facing a ZMTP 3.0 PUB (raw bytes) sends legacy subscriptions, and libzmq's 255-byte topic bug is decoded", async () => {
    const events: ZmtpEvent[] = [];
    const decoder = new ConnectionDecoder((dir, event) => dir === 'c2s' && events.push(event));
    const fromSub: Buffer[] = [];
    const server = net.createServer((socket) => {
      cleanup.raw(socket);
      const publisherSide = Buffer.concat([greeting3({ minor: 0 }), command('READY', metadata([['Socket-Type', 'PUB']]))]);
      decoder.push('s2c', publisherSide);
      socket.write(publisherSide);
      socket.on('data', (chunk: Buffer) => {
        fromSub.push(chunk);
        decoder.push('c2s', chunk);
      });
    });
    cleanup.add(() => new Promise((resolve) => server.close(resolve)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sub = cleanup.socket(new zmq.Subscriber(RECEIVE_TIMEOUT));
    sub.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    sub.subscribe('short');
    sub.subscribe('t'.repeat(255));
    await waitFor('both subscriptions', () => events.filter((event) => event.kind === 'command' && event.legacy).length === 2);
    const [short, long] = events.filter((event) => event.kind === 'command' && event.legacy) as Extract<ZmtpEvent, { kind: 'command' }>[];
    assert.equal(Buffer.from(short.topic ?? []).toString(), 'short');
    assert.equal(short.problem, undefined);
    assert.equal(long.topic?.length, 255);
    assert.match(long.problem ?? '', /libzmq 4.3.5 encodes 255-byte topics/);
    const wire = Buffer.concat(fromSub);
    assert.ok(wire.includes(hex('00 00 00 00 00 00 00 01 00 01')), 'the bug is on the wire: flags 00 and an 8-byte size');
  });
});
