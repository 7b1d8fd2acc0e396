// Command contents: names from hostile bytes, metadata and PLAIN/CURVE problems, each reported
// in words while framing goes on.
import { strict as assert } from 'node:assert';
import type { CommandEvent, ZmtpEvent } from './eventTypes';
import { CURVE_EXTRA, OBSERVED, V } from '../support/vectors';
import { conversation, decode, h } from './harness';
import { command, commandBody, frame, FLAGS_COMMAND, greeting3, metadata } from './streams';

/** Commands sent by a REQ after the §7 start, decoded; `mechanism` applies to both greetings. */
function commandsFrom(frames: (string | Buffer)[], options: { mechanism?: string; retainBytes?: number } = {}): ZmtpEvent[] {
  const greet = greeting3({ mechanism: options.mechanism ?? 'NULL' });
  const decoded = decode(conversation([greet, ...frames], [greet]), 'whole', { retainBytes: options.retainBytes });
  return decoded.c2s.slice(1);
}

function onlyCommand(events: ZmtpEvent[]): CommandEvent {
  assert.equal(events.length, 1, `one event expected, got ${events.map((e) => e.kind).join(', ')}`);
  assert.equal(events[0].kind, 'command');
  return events[0] as CommandEvent;
}

describe('decoder: commands', () => {
  it('shows unknown commands by name, including names that are Object.prototype members', () => {
    for (const name of ['JOIN', 'X-CUSTOM', 'constructor', '__proto__', 'hasOwnProperty', 'toString']) {
      const event = onlyCommand(commandsFrom([command(name, Buffer.from('data'))]));
      assert.equal(event.name, name);
      assert.equal(event.problem, undefined);
    }
  });

  it('escapes a name that is not printable and explains empty or cut names', () => {
    assert.equal(onlyCommand(commandsFrom([command('A\u0000B')])).name, 'A\\x00B');
    assert.match(onlyCommand(commandsFrom(['04 00'])).problem ?? '', /empty command frame/);
    assert.match(onlyCommand(commandsFrom(['04 01 00'])).problem ?? '', /command with an empty name/);
    const cut = onlyCommand(commandsFrom(['04 03 09 50 49']));
    assert.equal(cut.name, 'PI');
    assert.match(cut.problem ?? '', /command name should have 9 bytes, only 2 follow/);
  });

  it('keeps the properties before a malformed one and says what was wrong', () => {
    const good = metadata([['Socket-Type', 'DEALER'], ['X-Binary', Buffer.from([0, 1, 2])]]);
    const broken = Buffer.concat([good, Buffer.from([3]), Buffer.from('Bad'), Buffer.from([0, 0, 0, 99]), Buffer.from('short')]);
    const event = onlyCommand(commandsFrom([command('READY', broken)]));
    assert.deepStrictEqual(event.metadata?.map((entry) => [entry.name, entry.text]), [['Socket-Type', 'DEALER'], ['X-Binary', undefined]]);
    assert.match(event.problem ?? '', /property "Bad" declares a 99-byte value but only 5 bytes remain/);
    const badName = onlyCommand(commandsFrom([command('READY', metadata([['Bad Name', 'x']]))]));
    assert.match(badName.problem ?? '', /property name "Bad Name" has characters outside/);
    const cutShort = onlyCommand(commandsFrom([command('READY', Buffer.from([5, 0x41, 0x42]))]));
    assert.match(cutShort.problem ?? '', /properties are cut short at byte 0/);
  });

  it('learns the socket type and identity from READY, whatever the case of the property names', () => {
    const greet = greeting3();
    const decoded = decode(conversation([greet, command('READY', metadata([['socket-type', 'DEALER'], ['IDENTITY', 'me']]))], [greet]));
    assert.equal(decoded.decoder.peer('c2s').socketType, 'DEALER');
    assert.equal(Buffer.from(decoded.decoder.peer('c2s').identity ?? []).toString(), 'me');
  });

  it('explains PING, PONG and ERROR bodies that are cut short or too long', () => {
    assert.match(onlyCommand(commandsFrom(['04 06 04 50 49 4e 47 00'])).problem ?? '', /PING is cut short: it needs a 2-byte time-to-live/);
    const longContext = onlyCommand(commandsFrom([command('PING', Buffer.alloc(2 + 17))]));
    assert.match(longContext.problem ?? '', /PING context has 17 bytes; RFC 37 allows at most 16/);
    assert.match(onlyCommand(commandsFrom([command('PONG', Buffer.alloc(20))])).problem ?? '', /PONG context has 20 bytes/);
    assert.match(onlyCommand(commandsFrom([command('ERROR')])).problem ?? '', /ERROR has no reason length byte/);
    const cutReason = onlyCommand(commandsFrom([command('ERROR', Buffer.from('\u00054'))]));
    assert.equal(cutReason.reason, '4');
    assert.match(cutReason.problem ?? '', /ERROR reason should have 5 bytes, 1 arrived/);
  });

  it("reads libzmq's PLAIN ERROR, whose name bytes are 5E \"RROR\", as ERROR with a problem", () => {
    const event = onlyCommand(commandsFrom([OBSERVED.PLAIN_ERROR], { mechanism: 'PLAIN' }));
    assert.deepStrictEqual([event.name, event.reason, event.size], ['ERROR', '400', 9]);
    assert.match(event.problem ?? '', /hex escape swallows the E/);
  });

  it('reads a command cut by retainBytes in part and says so', () => {
    const big = command('READY', metadata([['Socket-Type', 'REQ'], ['X-Big', Buffer.alloc(500, 0x61)]]));
    const event = onlyCommand(commandsFrom([big], { retainBytes: 100 }));
    assert.equal(event.body.length, 100);
    assert.equal(event.metadata?.[0].text, 'REQ');
    assert.match(event.problem ?? '', /only the first 100 of 535 bytes were kept \(retainBytes\)/);
  });

  it('explains malformed PLAIN HELLOs and escapes a username that is not text', () => {
    const plain = { mechanism: 'PLAIN' };
    assert.match(onlyCommand(commandsFrom([command('HELLO')], plain)).problem ?? '', /no username length byte/);
    assert.match(onlyCommand(commandsFrom([command('HELLO', Buffer.from('\u0003ab'))], plain)).problem ?? '', /leaves no password length byte/);
    const cut = onlyCommand(commandsFrom([command('HELLO', Buffer.from('\u0001a\u0005pw'))], plain));
    assert.match(cut.problem ?? '', /the password should have 5 bytes, 2 arrived/);
    assert.equal(cut.password, '••••••');
    assert.equal(Buffer.from(cut.body).toString('latin1'), '\u0005HELLO\u0001a\u0005**', 'the bytes that did arrive are masked');
    const extra = onlyCommand(commandsFrom([command('HELLO', Buffer.from('\u0001a\u0001pXY'))], plain));
    assert.match(extra.problem ?? '', /2 unexpected bytes after the password/);
    const binaryUser = onlyCommand(commandsFrom([command('HELLO', Buffer.from([2, 0xff, 0x00, 0]))], plain));
    assert.equal(binaryUser.username, '\\xff\\x00');
  });

  it('labels CURVE commands, reports sizes and versions that libzmq would refuse, and exact 64-bit nonces', () => {
    const curve = { mechanism: 'CURVE' };
    const hello = Buffer.from(h(CURVE_EXTRA.HELLO), 'hex');
    const shortHello = onlyCommand(commandsFrom([frame(FLAGS_COMMAND, hello.subarray(2, 102))], curve));
    assert.equal(shortHello.curve, undefined, 'the nonce would be at bytes 112-119');
    assert.match(shortHello.problem ?? '', /CURVE HELLO should have 200 bytes, this one has 100/);
    const v2 = Buffer.from(hello);
    v2[2 + 6] = 2;
    assert.match(onlyCommand(commandsFrom([v2], curve)).problem ?? '', /CURVE HELLO announces version 2.0/);
    const bigNonce = Buffer.concat([commandBody('MESSAGE'), Buffer.from('ffffffffffffffff', 'hex'), Buffer.alloc(17)]);
    const message = onlyCommand(commandsFrom([frame(FLAGS_COMMAND, bigNonce)], curve));
    assert.deepStrictEqual(message.curve, { nonce: '18446744073709551615', boxSize: 17 });
    const error = onlyCommand(commandsFrom([V.E1], curve));
    assert.equal(error.reason, '400');
  });

  it('only labels GSSAPI INITIATE / READY / MESSAGE: tokens and possibly wrapped metadata, not properties', () => {
    const events = commandsFrom([command('INITIATE', Buffer.from('\u0000\u0000\u0000\u0003tok')), command('READY', Buffer.from('wrapped'))], { mechanism: 'GSSAPI' });
    assert.deepStrictEqual(
      (events as CommandEvent[]).map((event) => [event.name, event.metadata, event.problem]),
      [['INITIATE', undefined, undefined], ['READY', undefined, undefined]],
    );
  });

  it('keeps a command whole that arrives between the frames of a message over its budget', () => {
    const retainBytes = 40;
    const parts = Array.from({ length: 6 }, () => frame(1, Buffer.alloc(40, 0x61)));
    const ping = command('PING', Buffer.from([0, 100]));
    const events = commandsFrom([...parts, ping, frame(0, Buffer.from('end'))], { retainBytes });
    const pingEvent = events.find((event) => event.kind === 'command') as CommandEvent;
    assert.deepStrictEqual([pingEvent.ttl, pingEvent.problem], [100, undefined]);
    const message = events.find((event) => event.kind === 'message');
    assert.ok(message?.kind === 'message' && message.frames.length === 7 && message.frames[6].truncated);
  });

  it('reports data frames under CURVE that are not MESSAGE boxes, once', () => {
    const events = commandsFrom([V.M1, V.M1], { mechanism: 'CURVE' });
    assert.deepStrictEqual(events.map((event) => event.kind), ['error', 'message', 'message']);
    assert.match(events[0].kind === 'error' ? events[0].reason : '', /is not a CURVE MESSAGE box/);
  });
});
