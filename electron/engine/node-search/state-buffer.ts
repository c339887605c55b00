/**
 * The node search's scratch state: one Int32Array in the packed layout of a global state
 * (`header` fixed words, then the network's length, then the network as a sorted run of message
 * ids, one entry per copy), edited in place while a successor is built. The explorer fingerprints
 * the words where they are and copies them out only for a state it has not seen, so expanding a
 * state that leads nowhere new allocates nothing.
 *
 * The fingerprint (64 bits, two 32-bit halves, for search/state-set.ts) hashes the fixed words in
 * order and the network as a multiset: a sum, per half, of a mixed value of each copy's message id.
 * The sums are kept up to date by every add and remove, so a successor's fingerprint costs the
 * fixed words only, however many messages the network holds.
 */

/** A well-mixed 32-bit value of a message id (MurmurHash3's finalizer over the id and a salt). */
export function idWeight(id: number, salt: number): number {
  let h = Math.imul(id ^ salt, 0x9e3779b1) ^ salt;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
const SALT1 = 0x27d4eb2f;
const SALT2 = 0x165667b1;
export class StateBuffer {
  /** The words; replaced by a larger array when the network outgrows it (read it afresh after an insert). */
  w: Int32Array;

  /** The network's sums of id weights (one per fingerprint half). */
  sum1 = 0;
  sum2 = 0;

  constructor(readonly header: number) {
    this.w = new Int32Array(header + 1 + 64);
  }

  /** Messages in the network (copies counted). */
  get netLength(): number {
    return this.w[this.header];
  }

  /** Words of the packed state: header, length, network. */
  get length(): number {
    return this.header + 1 + this.w[this.header];
  }

  /** An empty state: every fixed word 0, no message. */
  clear(): void {
    this.w.fill(0, 0, this.header + 1);
    this.sum1 = this.sum2 = 0;
  }

  /** Loads a packed state, with its network's sums when known (see {@link networkSums}). */
  load(words: Int32Array, sum1?: number, sum2?: number): void {
    if (words.length + 1 > this.w.length) this.w = new Int32Array(2 * words.length);
    this.w.set(words, 0);
    if (sum1 === undefined || sum2 === undefined) [sum1, sum2] = StateBuffer.networkSums(words, this.header);
    this.sum1 = sum1;
    this.sum2 = sum2;
  }

  /** The sums of id weights of a packed state's network, from scratch. */
  static networkSums(words: Int32Array, header: number): [number, number] {
    let s1 = 0;
    let s2 = 0;
    for (let i = header + 1; i < header + 1 + words[header]; i++) {
      s1 = (s1 + idWeight(words[i], SALT1)) | 0;
      s2 = (s2 + idWeight(words[i], SALT2)) | 0;
    }
    return [s1, s2];
  }

  /** The first half of the fingerprint {@link fingerprint} computed last. */
  h1 = 0;
  /** The second half (never 0). */
  h2 = 0;

  /** Computes the state's 64-bit fingerprint into h1, h2: the fixed words and the length in order, the network by its sums. */
  fingerprint(): void {
    const w = this.w;
    const end = this.header + 1;
    let h1 = 0x811c9dc5 ^ end;
    let h2 = 0x12345679 + end;
    for (let i = 0; i < end; i++) {
      const x = w[i];
      h1 = Math.imul(h1 ^ x, 0x01000193);
      h2 = Math.imul((h2 + x) ^ (h2 >>> 15), 0x2c1b3c6d) + 0x297a2d39;
    }
    h1 = Math.imul(h1 ^ this.sum1, 0x01000193);
    h2 = Math.imul((h2 + this.sum2) ^ (h2 >>> 15), 0x2c1b3c6d) + 0x297a2d39;
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h2 ^= h2 >>> 16;
    h2 = Math.imul(h2, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    this.h1 = h1 | 0;
    this.h2 = h2 === 0 ? 1 : h2 | 0;
  }

  /** The state, packed (a copy). */
  packed(): Int32Array {
    return this.w.slice(0, this.length);
  }

  /** Adds a copy of message `id`; with `once` (a set network), not if it is there already. */
  add(id: number, once: boolean): void {
    const at = this.find(id);
    if (once && at < this.length && this.w[at] === id) return;
    this.insertAt(at, id);
  }

  /** Removes one copy of message `id`, which must be in the network. */
  remove(id: number): void {
    const at = this.find(id);
    const end = this.length;
    if (at >= end || this.w[at] !== id) throw new Error(`message ${id} is not in the network`);
    this.w.copyWithin(at, at + 1, end);
    this.w[this.header]--;
    this.sum1 = (this.sum1 - idWeight(id, SALT1)) | 0;
    this.sum2 = (this.sum2 - idWeight(id, SALT2)) | 0;
  }

  /** Whether the packed state `words` (same layout) holds message `id`. */
  static holds(words: Int32Array, header: number, id: number): boolean {
    let lo = header + 1;
    let hi = header + words[header];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (words[mid] === id) return true;
      if (words[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The position of the first copy of `id`, or where it would go. */
  private find(id: number): number {
    const w = this.w;
    let lo = this.header + 1;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertAt(at: number, id: number): void {
    const end = this.length;
    if (end + 1 > this.w.length) {
      const next = new Int32Array(2 * this.w.length);
      next.set(this.w);
      this.w = next;
    }
    this.w.copyWithin(at + 1, at, end);
    this.w[at] = id;
    this.w[this.header]++;
    this.sum1 = (this.sum1 + idWeight(id, SALT1)) | 0;
    this.sum2 = (this.sum2 + idWeight(id, SALT2)) | 0;
  }
}
