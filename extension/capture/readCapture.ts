// Opening a capture: a file (pcap, pcapng or JSON Lines, any of them gzip-compressed) or any byte
// stream, read streaming, decoded with the real decoder, delivered as the SnifferEvents a live
// sniffer emits. Memory stays bounded whatever the file size.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ConnectionSummary } from '../sniffer/stats';
import type { DecoderOptions } from '../zmtp/types';
import { CaptureInput, isGzip, type CaptureFormat } from './captureInput';
import { CaptureFileError } from './errors';
import type { PacketImportOptions, PacketImportStats } from './packetImporter';
import type { CaptureRecord } from './records';
import { CaptureReplayer, type CaptureEventListener } from './replay';

export interface ReadCaptureOptions extends PacketImportOptions {
  onEvent: CaptureEventListener;
  /** Also told every record (e.g. to save the capture again in another format). */
  onRecord?: (record: CaptureRecord) => void;
  decoder?: DecoderOptions;
  /** Stops reading; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface CaptureReadResult {
  format: CaptureFormat;
  compressed: boolean;
  /** Bytes of capture data read (after decompression). */
  bytes: number;
  /** Per connection: messages, bytes, socket types. */
  connections: ConnectionSummary[];
  /** pcap and pcapng: what the packets held. */
  packets?: PacketImportStats;
}

const READ_CHUNK = 1024 * 1024;

/** Reads the capture file at `path`; rejects with CaptureFileError saying what was wrong (events before it were delivered). */
export async function readCapture(path: string, options: ReadCaptureOptions): Promise<CaptureReadResult> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CaptureFileError(`${path} is ${info.isDirectory() ? 'a folder' : 'not a regular file'}: give the path of a .pcap, .pcapng or .jsonl capture file`);
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    return await readCaptureStream(createReadStream(path, { highWaterMark: READ_CHUNK }), { label: basename(path), ...options });
  } catch (error) {
    throw fileError(path, error);
  }
}

/** Reads a capture from any stream of bytes (a file, a pipe, tcpdump's output). */
export async function readCaptureStream(input: AsyncIterable<Buffer>, options: ReadCaptureOptions): Promise<CaptureReadResult> {
  const replayer = new CaptureReplayer(options.onEvent, { decoder: options.decoder, onWarning: options.onWarning });
  const onRecord = options.onRecord;
  const captureInput = new CaptureInput({ write: onRecord ? (record) => (onRecord(record), replayer.write(record)) : (record) => replayer.write(record) }, options);
  let compressed = false;
  try {
    for await (const chunk of decompressed(input, () => (compressed = true))) {
      options.signal?.throwIfAborted();
      captureInput.push(chunk);
    }
    captureInput.end();
  } catch (error) {
    replayer.finish(`the capture could not be read to the end: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  replayer.finish();
  return {
    format: captureInput.format ?? 'jsonl',
    compressed,
    bytes: captureInput.bytes,
    connections: replayer.summaries(),
    ...(captureInput.importer ? { packets: captureInput.importer.stats } : {}),
  };
}

/** The input as is, or decompressed when it starts with the gzip magic. */
async function* decompressed(input: AsyncIterable<Buffer>, onCompressed: () => void): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  if (!isGzip(first.value)) {
    yield* rest();
    return;
  }
  onCompressed();
  const gunzip = createGunzip({ chunkSize: READ_CHUNK });
  pipeline(Readable.from(rest(), { objectMode: false }), gunzip, () => {});
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new CaptureFileError(`the gzip compression is damaged or cut short (${(error as Error).message}); what came before was read`);
    }
    throw error;
  }
}

/** File-system and format errors as one CaptureFileError naming the file. */
function fileError(path: string, error: unknown): Error {
  if (error instanceof CaptureFileError) return error.message.startsWith(path) ? error : new CaptureFileError(`${path}: ${error.message}`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CaptureFileError(`${path}: no such file; check the path`);
  if (code === 'EACCES' || code === 'EPERM') return new CaptureFileError(`${path}: not allowed to read it; check the file's permissions`);
  if (code === 'EISDIR') return new CaptureFileError(`${path} is a folder: give the path of a capture file`);
  return error instanceof Error ? error : new Error(String(error));
}
