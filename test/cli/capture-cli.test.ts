// The CLI's capture commands end to end: `decode` on pcap, pcapng and JSON Lines files (and bad
// ones), and `sniff --save` recording real libzmq traffic that `decode` then reads back.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as zmq from 'zeromq';
import { pcapFile, pcapngFile, reqRepConversation } from '../capture/fixtures';
import { tshark, tsharkStream } from '../capture/tools';
import { jsonLines, run, sniffListenEndpoint } from './cliProcess';

const messageLines = (stdout: string) => stdout.split('\n').filter((line) => / message /.test(line));

describe('zmq-inspector CLI: decode and sniff --save', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'zmqi-cli-capture-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, bytes: Buffer | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('decode <file.pcap> prints every event as sniff does, then the summary and what the file held', async () => {
    const path = file('rr.pcap', pcapFile(reqRepConversation(3).packets()));
    const { code, stdout, stderr } = await run(['decode', path]).done;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /#1 c2s +greeting +ZMTP 3\.1 NULL/);
    assert.match(stdout, /READY +Socket-Type="REQ" Identity=""/);
    const messages = messageLines(stdout);
    assert.equal(messages.length, 6);
    assert.match(messages[0], /c2s +message +2 frames, 10 B: "" \| "request 0 "/);
    // The synthesized conversation sends every request before the replies.
    assert.match(messages[3], /s2c +message +2 frames, 7 B: "" \| "reply 0"/);
    assert.match(stdout, /summary: 1 connection, 6 messages/);
    assert.match(stdout, /read .*rr\.pcap \(pcap, [\d.]+ KiB\): \d+ packets, 1 ZMTP connection, 0 other TCP connections/);
  });

  it('decode --json on gzip-compressed pcapng: JSON Lines events and a summary naming the format and packet counts', async () => {
    const path = file('rr.pcapng.gz', gzipSync(pcapngFile(reqRepConversation(2).packets())));
    const { code, stdout } = await run(['decode', path, '--json']).done;
    assert.equal(code, 0);
    const events = jsonLines(stdout);
    const requests = events.filter((event) => event.type === 'message' && event.dir === 'c2s');
    assert.deepEqual(requests[0].frames, [{ size: 0, more: true, text: '' }, { size: 10, more: false, text: 'request 0 ' }]);
    const summary = events.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.format, 'pcapng');
    assert.equal(summary.compressed, true);
    assert.equal((summary.packets as { zmtpConnections: number }).zmtpConnections, 1);
  });

  it('decode on a cut-short file prints what it read, then the error, and exits 1', async () => {
    const whole = pcapFile(reqRepConversation(3).packets());
    const path = file('cut.pcap', whole.subarray(0, whole.length - 10));
    const { code, stdout, stderr } = await run(['decode', path]).done;
    assert.equal(code, 1);
    assert.ok(messageLines(stdout).length >= 4, 'the messages before the cut were printed');
    assert.match(stderr, /^zmq-inspector: .*cut\.pcap: the file ends inside packet record \d+ .* cut short/);
  });

  for (const [args, expected, exit] of [
    [['decode'], /decode takes one capture file/, 2],
    [['decode', 'a.pcap', 'b.pcap'], /decode takes one capture file \(got "a\.pcap b\.pcap"\)/, 2],
    [['decode', 'x.pcap', '--port', '70000'], /--port must be a TCP port from 1 to 65535/, 2],
    [['decode', 'x.pcap', '--save', 'y.jsonl'], /--save belongs to sniff/, 2],
    [['sniff', '--listen', '0', '--target', 'tcp://127.0.0.1:1', '--save', 'out.txt'], /--save needs a file name ending in \.jsonl or \.pcapng/, 2],
    [['decode', '/nonexistent/capture.pcap'], /\/nonexistent\/capture\.pcap: no such file/, 1],
  ] as const) {
    it(`${args.join(' ')}: exit ${exit} with a message that says what to do`, async () => {
      const { code, stderr, stdout } = await run([...args]).done;
      assert.equal(code, exit);
      assert.equal(stdout, '');
      assert.match(stderr, expected);
      if (exit === 2) assert.match(stderr, /Usage:/);
    });
  }

  for (const format of ['jsonl', 'pcapng'] as const) {
    it(`sniff --save capture.${format} records real traffic; decode reads back the same messages sniff printed`, async () => {
      const server = new zmq.Reply({ linger: 0 });
      await server.bind('tcp://127.0.0.1:*');
      const client = new zmq.Request({ linger: 0 });
      const path = join(dir, `saved.${format}`);
      const { child, done } = run(['sniff', '--listen', 'tcp://127.0.0.1:0', '--target', server.lastEndpoint!, '--save', path]);
      try {
        client.connect(await sniffListenEndpoint(child));
        for (const text of ['one', 'two', 'three']) {
          await client.send(text);
          const [request] = await server.receive();
          await server.send(`re: ${request.toString()}`);
          await client.receive();
        }
        client.close();
        await new Promise((resolve) => setTimeout(resolve, 200));
        child.kill('SIGINT');
        const sniffed = await done;
        assert.equal(sniffed.code, 0, sniffed.stderr);
        assert.match(sniffed.stderr, new RegExp(`saved the capture to .*saved\\.${format} \\(${format}\\)`));
        assert.ok(existsSync(path));
        const decoded = await run(['decode', path]).done;
        assert.equal(decoded.code, 0, decoded.stderr);
        const strip = (lines: string[]) => lines.map((line) => line.replace(/^.*?#\d+\s+/, ''));
        assert.deepEqual(strip(messageLines(decoded.stdout)), strip(messageLines(sniffed.stdout)));
        assert.equal(messageLines(decoded.stdout).length, 6);
        if (format === 'pcapng') {
          assert.match(tshark(['-r', path, '-q', '-z', 'conv,tcp']), /127\.0\.0\.1:\d+ +<-> +127\.0\.0\.1:\d+/);
          assert.ok(tsharkStream(path, 0).bytes.node0.includes(Buffer.from('three')));
        }
      } finally {
        child.kill('SIGKILL');
        if (!client.closed) client.close();
        server.close();
      }
    });
  }
});
