// Every test vector of the wire reference §7, in a conversation, fed whole, with libzmq's greeting
// staging, byte by byte and in many random chunkings: the events must be exactly the expected ones.
import { strict as assert } from 'node:assert';
import { CURVE_EXTRA, filler, REQ_REP_ROUND_TRIP, V } from '../support/vectors';
import { allFeedings, conversation, decode, feedingName, h, plain, type Conversation } from './harness';
import { command, greeting3, metadata } from './streams';
import type { DecoderOptions, PeerInfo } from '../../extension/zmtp/types';

const SUB_READY = command('READY', metadata([['Socket-Type', 'SUB']]));
const PUB_READY = command('READY', metadata([['Socket-Type', 'PUB']]));

const greeting = (mechanism = 'NULL', version = '3.1') => ({ kind: 'greeting', offset: 0, version, mechanism, asServer: false, length: 64 });
const socketType = (type: string) => ({ name: 'Socket-Type', value: Buffer.from(type).toString('hex'), text: type });
const emptyIdentity = { name: 'Identity', value: '', text: '' };
/** A frame body from a vector: the bytes after its 2- or 9-byte header. */
const bodyOf = (vector: string) => {
  const bytes = h(vector);
  return bytes.slice((parseInt(bytes.slice(0, 2), 16) & 2) !== 0 ? 18 : 4);
};
const frame = (offset: number, flags: number, size: number, body: string, extra: object = {}) => ({ offset, flags, more: (flags & 1) === 1, size, body, truncated: false, ...extra });
const message = (offset: number, size: number, ...frames: object[]) => ({ kind: 'message', offset, frames, size });
const hello = h('48656c6c6f');
const world = h('576f726c64');

interface VectorCase {
  name: string;
  streams: Conversation;
  options?: DecoderOptions;
  c2s: object[];
  s2c: object[];
  peers?: { c2s: PeerInfo; s2c: PeerInfo };
}

