// Writes records as the JSON Lines capture format, batching small lines into larger writes.
import { headerLine, recordLine } from './jsonlFormat';
import type { CaptureRecord, CaptureRecordSink } from './records';

/** Data records carry at most this many bytes, so every line stays far below the readers' limit. */
export const MAX_DATA_PER_LINE = 1024 * 1024;
const BATCH_CHARS = 64 * 1024;

export class JsonlCaptureWriter implements CaptureRecordSink {
  private batch: string[] = [];
  private batchChars = 0;

  /** `output` receives whole lines, header first; call flush() when done. */
  constructor(
    private readonly output: (chunk: Buffer) => void,
    created = new Date(),
  ) {
    this.line(headerLine(created));
  }

  write(record: CaptureRecord): void {
    if (record.type === 'data' && record.bytes.length > MAX_DATA_PER_LINE) {
      for (let at = 0; at < record.bytes.length; at += MAX_DATA_PER_LINE) {
        this.line(recordLine({ ...record, bytes: record.bytes.subarray(at, at + MAX_DATA_PER_LINE) }));
      }
      return;
    }
    this.line(recordLine(record));
  }

  flush(): void {
    if (this.batch.length === 0) return;
    this.batch.push('');
    this.output(Buffer.from(this.batch.join('\n')));
    this.batch = [];
    this.batchChars = 0;
  }

  private line(text: string): void {
    this.batch.push(text);
    this.batchChars += text.length + 1;
    if (this.batchChars >= BATCH_CHARS) this.flush();
  }
}
