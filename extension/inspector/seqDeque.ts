// A double-ended queue of increasing sequence numbers in a growable circular Float64Array:
// the filtered view's index. Never holds more than the store's capacity.

export class SeqDeque {
  private items = new Float64Array(256);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  at(index: number): number {
    return this.items[(this.head + index) % this.items.length];
  }

  first(): number | undefined {
    return this.count ? this.items[this.head] : undefined;
  }

  push(seq: number): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = seq;
    this.count += 1;
  }

  shift(): void {
    if (this.count === 0) return;
    this.head = (this.head + 1) % this.items.length;
    this.count -= 1;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    if (this.items.length > 4096) this.items = new Float64Array(256);
  }

  /** Index of the first entry >= seq (binary search; entries increase). */
  lowerBound(seq: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid) < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private grow(): void {
    const next = new Float64Array(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.items = next;
    this.head = 0;
  }
}
