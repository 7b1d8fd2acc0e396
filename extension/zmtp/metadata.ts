// READY / INITIATE properties (RFC 37): name_len(1) name value_len(u32 BE) value, repeated.
import type { MetadataEntry } from './types';
import { asciiOrEscaped, readU32, view } from './bytes';
import { printableText } from './text';

const PROPERTY_NAME = /^[A-Za-z0-9\-_.+]+$/;
const MAX_VALUE_LENGTH = 0x7fff_ffff;

export interface ParsedMetadata {
  entries: MetadataEntry[];
  /** What was wrong with the properties; the entries before it are still valid. */
  problem?: string;
}

export function parseMetadata(data: Uint8Array): ParsedMetadata {
  const entries: MetadataEntry[] = [];
  const problems: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    const nameLength = data[pos];
    const lengthAt = pos + 1 + nameLength;
    if (lengthAt + 4 > data.length) {
      problems.push(`properties are cut short at byte ${pos}: a property needs its name and a 4-byte value length, only ${data.length - pos} bytes remain`);
      break;
    }
    const name = asciiOrEscaped(view(data, pos + 1, lengthAt));
    if (nameLength === 0) problems.push(`property at byte ${pos} has an empty name`);
    else if (!PROPERTY_NAME.test(name)) problems.push(`property name "${name}" has characters outside A-Z a-z 0-9 - _ . +`);
    const valueLength = readU32(data, lengthAt);
    const valueAt = lengthAt + 4;
    if (valueLength > data.length - valueAt) {
      problems.push(`property "${name}" declares a ${valueLength}-byte value but only ${data.length - valueAt} bytes remain`);
      break;
    }
    if (valueLength > MAX_VALUE_LENGTH) problems.push(`property "${name}" value length ${valueLength} exceeds 2^31 - 1`);
    const value = view(data, valueAt, valueAt + valueLength);
    const text = printableText(value);
    entries.push(text === undefined ? { name, value } : { name, value, text });
    pos = valueAt + valueLength;
  }
  return problems.length > 0 ? { entries, problem: problems.join('; ') } : { entries };
}

/** Property lookup the way RFC 37 says (names are case-insensitive); libzmq itself is case-sensitive. */
export function findProperty(entries: readonly MetadataEntry[], name: string): MetadataEntry | undefined {
  const wanted = name.toLowerCase();
  return entries.find((entry) => entry.name.toLowerCase() === wanted);
}
