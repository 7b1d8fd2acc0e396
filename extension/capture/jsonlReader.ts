// Streaming reader of the JSON Lines capture format: chunks in, records out, one line held at most.
import { CaptureFileError } from './errors';
import { checkHeader, JsonlRecordError, parseRecord, type JsonlHeader } from './jsonlFormat';
import type { CaptureRecord } from './records';

/** Longest line accepted; writers split data so that lines stay far below (README, "The capture format"). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;

export class JsonlCaptureParser {
  header: JsonlHeader | undefined;
  /** Lines with a record type this version does not know (skipped: newer writers may add types). */
  unknownRecords = 0;
  private line = 0;
  private readonly pieces: Buffer[] = [];
  private pieceBytes = 0;

  constructor(private readonly onRecord: (record: CaptureRecord) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      if (this.pieceBytes > 0) {
        this.keep(chunk.subarray(start, newline));
        const whole = Buffer.concat(this.pieces, this.pieceBytes);
        this.pieces.length = 0;
        this.pieceBytes = 0;
        this.parseLine(whole, 0, whole.length);
      } else {
        this.parseLine(chunk, start, newline);
      }
      start = newline + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** The input ended: a last line without a newline is still a line. */
  end(): void {
    if (this.pieceBytes > 0) {
      const whole = Buffer.concat(this.pieces, this.pieceBytes);
      this.pieces.length = 0;
      this.pieceBytes = 0;
      this.parseLine(whole, 0, whole.length);
    }
    if (this.header === undefined) throw new CaptureFileError('the file is empty: a capture starts with a header line {"format":"zmq-inspector-capture",…}');
  }

  private keep(piece: Buffer): void {
    if (this.pieceBytes + piece.length > MAX_LINE_BYTES) {
      throw new CaptureFileError(`line ${this.line + 1} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB without a line break: the file is damaged or not a JSON Lines capture`);
    }
    // Copied: the chunk's memory may be reused by the stream that produced it.
    this.pieces.push(Buffer.from(piece));
    this.pieceBytes += piece.length;
  }

  private parseLine(buf: Buffer, start: number, end: number): void {
    this.line++;
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (end - start > MAX_LINE_BYTES) throw new CaptureFileError(`line ${this.line} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB: the file is damaged or not a JSON Lines capture`);
    const text = buf.toString('utf8', start, end);
    if (text.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const what = this.header === undefined ? 'the file does not start with a JSON line, so it is not a JSON Lines capture' : 'the line is not valid JSON (the file may be cut short or damaged)';
      throw new CaptureFileError(`line ${this.line}: ${what}: ${(error as Error).message}`);
    }
    try {
      if (this.header === undefined) {
        this.header = checkHeader(json);
        return;
      }
      const record = parseRecord(json);
      if (record === undefined) this.unknownRecords++;
      else this.onRecord(record);
    } catch (error) {
      if (error instanceof JsonlRecordError) throw new CaptureFileError(`line ${this.line}: ${error.message}`);
      throw error;
    }
  }
}
