// Property test: real and reference conversations, mutated (bit flips, truncations, insertions,
// deletions, spliced repeats) and fed in random chunkings. push() never throws, decoding always
// reaches the end or stops on a reported fatal error, memory stays bounded, and the events depend
// on the bytes only, not on how they were cut. Bounded in iterations; seeded, so failures replay.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { ConnectionDecoder } from '../../extension/zmtp/connectionDecoder';
import { MAX_WAITING_BYTES, MESSAGE_RETAIN_FACTOR } from '../../extension/zmtp/limits';
import type { DecoderOptions, Direction, ZmtpEvent } from '../../extension/zmtp/types';
import { CURVE_EXTRA, REQ_REP_ROUND_TRIP, V } from '../support/vectors';
import { conversation, plain, prng, type Conversation } from './harness';
import { capture, waitFor } from './sniffing';
import { greeting3 } from './streams';

const ITERATIONS = 2000;
const TIMEOUTS = { receiveTimeout: 5000, sendTimeout: 5000, linger: 0 };
/** libzmq's greeting facts live in the first 11 bytes; before that the other side may wait. */
const FACT_BYTES = 11;

type Random = () => number;
const below = (random: Random, n: number) => Math.floor(random() * n);

function mutate(bytes: Buffer, random: Random): Buffer {
  const out = Buffer.from(bytes);
  switch (below(random, 5)) {
    case 0: {
      for (let flips = 1 + below(random, 4); flips > 0 && out.length > 0; flips--) out[below(random, out.length)] ^= 1 << below(random, 8);
      return out;
    }
    case 1:
      return out.subarray(0, below(random, out.length + 1));
    case 2: {
      const at = below(random, out.length + 1);
      const inserted = Buffer.from(Array.from({ length: 1 + below(random, 12) }, () => below(random, 256)));
      return Buffer.concat([out.subarray(0, at), inserted, out.subarray(at)]);
    }
    case 3: {
      const at = below(random, out.length + 1);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + below(random, 8))]);
    }
    default: {
      const from = below(random, out.length + 1);
      const slice = out.subarray(from, from + below(random, 64));
      const at = below(random, out.length + 1);
      return Buffer.concat([out.subarray(0, at), slice, out.subarray(at)]);
    }
  }
}

/**
 * Pushes in a fixed order of stages (both sides' first 11 bytes, then the rest of c2s, then the
 * rest of s2c) with random chunk sizes inside each stage, so that what depends on timing across
 * directions is the same for every chunking and the events can be compared.
 */
function feed(streams: Conversation, random: Random, options: DecoderOptions): { events: Record<Direction, ZmtpEvent[]>; decoder: ConnectionDecoder; mostRetained: number } {
  const events: Record<Direction, ZmtpEvent[]> = { c2s: [], s2c: [] };
  const decoder = new ConnectionDecoder((dir, event) => {
    assert.ok(!(event.kind === 'error' && /threw/.test(event.reason)), `internal error: ${event.kind === 'error' ? event.reason : ''}`);
    events[dir].push(event);
  }, options);
  const maxChunk = 1 + below(random, 200);
  let mostRetained = 0;
  const stages: [Direction, number, number][] = [
    ['s2c', 0, FACT_BYTES], ['c2s', 0, FACT_BYTES], ['c2s', FACT_BYTES, Infinity], ['s2c', FACT_BYTES, Infinity],
  ];
  for (const [dir, from, to] of stages) {
    const stage = streams[dir].subarray(from, to);
    for (let at = 0; at < stage.length; ) {
      const size = 1 + below(random, maxChunk);
      assert.doesNotThrow(() => decoder.push(dir, stage.subarray(at, at + size)));
      at += size;
      mostRetained = Math.max(mostRetained, decoder.retainedBytes('c2s'), decoder.retainedBytes('s2c'));
    }
  }
  return { events, decoder, mostRetained };
}

