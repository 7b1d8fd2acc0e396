// Framing: sizes, zero-copy views, bounded memory for huge or endless frames and messages, and
// what happens to streams that cannot be ZMTP.
import { strict as assert } from 'node:assert';
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import { MAX_LISTED_FRAMES, MESSAGE_RETAIN_FACTOR } from '../../extension/zmtp/limits';
import type { CommandEvent, Direction, ErrorLikeEvent, MessageEvent, ZmtpEvent } from './eventTypes';
import { V } from '../support/vectors';
import { allFeedings, conversation, decode, feedingName, h, plain } from './harness';
import { command, frame, FLAGS_MORE, greeting3, hex, metadata } from './streams';

const REQ_START = [V.G1, V.R1];
const REP_START = [V.G1, V.R2];
const DATA_AT = 104; // after G1 and R1

function recorder(options?: ConstructorParameters<typeof ConnectionDecoder>[1]) {
  const events: Record<Direction, ZmtpEvent[]> = { c2s: [], s2c: [] };
  const decoder = new ConnectionDecoder((dir, event) => events[dir].push(event), options);
  decoder.push('s2c', hex(REP_START.join('')));
  decoder.push('c2s', hex(REQ_START.join('')));
  events.c2s.length = 0;
  return { decoder, events: events.c2s, both: events };
}

const ofKind = <K extends ZmtpEvent['kind']>(events: ZmtpEvent[], kind: K) => events.filter((event) => event.kind === kind) as Extract<ZmtpEvent, { kind: K }>[];

