// The slides' manager/worker/sink pipeline. The manager PUSHes tasks (sub-arrays of numbers,
// written "0::1::2"), workers PULL them, sum them and send "<worker>::<sum>" to the sink, which
// adds the sums up. Two forms: the slide diagram's (results PUSH -> PULL: nothing is lost) and the
// slide code's (results PUB -> SUB: results published before a subscription arrives are lost).
import * as zmq from 'zeromq';
import { ExampleSession, untilStopped, WIRE_TO_SOCKET_SETTLE_MS, type ExampleHooks, type RunningExample } from './session';

export type PipelineForm = 'diagram' | 'code';

export interface PipelineOptions extends ExampleHooks {
  /** Tasks the manager sends. */
  count?: number;
  workers?: number;
  /** Numbers per task. */
  taskSize?: number;
  /** Tasks per second; 0 = as fast as possible. */
  rate?: number;
  form?: PipelineForm;
  /** How long the sink waits for missing results once the manager is done (time traffic was held not counted). */
  resultWaitMs?: number;
}

export const pipelineDefaults = { count: 20, workers: 3, taskSize: 10, rate: 10, form: 'diagram' as PipelineForm, resultWaitMs: 2000 };

const connectWaitMs = 5000;

export const encodeTask = (numbers: number[]): string => numbers.join('::');
export const decodeTask = (text: string): number[] => (text === '' ? [] : text.split('::').map(Number));

export async function startPipeline(options: PipelineOptions = {}): Promise<RunningExample> {
  const settings = { ...pipelineDefaults, ...options };
  const { count, workers, taskSize, rate, form, resultWaitMs } = settings;
  const session = new ExampleSession(`pipeline-${form}`, options);
  try {
    const manager = session.track(new zmq.Push());
    const sink = session.track(form === 'code' ? new zmq.Subscriber() : new zmq.Pull());
    if (sink instanceof zmq.Subscriber) sink.subscribe('');

    // PUSH deals tasks round-robin to the workers connected *at that moment*: wait until every
    // worker's task connection finished its handshake, or the first one would get all the tasks.
    let taskHandshakes = 0;
    const workersReady = session.waitForEvents(
      (source, event) => source.name === 'tasks' && event.type === 'zmtp' && event.dir === 's2c' && event.event.kind === 'command' && event.event.name === 'READY' && ++taskHandshakes >= workers,
      connectWaitMs,
    );
    const tasksEndpoint = await session.bindBehindSniffer(manager, 'tasks');
    const resultsEndpoint = await session.bindBehindSniffer(sink, 'results');

    for (let w = 0; w < workers; w++) {
      const tasks = session.track(new zmq.Pull());
      const results = session.track(form === 'code' ? new zmq.Publisher() : new zmq.Push());
      tasks.connect(tasksEndpoint);
      results.connect(resultsEndpoint);
      void untilStopped(session, async () => {
        for await (const [task] of tasks) {
          const sum = decodeTask(task.toString()).reduce((a, b) => a + b, 0);
          session.log(`worker ${w} summed ${task.length} bytes of task -> ${sum}`);
          await results.send(`${w}::${sum}`);
        }
      });
    }

    let results = 0;
    let total = 0;
    const perWorker = new Array<number>(workers).fill(0);
    const sinkDone = untilStopped(session, async () => {
      while (results < count) {
        const [result] = await sink.receive();
        const [worker, sum] = result.toString().split('::').map(Number);
        results++;
        total += sum;
        if (worker >= 0 && worker < workers) perWorker[worker]++;
        session.log(`sink: ${worker} --> ${sum}`);
      }
    });

    const finished = (async () => {
      if (!(await workersReady) && !session.stopped) session.log(`only ${taskHandshakes} of ${workers} workers connected within ${connectWaitMs} ms`);
      await session.delay(WIRE_TO_SOCKET_SETTLE_MS);
      await untilStopped(session, async () => {
        for (let task = 0; task < count; task++) {
          const start = task * taskSize;
          await manager.send(encodeTask(Array.from({ length: taskSize }, (_, i) => start + i)));
          if (rate > 0 && !(await session.delay(1000 / rate))) return;
        }
      });
      const n = count * taskSize;
      const expectedTotal = (n * (n - 1)) / 2;
      await Promise.race([sinkDone, session.patientDelay(resultWaitMs)]);
      const lost = count - results;
      const lostNote = lost > 0 ? (form === 'code' ? `; ${lost} results lost: a PUB drops what it sends before a subscription has arrived (slow joiner)` : `; ${lost} results missing`) : '';
      return {
        ok: results === count && total === expectedTotal,
        summary: `pipeline (${form} form): ${count} tasks to ${workers} workers (${perWorker.join('/')}), sink got ${results} results, total ${total} (expected ${expectedTotal})${lostNote}`,
      };
    })();
    return { id: 'pipeline', session, finished, stop: () => session.stop() };
  } catch (error) {
    await session.stop();
    throw error;
  }
}
