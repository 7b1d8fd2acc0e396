// UserSockets whose sniffers are plain Sniffers feeding a CaptureStore, as the runtime's would,
// plus the test's own peer sockets, all closed after each test. Shared by the sockets tests.
import { strict as assert } from 'node:assert';
import * as zmq from 'zeromq';
import { CaptureStore } from '../../extension/inspector/store';
import { Sniffer } from '../../extension/sniffer/sniffer';
import type { SnifferEvent } from '../../extension/sniffer/types';
import { UserSockets, type SnifferFront, type UserSocketHooks, type UserSocketInfo } from '../../extension/sockets/userSockets';

export interface UserSocketsFixture {
  readonly store: CaptureStore;
  readonly sockets: UserSockets;
  /** Every event the sniffers reported, oldest first. */
  readonly events: SnifferEvent[];
  /** Keeps `socket` to be closed after the test. */
  peer<S extends zmq.Socket>(socket: S): S;
  close(): Promise<void>;
}

/** `hooks`: more UserSockets hooks than the sniffer (e.g. onRefused). */
export function userSocketsFixture(hooks: Omit<UserSocketHooks, 'startSniffer'> = {}): UserSocketsFixture {
  const store = new CaptureStore();
  const events: SnifferEvent[] = [];
  const peers: zmq.Socket[] = [];
  let count = 0;
  const sockets = new UserSockets({
    ...hooks,
    startSniffer: async ({ listen, target, name }): Promise<SnifferFront> => {
      const sniffer = await Sniffer.start({ listen, target, name, onEvent: (event) => {
        events.push(event);
        store.ingest({ id: name, name, listen, target }, event);
      } });
      return { key: `user-${++count}`, listen: sniffer.listenEndpoint, stop: () => sniffer.stop() };
    },
  });
  return {
    store,
    sockets,
    events,
    peer: (socket) => {
      peers.push(socket);
      return socket;
    },
    close: async () => {
      await sockets.closeAll();
      for (const peer of peers.splice(0)) peer.close();
    },
  };
}

/** A REP the test binds on loopback, answering within `receiveTimeout`. */
export async function boundReply(fixture: UserSocketsFixture): Promise<{ rep: zmq.Reply; endpoint: string }> {
  const rep = fixture.peer(new zmq.Reply({ linger: 0, receiveTimeout: 5000 }));
  await rep.bind('tcp://127.0.0.1:*');
  return { rep, endpoint: rep.lastEndpoint as string };
}

/** Polls `probe` every 20 ms, at most `tries` times, until it returns something other than undefined. */
export async function eventually<T>(what: string, probe: () => T | undefined, tries = 250): Promise<T> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what} after ${tries} tries`);
}

/** The seq of the newest captured message row, if any. */
export function newestMessage(store: CaptureStore): number | undefined {
  for (let seq = store.endSeq - 1; seq >= store.firstSeq; seq -= 1) if (store.kindOf(seq) === 'message') return seq;
  return undefined;
}

/** Where a bound user socket's peers connect: its sniffer's endpoint. */
export const endpointOf = (info: UserSocketInfo): string => info.label.replace(/^bind /, '');

/** REQ → REP through both user sockets: the request arrives, the reply comes back. */
export async function roundTrip(sockets: UserSockets, client: UserSocketInfo, server: UserSocketInfo): Promise<void> {
  await sockets.send(client.id, [Buffer.from('knock')]);
  const request = await eventually('the request at the server', () => sockets.received(server.id)[0]);
  assert.deepEqual(request.map(String), ['knock']);
  await sockets.send(server.id, [Buffer.from('come in')]);
  const reply = await eventually('the reply at the client', () => sockets.received(client.id)[0]);
  assert.deepEqual(reply.map(String), ['come in']);
}
