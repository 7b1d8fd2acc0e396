// Reading pcap and pcapng files: every supported link type, IPv4 and IPv6, both byte orders,
// micro- and nanosecond pcap, pcapng timestamp resolutions, skipped block types, gzip.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LINK_TYPE_NUMBERS, pcapFile, pcapngFile, readBack, reframe, reqRepConversation, reqRepMessages, Conversation, reqRepStreams, type LinkType } from './fixtures';

describe('capture import: pcap and pcapng files', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'zmqi-pcap-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  for (const link of Object.keys(LINK_TYPE_NUMBERS) as LinkType[]) {
    it(`link type ${link} (${LINK_TYPE_NUMBERS[link]}): the REQ/REP conversation decodes whole`, async () => {
      const conversation = reqRepConversation(6);
      const packets = conversation.packets().map(({ time, frame }) => ({ time, frame: reframe(frame, link) }));
      const linkType = link === 'ipv4' ? LINK_TYPE_NUMBERS.ipv4 : LINK_TYPE_NUMBERS[link];
      const read = await readBack(write(`${link}.pcap`, pcapFile(packets, { linkType })));
      assert.deepEqual(read.warnings, []);
      assert.deepEqual(read.messages.get(1), reqRepMessages(6));
      const open = read.events.find((event) => event.type === 'open');
      assert.deepEqual(open && { peer: open.peer, target: open.target }, { peer: '10.0.0.1:40000', target: 'tcp://10.0.0.2:5555' });
      const close = read.events.find((event) => event.type === 'close');
      assert.equal(close?.type === 'close' && close.reason, 'end');
    });
  }

  it('IPv6 over Ethernet, SLL2 and BSD null: addresses in RFC 5952 form', async () => {
    const streams = reqRepStreams(3);
    const conversation = new Conversation({ ip: 'fd00::1', port: 41000 }, { ip: 'fd00::2', port: 5556 }).handshake().send('c2s', streams.c2s).send('s2c', streams.s2c).fin('c2s').fin('s2c');
    for (const link of ['ethernet', 'sll2', 'null', 'ipv6'] as LinkType[]) {
      const packets = conversation.packets().map(({ time, frame }) => ({ time, frame: reframe(frame, link) }));
      const read = await readBack(write(`v6-${link}.pcap`, pcapFile(packets, { linkType: LINK_TYPE_NUMBERS[link] })));
      assert.deepEqual(read.messages.get(1), reqRepMessages(3), link);
      const open = read.events.find((event) => event.type === 'open');
      assert.equal(open?.type === 'open' && open.peer, '[fd00::1]:41000');
      assert.equal(open?.type === 'open' && open.target, 'tcp://[fd00::2]:5556');
    }
  });

  it('big-endian and nanosecond pcap files keep the packet times', async () => {
    const packets = reqRepConversation(2).packets(undefined, 1_700_000_000_123.456);
    for (const options of [{ bigEndian: true }, { nanoseconds: true }, { bigEndian: true, nanoseconds: true }]) {
      const read = await readBack(write('order.pcap', pcapFile(packets, options)));
      assert.deepEqual(read.messages.get(1), reqRepMessages(2), JSON.stringify(options));
      const open = read.events.find((event) => event.type === 'open')!;
      assert.ok(Math.abs(open.time - 1_700_000_000_123.456) < 0.002, `open at ${open.time} (${JSON.stringify(options)})`);
    }
  });

  it('pcapng: both byte orders, timestamp resolutions, unknown blocks skipped, simple packet blocks', async () => {
    const packets = reqRepConversation(4).packets(undefined, 1_700_000_000_500);
    const variants = [{}, { bigEndian: true }, { tsresol: 9 }, { tsresol: 0x80 | 20 }, { noise: true }, { simplePackets: true }];
    for (const options of variants) {
      const read = await readBack(write('v.pcapng', pcapngFile(packets, options)));
      assert.deepEqual(read.messages.get(1), reqRepMessages(4), JSON.stringify(options));
      if (!('simplePackets' in options)) {
        const open = read.events.find((event) => event.type === 'open')!;
        assert.ok(Math.abs(open.time - 1_700_000_000_500) < 0.01, `open at ${open.time} with ${JSON.stringify(options)}`);
      }
    }
  });

  it('gzip-compressed pcap and pcapng files are read as the plain ones', async () => {
    const packets = reqRepConversation(5).packets();
    for (const [name, bytes] of [['c.pcap.gz', pcapFile(packets)], ['c.pcapng.gz', pcapngFile(packets)]] as const) {
      const read = await readBack(write(name, gzipSync(bytes)));
      assert.deepEqual(read.messages.get(1), reqRepMessages(5), name);
    }
  });

  it('non-ZMTP TCP connections and non-TCP packets are left out, and said so when nothing is ZMTP', async () => {
    const http = new Conversation({ ip: '10.0.0.1', port: 40001 }, { ip: '10.0.0.3', port: 80 })
      .handshake().send('c2s', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')).send('s2c', Buffer.from('HTTP/1.1 200 OK\r\n\r\n')).fin('c2s').fin('s2c');
    const zmtp = reqRepConversation(2);
    const udp = Buffer.from(http.packets()[0].frame);
    udp[14 + 9] = 17; // protocol UDP
    const mixed = [...http.packets(), { time: 1_700_000_000_100, frame: udp }, ...zmtp.packets(undefined, 1_700_000_001_000)];
    const read = await readBack(write('mixed.pcap', pcapFile(mixed)));
    assert.deepEqual([...read.messages.keys()], [1]);
    assert.deepEqual(read.messages.get(1), reqRepMessages(2));
    const onlyHttp = await readBack(write('http.pcap', pcapFile(http.packets())));
    assert.equal(onlyHttp.events.length, 0);
    assert.match(onlyHttp.warnings.join('\n'), /no ZMTP connection found among 1 TCP connection.*--port N/);
  });

  it('an unsupported link type is named in a warning with the supported ones', async () => {
    const packets = reqRepConversation(1).packets();
    const read = await readBack(write('wifi.pcap', pcapFile(packets, { linkType: 105 })));
    assert.equal(read.events.length, 0);
    assert.match(read.warnings[0], /link type 105 are skipped: zmq-inspector reads Ethernet \(1\), Linux cooked SLL \(113\)/);
  });
});
