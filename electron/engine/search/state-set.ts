/**
 * The set of visited global states, stored as 64-bit fingerprints (two independent 32-bit hashes) in
 * an open-addressing table of typed arrays: no string per state, no garbage. Two distinct states
 * share a fingerprint with probability about n²/2⁶⁵ (under 10⁻⁷ for a million states), the usual
 * trade of hash compaction in explicit-state model checkers.
 */
export class StateSet {
  private hi: Int32Array;
  private lo: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacityPow2 = 1 << 16) {
    this.hi = new Int32Array(capacityPow2);
    this.lo = new Int32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
  }

  /** Adds the fingerprint (h1, h2); false if it was already there. h2 must not be 0. */
  add(h1: number, h2: number): boolean {
    let i = h1 & this.mask;
    for (;;) {
      const l = this.lo[i];
      if (l === 0) break;
      if (l === h2 && this.hi[i] === h1) return false;
      i = (i + 1) & this.mask;
    }
    this.hi[i] = h1;
    this.lo[i] = h2;
    if (++this.size * 2 > this.mask) this.grow();
    return true;
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Int32Array(hi.length * 2);
    this.lo = new Int32Array(hi.length * 2);
    this.mask = this.hi.length - 1;
    this.size = 0;
    for (let i = 0; i < hi.length; i++) if (lo[i] !== 0) this.add(hi[i], lo[i]);
  }
}

/** Two 32-bit hashes of a sequence of small integers, fed one at a time. */
export class Fingerprint {
  h1 = 0x811c9dc5 | 0;
  h2 = 0x12345679 | 0;

  reset(): this {
    this.h1 = 0x811c9dc5 | 0;
    this.h2 = 0x12345679 | 0;
    return this;
  }

  add(x: number): void {
    this.h1 = Math.imul(this.h1 ^ x, 0x01000193);
    this.h2 = Math.imul((this.h2 + x) ^ (this.h2 >>> 15), 0x2c1b3c6d) + 0x297a2d39;
  }

  addAll(xs: number[]): void {
    this.add(xs.length + 0x40000000);
    for (let i = 0; i < xs.length; i++) this.add(xs[i]);
  }

  /** Final avalanche into r1, r2; r2 is never 0 (0 marks an empty slot). */
  r1 = 0;
  r2 = 0;
  finish(): void {
    let a = this.h1;
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    let b = this.h2;
    b ^= b >>> 16;
    b = Math.imul(b, 0xc2b2ae35);
    b ^= b >>> 16;
    this.r1 = a | 0;
    this.r2 = b === 0 ? 1 : b | 0;
  }
}
