// Version detection as libzmq does it (reference §1.2), waiting for the other side, and misuse.
import { strict as assert } from 'node:assert';
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import { MAX_WAITING_BYTES } from '../../extension/zmtp/limits';
import type { Direction, ZmtpEvent } from './eventTypes';
import { V } from '../support/vectors';
import { allFeedings, conversation, decode, feedingName, h, plain } from './harness';
import { frame10, greeting3, hex } from './streams';

const LIBZMQ_SIGNATURE = h(V.G1).slice(0, 20);
const kinds = (events: ZmtpEvent[]) => events.map((event) => event.kind);

describe('decoder: greeting and versions', () => {
  it('shows each 3.x side with the minor version it sent', () => {
    for (const feeding of allFeedings(10)) {
      const decoded = decode(conversation([greeting3({ minor: 0 })], [greeting3({ minor: 1 })]), feeding);
      assert.deepStrictEqual(decoded.decoder.peer('c2s').version, '3.0', feedingName(feeding));
      assert.deepStrictEqual(decoded.decoder.peer('s2c').version, '3.1', feedingName(feeding));
    }
  });

  it('accepts a higher major version with the 3.x greeting and framing', () => {
    const future = greeting3();
    future[10] = 4;
    future[11] = 2;
    const decoded = decode(conversation([future, V.M1], [V.G1]));
    assert.deepStrictEqual(plain(decoded.c2s[0]), { kind: 'greeting', offset: 0, version: '4.2', mechanism: 'NULL', asServer: false, length: 64 });
    assert.equal(decoded.c2s[1].kind, 'message');
  });

  it('takes revision 0 as a 12-byte greeting followed by ZMTP 1.0 framing on both sides', () => {
    for (const feeding of allFeedings(10)) {
      const decoded = decode(
        conversation(['ff 00 00 00 00 00 00 00 01 7f 00 03', frame10(0, Buffer.alloc(0)), frame10(0, Buffer.from('Hello'))], ['ff 00 00 00 00 00 00 00 01 7f 03 04', frame10(0, Buffer.alloc(0))]),
        feeding,
      );
      assert.deepStrictEqual(plain(decoded.c2s), [
        { kind: 'greeting', offset: 0, version: '1.0', mechanism: 'NULL', asServer: false, length: 12, socketType: 'REQ', identity: '' },
        { kind: 'message', offset: 14, size: 5, frames: [{ offset: 14, flags: 0, more: false, size: 5, body: h('48656c6c6f'), truncated: false }] },
      ], feedingName(feeding));
      assert.deepStrictEqual(plain(decoded.s2c), [{ kind: 'greeting', offset: 0, version: '1.0', mechanism: 'NULL', asServer: false, length: 12, socketType: 'REP', identity: '' }]);
    }
  });

  it('takes an FF whose byte 9 has bit 0 clear as an unversioned peer with a long identity frame', () => {
    const identity = Buffer.alloc(256, 0x69);
    for (const feeding of allFeedings(10)) {
      const decoded = decode(conversation([frame10(0, identity), frame10(0, Buffer.from('Hello'))], [LIBZMQ_SIGNATURE, frame10(0, Buffer.from('World'))]), feeding);
      assert.deepStrictEqual(kinds(decoded.c2s), ['greeting', 'message'], feedingName(feeding));
      const greeting = decoded.c2s[0];
      assert.ok(greeting.kind === 'greeting' && greeting.version === '1.0' && greeting.length === 0);
      assert.equal(greeting.identity?.length, 256);
      assert.deepStrictEqual(kinds(decoded.s2c), ['greeting', 'message']);
      assert.equal(decoded.decoder.peer('s2c').version, '1.0');
    }
  });

  it('waits at byte 10 and at byte 12 for the other side, then decodes what waited', () => {
    const events: Record<Direction, ZmtpEvent[]> = { c2s: [], s2c: [] };
    const decoder = new ConnectionDecoder((dir, event) => events[dir].push(event));
    const c2s = hex(V.G1 + V.R1 + V.M2);
    decoder.push('c2s', c2s);
    assert.equal(events.c2s.length, 0, 'nothing decoded before the other side shows its signature');
    assert.equal(decoder.decodedBytes('c2s'), 10);
    assert.ok(decoder.retainedBytes('c2s') > 0, 'the rest is held');
    decoder.push('s2c', hex(V.G1).subarray(0, 10));
    assert.equal(events.c2s.length, 0, 'nothing decoded before the other side shows its revision');
    assert.equal(decoder.decodedBytes('c2s'), 12);
    decoder.push('s2c', hex(V.G1).subarray(10, 11));
    assert.deepStrictEqual(kinds(events.c2s), ['greeting', 'command', 'message']);
    assert.equal(decoder.decodedBytes('c2s'), c2s.length);
    assert.equal(decoder.retainedBytes('c2s'), 0);
  });

  it('stops a side that sends more than the waiting bound before the other side says anything', () => {
    const events: ZmtpEvent[] = [];
    const decoder = new ConnectionDecoder((dir, event) => dir === 'c2s' && events.push(event));
    decoder.push('c2s', hex(V.G1));
    const piece = Buffer.alloc(4096);
    for (let sent = 0; sent <= MAX_WAITING_BYTES; sent += piece.length) decoder.push('c2s', piece);
    assert.equal(events.length, 1);
    const [error] = events;
    assert.ok(error.kind === 'error' && error.fatal);
    assert.match(error.reason, new RegExp(`more than ${MAX_WAITING_BYTES} bytes before the other direction showed its ZMTP version`));
    assert.equal(decoder.isRaw('c2s'), true);
    assert.equal(decoder.retainedBytes('c2s'), 0, 'the waiting bytes are released');
  });

  it('reports a mechanism that is not an ASCII name and as-server with NULL, and goes on', () => {
    const odd = greeting3({ mechanism: 'nu\u0001l', asServer: true });
    const decoded = decode(conversation([odd, V.M1], [V.G1]));
    assert.deepStrictEqual(kinds(decoded.c2s), ['greeting', 'error', 'message']);
    const error = decoded.c2s[1];
    assert.ok(error.kind === 'error' && !error.fatal);
    assert.match(error.reason, /mechanism "nu\\x01l" is not an upper-case ASCII name/);
    const nullServer = decode(conversation([greeting3({ asServer: true })], [V.G1]));
    assert.match(nullServer.c2s[1].kind === 'error' ? nullServer.c2s[1].reason : '', /as-server with the NULL mechanism/);
  });

  it('reports a ZMTP 2.0 identity frame with MORE set', () => {
    const decoded = decode(conversation(['ff 00 00 00 00 00 00 00 01 7f 01 03 01 00', V.M1], [V.Z2b]));
    assert.deepStrictEqual(kinds(decoded.c2s), ['greeting', 'error', 'message']);
    assert.match(decoded.c2s[1].kind === 'error' ? decoded.c2s[1].reason : '', /identity frame at offset 12 has the MORE flag set/);
  });
});

