// The greeting: how libzmq tells versions apart (reference §1.2), and what a greeting says.
import { asciiOrEscaped } from './bytes';
import { socketTypeName } from './socketTypes';

export const SIGNATURE_LENGTH = 10;
export const SHORT_GREETING_LENGTH = 12;
export const FULL_GREETING_LENGTH = 64;

const REVISION_AT = 10;
const MINOR_OR_SOCKET_TYPE_AT = 11;
const MECHANISM_AT = 12;
const MECHANISM_LENGTH = 20;
const AS_SERVER_AT = 32;

/** Framing families: ZMTP 1.0 (length includes flags), 2.0 (flags + size), 3.x (2.0 plus commands). */
export const FRAMING_1_0 = 1;
export const FRAMING_2_0 = 2;
export const FRAMING_3 = 3;
export type Framing = typeof FRAMING_1_0 | typeof FRAMING_2_0 | typeof FRAMING_3;

export type SignatureKind = 'unknown' | 'unversioned' | 'versioned';

/**
 * What the first bytes of a stream say, as libzmq reads them: a first byte other than FF, or an FF
 * escape whose byte 9 has bit 0 clear, is an unversioned ZMTP 1.0 identity frame.
 */
export function signatureKind(head: Uint8Array, arrived: number): SignatureKind {
  if (arrived === 0) return 'unknown';
  if (head[0] !== 0xff) return 'unversioned';
  if (arrived < SIGNATURE_LENGTH) return 'unknown';
  return (head[SIGNATURE_LENGTH - 1] & 1) === 1 ? 'versioned' : 'unversioned';
}

/** Byte 10 of a versioned stream, once it has arrived. */
export function revisionOf(head: Uint8Array, arrived: number): number | undefined {
  return arrived > REVISION_AT ? head[REVISION_AT] : undefined;
}

export interface GreetingPlan {
  greetingLength: 0 | 12 | 64;
  framing: Framing;
}

export const UNVERSIONED_PLAN: GreetingPlan = { greetingLength: 0, framing: FRAMING_1_0 };

/** Both sides versioned: the lower revision decides (reference §1.2 table). */
export function planFor(ownRevision: number, peerRevision: number): GreetingPlan {
  const lower = Math.min(ownRevision, peerRevision);
  if (lower === 0) return { greetingLength: SHORT_GREETING_LENGTH, framing: FRAMING_1_0 };
  if (lower === 1) return { greetingLength: SHORT_GREETING_LENGTH, framing: FRAMING_2_0 };
  return { greetingLength: FULL_GREETING_LENGTH, framing: FRAMING_3 };
}

export interface GreetingFacts {
  version: string;
  mechanism: string;
  asServer: boolean;
  socketType?: string;
  /** Things that are off in the greeting but do not stop decoding. */
  problems: string[];
}

const MECHANISM_NAME = /^[A-Z0-9\-_.+]+$/;

function describeFullGreeting(head: Uint8Array): GreetingFacts {
  const problems: string[] = [];
  const field = head.subarray(MECHANISM_AT, MECHANISM_AT + MECHANISM_LENGTH);
  const nul = field.indexOf(0);
  const nameBytes = nul < 0 ? field : field.subarray(0, nul);
  const mechanism = asciiOrEscaped(nameBytes);
  if (!MECHANISM_NAME.test(mechanism)) {
    problems.push(`greeting mechanism "${mechanism}" is not an upper-case ASCII name such as NULL, PLAIN or CURVE`);
  } else if (nul >= 0 && field.subarray(nul).some((byte) => byte !== 0)) {
    problems.push(`greeting mechanism field has bytes after the NUL that ends "${mechanism}"; they must be zero`);
  }
  const asServer = head[AS_SERVER_AT] !== 0;
  if (head[AS_SERVER_AT] > 1) problems.push(`greeting as-server byte is ${head[AS_SERVER_AT]}; it must be 0 or 1`);
  if (asServer && mechanism === 'NULL') problems.push('greeting sets as-server with the NULL mechanism, which RFC 37 forbids');
  const version = `${head[REVISION_AT]}.${head[MINOR_OR_SOCKET_TYPE_AT]}`;
  return { version, mechanism, asServer, problems };
}

/** The facts of a complete greeting (`head` holds at least `plan.greetingLength` bytes). */
export function describeGreeting(head: Uint8Array, plan: GreetingPlan): GreetingFacts {
  if (plan.greetingLength === FULL_GREETING_LENGTH) return describeFullGreeting(head);
  const version = plan.framing === FRAMING_2_0 ? '2.0' : '1.0';
  const facts: GreetingFacts = { version, mechanism: 'NULL', asServer: false, problems: [] };
  // The 12-byte greetings (a 2.0 peer, or libzmq answering one) end with the socket-type code.
  if (plan.greetingLength === SHORT_GREETING_LENGTH) facts.socketType = socketTypeName(head[MINOR_OR_SOCKET_TYPE_AT]);
  return facts;
}
