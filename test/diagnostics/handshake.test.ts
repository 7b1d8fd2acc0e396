// Rules 1, 2, 8 and 10 provoked with real libzmq sockets through the product Sniffer.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { useRig } from './rig';
import { ZapHandler } from '../../extension/sockets/zapHandler';

describe('diagnostics: handshakes', function () {
  this.timeout(20_000);
  const rig = useRig();

  it('rule 1: PUSH clients of a PUB are incompatible: one error for the sniffer, counting every rejected connection', async () => {
    const listen = await rig().behindSniffer(new zmq.Publisher(), 'updates');
    for (let i = 0; i < 3; i++) rig().socket(new zmq.Push()).connect(listen);
    await rig().until('three connections closed', (events) => events.filter((event) => event.type === 'close').length >= 3);
    const [diagnostic] = rig().diagnostics('socket-types');
    assert.ok(diagnostic, 'a socket-types diagnostic');
    assert.deepEqual([diagnostic.ruleNumber, diagnostic.severity, diagnostic.sniffer, diagnostic.id], [1, 'error', 'updates', 'socket-types:updates']);
    assert.ok(diagnostic.count >= 3, `one count per rejected connection, got ${diagnostic.count}`);
    assert.ok(new Set(diagnostic.refs.map((ref) => ref.conn)).size >= 3, 'refs name the rejected connections');
    assert.ok(diagnostic.refs.every((ref) => ref.sniffer === 'updates'));
    assert.match(diagnostic.message, /PUB sockets accept only SUB or XSUB peers|PUSH sockets accept only PULL peers/);
    assert.equal(rig().diagnostics().length, 1, 'the rejected connections are not reported again as anonymous handshake failures');
  });

  it('rule 2: a NULL client of a PLAIN server is a mechanism mismatch, reported once (not again by the client socket monitor)', async () => {
    const context = new zmq.Context();
    const listen = await rig().behindSniffer(new zmq.Reply({ context, plainServer: true }), 'secure');
    rig().observed(new zmq.Request(), 'client').connect(listen);
    await rig().waitForDiagnostic('mechanism');
    // Whoever reads the other greeting first closes before finishing its own; the client retries
    // only when the server was first, so the loop is short. Let it end.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const all = rig().diagnostics();
    assert.equal(all.length, 1, `one diagnosis; the client's monitor adds nothing for a sniffed connection: ${all.map((d) => d.id).join(', ')}`);
    const [diagnostic] = all;
    assert.deepEqual([diagnostic.ruleNumber, diagnostic.severity, diagnostic.sniffer, diagnostic.id], [2, 'error', 'secure', 'mechanism:secure']);
    const greeted = new Set(rig().events.flatMap((event) => (event.type === 'zmtp' && event.event.kind === 'greeting' ? [`${event.dir}=${event.event.mechanism}`] : [])));
    if (greeted.has('c2s=NULL') && greeted.has('s2c=PLAIN')) {
      assert.match(diagnostic.message, /greets with the NULL security mechanism and the bound peer \(tcp:\/\/127\.0\.0\.1:\d+\) with PLAIN/);
    } else {
      const [offer] = [...greeted];
      assert.match(diagnostic.message, new RegExp(`closed the connection as soon as it had read the greeting .* offers the ${offer.slice(4)} security mechanism`));
    }
    assert.match(diagnostic.message, /plainServer: true/);
    assert.equal(diagnostic.count, rig().events.filter((event) => event.type === 'close').length, 'one count per refused connection');
    assert.equal(typeof diagnostic.refs[0].offset, 'number', 'the ref points at a greeting');
  });

  it('rule 2 without a sniffer: the client socket monitor reports the mismatch itself', async () => {
    const context = new zmq.Context();
    const server = rig().socket(new zmq.Reply({ context, plainServer: true }));
    await server.bind('tcp://127.0.0.1:*');
    rig().observed(new zmq.Request(), 'direct client').connect(server.lastEndpoint!);
    const diagnostic = await rig().waitForDiagnostic('mechanism');
    assert.deepEqual([diagnostic.severity, diagnostic.socket, diagnostic.refs[0].socket], ['error', 'direct client', 'direct client']);
    assert.match(diagnostic.message, /different security mechanisms/);
  });

  it('rule 8 without a sniffer: a PUSH connecting straight to a PUB is dropped during the handshake, seen by its monitor', async () => {
    const server = rig().socket(new zmq.Publisher());
    await server.bind('tcp://127.0.0.1:*');
    rig().observed(new zmq.Push(), 'pusher').connect(server.lastEndpoint!);
    const diagnostic = await rig().waitForDiagnostic('handshake');
    assert.deepEqual([diagnostic.id, diagnostic.severity, diagnostic.socket], [`handshake:pusher:dropped:${server.lastEndpoint}`, 'error', 'pusher']);
    assert.match(diagnostic.message, /^pusher \(PUSH\) connected to tcp:\/\/127\.0\.0\.1:\d+, but the peer closed the connection before the handshake finished.*PUSH sockets accept only PULL peers/);
  });

  it('rule 8 without a sniffer: a ZAP denial reaches the client monitor as status 400', async () => {
    const context = new zmq.Context();
    const zap = await ZapHandler.start(context, () => false);
    rig().onTeardown(() => zap.close());
    const server = rig().socket(new zmq.Reply({ context, zapDomain: 'office' }));
    await server.bind('tcp://127.0.0.1:*');
    rig().observed(new zmq.Request(), 'visitor').connect(server.lastEndpoint!);
    const diagnostic = await rig().waitForDiagnostic('handshake');
    assert.deepEqual([diagnostic.id, diagnostic.severity, diagnostic.count], ['handshake:visitor:auth:400', 'error', 1]);
    assert.match(diagnostic.message, /^visitor \(REQ\) failed the handshake with tcp:\/\/127\.0\.0\.1:\d+: authentication failed \(ZAP status 400\)/);
  });

  it('rule 8: a PLAIN server without a ZAP handler drops every client after HELLO; repeated short connections become one error', async () => {
    const context = new zmq.Context();
    const listen = await rig().behindSniffer(new zmq.Reply({ context, plainServer: true }), 'nozap');
    rig().socket(new zmq.Request({ plainUsername: 'admin', plainPassword: 'secret' })).connect(listen);
    const diagnostic = await rig().waitForDiagnostic('handshake');
    assert.deepEqual([diagnostic.ruleNumber, diagnostic.severity, diagnostic.id], [8, 'error', 'handshake:nozap:plain-hello']);
    assert.ok(diagnostic.count >= 3, `the first report counts the ${diagnostic.count} failures that led to it`);
    assert.ok(diagnostic.refs.length >= 3);
    assert.match(diagnostic.message, /after the PLAIN HELLO without a WELCOME or an ERROR/);
    assert.match(diagnostic.message, /inproc:\/\/zeromq\.zap\.01/);
    const count = diagnostic.count;
    await rig().until('more reconnects', (events) => events.filter((event) => event.type === 'close').length >= count + 2);
    const later = rig().diagnostics('handshake');
    assert.equal(later.length, 1, 'still one diagnosis for the cause');
    assert.ok(later[0].count > count, 'its count follows the reconnect loop');
  });

  it('rule 8: ERROR "400" after a ZAP denial is decoded into what it means', async () => {
    const context = new zmq.Context();
    const zap = await ZapHandler.start(context, () => false);
    rig().onTeardown(() => zap.close());
    const listen = await rig().behindSniffer(new zmq.Reply({ context, zapDomain: 'office' }), 'guarded');
    rig().socket(new zmq.Request()).connect(listen);
    const diagnostic = await rig().waitForDiagnostic('handshake');
    assert.deepEqual([diagnostic.severity, diagnostic.id, diagnostic.count], ['error', 'handshake:guarded:error:400', 1]);
    assert.match(diagnostic.message, /sent ERROR "400" during the handshake: authentication failed: the ZAP handler refused the credentials/);
    assert.deepEqual([diagnostic.refs[0].dir, diagnostic.refs[0].conn], ['s2c', 1]);
  });

  it('rule 10: PLAIN credentials in clear text are a security warning naming the user, never the password', async () => {
    const context = new zmq.Context();
    const zap = await ZapHandler.start(context, (mechanism, [user]) => mechanism === 'PLAIN' && user.toString() === 'admin');
    rig().onTeardown(() => zap.close());
    const server = new zmq.Reply({ context, plainServer: true });
    const listen = await rig().behindSniffer(server, 'login');
    const client = rig().socket(new zmq.Request({ plainUsername: 'admin', plainPassword: 'hunter2' }));
    client.connect(listen);
    await client.send('hello');
    await server.receive();
    const diagnostic = await rig().waitForDiagnostic('plain-credentials');
    assert.deepEqual([diagnostic.ruleNumber, diagnostic.severity, diagnostic.count, diagnostic.refs[0].dir], [10, 'warning', 1, 'c2s']);
    assert.match(diagnostic.message, /logged in with PLAIN as "admin"/);
    assert.doesNotMatch(diagnostic.message, /hunter2/);
    assert.deepEqual(
      rig().diagnostics().map((d) => d.rule),
      ['plain-credentials'],
    );
  });
});
