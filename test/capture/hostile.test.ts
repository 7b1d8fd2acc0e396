// Truncated, corrupted and hostile capture files: a clear CaptureFileError (or a clean read), never
// a crash, a hang or unbounded memory. Includes a bounded, seeded fuzz of every format.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CaptureFileError } from '../../extension/capture/errors';
import { JsonlCaptureWriter } from '../../extension/capture/jsonlWriter';
import { readCapture } from '../../extension/capture/readCapture';
import type { CaptureRecord } from '../../extension/capture/records';
import { prng } from '../zmtp/harness';
import { pcapFile, pcapngFile, reqRepConversation, reqRepStreams } from './fixtures';

/** Resolves to the error message, or undefined when the read succeeded; fails on anything but CaptureFileError. */
async function outcome(path: string): Promise<string | undefined> {
  try {
    await readCapture(path, { onEvent: () => {} });
    return undefined;
  } catch (error) {
    if (!(error instanceof CaptureFileError)) throw new Error(`${path}: expected a CaptureFileError, got ${(error as Error).stack}`);
    return error.message;
  }
}

function jsonlCapture(records: CaptureRecord[]): Buffer {
  const chunks: Buffer[] = [];
  const writer = new JsonlCaptureWriter((chunk) => chunks.push(chunk), new Date(0));
  records.forEach((record) => writer.write(record));
  writer.flush();
  return Buffer.concat(chunks);
}

const sampleRecords = (): CaptureRecord[] => {
  const streams = reqRepStreams(3);
  return [
    { type: 'open', time: 1000, conn: 1, peer: '127.0.0.1:40000', listen: 'tcp://127.0.0.1:5555', target: 'tcp://127.0.0.1:6000' },
    { type: 'data', time: 1001, conn: 1, dir: 'c2s', bytes: streams.c2s },
    { type: 'data', time: 1002, conn: 1, dir: 's2c', bytes: streams.s2c },
    { type: 'close', time: 1003, conn: 1, reason: 'end', bytes: { c2s: streams.c2s.length, s2c: streams.s2c.length } },
  ];
};