describe('decoder: framing', () => {
  it('accepts a non-canonical long size for a small body', () => {
    const { decoder, events } = recorder();
    decoder.push('c2s', hex('02 00 00 00 00 00 00 00 05 48 65 6c 6c 6f'));
    assert.deepStrictEqual(plain(events), [
      { kind: 'message', offset: DATA_AT, size: 5, frames: [{ offset: DATA_AT, flags: 2, more: false, size: 5, body: h('48656c6c6f'), truncated: false }] },
    ]);
  });

  it('gives frame bodies as views on the pushed chunk when the frame lies in it whole', () => {
    const { decoder, events } = recorder();
    const chunk = Buffer.concat([frame(0, Buffer.from('first')), frame(0, Buffer.from('second'))]);
    decoder.push('c2s', chunk);
    const bodies = ofKind(events, 'message').map((message) => message.frames[0].body);
    assert.equal(bodies.length, 2);
    for (const body of bodies) assert.equal(body.buffer, chunk.buffer, 'body shares the chunk memory');
    assert.equal(bodies[1].byteOffset, chunk.byteOffset + 2 + 5 + 2);
  });

  it('a frame declaring 1 GiB keeps at most retainBytes, allocates nothing before its bytes, and completes', () => {
    const { decoder, events } = recorder();
    const gib = 2 ** 30;
    const header = Buffer.alloc(9);
    header[0] = 0x02;
    header.writeBigUInt64BE(BigInt(gib), 1);
    decoder.push('c2s', header);
    assert.equal(decoder.retainedBytes('c2s'), 0, 'nothing held after the header alone');
    const piece = Buffer.alloc(64 * 1024, 0x5a);
    let mostHeld = 0;
    for (let sent = 0; sent < gib; sent += piece.length) {
      decoder.push('c2s', piece);
      mostHeld = Math.max(mostHeld, decoder.retainedBytes('c2s'));
      if (sent < 4 * piece.length) assert.equal(events.length, 0, 'no event before the frame is complete');
    }
    assert.equal(mostHeld, 1024 * 1024, 'the default retainBytes (1 MiB) and no more');
    assert.equal(decoder.retainedBytes('c2s'), 0, 'released once the frame is complete');
    const [message] = ofKind(events, 'message');
    assert.equal(message.size, gib);
    assert.equal(message.frames[0].body.length, 1024 * 1024);
    assert.equal(message.frames[0].truncated, true);
    assert.ok(message.frames[0].body.every((byte) => byte === 0x5a));
    assert.equal(decoder.decodedBytes('c2s'), DATA_AT + 9 + gib);
  });

  it('honours a small retainBytes for frames that lie whole in a chunk and for frames spread over chunks', () => {
    for (const feeding of allFeedings(10)) {
      const body = Buffer.from('abcdefghijklmnopqrstuvwxyz');
      const decoded = decode(conversation([...REQ_START, frame(0, body)], REP_START), feeding, { retainBytes: 10 });
      const [message] = ofKind(decoded.c2s, 'message');
      assert.deepStrictEqual(plain(message.frames), [{ offset: DATA_AT, flags: 0, more: false, size: 26, body: h('6162636465666768696a'), truncated: true }], feedingName(feeding));
    }
  });

  it('lists at most MAX_LISTED_FRAMES frames of a message and bounds the bytes a message keeps', () => {
    const retainBytes = 100;
    const { decoder, events } = recorder({ retainBytes });
    const frameCount = MAX_LISTED_FRAMES + 50;
    const parts: Buffer[] = [];
    for (let i = 0; i < frameCount; i++) parts.push(frame(i < frameCount - 1 ? FLAGS_MORE : 0, Buffer.alloc(60, i & 0xff)));
    let mostHeld = 0;
    for (const part of parts) {
      decoder.push('c2s', part);
      mostHeld = Math.max(mostHeld, decoder.retainedBytes('c2s'));
    }
    assert.ok(mostHeld <= retainBytes * MESSAGE_RETAIN_FACTOR + retainBytes, `held ${mostHeld} bytes`);
    const [message] = ofKind(events, 'message') as MessageEvent[];
    assert.equal(message.frames.length, MAX_LISTED_FRAMES);
    assert.equal(message.omittedFrames, 50);
    assert.equal(message.size, frameCount * 60);
    const kept = message.frames.reduce((sum, f) => sum + f.body.length, 0);
    assert.equal(kept, retainBytes * MESSAGE_RETAIN_FACTOR, 'bodies kept up to the message budget');
    assert.equal(message.frames[MAX_LISTED_FRAMES - 1].truncated, true);
  });

  it('stops at a size of 2^63 + 1 with a fatal error that says why, then only counts bytes', () => {
    const { decoder, events } = recorder();
    decoder.push('c2s', hex('02 80 00 00 00 00 00 00 01'));
    decoder.push('c2s', hex(V.M1));
    const errors = ofKind(events, 'error') as ErrorLikeEvent[];
    assert.equal(errors.length, 1);
    assert.equal(errors[0].fatal, true);
    assert.equal(errors[0].offset, DATA_AT);
    assert.match(errors[0].reason, /frame at offset 104 declares size 9223372036854775809, 2\^63 or more, larger than ZMTP allows/);
    assert.match(errors[0].reason, /decoding stops for this direction, bytes are still forwarded/);
    assert.equal(events.length, 1, 'nothing after the fatal error');
    assert.equal(decoder.isRaw('c2s'), true);
    assert.equal(decoder.isRaw('s2c'), false);
    assert.equal(decoder.decodedBytes('c2s'), DATA_AT);
    assert.equal(decoder.receivedBytes('c2s'), DATA_AT + 9 + 7);
  });

  it('stops at a ZMTP 1.0 frame of length 0', () => {
    const decoded = decode(conversation(['01 00', '00 00 41'], [h(V.G1).slice(0, 20)]));
    const errors = ofKind(decoded.c2s, 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].fatal, true);
    assert.match(errors[0].reason, /frame at offset 2 has length 0, but ZMTP 1.0 lengths count the flags byte/);
  });

  it('reports reserved flag bits once, as a non-fatal error, and still decodes the frames', () => {
    const { decoder, events } = recorder();
    decoder.push('c2s', hex('10 01 61  10 01 62'));
    assert.deepStrictEqual(
      events.map((event) => event.kind),
      ['error', 'message', 'message'],
    );
    const [error] = ofKind(events, 'error');
    assert.equal(error.fatal, false);
    assert.match(error.reason, /reserved flag bits set \(flags 0x10\)/);
  });

  it('reports a command frame with MORE set as a problem of that command', () => {
    const { decoder, events } = recorder();
    decoder.push('c2s', hex('05 05 04 50 4f 4e 47'));
    const [pong] = ofKind(events, 'command') as CommandEvent[];
    assert.equal(pong.name, 'PONG');
    assert.match(pong.problem ?? '', /MORE flag set/);
  });

  it('emits frame events before the message, command and greeting they belong to when emitFrames is on', () => {
    const decoded = decode(conversation([V.G1, V.R1, V.M2], REP_START), 'whole', { emitFrames: true });
    assert.deepStrictEqual(decoded.c2s.map((event) => event.kind), ['greeting', 'frame', 'command', 'frame', 'frame', 'message']);
    const z2 = decode(conversation([V.Z2, V.M1], [V.Z2b]), 'whole', { emitFrames: true });
    assert.deepStrictEqual(z2.c2s.map((event) => event.kind), ['greeting', 'frame', 'frame', 'message']);
  });

  it('does not allocate anything near a declared size for many frames that never complete', () => {
    const { decoder } = recorder({ retainBytes: 1024 * 1024 });
    // A long header declaring 512 MiB, then 3 bytes: the copy buffer is bounded by retainBytes.
    decoder.push('c2s', hex('02 00 00 00 00 20 00 00 00 61 62 63'));
    assert.ok(decoder.retainedBytes('c2s') <= 1024 * 1024);
  });
});

