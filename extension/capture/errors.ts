// Errors about capture files and live captures, worded for the person who has to act on them.

/** The file cannot be read further: what was wrong, where, and what to do. Events before the problem were delivered. */
export class CaptureFileError extends Error {
  override name = 'CaptureFileError';
}

/** A live capture could not start or stopped: the tool is missing, not permitted, or failed. */
export class LiveCaptureError extends Error {
  override name = 'LiveCaptureError';
  constructor(
    message: string,
    readonly code: 'missing-tool' | 'not-permitted' | 'failed' | 'bad-option',
  ) {
    super(message);
  }
}

/** A byte offset as people read it: "byte 1,234,567". */
export function atByte(offset: number): string {
  return `byte ${offset.toLocaleString('en-US')}`;
}

/** Human-friendly description of the first bytes of something that was not what we expected. */
export function firstBytesHex(bytes: Uint8Array, count = 8): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(count, bytes.byteLength)).toString('hex').replace(/(..)(?=.)/g, '$1 ');
}
