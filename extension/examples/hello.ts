// The slides' "Hello world": a REQ client asks "Hello server", a REP server answers "Hello client".
// Unlike the slide code, the REP binds and the REQ connects (through the sniffer), so the messages
// actually cross the wire.
import * as zmq from 'zeromq';
import { ExampleSession, untilStopped, type ExampleHooks, type RunningExample } from './session';

export interface HelloOptions extends ExampleHooks {
  /** Requests to send; 0 = until stopped. */
  count?: number;
  /** Requests per second; 0 = as fast as replies come. */
  rate?: number;
}

export const helloDefaults = { count: 10, rate: 5 };

export async function startHello(options: HelloOptions = {}): Promise<RunningExample> {
  const { count, rate } = { ...helloDefaults, ...options };
  const session = new ExampleSession('hello', options);
  try {
    const server = session.track(new zmq.Reply());
    const endpoint = await session.bindBehindSniffer(server, 'hello');
    const client = session.track(new zmq.Request());
    client.connect(endpoint);

    void untilStopped(session, async () => {
      for (;;) {
        const [request] = await server.receive();
        session.log(`server received: ${request.toString()}`);
        await server.send('Hello client');
      }
    });

    const finished = (async () => {
      let replies = 0;
      await untilStopped(session, async () => {
        for (let i = 0; count === 0 || i < count; i++) {
          await client.send('Hello server');
          const [reply] = await client.receive();
          replies++;
          session.log(`client received: ${reply.toString()}`);
          if (rate > 0 && !(await session.delay(1000 / rate))) return;
        }
      });
      return { ok: count === 0 || replies === count, summary: `hello: ${replies} request/reply round trips` };
    })();
    return { id: 'hello', session, finished, stop: () => session.stop() };
  } catch (error) {
    await session.stop();
    throw error;
  }
}
