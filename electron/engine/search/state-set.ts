/**
 * The set of visited global states, stored as 64-bit fingerprints (two independent 32-bit hashes) in
 * an open-addressing table of typed arrays: no string per state, no garbage. Two distinct states
 * share a fingerprint with probability about n²/2⁶⁵ (under 10⁻⁷ for a million states), the usual
 * trade of hash compaction in explicit-state model checkers.
 */
export class StateSet {
  /** Pairs (h1, h2) side by side, so that a probe touches one cache line; h2 = 0 marks an empty slot. */
  private table: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacityPow2 = 1 << 18) {
    this.table = new Int32Array(2 * capacityPow2);
    this.mask = capacityPow2 - 1;
  }

  /** Adds the fingerprint of the words `buf[o…o+len)`; false if it was already there. */
  addWords(buf: Int32Array, o: number, len: number): boolean {
    let h1 = 0x811c9dc5 ^ len;
    let h2 = 0x12345679 + len;
    for (let i = o; i < o + len; i++) {
      const x = buf[i];
      h1 = Math.imul(h1 ^ x, 0x01000193);
      h2 = Math.imul((h2 + x) ^ (h2 >>> 15), 0x2c1b3c6d) + 0x297a2d39;
    }
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h2 ^= h2 >>> 16;
    h2 = Math.imul(h2, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    return this.add(h1 | 0, h2 === 0 ? 1 : h2 | 0);
  }

  /** Adds the fingerprint (h1, h2); false if it was already there. h2 must not be 0. */
  add(h1: number, h2: number): boolean {
    const t = this.table;
    let i = h1 & this.mask;
    for (;;) {
      const l = t[2 * i + 1];
      if (l === 0) break;
      if (l === h2 && t[2 * i] === h1) return false;
      i = (i + 1) & this.mask;
    }
    t[2 * i] = h1;
    t[2 * i + 1] = h2;
    if (++this.size * 2 > this.mask) this.grow();
    return true;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.add(old[i], old[i + 1]);
  }
}
