// The CLI's capture commands: `decode <file>` prints a capture as `sniff` prints live traffic, and
// `sniff --save <file>` records what the sniffer relays.
import { CaptureFileWriter, readCapture, SnifferRecorder, type CaptureReadResult, type CaptureSource } from '../capture';
import type { SnifferEvent } from '../sniffer/types';
import type { Direction } from '../zmtp/types';
import type { CliCommand } from './args';
import { formatBytes } from './humanLine';
import type { JsonObject } from './jsonEvent';
import type { ConnectionSummary } from '../sniffer/stats';

export interface CaptureOutput {
  event(event: SnifferEvent, sniffer?: string): void;
  summary(connections: ConnectionSummary[], extra?: JsonObject): void;
}

const warn = (message: string) => process.stderr.write(`zmq-inspector: warning: ${message}\n`);

/** What was read, in one line for people. */
function readLine(file: string, result: CaptureReadResult): string {
  const what = `${result.format}${result.compressed ? ', gzip' : ''}, ${formatBytes(result.bytes)}`;
  const packets = result.packets;
  if (packets === undefined) return `read ${file} (${what})`;
  const joined = packets.joinedConnections > 0 ? ` (${packets.joinedConnections} joined mid-way)` : '';
  const gaps = packets.gaps > 0 ? `, ${packets.gaps} gaps (${formatBytes(packets.gapBytes)} missing)` : '';
  return (
    `read ${file} (${what}): ${packets.packets} packets, ${packets.zmtpConnections} ZMTP connection${packets.zmtpConnections === 1 ? '' : 's'}${joined}, ` +
    `${packets.otherConnections} other TCP connection${packets.otherConnections === 1 ? '' : 's'}${gaps}`
  );
}

export async function decodeFile(args: Extract<CliCommand, { command: 'decode' }>, output: CaptureOutput): Promise<number> {
  const result = await readCapture(args.file, {
    onEvent: (event, source) => output.event(event, source.name),
    onWarning: warn,
    decoder: { revealPasswords: args.revealPasswords },
    zmtpPorts: args.ports,
  });
  const extra: JsonObject = { file: args.file, format: result.format, compressed: result.compressed, outcome: readLine(args.file, result) };
  if (result.packets) extra.packets = result.packets;
  output.summary(result.connections, extra);
  return 0;
}

/** Records a sniffer to `path`; `event`/`data` go into Sniffer.start, `start` once it listens. */
export async function openRecording(path: string): Promise<{
  event(event: SnifferEvent): void;
  data(conn: number, dir: Direction, chunk: Buffer): void;
  start(source: CaptureSource): void;
  close(): Promise<string>;
}> {
  const writer = await CaptureFileWriter.create(path, { onWarning: warn });
  let recorder: SnifferRecorder | undefined;
  return {
    event: (event) => recorder?.event(event),
    data: (conn, dir, chunk) => recorder?.data(conn, dir, chunk),
    start: (source) => (recorder = new SnifferRecorder(writer, source)),
    async close() {
      await writer.close();
      const dropped = writer.droppedBytes > 0 ? `; ${formatBytes(writer.droppedBytes)} were recorded as gaps because the disk fell behind` : '';
      return `saved the capture to ${path} (${writer.format})${dropped}`;
    },
  };
}