describe('decoder: legacy subscriptions', () => {
  const xsubReady = command('READY', metadata([['Socket-Type', 'XSUB']]));
  const xpubReady = command('READY', metadata([['Socket-Type', 'XPUB']]));

  it('turns 01/00 data frames from an XSUB into SUBSCRIBE/CANCEL commands, even to a 3.1 peer', () => {
    for (const feeding of allFeedings(10)) {
      const decoded = decode(conversation([V.G1, xsubReady, V.S3, V.S4, message('x')], [V.G1, xpubReady]), feeding);
      const kinds = decoded.c2s.map((event) => (event.kind === 'command' ? `${event.name}${event.legacy ? ' legacy' : ''}` : event.kind));
      assert.deepStrictEqual(kinds, ['greeting', 'READY', 'SUBSCRIBE legacy', 'CANCEL legacy', 'message'], feedingName(feeding));
    }
  });

  it('recognises them by the receiver when the sender did not say its type (towards a PUB)', () => {
    const c2s: ZmtpEvent[] = [];
    const decoder = new ConnectionDecoder((dir, event) => dir === 'c2s' && c2s.push(event));
    // The PUB's READY arrives first; it waits for the c2s greeting and is decoded before c2s's frames.
    decoder.push('s2c', Buffer.concat([hex(V.G1), command('READY', metadata([['Socket-Type', 'PUB']]))]));
    decoder.push('c2s', hex(V.G1 + V.S3));
    const [subscribe] = ofKind(c2s, 'command') as CommandEvent[];
    assert.equal(subscribe.legacy, true);
    assert.equal(Buffer.from(subscribe.topic ?? []).toString(), '10001');
  });

  it('leaves 01/00 data frames alone between sockets that do not subscribe', () => {
    const decoded = decode(conversation([V.G1, V.R1, V.S3], REP_START));
    assert.deepStrictEqual(decoded.c2s.map((event) => event.kind), ['greeting', 'command', 'message']);
  });

  it("decodes libzmq's long-size encoding of a 255-byte topic as a subscription with a problem", () => {
    const topic = Buffer.alloc(255, 0x74);
    const buggy = Buffer.concat([hex('00 00 00 00 00 00 00 01 00 01'), topic]);
    const subReady = command('READY', metadata([['Socket-Type', 'SUB']]));
    for (const feeding of allFeedings(20)) {
      const decoded = decode(conversation([V.G1, subReady, buggy, V.S3], [greeting3({ minor: 0 }), xpubReady]), feeding);
      const commands = ofKind(decoded.c2s, 'command') as CommandEvent[];
      assert.deepStrictEqual(commands.map((c) => c.name), ['READY', 'SUBSCRIBE', 'SUBSCRIBE'], feedingName(feeding));
      assert.equal(commands[1].size, 256);
      assert.equal(commands[1].topic?.length, 255);
      assert.match(commands[1].problem ?? '', /libzmq 4.3.5 encodes 255-byte topics/);
      assert.equal(commands[2].offset, 91 + 9 + 256, 'framing continues after it');
    }
  });

  it('does not mistake an empty data frame from a SUB for that encoding', () => {
    const subReady = command('READY', metadata([['Socket-Type', 'SUB']]));
    for (const feeding of allFeedings(20)) {
      const decoded = decode(conversation([V.G1, subReady, '00 00', V.S3, '00 00'], [V.G1, xpubReady]), feeding);
      const kinds = decoded.c2s.slice(2).map((event) => (event.kind === 'command' ? event.name : event.kind));
      // The trailing empty frame waits for the bytes that would tell the two apart.
      assert.deepStrictEqual(kinds, ['message', 'SUBSCRIBE'], feedingName(feeding));
    }
  });
});

function message(text: string): Buffer {
  return frame(0, Buffer.from(text));
}