describe('capture import: truncated, corrupted and hostile files', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'zmqi-hostile-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  let count = 0;
  const file = (bytes: Buffer | string, name = `f${++count}`) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('a pcap cut anywhere either reads to a record boundary or says where it was cut and that it is cut short', async () => {
    const whole = pcapFile(reqRepConversation(3).packets());
    for (let cut = 1; cut < whole.length; cut += 29) {
      const message = await outcome(file(whole.subarray(0, cut)));
      if (message !== undefined) assert.match(message, /(ends inside (packet record \d+|the 24-byte file header) at byte [\d,]+.*cut short|empty|not a capture file)/, `cut at ${cut}`);
    }
    const message = await outcome(file(whole.subarray(0, whole.length - 3), 'cut.pcap'));
    assert.match(message ?? '', /^.*cut\.pcap: the file ends inside packet record \d+ at byte [\d,]+: only \d+ of at least \d+ bytes are there\. The file was cut short .*; the \d+ packets before it were read\.$/);
  });

  it('a pcapng cut short, with a bad block length, mismatched trailer or unknown interface is a clear error', async () => {
    const whole = pcapngFile(reqRepConversation(2).packets());
    assert.match((await outcome(file(whole.subarray(0, whole.length - 5)))) ?? '', /ends inside block \d+ .*cut short/);
    const badLength = Buffer.from(whole);
    badLength.writeUInt32LE(13, 4 + 28 + 20); // the interface block's length: not a multiple of 4
    assert.match((await outcome(file(badLength))) ?? '', /declares a length of 13 bytes; a pcapng block is a multiple of 4/);
    const badTrailer = Buffer.from(whole);
    badTrailer.writeUInt32LE(0xdead, 28 - 4);
    assert.match((await outcome(file(badTrailer))) ?? '', /ends with length 57005 but starts with 28: the file is damaged/);
    const badInterface = Buffer.from(whole);
    badInterface.writeUInt32LE(7, 28 + 20 + 8); // first enhanced packet block's interface id
    assert.match((await outcome(file(badInterface))) ?? '', /names interface 7, but the section described 1 interface/);
  });

  it('an impossible pcap record length is reported at its byte, with what was read before', async () => {
    const whole = pcapFile(reqRepConversation(2).packets());
    const bad = Buffer.from(whole);
    bad.writeUInt32LE(0xfffffff0, 24 + 8);
    assert.match((await outcome(file(bad))) ?? '', /packet record 1 at byte 24 says it holds 4,294,967,280 captured bytes, more than the 16 MiB a packet can have/);
  });

  it('empty files, other formats and damaged gzip say what they are', async () => {
    assert.match((await outcome(file(Buffer.alloc(0)))) ?? '', /empty/);
    assert.match((await outcome(file(Buffer.from('PK\x03\x04 zipped')))) ?? '', /not a capture file.*ZIP archive/);
    assert.match((await outcome(file(Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3])))) ?? '', /not a capture file: expected pcap .* this starts with bytes de ad be ef/);
    const gz = gzipSync(pcapFile(reqRepConversation(2).packets()));
    assert.match((await outcome(file(gz.subarray(0, gz.length - 20)))) ?? '', /gzip compression is damaged or cut short/);
    assert.match((await outcome(join(dir, 'no-such-file.pcap'))) ?? '', /no such file/);
    assert.match((await outcome(dir)) ?? '', /is a folder/);
  });

  it('JSON Lines: a wrong header, a newer version, bad fields and bad JSON name the line and the field', async () => {
    const good = jsonlCapture(sampleRecords()).toString();
    const lines = good.trimEnd().split('\n');
    const replaceLine = (index: number, text: string) => [...lines.slice(0, index), text, ...lines.slice(index + 1)].join('\n');
    assert.equal(await outcome(file(good)), undefined);
    assert.match((await outcome(file('{"type":"open"}\n'))) ?? '', /line 1: the first line must be the capture header/);
    assert.match((await outcome(file('{"type":"greeting","conn":1}\n'))) ?? '', /--json output is an event log, not a capture/);
    assert.match((await outcome(file(replaceLine(0, '{"format":"zmq-inspector-capture","version":7}')))) ?? '', /format version 7, this zmq-inspector reads version 1: update/);
    assert.match((await outcome(file(replaceLine(2, '{"type":"data","time":1,"conn":1,"dir":"up","data":""}')))) ?? '', /line 3: field "dir" must be "c2s" or "s2c", got "up"/);
    assert.match((await outcome(file(replaceLine(2, '{"type":"data","time":1,"conn":1,"dir":"c2s","data":"@@@="}')))) ?? '', /line 3: field "data" is not valid base64/);
    assert.match((await outcome(file(replaceLine(3, '{"type":"data","time":-5,"conn":1,"dir":"c2s","data":""}')))) ?? '', /line 4: field "time" .* cannot be negative/);
    assert.match((await outcome(file(replaceLine(4, '{"type":"close","time":1,"conn":1,"reason":"boom","bytes":{"c2s":0,"s2c":0}}')))) ?? '', /line 5: field "reason" must be one of end, reset/);
    assert.match((await outcome(file(replaceLine(2, '{"type":"data", "time": 1,')))) ?? '', /line 3: the line is not valid JSON/);
    assert.match((await outcome(file(replaceLine(1, '[1,2]')))) ?? '', /line 2: a record must be a JSON object/);
  });

  it('JSON Lines: unknown record types are skipped (newer writers), records for unknown connections warn', async () => {
    const lines = jsonlCapture(sampleRecords()).toString().trimEnd().split('\n');
    lines.splice(2, 0, '{"type":"hologram","time":1}');
    lines.push('{"type":"data","time":1,"conn":99,"dir":"c2s","data":"AAAA"}');
    const warnings: string[] = [];
    let messages = 0;
    await readCapture(file(lines.join('\n')), { onEvent: (event) => (messages += event.type === 'zmtp' && event.event.kind === 'message' ? 1 : 0), onWarning: (warning) => warnings.push(warning) });
    assert.equal(messages, 6);
    assert.match(warnings.join('\n'), /a "data" record for connection 99, which is not open/);
  });

  it('a line longer than the limit is refused without holding it all', async () => {
    const long = `{"format":"zmq-inspector-capture","version":1}\n{"type":"data","time":1,"conn":1,"dir":"c2s","data":"${'A'.repeat(17 * 1024 * 1024)}"}\n`;
    assert.match((await outcome(file(long))) ?? '', /line 2 is longer than 16 MiB/);
  });

  it('hostile TCP: wild sequence numbers, tiny and lying IP headers do not crash and stay bounded', async () => {
    const conversation = reqRepConversation(2);
    const packets = conversation.packets();
    const random = prng(42);
    const hostile = packets.map(({ time, frame }, index) => {
      const copy = Buffer.from(frame);
      if (index % 3 === 0) copy.writeUInt32BE(Math.floor(random() * 0xffffffff), 14 + 20 + 4); // sequence number
      if (index % 5 === 0) copy[14] = 0x4f; // IHL 60 bytes
      if (index % 7 === 0) copy.writeUInt16BE(65535, 14 + 2); // IP total length beyond the packet
      return { time, frame: index % 11 === 0 ? copy.subarray(0, 30) : copy };
    });
    assert.equal(await outcome(file(pcapFile(hostile))), undefined);
  });

  it('fuzz: 600 seeded mutations of pcap, pcapng and JSON Lines files give a clean read or a CaptureFileError', async function () {
    this.timeout(60_000);
    const originals = [pcapFile(reqRepConversation(4).packets()), pcapngFile(reqRepConversation(4).packets()), jsonlCapture(sampleRecords())];
    const random = prng(20240601);
    const pick = (n: number) => Math.floor(random() * n);
    let failures = 0;
    for (let round = 0; round < 600; round++) {
      const bytes = Buffer.from(originals[round % originals.length]);
      const mutations = 1 + pick(8);
      let mutated: Buffer = bytes;
      for (let m = 0; m < mutations; m++) {
        const at = pick(mutated.length);
        switch (pick(4)) {
          case 0:
            mutated[at] = pick(256);
            break;
          case 1:
            mutated.writeUInt32LE(pick(2) === 0 ? 0xffffffff : pick(0x100000), Math.min(at, mutated.length - 4));
            break;
          case 2:
            mutated = mutated.subarray(0, at);
            break;
          default:
            mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from([pick(256), pick(256), pick(256)]), mutated.subarray(at)]);
        }
        if (mutated.length < 8) break;
      }
      const message = await outcome(file(mutated, 'fuzz'));
      if (message !== undefined) {
        failures++;
        assert.ok(message.length > 30 && !/undefined|NaN|\[object/.test(message), `round ${round}: unclear message "${message}"`);
      }
    }
    assert.ok(failures > 50, `most mutations should be detected (${failures} were)`);
  });
});
