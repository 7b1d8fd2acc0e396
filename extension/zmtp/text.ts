// Deciding whether bytes are worth showing as text.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// C0 and C1 control characters other than tab, line feed and carriage return make text unreadable.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The bytes as a string when they are valid UTF-8 without control characters; otherwise undefined. */
export function printableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  return CONTROL_CHARACTER.test(text) ? undefined : text;
}

/** Lead bytes of multi-byte UTF-8 sequences and how many bytes their sequence has. */
function utf8SequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc2 && lead < 0xe0) return 2;
  return 1;
}

/**
 * How many bytes at the end of `bytes` form the start of a UTF-8 sequence cut short, so that text
 * cut at an arbitrary byte count can drop them instead of failing validation.
 */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= 3 && back <= end; back++) {
    const byte = bytes[end - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = utf8SequenceLength(byte);
    return needed > back ? back : 0;
  }
  return 0;
}