describe('decoder: fuzzing with mutated real conversations', function () {
  this.timeout(60000);
  const corpus: { name: string; streams: Conversation }[] = [
    { name: '§7 REQ/REP', streams: conversation(REQ_REP_ROUND_TRIP.c2s, REQ_REP_ROUND_TRIP.s2c) },
    { name: 'ZMTP 2.0', streams: conversation([V.Z2, V.M2, V.M3], [V.Z2b, V.M2]) },
    { name: 'ZMTP 1.0', streams: conversation([V.Z1, '01 01 06 00 48 65 6c 6c 6f'], [V.G1.slice(0, 29), '06 00 57 6f 72 6c 64']) },
    { name: 'PLAIN', streams: conversation([greeting3({ mechanism: 'PLAIN' }), V.L1, V.L3, V.M2], [greeting3({ mechanism: 'PLAIN' }), V.L2, V.R2, V.M1]) },
    { name: 'CURVE', streams: conversation([greeting3({ mechanism: 'CURVE' }), CURVE_EXTRA.HELLO, V.C1, V.C3], [greeting3({ mechanism: 'CURVE' }), CURVE_EXTRA.WELCOME, V.C2]) },
  ];

  before(async () => {
    const hello = async (rep: zmq.Reply, req: zmq.Request) => {
      for (const body of ['Hello', 'x'.repeat(300)]) {
        await req.send(body);
        await rep.send((await rep.receive())[0]);
        await req.receive();
      }
    };
    corpus.push({ name: 'real REQ/REP', streams: await capture(new zmq.Reply(TIMEOUTS), new zmq.Request(TIMEOUTS), hello) });
    const keys = zmq.curveKeyPair();
    const client = zmq.curveKeyPair();
    corpus.push({
      name: 'real CURVE REQ/REP',
      streams: await capture(
        new zmq.Reply({ ...TIMEOUTS, curveServer: true, curveSecretKey: keys.secretKey }),
        new zmq.Request({ ...TIMEOUTS, curveServerKey: keys.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey }),
        hello,
      ),
    });
    corpus.push({
      name: 'real PUB/SUB with heartbeats',
      streams: await capture(new zmq.Publisher({ linger: 0, heartbeatInterval: 20 }), new zmq.Subscriber({ receiveTimeout: 5000, linger: 0, heartbeatInterval: 20, heartbeatTimeToLive: 1000 }), async (pub, sub) => {
        sub.subscribe('a');
        sub.subscribe('b');
        let received = false;
        const receiving = sub.receive().then(() => (received = true));
        await waitFor('the SUB to receive', () => {
          void pub.send(['a', 'payload']);
          return received;
        });
        await receiving;
        await new Promise((resolve) => setTimeout(resolve, 60));
      }),
    });
    corpus.push({
      name: 'real XPUB/XSUB legacy subscriptions',
      streams: await capture(new zmq.XPublisher(TIMEOUTS), new zmq.XSubscriber(TIMEOUTS), async (xpub, xsub) => {
        await xsub.send(Buffer.from('\u0001news'));
        await xpub.receive();
        await xpub.send('news flash');
        await xsub.receive();
      }),
    });
  });

  it('the unmutated corpus decodes to the end without errors', () => {
    for (const { name, streams } of corpus) {
      const { events, decoder } = feed(streams, prng(1), {});
      for (const dir of ['c2s', 's2c'] as const) {
        assert.equal(decoder.decodedBytes(dir), streams[dir].length, `${name} ${dir}`);
        assert.deepStrictEqual(events[dir].filter((event) => event.kind === 'error'), [], `${name} ${dir}`);
      }
    }
  });

  it(`${ITERATIONS} mutations: no throw, progress to the end or a fatal error, bounded memory, chunking-independent events`, () => {
    const seen = new Set<string>();
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const random = prng(1000 + iteration);
      const { name, streams: original } = corpus[below(random, corpus.length)];
      const streams: Conversation = { c2s: original.c2s, s2c: original.s2c };
      const mutated: Direction = random() < 0.5 ? 'c2s' : 's2c';
      streams[mutated] = mutate(original[mutated], random);
      if (random() < 0.2) streams.c2s = mutate(streams.c2s, random);
      const retainBytes = random() < 0.3 ? 1 + below(random, 64) : undefined;
      const options: DecoderOptions = { retainBytes, emitFrames: random() < 0.5, revealPasswords: random() < 0.2 };
      const label = `iteration ${iteration} (${name}, seed ${1000 + iteration})`;

      const first = feed(streams, prng(iteration), options);
      const second = feed(streams, prng(iteration + 7919), options);
      const bound = (retainBytes ?? 1024 * 1024) * (MESSAGE_RETAIN_FACTOR + 1) + MAX_WAITING_BYTES + 64;
      assert.ok(first.mostRetained <= bound, `${label}: held ${first.mostRetained} bytes`);
      for (const dir of ['c2s', 's2c'] as const) {
        const other: Direction = dir === 'c2s' ? 's2c' : 'c2s';
        const decoder = first.decoder;
        const reachedEnd = decoder.decodedBytes(dir) === streams[dir].length;
        const waitsForOther = streams[other].length < FACT_BYTES;
        assert.ok(reachedEnd || decoder.isRaw(dir) || waitsForOther, `${label} ${dir}: stopped at ${decoder.decodedBytes(dir)} of ${streams[dir].length} without a fatal error`);
        if (decoder.isRaw(dir)) {
          const fatal = first.events[dir].filter((event) => event.kind === 'error' && event.fatal);
          assert.equal(fatal.length, 1, `${label} ${dir}: raw after exactly one fatal error`);
          assert.equal(first.events[dir].at(-1), fatal[0], `${label} ${dir}: nothing after the fatal error`);
        }
        assert.deepStrictEqual(plain(second.events[dir]), plain(first.events[dir]), `${label} ${dir}: events differ between chunkings`);
        for (const event of first.events[dir]) seen.add(event.kind === 'error' ? (event.fatal ? 'fatal error' : 'problem') : event.kind);
      }
    }
    // The mutations reach every outcome, so the properties above were tested on each.
    assert.deepStrictEqual([...seen].sort(), ['command', 'fatal error', 'frame', 'greeting', 'message', 'problem']);
  });
});
