// New Socket… and Send Message… in a real VS Code: a REQ the extension creates connects (through
// its sniffer) to a REP the test binds; the test's REP receives the message and replies, and both
// show in the store. A second send before the reply is refused with the REQ rule in words.
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

  it('says what is wrong with bad hex and an unusable endpoint, without throwing', async () => {
    const bad = await vscode.commands.executeCommand<SendResult>('zmqInspector.sendMessage', { socket: 'none', frames: 'zz', format: 'hex' });
    assert.match(bad.error ?? '', /Frame 1 is not hex: "z" at position 1/);
    const refused = await vscode.commands.executeCommand<string | undefined>('zmqInspector.newSocket', { type: 'DEALER', connect: 'inproc://nowhere' });
    assert.equal(refused, undefined);
  });
});
