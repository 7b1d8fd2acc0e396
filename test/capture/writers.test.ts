// Saving: the in-memory CaptureBuffer (bounded, consistent snapshots), JSON Lines line splitting and
// gzip, pcapng stand-in addresses for ipc/IPv6/host names checked with tshark, and the bound on
// bytes waiting for a disk that does not keep up.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, openSync, closeSync, constants, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileWriter, MAX_PENDING_BYTES, writeCaptureFile } from '../../extension/capture/captureFile';
import { MAX_DATA_PER_LINE } from '../../extension/capture/jsonlWriter';
import { readCapture } from '../../extension/capture/readCapture';
import { CaptureBuffer } from '../../extension/capture/recorder';
import type { CaptureRecord } from '../../extension/capture/records';
import { readBack, reqRepMessages, reqRepStreams } from './fixtures';
import { tshark, tsharkStream } from './tools';

/** One REQ/REP connection as records: open, the streams in pieces of `piece` bytes, close. */
function connectionRecords(conn: number, peer: string, target: string, piece = 64, count = 10, reason: 'end' | 'reset' = 'end'): CaptureRecord[] {
  const streams = reqRepStreams(count);
  const records: CaptureRecord[] = [{ type: 'open', time: 1000 + conn, conn, peer, listen: 'tcp://127.0.0.1:7000', target }];
  for (const dir of ['c2s', 's2c'] as const) {
    for (let at = 0; at < streams[dir].length; at += piece) records.push({ type: 'data', time: 2000 + at, conn, dir, bytes: streams[dir].subarray(at, at + piece) });
  }
  records.push({ type: 'close', time: 9000, conn, reason, ...(reason === 'reset' ? { detail: 'the server reset the connection' } : {}), bytes: { c2s: streams.c2s.length, s2c: streams.s2c.length } });
  return records;
}

