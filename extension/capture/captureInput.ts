// Bytes of a capture in, records out, whatever the format: the first bytes tell pcap, pcapng and the
// project's JSON Lines apart. The same path serves files and tcpdump's standard output.
import { CaptureFileError, firstBytesHex } from './errors';
import { JsonlCaptureParser } from './jsonlReader';
import { PacketImporter, type PacketImportOptions } from './packetImporter';
import { isPcapMagic, PcapParser } from './pcapFile';
import { isPcapngMagic, PcapngParser } from './pcapngFile';
import type { CaptureRecordSink } from './records';

export type CaptureFormat = 'jsonl' | 'pcap' | 'pcapng';

const MAGIC_LENGTH = 4;
const GZIP = [0x1f, 0x8b];

export const isGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === GZIP[0] && head[1] === GZIP[1];

/** What the first bytes are, in words, when they are not a capture (so the error helps). */
function describeUnknown(head: Buffer): string {
  const text = head.toString('latin1', 0, Math.min(head.length, 8));
  if (head[0] === 0x50 && head[1] === 0x4b) return 'a ZIP archive: unzip it first';
  if (/^[\x20-\x7e\r\n\t]+$/.test(text)) return 'text, but not JSON Lines starting with {';
  return `bytes ${firstBytesHex(head)}`;
}

export class CaptureInput {
  format: CaptureFormat | undefined;
  /** Set for pcap and pcapng input: what the packets contained. */
  importer: PacketImporter | undefined;
  jsonl: JsonlCaptureParser | undefined;
  private parser: { push(chunk: Buffer): void; end(): void } | undefined;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  bytes = 0;

  constructor(
    private readonly sink: CaptureRecordSink,
    private readonly options: PacketImportOptions = {},
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.parser !== undefined) return this.parser.push(chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < MAGIC_LENGTH) return;
    this.start(Buffer.concat(this.head, this.headBytes));
  }

  /** The input ended; throws CaptureFileError when it was empty, unknown or cut short. */
  end(): void {
    if (this.parser === undefined) {
      if (this.headBytes === 0) throw new CaptureFileError('the file is empty: there is nothing to read');
      this.start(Buffer.concat(this.head, this.headBytes));
    }
    this.parser?.end();
    this.importer?.finish();
  }

  private start(head: Buffer): void {
    this.head.length = 0;
    this.parser = this.parserFor(head);
    this.parser.push(head);
  }

  private parserFor(head: Buffer): { push(chunk: Buffer): void; end(): void } {
    const firstText = head.subarray(head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0).toString('latin1').trimStart();
    if (isPcapngMagic(head)) {
      this.format = 'pcapng';
      return new PcapngParser(this.newImporter().packet);
    }
    if (isPcapMagic(head)) {
      this.format = 'pcap';
      return new PcapParser(this.newImporter().packet);
    }
    if (firstText.startsWith('{')) {
      this.format = 'jsonl';
      this.jsonl = new JsonlCaptureParser((record) => this.sink.write(record));
      return this.jsonl;
    }
    if (isGzip(head)) throw new CaptureFileError('the data is gzip-compressed here, where it was not expected (compressed twice?): decompress it once with gunzip');
    throw new CaptureFileError(
      `not a capture file: expected pcap (starts a1 b2 c3 d4 or d4 c3 b2 a1), pcapng (0a 0d 0d 0a) or a zmq-inspector JSON Lines capture ({"format":…}); this starts with ${describeUnknown(head)}`,
    );
  }

  private newImporter(): PacketImporter {
    this.importer = new PacketImporter(this.sink, this.options);
    return this.importer;
  }
}
