// The slides' Publish/Subscribe: a publisher binds and sends topic-prefixed updates; several
// subscribers connect, each subscribed to a different prefix, and receive only what matches.
import * as zmq from 'zeromq';
import { ExampleSession, untilStopped, WIRE_TO_SOCKET_SETTLE_MS, type ExampleHooks, type RunningExample } from './session';

export interface PubSubOptions extends ExampleHooks {
  /** Updates to publish; 0 = until stopped. */
  count?: number;
  /** Updates per second; 0 = as fast as possible. */
  rate?: number;
  /** One subscriber per prefix; "" subscribes to everything. */
  prefixes?: string[];
  /** Topics the publisher cycles through. */
  topics?: string[];
}

export const pubSubDefaults = { count: 30, rate: 10, prefixes: ['10001', '10002', ''], topics: ['10001', '10002', '10003'] };

/** Waits for every subscriber's subscription to reach the publisher, so no update is lost to a slow joiner. */
const subscriptionWaitMs = 5000;


export async function startPubSub(options: PubSubOptions = {}): Promise<RunningExample> {
  const { count, rate, prefixes, topics } = { ...pubSubDefaults, ...options };
  const session = new ExampleSession('pubsub', options);
  try {
    const publisher = session.track(new zmq.Publisher());
    let subscriptionsSeen = 0;
    const allSubscribed = session.waitForEvents(
      (_source, event) => event.type === 'zmtp' && event.event.kind === 'command' && event.event.name === 'SUBSCRIBE' && ++subscriptionsSeen >= prefixes.length,
      subscriptionWaitMs,
    );
    const endpoint = await session.bindBehindSniffer(publisher, 'updates');
    const received = prefixes.map(() => 0);
    prefixes.forEach((prefix, index) => {
      const subscriber = session.track(new zmq.Subscriber());
      subscriber.subscribe(prefix);
      subscriber.connect(endpoint);
      void untilStopped(session, async () => {
        for await (const [update] of subscriber) {
          received[index]++;
          session.log(`subscriber ${index} ("${prefix}") received: ${update.toString()}`);
        }
      });
    });

    const finished = (async () => {
      if (!(await allSubscribed) && !session.stopped) session.log(`not every subscription arrived within ${subscriptionWaitMs} ms; early updates may be lost`);
      await session.delay(WIRE_TO_SOCKET_SETTLE_MS);
      let sent = 0;
      await untilStopped(session, async () => {
        for (let i = 0; count === 0 || i < count; i++) {
          const topic = topics[i % topics.length];
          await publisher.send(`${topic} temperature=${15 + (i % 10)} humidity=${40 + (i % 7)}`);
          sent++;
          if (rate > 0 && !(await session.delay(1000 / rate))) return;
        }
        await session.patientDelay(200); // let the last updates reach the subscribers before reporting
      });
      const expected = prefixes.map((prefix) => countMatching(topics, prefix, sent));
      const perSubscriber = prefixes.map((prefix, i) => `"${prefix}": ${received[i]}/${expected[i]}`).join(', ');
      return { ok: received.every((n, i) => n === expected[i]), summary: `pubsub: ${sent} updates published; received ${perSubscriber}` };
    })();
    return { id: 'pubsub', session, finished, stop: () => session.stop() };
  } catch (error) {
    await session.stop();
    throw error;
  }
}

/** How many of the first `sent` updates (cycling through `topics`) a subscriber to `prefix` should get. */
function countMatching(topics: string[], prefix: string, sent: number): number {
  let matching = 0;
  for (let i = 0; i < sent; i++) if (topics[i % topics.length].startsWith(prefix)) matching++;
  return matching;
}