const CASES: VectorCase[] = [
  {
    name: 'G1 R1 R2 M2: the REQ <-> REP round trip',
    streams: conversation(REQ_REP_ROUND_TRIP.c2s, REQ_REP_ROUND_TRIP.s2c),
    c2s: [
      greeting(),
      { kind: 'command', offset: 64, name: 'READY', size: 38, body: bodyOf(V.R1), metadata: [socketType('REQ'), emptyIdentity] },
      message(104, 5, frame(104, 1, 0, ''), frame(106, 0, 5, hello)),
    ],
    s2c: [
      greeting(),
      { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(V.R2), metadata: [socketType('REP')] },
      message(91, 5, frame(91, 1, 0, ''), frame(93, 0, 5, world)),
    ],
    peers: {
      c2s: { version: '3.1', mechanism: 'NULL', socketType: 'REQ', identity: new Uint8Array(0) },
      s2c: { version: '3.1', mechanism: 'NULL', socketType: 'REP' },
    },
  },
  {
    name: 'G2 (zero padding) and G3 (routing id "abc" padding) give the same greeting as G1',
    streams: conversation([V.G3, h(V.G1).slice(20), V.R1], [V.G2, V.R2]),
    c2s: [greeting(), { kind: 'command', offset: 64, name: 'READY', size: 38, body: bodyOf(V.R1), metadata: [socketType('REQ'), emptyIdentity] }],
    s2c: [greeting(), { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(V.R2), metadata: [socketType('REP')] }],
  },
  {
    name: 'R3: ROUTER READY with an empty Identity',
    streams: conversation([V.G1, V.R1], [V.G1, V.R3]),
    c2s: [greeting(), { kind: 'command', offset: 64, name: 'READY', size: 38, body: bodyOf(V.R1), metadata: [socketType('REQ'), emptyIdentity] }],
    s2c: [greeting(), { kind: 'command', offset: 64, name: 'READY', size: 41, body: bodyOf(V.R3), metadata: [socketType('ROUTER'), emptyIdentity] }],
    peers: {
      c2s: { version: '3.1', mechanism: 'NULL', socketType: 'REQ', identity: new Uint8Array(0) },
      s2c: { version: '3.1', mechanism: 'NULL', socketType: 'ROUTER', identity: new Uint8Array(0) },
    },
  },
  {
    name: 'M1 M3 M4: short, long and long-MORE frames',
    streams: conversation([V.G1, V.R1, V.M1, V.M3, V.M4, V.M1], [V.G1, V.R2]),
    c2s: [
      greeting(),
      { kind: 'command', offset: 64, name: 'READY', size: 38, body: bodyOf(V.R1), metadata: [socketType('REQ'), emptyIdentity] },
      message(104, 5, frame(104, 0, 5, hello)),
      message(111, 300, frame(111, 2, 300, filler(300))),
      message(420, 261, frame(420, 3, 256, filler(256)), frame(685, 0, 5, hello)),
    ],
    s2c: [greeting(), { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(V.R2), metadata: [socketType('REP')] }],
  },
  {
    name: 'S1 S2 S5: SUBSCRIBE / CANCEL commands from a SUB to a 3.1 PUB',
    streams: conversation([V.G1, SUB_READY, V.S1, V.S2, V.S5], [V.G1, PUB_READY]),
    c2s: [
      greeting(),
      { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(SUB_READY.toString('hex')), metadata: [socketType('SUB')] },
      { kind: 'command', offset: 91, name: 'SUBSCRIBE', size: 15, body: bodyOf(V.S1), topic: h('3130303031') },
      { kind: 'command', offset: 108, name: 'CANCEL', size: 12, body: bodyOf(V.S2), topic: h('3130303031') },
      { kind: 'command', offset: 122, name: 'SUBSCRIBE', size: 10, body: bodyOf(V.S5), topic: '' },
    ],
    s2c: [greeting(), { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(PUB_READY.toString('hex')), metadata: [socketType('PUB')] }],
  },
  {
    name: 'S3 S4: legacy (un)subscribe data frames from a SUB to a 3.0 PUB',
    streams: conversation([V.G1, SUB_READY, V.S3, V.S4], [greeting3({ minor: 0 }), PUB_READY]),
    c2s: [
      greeting(),
      { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(SUB_READY.toString('hex')), metadata: [socketType('SUB')] },
      { kind: 'command', offset: 91, name: 'SUBSCRIBE', size: 6, body: bodyOf(V.S3), legacy: true, topic: h('3130303031') },
      { kind: 'command', offset: 99, name: 'CANCEL', size: 6, body: bodyOf(V.S4), legacy: true, topic: h('3130303031') },
    ],
    s2c: [greeting('NULL', '3.0'), { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(PUB_READY.toString('hex')), metadata: [socketType('PUB')] }],
  },
  {
    name: 'P1 P2 P3 P4: PING with TTL, PING with context, their PONGs',
    streams: conversation([V.G1, V.R1, V.P1, V.P3], [V.G1, V.R2, V.P2, V.P4]),
    c2s: [
      greeting(),
      { kind: 'command', offset: 64, name: 'READY', size: 38, body: bodyOf(V.R1), metadata: [socketType('REQ'), emptyIdentity] },
      { kind: 'command', offset: 104, name: 'PING', size: 7, body: bodyOf(V.P1), ttl: 100, context: '' },
      { kind: 'command', offset: 113, name: 'PING', size: 10, body: bodyOf(V.P3), ttl: 0, context: h('616263') },
    ],
    s2c: [
      greeting(),
      { kind: 'command', offset: 64, name: 'READY', size: 25, body: bodyOf(V.R2), metadata: [socketType('REP')] },
      { kind: 'command', offset: 91, name: 'PONG', size: 5, body: bodyOf(V.P2), context: '' },
      { kind: 'command', offset: 98, name: 'PONG', size: 8, body: bodyOf(V.P4), context: h('616263') },
    ],
  },
  {
    name: 'E1: ERROR "400" after a ZAP denial',
    streams: conversation([V.G1, V.R1], [V.G1, V.E1]),
    c2s: [greeting(), { kind: 'command', offset: 64, name: 'READY', size: 38, body: bodyOf(V.R1), metadata: [socketType('REQ'), emptyIdentity] }],
    s2c: [greeting(), { kind: 'command', offset: 64, name: 'ERROR', size: 10, body: bodyOf(V.E1), reason: '400' }],
  },
  {
    name: 'L1 L2 L3: PLAIN handshake, password masked in the event and in its body',
    streams: conversation([greeting3({ mechanism: 'PLAIN' }), V.L1, V.L3, V.M2], [greeting3({ mechanism: 'PLAIN' }), V.L2, V.R2]),
    c2s: [
      greeting('PLAIN'),
      { kind: 'command', offset: 64, name: 'HELLO', size: 19, body: h('05 48454c4c4f 05 61646d696e 06 2a2a2a2a2a2a'), username: 'admin', password: '••••••', passwordMasked: true },
      { kind: 'command', offset: 85, name: 'INITIATE', size: 41, body: bodyOf(V.L3), metadata: [socketType('REQ'), emptyIdentity] },
      message(128, 5, frame(128, 1, 0, ''), frame(130, 0, 5, hello)),
    ],
    s2c: [
      greeting('PLAIN'),
      { kind: 'command', offset: 64, name: 'WELCOME', size: 8, body: bodyOf(V.L2) },
      { kind: 'command', offset: 74, name: 'READY', size: 25, body: bodyOf(V.R2), metadata: [socketType('REP')] },
    ],
    peers: {
      c2s: { version: '3.1', mechanism: 'PLAIN', socketType: 'REQ', identity: new Uint8Array(0) },
      s2c: { version: '3.1', mechanism: 'PLAIN', socketType: 'REP' },
    },
  },
  {
    name: 'L1 with revealPasswords: the password in clear',
    streams: conversation([greeting3({ mechanism: 'PLAIN' }), V.L1], [greeting3({ mechanism: 'PLAIN' })]),
    options: { revealPasswords: true },
    c2s: [greeting('PLAIN'), { kind: 'command', offset: 64, name: 'HELLO', size: 19, body: bodyOf(V.L1), username: 'admin', password: 'secret', passwordMasked: false }],
    s2c: [greeting('PLAIN')],
  },
  {
    name: 'C1 C2 C3: CURVE handshake and MESSAGE boxes labelled with nonces and box sizes',
    streams: conversation(
      [greeting3({ mechanism: 'CURVE' }), CURVE_EXTRA.HELLO, V.C1, V.C3],
      [greeting3({ mechanism: 'CURVE' }), CURVE_EXTRA.WELCOME, V.C2, V.C3.replace('00 00 00 00 00 00 00 03', '00 00 00 00 00 00 00 02')],
    ),
    c2s: [
      greeting('CURVE'),
      { kind: 'command', offset: 64, name: 'HELLO', size: 200, body: bodyOf(CURVE_EXTRA.HELLO), curve: { nonce: '1', boxSize: 80 } },
      { kind: 'command', offset: 266, name: 'INITIATE', size: 289, body: bodyOf(V.C1), curve: { nonce: '2', boxSize: 176 } },
      message(564, 38, frame(564, 0, 38, bodyOf(V.C3), { curve: { nonce: '3', boxSize: 22 } })),
    ],
    s2c: [
      greeting('CURVE'),
      { kind: 'command', offset: 64, name: 'WELCOME', size: 168, body: bodyOf(CURVE_EXTRA.WELCOME), curve: { nonce: filler(16, 0xe0), boxSize: 144 } },
      { kind: 'command', offset: 234, name: 'READY', size: 49, body: bodyOf(V.C2), curve: { nonce: '1', boxSize: 35 } },
      message(285, 38, frame(285, 0, 38, bodyOf(V.C3.replace('00 00 00 00 00 00 00 03', '00 00 00 00 00 00 00 02')), { curve: { nonce: '2', boxSize: 22 } })),
    ],
    peers: { c2s: { version: '3.1', mechanism: 'CURVE' }, s2c: { version: '3.1', mechanism: 'CURVE' } },
  },
  {
    name: "Z2 Z2b: a ZMTP 2.0 REQ and libzmq's 12-byte answer as REP",
    streams: conversation([V.Z2, V.M2], [V.Z2b, '01 00 00 05 57 6f 72 6c 64']),
    c2s: [
      { kind: 'greeting', offset: 0, version: '2.0', mechanism: 'NULL', asServer: false, length: 12, socketType: 'REQ', identity: '' },
      message(14, 5, frame(14, 1, 0, ''), frame(16, 0, 5, hello)),
    ],
    s2c: [
      { kind: 'greeting', offset: 0, version: '2.0', mechanism: 'NULL', asServer: false, length: 12, socketType: 'REP', identity: '' },
      message(14, 5, frame(14, 1, 0, ''), frame(16, 0, 5, world)),
    ],
    peers: {
      c2s: { version: '2.0', mechanism: 'NULL', socketType: 'REQ', identity: new Uint8Array(0) },
      s2c: { version: '2.0', mechanism: 'NULL', socketType: 'REP', identity: new Uint8Array(0) },
    },
  },
  {
    name: "Z1: a ZMTP 1.0 peer, and libzmq's signature read as a 1.0 identity frame",
    streams: conversation([V.Z1], [h(V.G1).slice(0, 20), '06 00 57 6f 72 6c 64']),
    c2s: [{ kind: 'greeting', offset: 0, version: '1.0', mechanism: 'NULL', asServer: false, length: 0, identity: '' }, message(2, 5, frame(2, 0, 5, hello))],
    s2c: [{ kind: 'greeting', offset: 0, version: '1.0', mechanism: 'NULL', asServer: false, length: 0, identity: '' }, message(10, 5, frame(10, 0, 5, world))],
    peers: {
      c2s: { version: '1.0', mechanism: 'NULL', identity: new Uint8Array(0) },
      s2c: { version: '1.0', mechanism: 'NULL', identity: new Uint8Array(0) },
    },
  },
];

describe('decoder: reference §7 vectors', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      for (const feeding of allFeedings()) {
        const decoded = decode(testCase.streams, feeding, testCase.options);
        const label = `feeding: ${feedingName(feeding)}`;
        assert.deepStrictEqual(plain(decoded.c2s), testCase.c2s, `c2s, ${label}`);
        assert.deepStrictEqual(plain(decoded.s2c), testCase.s2c, `s2c, ${label}`);
        assert.equal(decoded.decoder.decodedBytes('c2s'), testCase.streams.c2s.length, `c2s decoded to the end, ${label}`);
        assert.equal(decoded.decoder.decodedBytes('s2c'), testCase.streams.s2c.length, `s2c decoded to the end, ${label}`);
        if (testCase.peers) {
          assert.deepStrictEqual(decoded.decoder.peer('c2s'), testCase.peers.c2s, `c2s peer, ${label}`);
          assert.deepStrictEqual(decoded.decoder.peer('s2c'), testCase.peers.s2c, `s2c peer, ${label}`);
        }
      }
    });
  }
});
