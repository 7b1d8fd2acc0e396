// Which socket types may talk to which (RFC 37, libzmq's check_socket_type; reference §4).
import { oneOf } from './wording';

const ACCEPTS: Readonly<Record<string, readonly string[]>> = {
  REQ: ['REP', 'ROUTER'],
  REP: ['REQ', 'DEALER'],
  DEALER: ['REP', 'DEALER', 'ROUTER'],
  ROUTER: ['REQ', 'DEALER', 'ROUTER'],
  PUB: ['SUB', 'XSUB'],
  XPUB: ['SUB', 'XSUB'],
  SUB: ['PUB', 'XPUB'],
  XSUB: ['PUB', 'XPUB'],
  PUSH: ['PULL'],
  PULL: ['PUSH'],
  PAIR: ['PAIR'],
  CLIENT: ['SERVER'],
  SERVER: ['CLIENT'],
  RADIO: ['DISH'],
  DISH: ['RADIO'],
  SCATTER: ['GATHER'],
  GATHER: ['SCATTER'],
  PEER: ['PEER'],
  CHANNEL: ['CHANNEL'],
  DGRAM: ['DGRAM'],
};

/** The peer types a socket type accepts; empty for a type libzmq does not know. */
export function acceptedPeers(type: string): readonly string[] {
  return Object.hasOwn(ACCEPTS, type) ? ACCEPTS[type] : [];
}

export function canTalk(a: string, b: string): boolean {
  return acceptedPeers(a).includes(b);
}

/** "PUB sockets accept only SUB or XSUB peers". */
export function acceptanceText(type: string): string {
  const peers = acceptedPeers(type);
  return peers.length > 0 ? `${type} sockets accept only ${oneOf(peers)} peers` : `${type} is not a socket type libzmq knows`;
}
