// Feeding conversations to a ConnectionDecoder in different chunkings, and comparing events.
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import type { DecoderOptions, Direction, ZmtpEvent } from '../../extension/zmtp/types';
import { hex } from './streams';

export interface Conversation {
  c2s: Buffer;
  s2c: Buffer;
}

/** Joins hex vectors and Buffers into one stream per direction. */
export function conversation(c2s: readonly (string | Buffer)[], s2c: readonly (string | Buffer)[]): Conversation {
  const join = (parts: readonly (string | Buffer)[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? hex(part) : part)));
  return { c2s: join(c2s), s2c: join(s2c) };
}

/** mulberry32: a small seeded PRNG, so every random chunking can be replayed from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How the bytes reach the decoder:
 * - 'whole': all of c2s, then all of s2c (c2s has to wait for s2c's greeting facts);
 * - 'staged': the libzmq greeting staging, 10 / 1 / rest on each side, alternating;
 * - 'bytes': one byte at a time, alternating directions;
 * - a seed: random chunk sizes (up to `maxChunk`) and a random direction at each step.
 */
export type Feeding = 'whole' | 'staged' | 'bytes' | { seed: number; maxChunk?: number };

export function feedingName(feeding: Feeding): string {
  return typeof feeding === 'string' ? feeding : `seed ${feeding.seed}`;
}

/** Pieces to push, in order, for a feeding. */
export function pieces(streams: Conversation, feeding: Feeding): [Direction, Buffer][] {
  const out: [Direction, Buffer][] = [];
  if (feeding === 'whole') return [['c2s', streams.c2s], ['s2c', streams.s2c]];
  if (feeding === 'staged') {
    for (const [from, to] of [[0, 10], [10, 11], [11, Infinity]]) {
      out.push(['c2s', streams.c2s.subarray(from, to)], ['s2c', streams.s2c.subarray(from, to)]);
    }
    return out.filter(([, bytes]) => bytes.length > 0);
  }
  const next: Record<Direction, number> = { c2s: 0, s2c: 0 };
  const random = feeding === 'bytes' ? undefined : prng(feeding.seed);
  const maxChunk = feeding === 'bytes' ? 1 : (feeding.maxChunk ?? 1 + Math.floor((random as () => number)() * 96));
  let turn: Direction = 'c2s';
  while (next.c2s < streams.c2s.length || next.s2c < streams.s2c.length) {
    if (random) turn = random() < 0.5 ? 'c2s' : 's2c';
    else turn = turn === 'c2s' ? 's2c' : 'c2s';
    const stream = streams[turn];
    if (next[turn] >= stream.length) continue;
    const size = random ? 1 + Math.floor(random() * maxChunk) : 1;
    out.push([turn, stream.subarray(next[turn], next[turn] + size)]);
    next[turn] += size;
  }
  return out;
}

/** Events with every byte array replaced by its hex, so they compare with deepStrictEqual. */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

export interface Decoded {
  c2s: ZmtpEvent[];
  s2c: ZmtpEvent[];
  decoder: ConnectionDecoder;
}

export function decode(streams: Conversation, feeding: Feeding = 'whole', options?: DecoderOptions): Decoded {
  const events: Record<Direction, ZmtpEvent[]> = { c2s: [], s2c: [] };
  const decoder = new ConnectionDecoder((dir, event) => events[dir].push(event), options);
  for (const [dir, bytes] of pieces(streams, feeding)) decoder.push(dir, bytes);
  return { ...events, decoder };
}

/** The feedings every vector is checked with: whole, staged, byte by byte and many random chunkings. */
export function allFeedings(seeds = 40): Feeding[] {
  const feedings: Feeding[] = ['whole', 'staged', 'bytes'];
  for (let seed = 1; seed <= seeds; seed++) feedings.push({ seed });
  return feedings;
}

/** Hex without spaces, for expectations written like the reference. */
export const h = (text: string): string => hex(text).toString('hex');
