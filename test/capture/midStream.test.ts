// The decoder's capture entry points: joining a stream mid-way, gaps, and the end of a stream that
// is still being searched. Streams are built from the grammar (test/zmtp/streams.ts).
import { strict as assert } from 'node:assert';
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import { FrameSync } from '../../extension/zmtp/frameSync';
import type { Direction, ZmtpEvent } from '../../extension/zmtp/types';
import { command, greeting3, message, metadata } from '../zmtp/streams';

function decoder(): { decoder: ConnectionDecoder; events: Record<Direction, ZmtpEvent[]> } {
  const events: Record<Direction, ZmtpEvent[]> = { c2s: [], s2c: [] };
  return { decoder: new ConnectionDecoder((dir, event) => events[dir].push(event)), events };
}

const texts = (events: ZmtpEvent[]) => events.flatMap((e) => (e.kind === 'message' ? [e.frames.map((f) => Buffer.from(f.body).toString('latin1')).join('|')] : []));
const errors = (events: ZmtpEvent[]) => events.flatMap((e) => (e.kind === 'error' ? [e] : []));

/** A PUSH stream: greeting, READY, then `count` two-frame messages "key-i|value-i". */
function pushStream(count: number): { bytes: Buffer; messageStarts: number[] } {
  const head = Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PUSH']]))]);
  const parts: Buffer[] = [head];
  const messageStarts: number[] = [];
  let at = head.length;
  for (let i = 0; i < count; i++) {
    const one = message(`key-${i}`, `value-${i}`);
    messageStarts.push(at);
    parts.push(one);
    at += one.length;
  }
  return { bytes: Buffer.concat(parts), messageStarts };
}

