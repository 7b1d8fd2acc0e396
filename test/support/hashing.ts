// Byte-exactness checks: each end hashes what it sent and what it received, and the hashes must match.
import { createHash, randomBytes, randomInt, type Hash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';

export interface StreamSummary {
  bytes: number;
  sha256: string;
}

/** A running SHA-256 plus byte count over a stream of chunks. */
export class StreamDigest {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  summary(): StreamSummary {
    return { bytes: this.bytes, sha256: this.hash.copy().digest('hex') };
  }
}

export function digestOf(...chunks: Uint8Array[]): StreamSummary {
  const digest = new StreamDigest();
  chunks.forEach((chunk) => digest.update(chunk));
  return digest.summary();
}

export interface RandomSendOptions {
  /** Largest chunk written at once; sizes are uniform in 1..maxChunk. */
  maxChunk?: number;
  /** End the stream afterwards (default true). */
  end?: boolean;
  /** Asked before every chunk; returning true stops early (what was sent so far is returned). */
  stop?: () => boolean;
}

/** Writes `total` random bytes in random-size chunks, honouring back-pressure; resolves with what was written. */
export async function sendRandom(stream: Writable, total: number, options: RandomSendOptions = {}): Promise<StreamSummary> {
  const digest = new StreamDigest();
  const maxChunk = options.maxChunk ?? 64 * 1024;
  while (digest.bytes < total && !options.stop?.()) {
    const chunk = randomBytes(Math.min(total - digest.bytes, randomInt(1, maxChunk + 1)));
    digest.update(chunk);
    if (!stream.write(chunk)) await drained(stream);
  }
  if (options.end ?? true) stream.end();
  return digest.summary();
}

/** Hashes everything `stream` delivers until it ends; rejects if it fails first. */
export function receiveAll(stream: Readable): Promise<StreamSummary> {
  const digest = new StreamDigest();
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => digest.update(chunk));
    stream.once('end', () => resolve(digest.summary()));
    stream.once('error', reject);
  });
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the stream closed while waiting for it to drain'));
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}
