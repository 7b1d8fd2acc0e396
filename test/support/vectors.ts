// The test vectors of /work/shared/zmtp-wire.md §7, as hex data (spaces are for reading only).
// Where the reference elides bytes ("<300 B>", "..."), `filler` gives deterministic stand-ins of the
// stated length, and the CURVE boxes hold arbitrary bytes since a sniffer cannot open them anyway.

/** `length` bytes 00 01 02 ... wrapping at 256, as hex. */
export function filler(length: number, start = 0): string {
  return Array.from({ length }, (_, i) => ((start + i) & 0xff).toString(16).padStart(2, '0')).join('');
}

const NULL_MECHANISM = '4e 55 4c 4c' + ' 00'.repeat(16);
const FILLER_31 = ' 00'.repeat(31);

export const V = {
  /** libzmq NULL greeting, no routing id (confirmed against libzmq 4.3.5). */
  G1: `ff 00 00 00 00 00 00 00 01 7f 03 01 ${NULL_MECHANISM} 00 ${FILLER_31}`,
  /** RFC-canonical: padding byte 8 is 00. */
  G2: `ff 00 00 00 00 00 00 00 00 7f 03 01 ${NULL_MECHANISM} 00 ${FILLER_31}`,
  /** First 10 bytes from a socket with routing id "abc". */
  G3: 'ff 00 00 00 00 00 00 00 04 7f',
  /** READY from REQ (Socket-Type REQ, empty Identity). */
  R1: '04 26 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 03 52 45 51 08 49 64 65 6e 74 69 74 79 00 00 00 00',
  /** READY from REP. */
  R2: '04 19 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 03 52 45 50',
  /** READY from ROUTER, Identity empty. */
  R3: '04 29 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 06 52 4f 55 54 45 52 08 49 64 65 6e 74 69 74 79 00 00 00 00',
  M1: '00 05 48 65 6c 6c 6f',
  /** REQ->REP request "Hello": empty delimiter with MORE, then the body. */
  M2: '01 00 00 05 48 65 6c 6c 6f',
  M3: `02 00 00 00 00 00 00 01 2c ${filler(300)}`,
  M4: `03 00 00 00 00 00 00 01 00 ${filler(256)}`,
  S1: '04 0f 09 53 55 42 53 43 52 49 42 45 31 30 30 30 31',
  S2: '04 0c 06 43 41 4e 43 45 4c 31 30 30 30 31',
  S3: '00 06 01 31 30 30 30 31',
  S4: '00 06 00 31 30 30 30 31',
  S5: '04 0a 09 53 55 42 53 43 52 49 42 45',
  P1: '04 07 04 50 49 4e 47 00 64',
  P2: '04 05 04 50 4f 4e 47',
  P3: '04 0a 04 50 49 4e 47 00 00 61 62 63',
  P4: '04 08 04 50 4f 4e 47 61 62 63',
  E1: '04 0a 05 45 52 52 4f 52 03 34 30 30',
  /** PLAIN HELLO admin / secret. */
  L1: '04 13 05 48 45 4c 4c 4f 05 61 64 6d 69 6e 06 73 65 63 72 65 74',
  L2: '04 08 07 57 45 4c 43 4f 4d 45',
  /** PLAIN INITIATE from REQ, the same properties as R1. */
  L3: '04 29 08 49 4e 49 54 49 41 54 45 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 03 52 45 51 08 49 64 65 6e 74 69 74 79 00 00 00 00',
  /** CURVE INITIATE from REQ: name, cookie (96), short nonce 2, box (144 + 32 of metadata). */
  C1: `06 00 00 00 00 00 00 01 21 08 49 4e 49 54 49 41 54 45 ${filler(96, 0x40)} 00 00 00 00 00 00 00 02 ${filler(176, 0x80)}`,
  /** CURVE READY from REP: short nonce 1, 35-byte box. */
  C2: `04 31 05 52 45 41 44 59 00 00 00 00 00 00 00 01 ${filler(35, 0x10)}`,
  /** CURVE MESSAGE "Hello": outer flags 00, short nonce 3, 22-byte box. */
  C3: `00 26 07 4d 45 53 53 41 47 45 00 00 00 00 00 00 00 03 ${filler(22, 0x20)}`,
  /** ZMTP 2.0 greeting of a 0MQ 3.2 REQ with an anonymous identity frame. */
  Z2: 'ff 00 00 00 00 00 00 00 01 7f 01 03 00 00',
  /** libzmq 4.3.5 answering that peer as REP: revision 03, then its socket type and identity. */
  Z2b: 'ff 00 00 00 00 00 00 00 01 7f 03 04 00 00',
  /** ZMTP 1.0: anonymous identity, then "Hello". */
  Z1: '01 00 06 00 48 65 6c 6c 6f',
} as const;

/** Observed on the wire, not in §7. */
export const OBSERVED = {
  /**
   * ERROR "400" from a libzmq 4.3.5 PLAIN server after a ZAP denial: its C source writes the name as
   * "\x05ERROR", so the hex escape eats the E (5E "RROR") and the body is one byte short of E1.
   */
  PLAIN_ERROR: '04 09 5e 52 52 4f 52 03 34 30 30',
} as const;

/** CURVE HELLO and WELCOME with libzmq's layout (not in §7, needed for a whole CURVE handshake). */
export const CURVE_EXTRA = {
  /** HELLO: name, version 1.0, 72 zero bytes, C' (32), short nonce 1, signature box (80). */
  HELLO: `04 c8 05 48 45 4c 4c 4f 01 00 ${' 00'.repeat(72)} ${filler(32, 0xa0)} 00 00 00 00 00 00 00 01 ${filler(80, 0x30)}`,
  /** WELCOME: name, 16-byte long nonce, box (144). */
  WELCOME: `04 a8 07 57 45 4c 43 4f 4d 45 ${filler(16, 0xe0)} ${filler(144, 0x50)}`,
} as const;

/** The §7 REQ (connect) <-> REP (bind) round trip, as libzmq stages it on the wire. */
export const REQ_REP_ROUND_TRIP = {
  c2s: [V.G1, V.R1, V.M2],
  s2c: [V.G1, V.R2, '01 00 00 05 57 6f 72 6c 64'],
} as const;
