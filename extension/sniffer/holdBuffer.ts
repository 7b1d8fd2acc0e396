// The bytes a DirectionGate has received but not yet forwarded, by stream offset. Whole heartbeat
// commands may be sent ahead of a held message; their bytes are then skipped when forwarding
// reaches them, so every byte still leaves exactly once.

export class HeldBytes {
  /** Stream offset just past the last received byte. */
  arrived = 0;
  /** Stream offset up to which bytes were forwarded in order (ranges sent ahead lie beyond it). */
  forwarded = 0;
  /** Every byte sent so far, in order or ahead. */
  sent = 0;
  private readonly chunks: Buffer[] = [];
  /** Ranges beyond `forwarded` already sent ahead, ascending. */
  private readonly sentAhead: { start: number; end: number }[] = [];
  private aheadBytes = 0;

  /** Received and not yet sent in any way. */
  get pendingBytes(): number {
    return this.arrived - this.forwarded - this.aheadBytes;
  }

  receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.arrived += chunk.length;
  }

  /** Sends bytes in order up to stream offset `limit`, skipping ranges sent ahead. */
  forwardUpTo(limit: number, send: (bytes: Buffer) => void): void {
    while (this.forwarded < limit) {
      const ahead = this.sentAhead[0];
      if (ahead !== undefined && ahead.start <= this.forwarded) {
        const skip = Math.min(ahead.end, limit) - this.forwarded;
        this.take(skip, undefined);
        this.aheadBytes -= skip;
        if (this.forwarded >= ahead.end) this.sentAhead.shift();
        continue;
      }
      this.take(Math.min(limit, ahead?.start ?? limit) - this.forwarded, send);
    }
  }

  /** Sends the bytes in [start, end) now, out of order; the range must lie wholly beyond what was sent. */
  sendAhead(start: number, end: number, send: (bytes: Buffer) => void): void {
    const last = this.sentAhead[this.sentAhead.length - 1];
    if (start < this.forwarded || end > this.arrived || (last !== undefined && start < last.end)) throw new RangeError(`HeldBytes.sendAhead: [${start}, ${end}) overlaps bytes already sent`);
    send(this.copy(start, end));
    this.sent += end - start;
    this.sentAhead.push({ start, end });
    this.aheadBytes += end - start;
  }

  isSentAhead(start: number): boolean {
    return this.sentAhead.some((range) => range.start === start);
  }

  private copy(start: number, end: number): Buffer {
    const pieces: Buffer[] = [];
    let offset = this.forwarded;
    for (const chunk of this.chunks) {
      const chunkEnd = offset + chunk.length;
      if (chunkEnd > start && offset < end) pieces.push(chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end - offset)));
      if (chunkEnd >= end) break;
      offset = chunkEnd;
    }
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  }

  private take(count: number, send: ((bytes: Buffer) => void) | undefined): void {
    let left = count;
    while (left > 0) {
      const chunk = this.chunks[0];
      const size = Math.min(chunk.length, left);
      const piece = size === chunk.length ? chunk : chunk.subarray(0, size);
      if (size === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(size);
      this.forwarded += size;
      left -= size;
      if (send === undefined) continue;
      this.sent += size;
      send(piece);
    }
  }
}