describe('capture saving: buffer, JSON Lines, pcapng, disk back-pressure', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'zmqi-save-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('CaptureBuffer keeps the newest records within its budget; a connection whose start was dropped reopens as joined', async () => {
    const records = connectionRecords(1, '127.0.0.1:40000', 'tcp://127.0.0.1:6000', 40, 60);
    const total = records.reduce((sum, record) => sum + 100 + (record.type === 'data' ? record.bytes.length : 0), 0);
    const buffer = new CaptureBuffer(Math.floor(total / 3));
    buffer.write({ type: 'source', source: { id: 's', name: 'test', listen: 'tcp://127.0.0.1:7000', target: 'tcp://127.0.0.1:6000' } });
    records.forEach((record) => buffer.write(record));
    assert.ok(buffer.retainedBytes <= total / 3);
    const snapshot = buffer.snapshot();
    assert.equal(snapshot[0].type, 'source');
    assert.equal(snapshot[1].type, 'open');
    assert.equal(snapshot[1].type === 'open' && snapshot[1].joined, true);
    const path = join(dir, 'buffer.jsonl');
    await writeCaptureFile(path, snapshot);
    const back = await readBack(path);
    const joined = back.events.filter((event) => event.type === 'zmtp' && event.event.kind === 'error' && /joined mid-stream/.test(event.event.reason));
    assert.ok(joined.length >= 1, 'the dropped start is marked');
    assert.deepEqual(back.messages.get(1)!.s2c.slice(-5), reqRepMessages(60).s2c.slice(-5));
  });

  it('JSON Lines splits data above 1 MiB over several lines, gzip when the name ends in .gz, and reads back whole', async () => {
    const big = Buffer.alloc(MAX_DATA_PER_LINE * 2 + 12345, 7);
    const records: CaptureRecord[] = [
      { type: 'open', time: 1, conn: 1, peer: 'ipc', listen: 'ipc:///tmp/a', target: 'ipc:///tmp/b' },
      { type: 'data', time: 2, conn: 1, dir: 'c2s', bytes: big },
      { type: 'close', time: 3, conn: 1, reason: 'end', bytes: { c2s: big.length, s2c: 0 } },
    ];
    const path = join(dir, 'big.jsonl.gz');
    await writeCaptureFile(path, records);
    const read: CaptureRecord[] = [];
    const result = await readCapture(path, { onEvent: () => {}, onRecord: (record) => read.push(record) });
    assert.equal(result.compressed, true);
    const data = read.filter((record) => record.type === 'data');
    assert.equal(data.length, 3);
    assert.ok(Buffer.concat(data.map((record) => (record.type === 'data' ? record.bytes : Buffer.alloc(0)))).equals(big));
  });

  it('pcapng: ipc endpoints, IPv6 and host names get stand-ins named in a packet comment; a reset becomes an RST', () => {
    const records = [
      ...connectionRecords(1, 'ipc', 'ipc:///tmp/feed.sock'),
      ...connectionRecords(2, '[::1]:41000', 'tcp://[::1]:5556', 1000, 3, 'reset'),
      ...connectionRecords(3, '127.0.0.1:42000', 'tcp://zmq.example:5557', 1000, 2),
      ...connectionRecords(4, '127.0.0.1:43000', 'tcp://[::1]:5558', 1000, 2),
    ];
    const path = join(dir, 'standins.pcapng');
    return writeCaptureFile(path, records).then(() => {
      const comments = tshark(['-r', path, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.comment']);
      assert.match(comments, /zmq-inspector connection 1: ipc -> ipc:\/\/\/tmp\/feed\.sock through the sniffer at tcp:\/\/127\.0\.0\.1:7000; shown as 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:2\d{4}/);
      assert.match(comments, /connection 3: .* -> tcp:\/\/zmq\.example:5557 .*shown as 127\.0\.0\.1:42000 -> 198\.1[89]\.\d+\.\d+:5557/);
      const ipv6 = tshark(['-r', path, '-Y', 'ipv6 && tcp.flags.reset == 1', '-T', 'fields', '-e', 'ipv6.src', '-e', 'tcp.srcport']);
      assert.match(ipv6, /^::1\t5556$/m, 'the server side of connection 2 resets');
      const mapped = tshark(['-r', path, '-Y', 'tcp.dstport == 5558 && tcp.flags.syn == 1', '-T', 'fields', '-e', 'ipv6.src']);
      assert.match(mapped, /::ffff:127\.0\.0\.1/, 'an IPv4 client of an IPv6 server is shown as IPv4-mapped');
      const streams = reqRepStreams(10);
      const first = tsharkStream(path, 0);
      assert.ok(first.bytes.node0.equals(streams.c2s) && first.bytes.node1.equals(streams.s2c));
    });
  });

  it('live recording never waits for a stuck disk: past the limit, data is recorded as marked gaps', async () => {
    const fifo = join(dir, 'stuck.jsonl');
    execFileSync('mkfifo', [fifo]);
    // A reader that opens the pipe but does not read: the writer's buffer grows as a slow disk's would.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const warnings: string[] = [];
    const writer = await CaptureFileWriter.create(fifo, { onWarning: (warning) => warnings.push(warning) });
    writer.write({ type: 'open', time: 1, conn: 1, peer: 'ipc', listen: 'ipc:///a', target: 'ipc:///b' });
    const chunk = Buffer.alloc(1024 * 1024, 1);
    const chunks = Math.ceil((MAX_PENDING_BYTES * 1.5) / ((chunk.length * 4) / 3));
    for (let i = 0; i < chunks; i++) writer.write({ type: 'data', time: 2 + i, conn: 1, dir: 'c2s', bytes: chunk });
    assert.ok(writer.droppedBytes > 0, 'some data became gaps');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /does not keep up.*recorded as gaps/);
    // Now drain the pipe, so the file can be finished and read. A writer is there, so this open does not block.
    const blockingReader = openSync(fifo, constants.O_RDONLY);
    closeSync(reader);
    const lines: string[] = [];
    const drained = new Promise<void>((resolve, reject) => {
      const stream = createReadStream('', { fd: blockingReader });
      let rest = '';
      stream.on('data', (data: Buffer | string) => {
        const parts = (rest + data.toString()).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) lines.push(line.slice(0, 60));
      });
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    await writer.close();
    await drained;
    assert.ok(lines.some((line) => line.startsWith('{"type":"gap"')), 'gaps were written');
    assert.ok(lines.filter((line) => line.startsWith('{"type":"data"')).length > 0, 'data before the limit was kept');
  });
});
