// Subscription prefixes and published topics: prefix matching as libzmq does it (raw bytes of the
// first frame), a bounded set of prefixes, a bounded sample of topics, and "did you mean".
import { printableText } from '../zmtp/text';
import { hexKey } from './wording';

export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Prefixes kept per connection; past this the set says it matches everything (it cannot know). */
const PREFIXES_KEPT = 256;
/** Bytes of a prefix kept: longer prefixes are compared on this much. */
const PREFIX_BYTES_KEPT = 256;

/** The subscriptions of one connection: a multiset, like libzmq's (each SUBSCRIBE needs its CANCEL). */
export class PrefixSet {
  private readonly prefixes = new Map<string, { prefix: Uint8Array; count: number }>();
  private overflow = false;

  add(prefix: Uint8Array): void {
    const kept = prefix.subarray(0, PREFIX_BYTES_KEPT);
    const key = hexKey(kept, PREFIX_BYTES_KEPT);
    const entry = this.prefixes.get(key);
    if (entry) entry.count++;
    else if (this.prefixes.size < PREFIXES_KEPT) this.prefixes.set(key, { prefix: Uint8Array.from(kept), count: 1 });
    else this.overflow = true;
  }

  remove(prefix: Uint8Array): void {
    const key = hexKey(prefix.subarray(0, PREFIX_BYTES_KEPT), PREFIX_BYTES_KEPT);
    const entry = this.prefixes.get(key);
    if (entry && --entry.count === 0) this.prefixes.delete(key);
  }

  get empty(): boolean {
    return this.prefixes.size === 0 && !this.overflow;
  }

  matches(topic: Uint8Array): boolean {
    if (this.overflow) return true;
    for (const { prefix } of this.prefixes.values()) if (startsWith(topic, prefix)) return true;
    return false;
  }
}

/** Bytes of a first frame looked at to name its topic. */
const TOPIC_BYTES = 64;
/** Distinct topics remembered per publisher. */
const TOPICS_KEPT = 256;

const isAsciiSpace = (byte: number) => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);

/** Where the topic ends: at the first space, within the bytes looked at. */
function topicEnd(firstFrame: Uint8Array): number {
  const end = Math.min(firstFrame.length, TOPIC_BYTES);
  for (let i = 0; i < end; i++) if (isAsciiSpace(firstFrame[i])) return i;
  return end;
}

/**
 * The topic of a message for people: its first frame up to the first space when that is text
 * ("10001 temperature=20" -> "10001"), else up to 16 bytes in hex.
 */
export function topicName(firstFrame: Uint8Array): string {
  const topic = firstFrame.subarray(0, topicEnd(firstFrame));
  const text = printableText(topic);
  return text ?? `0x${hexKey(topic, 16)}`;
}

interface Topic {
  bytes: Uint8Array;
  name: string;
  count: number;
}

/** The distinct topics a publisher has sent (the first `TOPICS_KEPT`), with how often. */
export class TopicSample {
  // Keyed by a hash of the topic bytes, so a message costs a loop over its first bytes and no allocation.
  private readonly topics = new Map<number, Topic>();
  messages = 0;

  observe(firstFrame: Uint8Array): void {
    this.messages++;
    const end = topicEnd(firstFrame);
    let hash = 0x811c9dc5;
    for (let i = 0; i < end; i++) hash = Math.imul(hash ^ firstFrame[i], 0x01000193);
    const known = this.topics.get(hash);
    if (known) {
      // A different topic with the same hash is simply not counted: this is a sample.
      if (known.bytes.length === end && startsWith(firstFrame, known.bytes)) known.count++;
    } else if (this.topics.size < TOPICS_KEPT) {
      this.topics.set(hash, { bytes: firstFrame.slice(0, end), name: topicName(firstFrame), count: 1 });
    }
  }

  get distinct(): number {
    return this.topics.size;
  }

  /** The most frequent topics first. */
  top(limit: number): string[] {
    return [...this.topics.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map((topic) => topic.name);
  }
}

/** Levenshtein distance; both strings are short (topics are cut to 64 bytes). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/**
 * The seen topic closest to what the subscriber asked for: compared both whole and cut to the
 * prefix's length (a prefix is usually the start of a topic). Ties go to the most frequent topic.
 */
export function nearestTopic(prefix: string, topics: TopicSample): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of topics.top(TOPICS_KEPT)) {
    const distance = Math.min(editDistance(prefix, name), editDistance(prefix, name.slice(0, prefix.length)));
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}
