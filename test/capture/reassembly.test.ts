// TCP reassembly in the importer: out-of-order segments, retransmissions and overlaps, lost
// segments (gaps, marked, decoding resumes), connections joined mid-way, resets, port reuse,
// snap-length cuts, and the bound on held out-of-order bytes.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PacketImporter } from '../../extension/capture/packetImporter';
import { MAX_HELD_PER_DIRECTION } from '../../extension/capture/tcpHalfStream';
import type { CaptureRecord } from '../../extension/capture/records';
import { prng } from '../zmtp/harness';
import { Conversation, pcapFile, readBack, reqRepConversation, reqRepMessages, reqRepStreams, type Segment } from './fixtures';

const dataSegments = (conversation: Conversation) => conversation.segments.filter((segment) => segment.payload.length > 0);

describe('capture import: TCP reassembly', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'zmqi-tcp-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const read = (name: string, segments: Segment[], conversation: Conversation, options: { snapLength?: number; zmtpPorts?: number[] } = {}) => {
    const path = join(dir, name);
    writeFileSync(path, pcapFile(conversation.packets(segments), { snapLength: options.snapLength }));
    return readBack(path, options.zmtpPorts);
  };

  it('shuffled, duplicated and overlapping segments give the stream exactly once, in order', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const conversation = reqRepConversation(12, 100);
      const random = prng(seed);
      const [handshake, rest] = [conversation.segments.slice(0, 3), conversation.segments.slice(3)];
      const mixed: Segment[] = [];
      for (const segment of rest) {
        mixed.push(segment);
        if (random() < 0.3) mixed.push({ ...segment });
        // An overlapping retransmission: the second half of the segment with the start of the next.
        if (random() < 0.2 && segment.payload.length > 10) mixed.push({ ...segment, seq: segment.seq + 5, payload: segment.payload.subarray(5) });
      }
      for (let i = mixed.length - 1; i > 0; i--) {
        // Local swaps only, as networks reorder: FINs stay behind the data they end.
        if (random() < 0.4) [mixed[i], mixed[i - 1]] = [mixed[i - 1], mixed[i]];
      }
      const back = await read(`shuffle-${seed}.pcap`, [...handshake, ...mixed], conversation);
      assert.deepEqual(back.messages.get(1), reqRepMessages(12), `seed ${seed}`);
      assert.ok(!back.events.some((event) => event.type === 'zmtp' && event.event.kind === 'error'), `seed ${seed}: no decode errors`);
    }
  });

  it('a lost segment becomes a marked gap; the messages after it are decoded', async () => {
    const conversation = reqRepConversation(30, 200);
    const c2sData = dataSegments(conversation).filter((segment) => segment.dir === 'c2s');
    const lost = c2sData[Math.floor(c2sData.length / 2)];
    const back = await read('lost.pcap', conversation.segments.filter((segment) => segment !== lost), conversation);
    const c2s = back.messages.get(1)!.c2s;
    const expected = reqRepMessages(30).c2s;
    assert.ok(c2s.length < expected.length && c2s.length >= expected.length - 3, `${c2s.length} of ${expected.length} requests decoded`);
    assert.deepEqual(c2s.slice(-5), expected.slice(-5), 'decoding resumed after the gap');
    const errors = back.events.flatMap((event) => (event.type === 'zmtp' && event.event.kind === 'error' ? [event.event] : []));
    assert.match(errors[0].reason, new RegExp(`${lost.payload.length} bytes at offsets \\d+-\\d+ are missing from the capture`));
    assert.match(errors[1].reason, /decoding resumes at offset/);
    assert.deepEqual(back.messages.get(1)!.s2c, reqRepMessages(30).s2c, 'the other direction is untouched');
  });

  it('a capture that starts mid-connection is found by its frames, marked joined, and decoded from a frame boundary', async () => {
    const conversation = reqRepConversation(40, 150);
    const data = dataSegments(conversation);
    // Drop the handshake and everything before the middle of the c2s stream (inside messages).
    const firstKept = conversation.segments.indexOf(data[Math.floor(data.length / 3)]);
    const back = await read('joined.pcap', conversation.segments.slice(firstKept), conversation);
    const open = back.events.find((event) => event.type === 'open');
    assert.ok(open, 'the connection was recognised as ZMTP without its greeting');
    assert.equal(open.peer, '10.0.0.1:40000', 'the client is told by its ephemeral port');
    const joinedNotes = back.events.filter((event) => event.type === 'zmtp' && event.event.kind === 'error' && /joined mid-stream/.test(event.event.reason));
    assert.ok(joinedNotes.length >= 1);
    const { c2s, s2c } = back.messages.get(1)!;
    assert.deepEqual(c2s.slice(-3), reqRepMessages(40).c2s.slice(-3));
    assert.deepEqual(s2c.slice(-3), reqRepMessages(40).s2c.slice(-3));
  });

  it('a reset closes the connection as reset; a new SYN on the same ports is a new connection', async () => {
    const streams = reqRepStreams(2);
    const first = new Conversation().handshake().send('c2s', streams.c2s).send('s2c', streams.s2c).rst('s2c');
    const second = new Conversation(undefined, undefined, { c2s: 777_000, s2c: 888_000 }).handshake().send('c2s', streams.c2s).send('s2c', streams.s2c).fin('c2s').fin('s2c');
    const path = join(dir, 'reuse.pcap');
    writeFileSync(path, pcapFile([...first.packets(), ...second.packets(undefined, 1_700_000_001_000)]));
    const back = await readBack(path);
    const closes = back.events.flatMap((event) => (event.type === 'close' ? [event] : []));
    assert.deepEqual(closes.map((close) => [close.conn, close.reason]), [[1, 'reset'], [2, 'end']]);
    assert.match(closes[0].detail ?? '', /server reset/);
    assert.deepEqual(back.messages.get(1), reqRepMessages(2));
    assert.deepEqual(back.messages.get(2), reqRepMessages(2));
  });

  it('packets cut by the snap length leave gaps of the missing bytes', async () => {
    const conversation = reqRepConversation(10, 1400);
    const back = await read('snap.pcap', conversation.segments, conversation, { snapLength: 14 + 20 + 20 + 600 });
    const close = back.events.find((event) => event.type === 'close');
    assert.equal(close?.type === 'close' && close.bytes.c2s, reqRepStreams(10).c2s.length, 'byte counts include what was cut');
    const lost = back.events.filter((event) => event.type === 'zmtp' && event.event.kind === 'error' && /missing from the capture/.test(event.event.reason));
    assert.ok(lost.length > 0);
  });

  it('--port decodes a server port as ZMTP although the capture starts with no greeting and few frames', async () => {
    const conversation = reqRepConversation(3);
    const data = dataSegments(conversation);
    const tail = conversation.segments.slice(conversation.segments.indexOf(data.at(-2)!));
    const unforced = await read('few.pcap', tail, conversation);
    const forced = await read('few.pcap', tail, conversation, { zmtpPorts: [5555] });
    assert.equal(forced.events.find((event) => event.type === 'open')?.type, 'open');
    assert.ok(unforced.events.length <= forced.events.length);
  });

  it('out-of-order bytes held per direction are bounded: beyond the limit the missing bytes become a gap', () => {
    const records: CaptureRecord[] = [];
    const importer = new PacketImporter({ write: (record) => records.push(record) }, { zmtpPorts: [5555] });
    const conversation = new Conversation().handshake();
    const streams = reqRepStreams(1);
    conversation.send('c2s', streams.c2s);
    // A hole of 100 bytes, then far more data than the limit: the importer must stop waiting for the hole.
    const hole = Buffer.alloc(100, 0x61);
    const bulk = Buffer.alloc(MAX_HELD_PER_DIRECTION + 2 * 65000, 0x62);
    conversation.send('c2s', hole).send('c2s', bulk, 65000);
    const segments = conversation.segments.filter((segment) => segment.payload !== conversation.segments.find((s) => s.payload.length === 100)?.payload);
    for (const { time, frame } of conversation.packets(segments)) importer.packet(1, time, frame);
    const gaps = records.filter((record) => record.type === 'gap');
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].type === 'gap' && gaps[0].bytes, 100);
    const delivered = records.reduce((sum, record) => sum + (record.type === 'data' ? record.bytes.length : 0), 0);
    assert.ok(delivered > MAX_HELD_PER_DIRECTION, 'the held bytes were delivered after the gap rather than kept');
    importer.finish();
  });
});
