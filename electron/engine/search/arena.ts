/**
 * Growable typed arrays for the search's bulk data: the BFS frontier (packed states, one after the
 * other in one Int32Array) and the parent/action links of every visited state. A state costs its
 * words and nothing else: no object, no array header, nothing for the garbage collector to trace.
 */

/** A growable Int32Array: push, read, reserve room to write in place. */
export class IntVec {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(x: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = x;
  }

  /** Makes room for `n` more words after `length`, so they can be written directly into `data`. */
  reserve(n: number): Int32Array {
    if (this.length + n > this.data.length) this.grow(this.length + n);
    return this.data;
  }

  /** Empties the vector; with `shrinkTo`, also gives back memory beyond that capacity. */
  clear(shrinkTo?: number): void {
    this.length = 0;
    if (shrinkTo !== undefined && this.data.length > shrinkTo) this.data = new Int32Array(shrinkTo);
  }

  /** Bytes held (for the peak-memory figures). */
  get bytes(): number {
    return this.data.byteLength;
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** A growable array of bits, for per-object sets of small integers (message ids). */
export class BitRow {
  words: Uint32Array = new Uint32Array(2);

  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.words.length && (this.words[w] & (1 << (i & 31))) !== 0;
  }

  /** Sets bit `i`; true when it was not set before. */
  add(i: number): boolean {
    const w = i >>> 5;
    if (w >= this.words.length) {
      const next = new Uint32Array(Math.max(w + 1, this.words.length * 2));
      next.set(this.words);
      this.words = next;
    }
    const bit = 1 << (i & 31);
    if (this.words[w] & bit) return false;
    this.words[w] |= bit;
    return true;
  }

  /** The set bits, ascending. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let x = this.words[w];
      while (x !== 0) {
        const low = x & -x;
        yield w * 32 + (31 - Math.clz32(low));
        x ^= low;
      }
    }
  }
}
