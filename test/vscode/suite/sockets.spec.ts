// New Socket… and Send Message… in a real VS Code: a REQ the extension creates connects (through
// its sniffer) to a REP the test binds; the test's REP receives the message and replies, and both
// show in the store. A second send before the reply is refused with the REQ rule in words. The
// compose area's feed sends through the same sockets and lists what they receive.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import * as zmq from 'zeromq';
import type { SendResult } from '../../../extension/vscode/socketCommands';
import { delay, rowsOfRun, treeChildren, useExtension, waitFor } from './harness';

describe('New Socket and Send Message', () => {
  const extension = useExtension();
  const sockets: zmq.Socket[] = [];

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('a REQ connecting to the test REP sends, gets the reply into the store, refuses a second request, and sends the captured request again', async () => {
    const api = extension();
    const rep = new zmq.Reply({ linger: 0, receiveTimeout: 10_000 });
    sockets.push(rep);
    await rep.bind('tcp://127.0.0.1:*');
    const id = await vscode.commands.executeCommand<string | undefined>('zmqInspector.newSocket', { type: 'REQ', connect: rep.lastEndpoint });
    assert.ok(id, 'New Socket returned no socket id');
    assert.ok(treeChildren(api).some((entry) => entry.node.runKey === id), 'the socket is not listed in the ZeroMQ view');

    const sent = await vscode.commands.executeCommand<SendResult>('zmqInspector.sendMessage', { socket: id, frames: 'hello\nsecond', format: 'text' });
    assert.deepEqual(sent, { ok: true });
    assert.deepEqual((await rep.receive()).map(String), ['hello', 'second']);

    const twice = await vscode.commands.executeCommand<SendResult>('zmqInspector.sendMessage', { socket: id, frames: 'again', format: 'text' });
    assert.equal(twice.ok, false);
    assert.match(twice.error ?? '', /a REQ must receive the reply before sending again; use DEALER or REQ_RELAXED/);

    await rep.send('world');
    const messages = await waitFor('the request and the reply in the store', () => {
      const rows = rowsOfRun(api, id).filter((row) => row.kind === 'message');
      return rows.length >= 2 ? rows : undefined;
    });
    assert.deepEqual(messages.map((row) => [row.sender, row.receiver, row.preview]), [
      ['REQ', 'REP', '∅ · hello · second'],
      ['REP', 'REQ', '∅ · world'],
    ]);

    // Send Again: the captured request through the same REQ. The sniffer sees the reply a moment
    // before the REQ has taken it, so until then the REQ rule may still refuse; retried, bounded.
    let again: SendResult = { ok: false };
    for (let tries = 0; tries < 50 && !again.ok; tries += 1) {
      again = await vscode.commands.executeCommand<SendResult>('zmqInspector.resendMessage', { seq: messages[0].seq, socket: id });
      if (!again.ok) {
        assert.match(again.error ?? '', /a REQ must receive the reply/);
        await delay(100);
      }
    }
    assert.deepEqual(again, { ok: true });
    assert.deepEqual((await rep.receive()).map(String), ['hello', 'second']);
  });

  it("the compose area's feed sends JSON frames from a New Socket DEALER to the test's ROUTER and lists the reply", async () => {
    const compose = extension().compose;
    assert.ok(compose, 'the test API has no compose feed');
    const router = new zmq.Router({ linger: 0, receiveTimeout: 10_000, sendTimeout: 10_000 });
    sockets.push(router);
    await router.bind('tcp://127.0.0.1:*');
    const id = await vscode.commands.executeCommand<string | undefined>('zmqInspector.newSocket', { type: 'DEALER', connect: router.lastEndpoint, options: { routingId: 'composer' } });
    assert.ok(id, 'New Socket returned no socket id');
    const listed = await waitFor('the socket in the compose area', () => compose.state().sockets.find((socket) => socket.id === id));
    assert.deepEqual({ type: listed.type, canSend: listed.canSend }, { type: 'DEALER', canSend: true });

    await compose.send(id, 'json', '["order", {"qty": 2}]');
    const [identity, ...frames] = await router.receive();
    assert.equal(String(identity), 'composer');
    assert.deepEqual(frames.map(String), ['order', '{"qty":2}']);

    await router.send([identity, 'filled', Buffer.from([0xff, 0x00])]);
    const reply = await waitFor('the reply in the compose area', () => compose.state().replies.find((entry) => entry.socket === id));
    assert.deepEqual(reply.frames, ['filled', '0x ff 00']);
    await assert.rejects(compose.send(id, 'hex', 'zz'), /Frame 1 is not hex: "z" at position 1/);
  });

  it('says what is wrong with bad hex and an unusable endpoint, without throwing', async () => {
    const bad = await vscode.commands.executeCommand<SendResult>('zmqInspector.sendMessage', { socket: 'none', frames: 'zz', format: 'hex' });
    assert.match(bad.error ?? '', /Frame 1 is not hex: "z" at position 1/);
    const refused = await vscode.commands.executeCommand<string | undefined>('zmqInspector.newSocket', { type: 'DEALER', connect: 'inproc://nowhere' });
    assert.equal(refused, undefined);
  });
});
