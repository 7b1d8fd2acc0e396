// A relay between a raw test server and test clients, on tcp or ipc, torn down in one call.
import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import { Relay, type RelayOptions } from '../../extension/sniffer/relay';
import { receiveAll, sendRandom, type StreamSummary } from './hashing';
import { connectRaw, rawServer, relayListenEndpoint, temporaryDirectory, type RawServer, type Transport } from './rawPeers';
import { RecordingObserver } from './recordingObserver';

export interface RelayFixture {
  relay: Relay;
  server: RawServer;
  observer: RecordingObserver;
  dispose(): Promise<void>;
}

export async function relayFixture(transport: Transport, options: Partial<RelayOptions> = {}): Promise<RelayFixture> {
  const directory = await temporaryDirectory();
  const server = await rawServer(transport === 'tcp' ? 'tcp' : { ipcPath: directory.file('server.ipc') });
  const observer = new RecordingObserver();
  const relay = await Relay.start({ listen: relayListenEndpoint(transport, directory), target: server.endpoint, observer, ...options }).catch(async (error: unknown) => {
    await server.close();
    await directory.remove();
    throw error;
  });
  return {
    relay,
    server,
    observer,
    dispose: async () => {
      await relay.stop();
      await server.close();
      await directory.remove();
    },
  };
}

export interface Exchange {
  clientSent: StreamSummary;
  clientReceived: StreamSummary;
  serverSent: StreamSummary;
  serverReceived: StreamSummary;
}

/** Both ends send `bytes` random bytes (random chunk sizes), end, and hash what arrives. */
export async function exchangeRandom(client: Socket, server: Socket, bytes: number, maxChunk?: number): Promise<Exchange> {
  const [clientSent, clientReceived, serverSent, serverReceived] = await Promise.all([
    sendRandom(client, bytes, { maxChunk }),
    receiveAll(client),
    sendRandom(server, bytes, { maxChunk }),
    receiveAll(server),
  ]);
  return { clientSent, clientReceived, serverSent, serverReceived };
}

/** Every byte arrived unchanged both ways, and the observer saw exactly those bytes. */
export function assertExact(exchange: Exchange, observer?: RecordingObserver, connectionId?: number): void {
  assert.deepEqual(exchange.serverReceived, exchange.clientSent, 'client → server bytes differ');
  assert.deepEqual(exchange.clientReceived, exchange.serverSent, 'server → client bytes differ');
  if (observer && connectionId !== undefined) {
    assert.deepEqual(observer.seen(connectionId, 'c2s'), exchange.clientSent, 'observer saw different client → server bytes');
    assert.deepEqual(observer.seen(connectionId, 's2c'), exchange.serverSent, 'observer saw different server → client bytes');
  }
}

export interface RelayFixtureHooks {
  /** Starts this test's relay fixture; it is disposed after the test. */
  start(transport: Transport, options?: Partial<RelayOptions>): Promise<RelayFixture>;
  /** Connects a client through the relay and returns it with the server's end of the connection. */
  connectPair(): Promise<[Socket, Socket]>;
}

/** Registers mocha hooks that free each test's fixture and clients. Call inside `describe`. */
export function useRelayFixture(): RelayFixtureHooks {
  let fixture: RelayFixture | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.destroy());
    await fixture?.dispose();
    fixture = undefined;
  });
  return {
    start: async (transport, options) => (fixture = await relayFixture(transport, options)),
    connectPair: async () => {
      if (!fixture) throw new Error('start the fixture before connecting');
      const client = await connectRaw(fixture.relay.listenEndpoint);
      clients.push(client);
      return [client, await fixture.server.nextConnection()];
    },
  };
}
