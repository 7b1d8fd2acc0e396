// A circular arena of fixed-size slabs for the retained bytes of message details. Records are
// written one after another; when the budget is used up the oldest slab is reused, which releases
// every record in it at once. A record's position is a plain number (slab serial × slab size +
// offset), so a million rows cost a column of numbers rather than a million objects.

export class ByteArena {
  readonly slabBytes: number;
  private readonly maxSlabs: number;
  private readonly slabs: Buffer[] = [];
  /** Serial of the slab being written (-1 before the first), and the write offset in it. */
  private serial = -1;
  private offset = 0;
  /** Records below this position have been released. */
  private releasedBelow = 0;

  constructor(budgetBytes: number, slabBytes = 1 << 20) {
    if (!(slabBytes >= 1024)) throw new RangeError(`slab size must be at least 1024 bytes, got ${slabBytes}`);
    this.slabBytes = slabBytes;
    this.maxSlabs = Math.max(2, Math.floor(budgetBytes / slabBytes));
  }

  /** Bytes the arena holds at most. */
  get budget(): number {
    return this.maxSlabs * this.slabBytes;
  }

  /** Bytes currently allocated for slabs. */
  get allocatedBytes(): number {
    return this.slabs.filter(Boolean).length * this.slabBytes;
  }

  /** Position below which every record has been released. */
  get releasedBefore(): number {
    return this.releasedBelow;
  }

  /**
   * Reserves `length` bytes (at most one slab) and returns the record's position; write it through
   * `locate`. May release the oldest records.
   */
  allocate(length: number): number {
    if (length > this.slabBytes) throw new RangeError(`record of ${length} bytes exceeds the slab size ${this.slabBytes}`);
    if (this.serial < 0 || this.offset + length > this.slabBytes) this.nextSlab();
    const position = this.serial * this.slabBytes + this.offset;
    this.offset += length;
    return position;
  }

  /** The slab and offset of a record, or undefined when it has been released. */
  locate(position: number): { buffer: Buffer; offset: number } | undefined {
    if (position < this.releasedBelow || position < 0) return undefined;
    const serial = Math.floor(position / this.slabBytes);
    if (serial > this.serial) return undefined;
    return { buffer: this.slabs[serial % this.maxSlabs], offset: position - serial * this.slabBytes };
  }

  /** Releases every record and the slabs' memory; positions keep increasing. */
  clear(): void {
    this.slabs.length = 0;
    this.releasedBelow = (this.serial + 1) * this.slabBytes;
    this.offset = this.slabBytes;
  }

  private nextSlab(): void {
    this.serial += 1;
    this.offset = 0;
    const index = this.serial % this.maxSlabs;
    // After clear() the array restarts empty and may be filled from any index.
    this.slabs[index] ??= Buffer.allocUnsafe(this.slabBytes);
    // Reusing slab `index` releases what an earlier serial wrote there.
    this.releasedBelow = Math.max(this.releasedBelow, (this.serial - this.maxSlabs + 1) * this.slabBytes);
  }
}
