// PLAIN and CURVE user sockets talking to each other through their sniffers: the server socket's
// own ZAP handler decides, a refusal reaches the user in words, and the capture masks passwords.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import type { CommandEvent } from '../../extension/zmtp/types';
import { PASSWORD_MASK } from '../../extension/zmtp/plain';
import { endpointOf, roundTrip, userSocketsFixture, type UserSocketsFixture } from './fixture';

describe('UserSockets with PLAIN and CURVE', function () {
  this.timeout(20_000);
  let fixture: UserSocketsFixture;
  const refusals: string[] = [];

  beforeEach(() => {
    refusals.length = 0;
    fixture = userSocketsFixture({ onRefused: (socket, message) => refusals.push(`${socket.type}: ${message}`) });
  });

  afterEach(() => fixture.close());

  const users = [{ username: 'admin', password: 's3cret-pw' }];

  it('a PLAIN client with the right password talks to a PLAIN server, and the capture masks the password', async () => {
    const { sockets } = fixture;
    const server = await sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { plain: { server: true, users } } });
    const client = await sockets.create({ type: 'REQ', connect: endpointOf(server), options: { plain: users[0] } });
    await roundTrip(sockets, client, server);
    const hellos = fixture.events.flatMap((event) => (event.type === 'zmtp' && event.event.kind === 'command' && event.event.name === 'HELLO' ? [event.event as CommandEvent] : []));
    assert.ok(hellos.length > 0, 'the sniffers decoded the PLAIN HELLO');
    for (const hello of hellos) {
      assert.deepEqual({ username: hello.username, password: hello.password, masked: hello.passwordMasked }, { username: 'admin', password: PASSWORD_MASK, masked: true });
      assert.ok(!Buffer.from(hello.body).includes('s3cret-pw'), 'the kept bytes do not hold the password either');
    }
    assert.deepEqual(refusals, []);
  });

  it('a wrong password is refused, and the user hears why from both ends', async () => {
    const { sockets } = fixture;
    const server = await sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { plain: { server: true, users } } });
    const client = await sockets.create({ type: 'REQ', connect: endpointOf(server), options: { plain: { username: 'admin', password: 'guess' } } });
    await assert.rejects(sockets.send(client.id, [Buffer.from('let me in')]), /No peer took the message: the peer refused this REQ's credentials \(ZAP status 400\); check the PLAIN username and password/);
    assert.deepEqual(sockets.received(server.id), [], 'nothing got through');
    assert.ok(refusals.some((text) => text.startsWith("REQ: the peer refused this REQ's credentials")), `the client's refusal was reported: ${JSON.stringify(refusals)}`);
    assert.ok(refusals.some((text) => text.startsWith("REP: this REP refused a peer's credentials")), `the server's refusal was reported: ${JSON.stringify(refusals)}`);
    assert.equal(refusals.length, 2, 'each socket reports a refusal once, not per reconnect');
  });

  it('a CURVE client reaches a CURVE server; a server listing client keys refuses the others', async () => {
    const { sockets } = fixture;
    const keys = zmq.curveKeyPair();
    const server = await sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { curve: { server: true, secretKey: keys.secretKey } } });
    const client = await sockets.create({ type: 'REQ', connect: endpointOf(server), options: { curve: { serverKey: keys.publicKey } } });
    await roundTrip(sockets, client, server);
    const welcomes = fixture.events.filter((event) => event.type === 'zmtp' && event.event.kind === 'command' && event.event.name === 'WELCOME');
    assert.ok(welcomes.length > 0, 'the sniffer saw the CURVE handshake');

    const listed = zmq.curveKeyPair();
    const choosy = await sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { curve: { server: true, secretKey: keys.secretKey, clients: [listed.publicKey] } } });
    const known = await sockets.create({ type: 'REQ', connect: endpointOf(choosy), options: { curve: { serverKey: keys.publicKey, ...listed } } });
    await roundTrip(sockets, known, choosy);
    const stranger = await sockets.create({ type: 'REQ', connect: endpointOf(choosy), options: { curve: { serverKey: keys.publicKey } } });
    await assert.rejects(sockets.send(stranger.id, [Buffer.from('knock')]), /the peer refused this REQ's credentials \(ZAP status 400\)/);
    await assert.rejects(sockets.create({ type: 'REQ', connect: endpointOf(server), options: { curve: { serverKey: 'short' } } }), /"serverKey" must be a CURVE key in Z85: 40 characters/);
  });

  it('says what is wrong with PLAIN options instead of failing in libzmq', async () => {
    await assert.rejects(fixture.sockets.create({ type: 'REQ', connect: 'tcp://127.0.0.1:9', options: { plain: { username: 'a' } as never } }), /"plain" takes \{ "username"/);
    await assert.rejects(fixture.sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { plain: users[0], curve: { serverKey: 'x' } } }), /one security mechanism/);
    // libzmq would refuse an empty one with EINVAL, or a client quietly fall back to NULL.
    await assert.rejects(fixture.sockets.create({ type: 'REQ', connect: 'tcp://127.0.0.1:9', options: { plain: { username: '', password: 'pw' } } }), /A PLAIN username is 1 to 255 bytes/);
    await assert.rejects(fixture.sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { plain: { server: true, users: [{ username: 'admin', password: 'x'.repeat(256) }] } } }), /A PLAIN password is 1 to 255 bytes/);
    assert.deepEqual(fixture.sockets.list(), []);
  });

  it('says which CURVE key is wrong and how', async () => {
    const keys = zmq.curveKeyPair();
    await assert.rejects(fixture.sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { curve: { server: true, secretKey: keys.secretKey, clients: [keys.publicKey, `${keys.publicKey.slice(0, 39)}~`] } } }), /Each of "clients" must be a CURVE key in Z85: 40 characters \("~" is not a Z85 character\)/);
    await assert.rejects(fixture.sockets.create({ type: 'REP', bind: 'tcp://127.0.0.1:0', options: { curve: { server: true, secretKey: keys.secretKey.slice(1) } } }), /"secretKey" must be a CURVE key in Z85: 40 characters \(not 39\)/);
    assert.deepEqual(fixture.sockets.list(), []);
  });
});
