// The socket types New Socket… offers, the zeromq class for each, and which of them can send
// or receive, so a send on a SUB is refused with a sentence instead of a libzmq error code.
import * as zmq from 'zeromq';

export const USER_SOCKET_TYPES = ['REQ', 'REP', 'DEALER', 'ROUTER', 'PUB', 'SUB', 'XPUB', 'XSUB', 'PUSH', 'PULL', 'PAIR'] as const;
export type UserSocketType = (typeof USER_SOCKET_TYPES)[number];

type SocketClass = new (options?: Record<string, unknown>) => zmq.Socket;

const classes: Record<UserSocketType, SocketClass> = {
  REQ: zmq.Request as SocketClass,
  REP: zmq.Reply as SocketClass,
  DEALER: zmq.Dealer as SocketClass,
  ROUTER: zmq.Router as SocketClass,
  PUB: zmq.Publisher as SocketClass,
  SUB: zmq.Subscriber as SocketClass,
  XPUB: zmq.XPublisher as SocketClass,
  XSUB: zmq.XSubscriber as SocketClass,
  PUSH: zmq.Push as SocketClass,
  PULL: zmq.Pull as SocketClass,
  PAIR: zmq.Pair as SocketClass,
};

const sendOnly = new Set<UserSocketType>(['PUB', 'PUSH']);
const receiveOnly = new Set<UserSocketType>(['SUB', 'PULL']);
/** Types whose libzmq class has a routing id option. */
const withRoutingId = new Set<UserSocketType>(['REQ', 'REP', 'DEALER', 'ROUTER']);

export const isUserSocketType = (value: unknown): value is UserSocketType => typeof value === 'string' && (USER_SOCKET_TYPES as readonly string[]).includes(value);
export const canSend = (type: UserSocketType): boolean => !receiveOnly.has(type);
export const canReceive = (type: UserSocketType): boolean => !sendOnly.has(type);
export const takesRoutingId = (type: UserSocketType): boolean => withRoutingId.has(type);

export function createZmqSocket(type: UserSocketType, options: Record<string, unknown>): zmq.Socket {
  return new classes[type](options);
}
