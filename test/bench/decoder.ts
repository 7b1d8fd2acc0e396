// Decoder throughput on in-memory streams: frames/s for 16-byte frames and GB/s for 64 KiB frames,
// fed whole and in 64 KiB chunks. The listener only counts, so the figures are the decoder's.
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import type { Figure } from './figure';
import { command, frame, greeting3, metadata } from '../zmtp/streams';


const CHUNK = 64 * 1024;

function stream(frameCount: number, bodySize: number): Buffer {
  const body = Buffer.alloc(bodySize, 0x61);
  const one = frame(0, body);
  const frames = Buffer.alloc(one.length * frameCount);
  for (let i = 0; i < frameCount; i++) one.copy(frames, i * one.length);
  return Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PUSH']])), frames]);
}

/** Seconds to decode `bytes` as the c2s side of a PUSH→PULL connection, in pieces of `chunkSize`. */
function decodeOnce(bytes: Buffer, chunkSize: number): { seconds: number; messages: number } {
  let messages = 0;
  let sizes = 0;
  const decoder = new ConnectionDecoder((_dir, event) => {
    if (event.kind === 'message') {
      messages++;
      sizes += event.frames[0].body.length;
    }
  });
  decoder.push('s2c', Buffer.concat([greeting3(), command('READY', metadata([['Socket-Type', 'PULL']]))]));
  const started = process.hrtime.bigint();
  for (let at = 0; at < bytes.length; at += chunkSize) decoder.push('c2s', bytes.subarray(at, Math.min(at + chunkSize, bytes.length)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (sizes < 0 || decoder.decodedBytes('c2s') !== bytes.length) throw new Error('benchmark stream was not decoded to the end');
  return { seconds, messages };
}

/** Best of a few runs after a warm-up: the machine is shared and noisy, the best run is the decoder's speed. */
function best(bytes: Buffer, chunkSize: number, runs: number): { seconds: number; messages: number } {
  decodeOnce(bytes, chunkSize);
  let fastest = decodeOnce(bytes, chunkSize);
  for (let run = 1; run < runs; run++) {
    const next = decodeOnce(bytes, chunkSize);
    if (next.seconds < fastest.seconds) fastest = next;
  }
  return fastest;
}

export async function benchDecoder(): Promise<Figure[]> {
  const small = stream(2_000_000, 16);
  const large = stream(2_000, 64 * 1024);
  const figures: Figure[] = [];
  for (const [label, chunkSize] of [['whole buffer', small.length], ['64 KiB chunks', CHUNK]] as const) {
    const run = best(small, chunkSize, 5);
    figures.push({ name: `decoder: 16-byte frames, ${label}`, value: run.messages / run.seconds, unit: 'frames/s', target: '>= 10e6' });
  }
  for (const [label, chunkSize] of [['whole buffer', large.length], ['64 KiB chunks', CHUNK]] as const) {
    const run = best(large, chunkSize, 5);
    figures.push({ name: `decoder: 64 KiB frames, ${label}`, value: large.length / run.seconds / 1e9, unit: 'GB/s', target: '>= 2' });
  }
  return figures;
}
