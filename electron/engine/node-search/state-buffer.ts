/**
 * The node search's scratch state: one Int32Array in the packed layout of a global state
 * (`header` fixed words, then the network's length, then the network as a sorted run of message
 * ids, one entry per copy), edited in place while a successor is built. The explorer fingerprints
 * the words where they are and copies them out only for a state it has not seen, so expanding a
 * state that leads nowhere new allocates nothing.
 */
export class StateBuffer {
  /** The words; replaced by a larger array when the network outgrows it (read it afresh after an insert). */
  w: Int32Array;

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
  }

  /** Loads a packed state. */
  load(words: Int32Array): void {
    if (words.length + 1 > this.w.length) this.w = new Int32Array(2 * words.length);
    this.w.set(words, 0);
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
  }
}