describe('decoder: robustness of the API', () => {
  it('never lets an exception out of push: a throwing listener stops that direction with an error event', () => {
    const seen: ZmtpEvent[] = [];
    const decoder = new ConnectionDecoder((_dir, event) => {
      seen.push(event);
      if (event.kind === 'command') throw new Error('listener bug');
    });
    decoder.push('s2c', hex(V.G1));
    assert.doesNotThrow(() => decoder.push('c2s', hex(V.G1 + V.R1 + V.M2)));
    assert.deepStrictEqual(kinds(seen), ['greeting', 'greeting', 'command', 'error']);
    const error = seen[3];
    assert.ok(error.kind === 'error' && error.fatal);
    assert.match(error.reason, /the decoder or its event listener threw "listener bug"/);
    assert.equal(decoder.isRaw('c2s'), true);
  });

  it('accepts Uint8Array chunks and says clearly what is wrong with bad arguments', () => {
    const events: ZmtpEvent[] = [];
    const decoder = new ConnectionDecoder((_dir, event) => events.push(event));
    decoder.push('s2c', new Uint8Array(hex(V.G1)) as Buffer);
    decoder.push('c2s', new Uint8Array(hex(V.G1)) as Buffer);
    assert.equal(events.length, 2);
    assert.throws(() => decoder.push('up' as Direction, Buffer.alloc(1)), { name: 'TypeError', message: /direction must be 'c2s' or 's2c', got "up"/ });
    assert.throws(() => decoder.push('c2s', 'text' as unknown as Buffer), { name: 'TypeError', message: /chunk must be a Buffer, got string/ });
    assert.throws(() => new ConnectionDecoder(() => {}, { retainBytes: -1 }), { name: 'RangeError', message: /retainBytes must be a whole number of bytes >= 0/ });
    assert.throws(() => new ConnectionDecoder(undefined as never), { name: 'TypeError', message: /must be a function/ });
  });
});
