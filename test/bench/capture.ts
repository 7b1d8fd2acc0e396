// Capture import: a ~1 GiB pcap synthesized on disk (four PUSH -> PULL connections interleaved,
// 256-byte messages, 32 to an 8 KiB TCP segment as on a busy loopback), then a 256 MiB one with a
// message per packet (per-packet costs), read streaming through reassembly and the decoder.
// Reports MB/s and peak memory: bounded memory is the point.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../../extension/capture/readCapture';
import { Conversation, pcapFile } from '../capture/fixtures';
import { command, greeting3, metadata, frame } from '../zmtp/streams';
import type { Figure } from './figure';

const CONNECTIONS = 4;
const MESSAGE_BYTES = 256;
const RECORD_HEADER = 16;
/** Where the TCP sequence number lies in a pcap record: record header, Ethernet, IPv4, then TCP bytes 4-7. */
const SEQ_AT = RECORD_HEADER + 14 + 20 + 4;

/** Writes a capture of about `targetBytes`; returns the number of messages in it. */
async function writeCapture(path: string, targetBytes: number, framesPerSegment: number): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 8 * 1024 * 1024 });
  const write = async (bytes: Buffer) => {
    if (!out.write(bytes)) await once(out, 'drain');
  };
  // Handshakes, greetings and READYs from the test fixtures; then one template packet per
  // connection whose sequence number and time are patched as the bulk is written.
  const segment = Buffer.concat(Array.from({ length: framesPerSegment }, () => frame(0, Buffer.alloc(MESSAGE_BYTES, 0x6d))));
  const conversations = Array.from({ length: CONNECTIONS }, (_, i) => {
    const conversation = new Conversation({ ip: '127.0.0.1', port: 50000 + i }, { ip: '127.0.0.1', port: 5555 }, { c2s: 1000 * (i + 1), s2c: 7 });
    conversation.handshake();
    conversation.send('c2s', Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PUSH']]))]));
    conversation.send('s2c', Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PULL']]))]));
    conversation.send('c2s', segment, segment.length);
    return conversation;
  });
  const startTime = 1_700_000_000_000;
  const header = pcapFile(conversations.flatMap((c) => c.packets(c.segments.slice(0, -1), startTime)));
  await write(header);
  let written = header.length;
  const templates = conversations.map((c) => {
    const last = c.segments.at(-1)!;
    const [{ frame: ethernet }] = c.packets([last], startTime);
    const record = Buffer.alloc(RECORD_HEADER + ethernet.length);
    record.writeUInt32LE(ethernet.length, 8);
    record.writeUInt32LE(ethernet.length, 12);
    ethernet.copy(record, RECORD_HEADER);
    return { record, seq: last.seq };
  });
  let messages = 0;
  let micros = 0;
  while (written < targetBytes) {
    // A new batch each time: the write stream holds on to the buffers it was given until they are written.
    const batch = Buffer.allocUnsafe(templates[0].record.length * 256);
    let fill = 0;
    for (let i = 0; i < 256; i++) {
      const template = templates[i % CONNECTIONS];
      const { record } = template;
      micros += 3;
      record.writeUInt32LE(Math.floor(startTime / 1000) + Math.floor(micros / 1e6), 0);
      record.writeUInt32LE(micros % 1e6, 4);
      record.writeUInt32BE(template.seq >>> 0, SEQ_AT);
      template.seq = (template.seq + segment.length) % 0x1_0000_0000;
      record.copy(batch, fill);
      fill += record.length;
      messages += framesPerSegment;
    }
    await write(batch.subarray(0, fill));
    written += fill;
  }
  out.end();
  await once(out, 'close');
  return messages;
}

interface ImportRun {
  size: number;
  seconds: number;
  messages: number;
  peakRss: number;
  peakHeap: number;
}

/** Writes the capture, imports it once while sampling memory, deletes it. */
async function importRun(targetBytes: number, framesPerSegment: number): Promise<ImportRun> {
  const dir = mkdtempSync(join(tmpdir(), 'zmqi-bench-capture-'));
  try {
    const path = join(dir, 'bulk.pcap');
    const expected = await writeCapture(path, targetBytes, framesPerSegment);
    const size = statSync(path).size;
    global.gc?.();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }, 20);
    let messages = 0;
    const started = process.hrtime.bigint();
    try {
      await readCapture(path, { onEvent: (event) => void (event.type === 'zmtp' && event.event.kind === 'message' && messages++) });
    } finally {
      clearInterval(sampler);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (messages !== expected) throw new Error(`the capture held ${expected} messages but ${messages} were decoded`);
    return { size, seconds, messages, peakRss: peakRss - baseline.rss, peakHeap: peakHeap - baseline.heapUsed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCapture(): Promise<Figure[]> {
  const mib = 1024 * 1024;
  const figures: Figure[] = [];
  for (const [targetBytes, framesPerSegment, label] of [[1024 ** 3, 32, '32 messages per packet'], [256 * mib, 1, 'a message per packet']] as const) {
    const run = await importRun(targetBytes, framesPerSegment);
    const what = `${(run.size / 1024 ** 3).toFixed(2)} GiB pcap, ${label}`;
    figures.push(
      { name: `capture import: ${what}`, value: run.size / run.seconds / 1e6, unit: 'MB/s', target: '>= 100' },
      { name: `capture import: ${label}, messages decoded`, value: run.messages / run.seconds, unit: 'msg/s' },
      { name: `capture import: ${label}, peak RSS above the start`, value: run.peakRss / mib, unit: 'MiB', target: '<= 256' },
      { name: `capture import: ${label}, peak JS heap above the start`, value: run.peakHeap / mib, unit: 'MiB', target: '<= 128' },
    );
  }
  return figures;
}
