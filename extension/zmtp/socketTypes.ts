// Socket-type names as ZMTP 3 READY metadata spells them, and the numeric codes of the
// ZMTP 2.0 greeting (RFC 15; libzmq adds XPUB and XSUB; the rest are libzmq's draft types).

/** Every socket type name, indexed by its ZMTP 2.0 code. */
export const SOCKET_TYPE_NAMES: readonly string[] = [
  'PAIR', 'PUB', 'SUB', 'REQ', 'REP', 'DEALER', 'ROUTER', 'PULL', 'PUSH', 'XPUB', 'XSUB', 'STREAM',
  'SERVER', 'CLIENT', 'RADIO', 'DISH', 'GATHER', 'SCATTER', 'DGRAM', 'PEER', 'CHANNEL',
];

export function socketTypeName(code: number): string {
  return SOCKET_TYPE_NAMES[code] ?? `unknown socket type ${code}`;
}

/** Sockets whose outgoing data frames starting with 01/00 are (un)subscriptions. */
export function isSubscriberType(type: string | undefined): boolean {
  return type === 'SUB' || type === 'XSUB';
}

export function isPublisherType(type: string | undefined): boolean {
  return type === 'PUB' || type === 'XPUB';
}
