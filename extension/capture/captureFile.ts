// Writing a capture file: JSON Lines or pcapng by the file name, gzip-compressed when it ends in
// .gz. Live recording never waits for the disk: when more than MAX_PENDING_BYTES are waiting to be
// written, data is recorded as gaps instead (counted, and said once), so memory stays bounded.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CaptureFileError } from './errors';
import { JsonlCaptureWriter } from './jsonlWriter';
import { PcapngCaptureWriter } from './pcapngWriter';
import type { CaptureRecord, CaptureRecordSink } from './records';

export type SaveFormat = 'jsonl' | 'pcapng';

/** Bytes waiting for the disk before live data is recorded as gaps. */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;

export const SAVE_EXTENSIONS = '.jsonl or .pcapng (optionally followed by .gz)';

/** The format a file name asks for, or undefined when its extension is not one we write. */
export function saveFormatFor(path: string): { format: SaveFormat; gzip: boolean } | undefined {
  const match = /\.(jsonl|pcapng)(\.gz)?$/i.exec(path);
  return match ? { format: match[1].toLowerCase() as SaveFormat, gzip: match[2] !== undefined } : undefined;
}

export interface CaptureFileWriterOptions {
  /** Told once when data had to be recorded as gaps because the disk did not keep up. */
  onWarning?: (message: string) => void;
}

export class CaptureFileWriter implements CaptureRecordSink {
  /** Bytes recorded as gaps because the disk was behind. */
  droppedBytes = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    readonly format: SaveFormat,
    private readonly file: WriteStream,
    private readonly head: Writable,
    private readonly writer: JsonlCaptureWriter | PcapngCaptureWriter,
    private readonly options: CaptureFileWriterOptions,
  ) {}

  /** Creates (or replaces) the file; rejects with CaptureFileError when it cannot be written or the name has no known extension. */
  static async create(path: string, options: CaptureFileWriterOptions = {}): Promise<CaptureFileWriter> {
    const wanted = saveFormatFor(path);
    if (wanted === undefined) throw new CaptureFileError(`cannot tell which format to write for "${path}": name the file ${SAVE_EXTENSIONS}`);
    const file = createWriteStream(path);
    try {
      await once(file, 'open');
    } catch (error) {
      throw new CaptureFileError(`cannot write the capture to ${path}: ${(error as Error).message}`);
    }
    let head: Writable = file;
    if (wanted.gzip) {
      const gzip = createGzip();
      gzip.pipe(file);
      head = gzip;
    }
    const output = (chunk: Buffer) => void head.write(chunk);
    const writer = wanted.format === 'jsonl' ? new JsonlCaptureWriter(output) : new PcapngCaptureWriter(output);
    const created = new CaptureFileWriter(path, wanted.format, file, head, writer, options);
    const fail = (error: Error) => (created.failure ??= error);
    file.on('error', fail);
    head.on('error', fail);
    return created;
  }

  write(record: CaptureRecord): void {
    if (this.failure !== undefined || this.closing !== undefined) return;
    if (record.type === 'data' && this.head.writableLength > MAX_PENDING_BYTES) {
      if (this.droppedBytes === 0) {
        this.options.onWarning?.(`${this.path}: the disk does not keep up with the traffic; data is recorded as gaps (marked in the capture) until it does`);
      }
      this.droppedBytes += record.bytes.length;
      this.writer.write({ type: 'gap', time: record.time, conn: record.conn, dir: record.dir, bytes: record.bytes.length });
      return;
    }
    this.writer.write(record);
  }

  /** True when the caller should wait for `drain()` before writing more (offline conversions). */
  get backedUp(): boolean {
    return this.head.writableNeedDrain;
  }

  async drain(): Promise<void> {
    this.writer.flush();
    if (this.head.writableNeedDrain && this.failure === undefined) await once(this.head, 'drain');
  }

  /** Finishes the file (pcapng: open connections get their FINs); rejects with CaptureFileError when writing failed. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    if (this.writer instanceof PcapngCaptureWriter) this.writer.finish();
    else this.writer.flush();
    if (this.failure === undefined) {
      const closed = once(this.file, 'close').catch(() => undefined);
      this.head.end();
      await closed;
    } else {
      this.file.destroy();
    }
    if (this.failure !== undefined) throw new CaptureFileError(`could not write the capture to ${this.path}: ${this.failure.message}`);
  }
}

/** Writes records (e.g. from a capture being read) to a file, waiting for the disk as needed. */
export async function writeCaptureFile(path: string, records: Iterable<CaptureRecord> | AsyncIterable<CaptureRecord>): Promise<void> {
  const writer = await CaptureFileWriter.create(path);
  try {
    for await (const record of records) {
      writer.write(record);
      if (writer.backedUp) await writer.drain();
    }
  } finally {
    await writer.close();
  }
}