describe('decoder joined mid-stream (capture entry points)', () => {
  it('a stream joined at a message boundary decodes every following message, marked as joined', () => {
    const { bytes, messageStarts } = pushStream(20);
    const { decoder: d, events } = decoder();
    d.joinMidStream('c2s');
    const from = messageStarts[5];
    d.push('c2s', bytes.subarray(from));
    d.end('c2s');
    assert.deepEqual(texts(events.c2s), Array.from({ length: 15 }, (_, i) => `key-${i + 5}|value-${i + 5}`));
    const [note] = errors(events.c2s);
    assert.equal(note.fatal, false);
    assert.equal(note.offset, 0);
    assert.match(note.reason, /joined mid-stream.*offset 0.*ZMTP 3\.x/);
    assert.equal(d.receivedBytes('c2s'), bytes.length - from);
    assert.equal(d.decodedBytes('c2s'), bytes.length - from);
  });

  it('joined inside a frame body, it passes over the partial bytes and says how many', () => {
    const { bytes, messageStarts } = pushStream(20);
    const { decoder: d, events } = decoder();
    d.joinMidStream('c2s');
    // Three bytes into message 3: inside its first frame ("key-3").
    const from = messageStarts[3] + 3;
    for (let at = from; at < bytes.length; at += 7) d.push('c2s', bytes.subarray(at, Math.min(at + 7, bytes.length)));
    const decoded = texts(events.c2s);
    assert.equal(decoded.at(-1), 'key-19|value-19');
    assert.ok(decoded.length >= 15, `decoded only ${decoded.length} messages`);
    const [note] = errors(events.c2s);
    assert.match(note.reason, /passing over \d+ bytes/);
    assert.ok(note.offset > 0 && note.offset <= messageStarts[4] - from);
  });

  it('a joined stream that begins with its greeting is decoded as usual, with no mark', () => {
    const { bytes } = pushStream(3);
    const { decoder: d, events } = decoder();
    d.joinMidStream('c2s');
    d.joinMidStream('s2c');
    d.push('s2c', Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PULL']]))]));
    for (let at = 0; at < bytes.length; at += 5) d.push('c2s', bytes.subarray(at, at + 5));
    assert.deepEqual(errors(events.c2s), []);
    assert.equal(events.c2s[0].kind, 'greeting');
    assert.deepEqual(texts(events.c2s), ['key-0|value-0', 'key-1|value-1', 'key-2|value-2']);
  });

  it('the other side, which has its greeting, negotiates against the assumed ZMTP 3.1 of a joined side', () => {
    const { bytes, messageStarts } = pushStream(10);
    const { decoder: d, events } = decoder();
    d.joinMidStream('c2s');
    // s2c's greeting must wait for c2s's facts; they come when c2s is joined.
    d.push('s2c', Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PULL']]))]));
    assert.equal(events.s2c.length, 0);
    d.push('c2s', bytes.subarray(messageStarts[2]));
    assert.equal(events.s2c[0].kind, 'greeting');
    assert.equal(events.s2c[1].kind, 'command');
    assert.equal(texts(events.c2s).length, 8);
  });

  it('a gap drops the message in progress, is marked with its offsets, and decoding resumes at the next frames', () => {
    const { bytes, messageStarts } = pushStream(30);
    const { decoder: d, events } = decoder();
    d.push('s2c', Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PULL']]))]));
    const lostFrom = messageStarts[10] + 4;
    const lostTo = messageStarts[12] + 2;
    d.push('c2s', bytes.subarray(0, lostFrom));
    d.gap('c2s', lostTo - lostFrom);
    d.push('c2s', bytes.subarray(lostTo));
    const decoded = texts(events.c2s);
    assert.deepEqual(decoded.slice(0, 10), Array.from({ length: 10 }, (_, i) => `key-${i}|value-${i}`));
    assert.equal(decoded.at(-1), 'key-29|value-29');
    assert.ok(!decoded.some((text) => text.startsWith('key-10|') || text.startsWith('key-11|')), 'messages 10 and 11 were in the gap');
    const [lost, resumed] = errors(events.c2s);
    assert.equal(lost.offset, lostFrom);
    assert.match(lost.reason, new RegExp(`${lostTo - lostFrom} bytes at offsets ${lostFrom}-${lostTo - 1} are missing`));
    assert.match(resumed.reason, /decoding resumes at offset \d+/);
    assert.ok(resumed.offset >= lostTo);
    assert.equal(d.receivedBytes('c2s'), bytes.length, 'stream offsets count the lost bytes');
    const lastMessage = events.c2s.filter((e) => e.kind === 'message').at(-1)!;
    assert.equal(lastMessage.offset, messageStarts[29], 'offsets after the gap are true stream offsets');
  });

  it('a short joined stream settles at end(): frames that end exactly at the last byte are decoded', () => {
    const { bytes, messageStarts } = pushStream(3);
    const { decoder: d, events } = decoder();
    d.joinMidStream('c2s');
    d.push('c2s', bytes.subarray(messageStarts[2]));
    assert.deepEqual(texts(events.c2s), [], 'one message of two frames is not enough to confirm a boundary');
    d.end('c2s');
    assert.deepEqual(texts(events.c2s), ['key-2|value-2']);
    assert.match(errors(events.c2s)[0].reason, /too few frames followed to confirm it/);
  });

  it('bytes with no plausible boundary are counted, not decoded, and said so at end()', () => {
    const { decoder: d, events } = decoder();
    d.joinMidStream('c2s');
    d.push('c2s', Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n'));
    d.end('c2s');
    assert.equal(texts(events.c2s).length, 0);
    const [note] = errors(events.c2s);
    assert.equal(note.fatal, false);
    assert.match(note.reason, /no plausible ZMTP frame boundary/);
  });

  it('zero-filled payloads do not confirm a false boundary: empty frames are no evidence', () => {
    const sync = new FrameSync(0);
    assert.equal(sync.push(Buffer.alloc(10_000)), false);
    assert.equal(sync.heldBytes() <= 10_000, true);
  });

  it('holds at most MAX_SYNC_BYTES while looking, whatever arrives', () => {
    const sync = new FrameSync(0, true, 4096);
    // A plausible header announcing a long body: the walk waits inside it until the limit.
    const header = Buffer.from([0x02, 0, 0, 0, 0, 0, 0, 0x40, 0]);
    sync.push(header);
    for (let i = 0; i < 100 && sync.result === undefined; i++) sync.push(Buffer.alloc(1000, 0x61));
    assert.ok(sync.result !== undefined);
    assert.equal(sync.result.confirmed, false);
  });
});
