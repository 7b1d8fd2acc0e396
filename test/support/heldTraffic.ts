// What the step-mode tests share: how long a receiver waits, how it proves that a held message was
// not let through, and how the sockets behind a sniffer are connected and counted.
import { strict as assert } from 'node:assert';
import type * as zmq from 'zeromq';
import { Sniffer, type SnifferOptions } from '../../extension/sniffer/sniffer';
import type { SnifferEvent } from '../../extension/sniffer/types';

export const RECEIVE_TIMEOUT_MS = 10_000;
/** How long a receiver listens to make sure nothing was let through. */
export const QUIET_MS = 300;

/** Resolves once `receiver` has heard nothing for QUIET_MS; fails when a held message reached it. */
export async function nothingArrives(receiver: zmq.Socket & zmq.Readable): Promise<void> {
  receiver.receiveTimeout = QUIET_MS;
  try {
    await assert.rejects(receiver.receive(), (error: Error & { code?: string }) => error.code === 'EAGAIN', 'a held message reached the receiver');
  } finally {
    receiver.receiveTimeout = RECEIVE_TIMEOUT_MS;
  }
}

/** Binds `server` on loopback and starts a sniffer in front of it (`sockets` collects the server for closing). */
export async function sniffInFront(sockets: zmq.Socket[], server: zmq.Socket, options: Omit<SnifferOptions, 'listen' | 'target'>): Promise<Sniffer> {
  sockets.push(server);
  await server.bind('tcp://127.0.0.1:*');
  return Sniffer.start({ listen: 'tcp://127.0.0.1:0', target: server.lastEndpoint!, ...options });
}

/** Connects `client` to the sniffer's listening endpoint; `sockets` collects it for closing after the test. */
export function connectThrough<S extends zmq.Socket>(sockets: zmq.Socket[], client: S, sniffer: { listenEndpoint: string }): S {
  sockets.push(client);
  client.connect(sniffer.listenEndpoint);
  return client;
}

/** How many `name` commands (READY, SUBSCRIBE…) the sniffer decoded so far. */
export function commandsSeen(events: readonly SnifferEvent[], name: string): number {
  return events.filter((event) => event.type === 'zmtp' && event.event.kind === 'command' && event.event.name === name).length;
}
