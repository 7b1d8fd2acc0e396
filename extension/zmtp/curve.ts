// CurveZMQ (RFC 26, libzmq layouts): which bytes are clear-text nonces and where the boxes are.
// Offsets are within the command body; the boxes themselves cannot be read by a sniffer.
import type { CurveBox } from './types';
import { hexOf, u64Decimal } from './bytes';

interface CurveLayout {
  nonceAt: number;
  /** WELCOME carries a 16-byte long-term nonce; the rest carry short u64 counters. */
  longNonce: boolean;
  boxAt: number;
  /** Smallest valid body size; `exactSize` when no other size is valid. */
  minSize: number;
  exactSize: boolean;
}

const MESSAGE_LAYOUT: CurveLayout = { nonceAt: 8, longNonce: false, boxAt: 16, minSize: 33, exactSize: false };

// A Map: command names come from the network and must not reach Object.prototype.
const LAYOUTS: ReadonlyMap<string, CurveLayout> = new Map([
  ['HELLO', { nonceAt: 112, longNonce: false, boxAt: 120, minSize: 200, exactSize: true }],
  ['WELCOME', { nonceAt: 8, longNonce: true, boxAt: 24, minSize: 168, exactSize: true }],
  ['INITIATE', { nonceAt: 105, longNonce: false, boxAt: 113, minSize: 257, exactSize: false }],
  ['READY', { nonceAt: 6, longNonce: false, boxAt: 14, minSize: 30, exactSize: false }],
  ['MESSAGE', MESSAGE_LAYOUT],
]);

const HELLO_VERSION_AT = 6;
const MESSAGE_PREFIX = Buffer.from('\x07MESSAGE', 'latin1');

export function isCurveCommand(name: string): boolean {
  return LAYOUTS.has(name);
}

export interface CurveLabel {
  curve?: CurveBox;
  problem?: string;
}

/** Nonce and box size of a CURVE command body whose name is one of LAYOUTS. */
export function labelCurveCommand(name: string, body: Uint8Array, size: number): CurveLabel {
  const layout = LAYOUTS.get(name);
  if (layout === undefined) return {};
  const nonceEnd = layout.nonceAt + (layout.longNonce ? 16 : 8);
  const problems: string[] = [];
  if (layout.exactSize ? size !== layout.minSize : size < layout.minSize) {
    problems.push(`CURVE ${name} should have ${layout.exactSize ? '' : 'at least '}${layout.minSize} bytes, this one has ${size}`);
  }
  if (name === 'HELLO' && body.length >= HELLO_VERSION_AT + 2 && (body[HELLO_VERSION_AT] !== 1 || body[HELLO_VERSION_AT + 1] !== 0)) {
    problems.push(`CURVE HELLO announces version ${body[HELLO_VERSION_AT]}.${body[HELLO_VERSION_AT + 1]}; libzmq speaks 1.0`);
  }
  const label: CurveLabel = {};
  if (body.length >= nonceEnd) {
    const nonce = layout.longNonce ? hexOf(body.subarray(layout.nonceAt, nonceEnd)) : u64Decimal(body, layout.nonceAt);
    label.curve = { nonce, boxSize: Math.max(0, size - layout.boxAt) };
  }
  if (problems.length > 0) label.problem = problems.join('; ');
  return label;
}

/** Data frames after a CURVE handshake are MESSAGE boxes with outer flags 00/02 (reference §3.3). */
export function curveMessageBox(body: Uint8Array, size: number): CurveBox | undefined {
  const layout = MESSAGE_LAYOUT;
  if (body.length < layout.boxAt || MESSAGE_PREFIX.compare(body, 0, MESSAGE_PREFIX.length) !== 0) return undefined;
  return { nonce: u64Decimal(body, layout.nonceAt), boxSize: size - layout.boxAt };
}
