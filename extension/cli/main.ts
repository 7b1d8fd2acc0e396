// zmq-inspector: the headless face of the engine (sniff a connection, run the slides' examples).
import { CaptureFileError } from '../capture/errors';
import { findExample, type ExampleOptions } from '../examples';
import { EndpointError } from '../sniffer/endpoint';
import { RelayError } from '../sniffer/relay';
import { Sniffer } from '../sniffer/sniffer';
import type { ConnectionSummary } from '../sniffer/stats';
import type { SnifferEvent } from '../sniffer/types';
import { parseCli, usage, UsageError, type CliCommand, type CommonArgs } from './args';
import { decodeFile, openRecording } from './capture';
import { startDiagnostics } from './diagnosticsOutput';
import { humanLine } from './humanLine';
import { toJsonEvent, type JsonObject } from './jsonEvent';
import { summaryJson, summaryLines } from './summary';

interface Output {
  event(event: SnifferEvent, sniffer?: string): void;
  log(text: string): void;
  summary(connections: ConnectionSummary[], extra?: JsonObject): void;
}

function createOutput(args: CommonArgs, write: (line: string) => void): Output {
  const colour = !args.json && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const emit = (json: JsonObject) => write(args.json ? JSON.stringify(json) : humanLine(json, { colour }));
  return {
    event(event, sniffer) {
      if (args.quiet) return;
      const json = toJsonEvent(event, args.preview);
      emit(sniffer ? { ...json, sniffer } : json);
    },
    log(text) {
      if (!args.quiet) emit({ type: 'log', time: new Date().toISOString(), text });
    },
    summary(connections, extra) {
      if (args.json) write(JSON.stringify(summaryJson(connections, extra)));
      else for (const line of summaryLines(connections)) write(line);
      if (!args.json && extra?.outcome) write(String(extra.outcome));
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): { promise: Promise<string>; dispose(): void } {
  let onSignal: (signal: string) => void = () => {};
  const promise = new Promise<string>((resolve) => (onSignal = resolve));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { promise, dispose: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)) };
}

async function sniff(args: Extract<CliCommand, { command: 'sniff' }>, output: Output): Promise<number> {
  const recording = args.save === undefined ? undefined : await openRecording(args.save);
  const diagnostics = startDiagnostics(args, (line) => process.stdout.write(`${line}\n`));
  const source = { id: 'sniffer', name: args.listen };
  const signal = untilSignal();
  let sniffer: Sniffer;
  try {
    sniffer = await Sniffer.start({
      listen: args.listen,
      target: args.target,
      decoder: { revealPasswords: args.revealPasswords },
      onEvent: (event) => {
        recording?.event(event);
        output.event(event);
        diagnostics.ingest(source, event);
      },
      ...(recording ? { onData: recording.data } : {}),
    });
  } catch (error) {
    signal.dispose();
    await recording?.close();
    throw error;
  }
  source.name = sniffer.name;
  recording?.start({ id: 'sniffer', name: sniffer.name, listen: sniffer.listenEndpoint, target: sniffer.targetEndpoint });
  process.stderr.write(`zmq-inspector: sniffing; connect clients to ${sniffer.listenEndpoint}, forwarded to ${sniffer.targetEndpoint}. Ctrl+C stops.\n`);
  await signal.promise;
  signal.dispose();
  const connections = sniffer.summaries();
  await sniffer.stop();
  if (recording) process.stderr.write(`zmq-inspector: ${await recording.close()}\n`);
  diagnostics.finish();
  output.summary(connections);
  return 0;
}

async function demo(args: Extract<CliCommand, { command: 'demo' }>, output: Output): Promise<number> {
  const example = findExample(args.example);
  if (!example) throw new UsageError(`unknown example ${args.example}`);
  const diagnostics = startDiagnostics(args, (line) => process.stdout.write(`${line}\n`));
  const options: ExampleOptions = {
    onEvent: (source, event) => {
      output.event(event, source.name);
      diagnostics.ingest(source, event);
    },
    watchSocket: (socket) => diagnostics.watchSocket(socket),
    onLog: (line) => output.log(line),
    decoder: { revealPasswords: args.revealPasswords },
  };
  if (args.count !== undefined) options.count = args.count;
  if (args.rate !== undefined) options.rate = args.rate;
  if (args.workers !== undefined) options.workers = args.workers;
  if (args.form !== undefined) options.form = args.form;
  const signal = untilSignal();
  const running = await example.start(options);
  const outcome = await Promise.race([running.finished, signal.promise.then(() => undefined)]);
  signal.dispose();
  const connections = running.session.sniffers.flatMap((sniffer) => sniffer.summaries());
  await running.stop();
  diagnostics.finish();
  output.summary(connections, outcome ? { outcome: outcome.summary, ok: outcome.ok } : { outcome: 'stopped', ok: true });
  return outcome && !outcome.ok ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  let args: CliCommand;
  try {
    args = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`zmq-inspector: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (args.command === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const output = createOutput(args, (line) => process.stdout.write(`${line}\n`));
  try {
    if (args.command === 'decode') return await decodeFile(args, output);
    return args.command === 'sniff' ? await sniff(args, output) : await demo(args, output);
  } catch (error) {
    if (error instanceof EndpointError || (error instanceof RelayError && error.code === 'endpoint')) {
      process.stderr.write(`zmq-inspector: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    if (error instanceof CaptureFileError) {
      process.stderr.write(`zmq-inspector: ${error.message}\n`);
      return 1;
    }
    if (error instanceof RelayError) {
      process.stderr.write(`zmq-inspector: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`zmq-inspector: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
