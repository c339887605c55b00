/**
 * The transitions of the search over packed global states: which actions a state enables, the
 * successor each one gives, and the invariants judged on it. A global state is a run of Int32 words
 * (StateLayout): the interned state of every role object, the history of proposals and votes the
 * invariants judge (interned), the proposers' round and propose budgets, the duplication and crash
 * budgets, the acceptors that are down, the learners' decisions, and the network as a bitset of
 * interned message ids (plus, in the 'multiset' network, the extra copies). Successors are written
 * straight into the next BFS level's arena: expanding a state allocates nothing.
 */
import type { IntVec } from './arena.js';
import { ACT_START, actPropose, proposedValue, type Effect, type LocalStates } from './local-states.js';
import type { ResolvedOptions, Slot } from './model.js';
import { InertCollector } from './inert.js';

/** Actions, packed as `type + 8 * arg` (arg: a slot or a message id). */
export const A_START = 0;
export const A_PROPOSE = 1;
export const A_DELIVER = 2;
export const A_DROP = 3;
export const A_DUP = 4;
export const A_CRASH = 5;
export const A_RESTART = 6;
export const pack = (type: number, arg: number) => type + 8 * arg;
export const unpack = (a: number) => ({ type: a & 7, arg: a >>> 3 });

export interface Found {
  checker: string;
  message: string;
}

/**
 * Word offsets of a packed state: `[l (one per slot), hid, r (one per proposer), p, dec (one per
 * learner), dup, crash, down, nw, bits (nw words), extras…]`; dup, crash and down (and the extra
 * copies) only in the 'multiset' network, where they can be other than 0. The bitset is trimmed of
 * trailing zero words and the extra copies are sorted, so equal states have equal words.
 */
export class StateLayout {
  readonly hid: number;
  readonly r: number;
  readonly p: number;
  readonly dec: number;
  /** -1 in the 'set' network (always 0 there). */
  readonly dup: number;
  readonly crash: number;
  readonly down: number;
  readonly nw: number;
  /** Words before the bitset. */
  readonly header: number;

  constructor(slots: number, proposers: number, learners: number, multiset: boolean) {
    this.hid = slots;
    this.r = slots + 1;
    this.p = this.r + proposers;
    this.dec = this.p + 1;
    let next = this.dec + learners;
    this.dup = multiset ? next++ : -1;
    this.crash = multiset ? next++ : -1;
    this.down = multiset ? next++ : -1;
    this.nw = next;
    this.header = next + 1;
  }
}

/** A packed state decoded into plain fields: for replaying a path, describing a goal, testing. */
export interface StateView {
  l: number[];
  /** Deliverable message ids, ascending, one entry per copy. */
  f: number[];
  r: number[];
  p: number;
  dup: number;
  crash: number;
  down: number;
  hid: number;
  h: number[];
  dec: number[];
}

export class Transitions {
  readonly layout: StateLayout;
  readonly proposerSlots: number[];
  readonly acceptorSlots: number[];
  readonly learnerSlots: number[];
  /** Per slot: its index among the proposers (or learners), else -1. */
  private readonly proposerIndex: number[];
  private readonly learnerIndex: number[];
  /** Per slot: its bit in `down` (acceptors only), else 0. */
  private readonly downBit: number[];
  /** Votes of distinct acceptors in one round that choose a value. */
  readonly quorum: number;
  /** The 'set' network: delivering does not consume, so messages stay deliverable. */
  private readonly setNetwork: boolean;
  /** Inert-message collection ('set' network with opts.reduce), or null. */
  readonly inert: InertCollector | null;
  /** Verdicts of judgeHistory by (history, proposals made): few distinct histories, many states. */
  private readonly judged: Map<number, Found | null>[] = [];
  readonly histories = new Histories();
  /** Set when successor() returns -1. */
  found: Found | null = null;

  /** Per message id: the slot it is addressed to. */
  private readonly msgTo: number[] = [];
  /** Per slot: a bitset (words) of the message ids addressed to it. */
  private readonly slotMask: number[][];
  /** Multiset copies beyond the first, while a successor is built. */
  private extras: number[] = [];
  /**
   * Per role state: bitsets over message ids, of the messages classified so far and of those that
   * are inert there (delivering them is a pure no-op: same state, nothing sent, voted or decided,
   * and the pair is not exempt). Delivering a message depends only on the role state, so this is
   * computed once per (role state, message) and the network is then cleaned a word at a time.
   */
  private readonly knownBits: Int32Array[] = [];
  private readonly inertBits: Int32Array[] = [];

  constructor(
    readonly table: LocalStates,
    readonly slots: Slot[],
    readonly opts: ResolvedOptions,
    inert?: InertCollector,
  ) {
    this.proposerSlots = slots.flatMap((s, i) => (s.kind === 'proposer' ? [i] : []));
    this.acceptorSlots = slots.flatMap((s, i) => (s.kind === 'acceptor' ? [i] : []));
    this.learnerSlots = slots.flatMap((s, i) => (s.kind === 'learner' ? [i] : []));
    this.proposerIndex = slots.map((_, i) => this.proposerSlots.indexOf(i));
    this.learnerIndex = slots.map((_, i) => this.learnerSlots.indexOf(i));
    this.downBit = slots.map((s) => (s.kind === 'acceptor' ? 1 << s.index : 0));
    this.quorum = Math.floor(this.acceptorSlots.length / 2) + 1;
    this.setNetwork = opts.network === 'set';
    this.inert = this.setNetwork && opts.reduce ? (inert ?? new InertCollector()) : null;
    this.layout = new StateLayout(slots.length, this.proposerSlots.length, this.learnerSlots.length, !this.setNetwork);
    this.slotMask = slots.map(() => []);
    this.syncMessages();
  }

  /** The packed initial state: every role in its constructed state, nothing sent. */
  initial(locals: number[]): Int32Array {
    const L = this.layout;
    const s = new Int32Array(L.header);
    s.set(locals, 0);
    s[L.hid] = 0;
    return s;
  }

  /** The effect of `action` (a LocalStates action code) on role state `local`, keeping the message routes current. */
  private effectAt(local: number, action: number): Effect {
    const e = this.table.effect(local, action);
    // Messages are interned as effects are computed, by this search or by the collector's check.
    if (this.table.msgs.length !== this.msgTo.length) this.syncMessages();
    return e;
  }

  private syncMessages(): void {
    const msgs = this.table.msgs;
    for (let m = this.msgTo.length; m < msgs.length; m++) {
      const to = msgs[m].toSlot;
      this.msgTo.push(to);
      const mask = this.slotMask[to];
      while (mask.length <= m >>> 5) mask.push(0);
      mask[m >>> 5] |= 1 << (m & 31);
    }
  }

  /** The slot message `m` is addressed to. */
  toSlot(m: number): number {
    if (m >= this.msgTo.length) this.syncMessages();
    return this.msgTo[m];
  }

  /** The actions enabled()'s last call found (the first `count` entries). */
  acts = new Int32Array(256);

  /** Every action enabled in the state at `buf[o…]`, packed, into `acts`; returns how many. */
  enabled(buf: Int32Array, o: number): number {
    const L = this.layout;
    const opts = this.opts;
    const nw = buf[o + L.nw];
    const most = 2 * this.proposerSlots.length + 96 * nw + 2 * this.acceptorSlots.length;
    if (most > this.acts.length) this.acts = new Int32Array(most * 2);
    const acts = this.acts;
    let n = 0;
    const p = buf[o + L.p];
    for (let k = 0; k < this.proposerSlots.length; k++) {
      const slot = this.proposerSlots[k];
      if (buf[o + L.r + k] < opts.maxRounds) acts[n++] = A_START + 8 * slot;
      if (((p >> (3 * k)) & 7) < opts.proposals) acts[n++] = A_PROPOSE + 8 * slot;
    }
    const bits = o + L.header;
    if (this.setNetwork) {
      for (let w = 0; w < nw; w++) {
        let x = buf[bits + w];
        while (x !== 0) {
          const low = x & -x;
          acts[n++] = A_DELIVER + 8 * (w * 32 + 31 - Math.clz32(low));
          x ^= low;
        }
      }
      return n;
    }
    const down = buf[o + L.down];
    const dupOk = buf[o + L.dup] < opts.maxDuplicates;
    for (let w = 0; w < nw; w++) {
      let x = buf[bits + w];
      while (x !== 0) {
        const low = x & -x;
        const m = w * 32 + 31 - Math.clz32(low);
        x ^= low;
        if (!(down & this.downBit[this.toSlot(m)])) acts[n++] = A_DELIVER + 8 * m;
        if (opts.loss) acts[n++] = A_DROP + 8 * m;
        if (dupOk) acts[n++] = A_DUP + 8 * m;
      }
    }
    if (opts.maxCrashes > 0) {
      const crashes = buf[o + L.crash];
      for (const a of this.acceptorSlots) {
        const bit = this.downBit[a];
        if (down & bit) acts[n++] = A_RESTART + 8 * a;
        else if (crashes < opts.maxCrashes) acts[n++] = A_CRASH + 8 * a;
      }
    }
    return n;
  }

  /** The acceptors down in the state at `buf[o…]`, one bit per acceptor (none in the 'set' network). */
  downOf(buf: Int32Array, o: number): number {
    return this.layout.down < 0 ? 0 : buf[o + this.layout.down];
  }

  /** The role effect an action triggers on the state at `buf[o…]`, if it calls a handler. */
  effectOf(buf: Int32Array, o: number, action: number): { slot: number; effect: Effect } | null {
    const type = action & 7;
    const arg = action >>> 3;
    if (type === A_START || type === A_PROPOSE) return { slot: arg, effect: this.effectAt(buf[o + arg], this.proposerAction(buf, o, type, arg)) };
    if (type === A_DELIVER) {
      const slot = this.toSlot(arg);
      return { slot, effect: this.effectAt(buf[o + slot], arg + 8) };
    }
    return null;
  }

  private proposerAction(buf: Int32Array, o: number, type: number, slot: number): number {
    if (type === A_START) return ACT_START;
    const k = this.proposerIndex[slot];
    return actPropose((buf[o + this.layout.p] >> (3 * k)) & 7);
  }

  /**
   * Writes the successor of the state `src[so…so+len)` under `action` at `out.data[at…]` (making room
   * in `out`, whose length it leaves alone) and returns its length; 0 when the action changes
   * nothing; -1 when it reveals a violation (then `found` says which).
   */
  successor(src: Int32Array, so: number, len: number, action: number, out: IntVec, at: number): number {
    const type = action & 7;
    const arg = action >>> 3;
    if (type <= A_DELIVER) return this.applyEffect(src, so, len, type, arg, out, at);
    const L = this.layout;
    const nw = src[so + L.nw];
    const dst = out.reserve(at - out.length + len + 2);
    for (let i = 0; i < L.header + nw; i++) dst[at + i] = src[so + i];
    const extras = this.extras;
    extras.length = 0;
    for (let i = so + L.header + nw; i < so + len; i++) extras.push(src[i]);
    const bits = at + L.header;
    switch (type) {
      case A_DROP:
        this.removeCopy(dst, bits, arg);
        break;
      case A_DUP:
        insertSorted(extras, arg);
        dst[at + L.dup]++;
        break;
      case A_CRASH:
        for (let w = 0; w < nw; w++) {
          const mask = this.slotMask[arg][w] ?? 0;
          dst[bits + w] &= ~mask;
        }
        this.extras = extras.filter((m) => this.msgTo[m] !== arg);
        dst[at + L.down] |= this.downBit[arg];
        dst[at + L.crash]++;
        break;
      default:
        dst[at + L.down] &= ~this.downBit[arg];
    }
    return this.finish(dst, at, nw);
  }

  /** Removes one copy of `m`: an extra one if there is one, else the bit. */
  private removeCopy(dst: Int32Array, bits: number, m: number): void {
    const i = this.extras.indexOf(m);
    if (i >= 0) this.extras.splice(i, 1);
    else dst[bits + (m >>> 5)] &= ~(1 << (m & 31));
  }

  /** Trims the bitset, appends the extra copies, returns the state's length. */
  private finish(dst: Int32Array, at: number, width: number): number {
    const L = this.layout;
    let nw = width;
    while (nw > 0 && dst[at + L.header + nw - 1] === 0) nw--;
    dst[at + L.nw] = nw;
    if (this.setNetwork) return L.header + nw;
    const e = this.extras;
    const base = at + L.header + nw;
    for (let i = 0; i < e.length; i++) dst[base + i] = e[i];
    return L.header + nw + e.length;
  }

  private applyEffect(src: Int32Array, so: number, len: number, type: number, arg: number, out: IntVec, at: number): number {
    const L = this.layout;
    const slot = type === A_DELIVER ? this.toSlot(arg) : arg;
    const local = src[so + slot];
    const effect = this.effectAt(local, type === A_DELIVER ? arg + 8 : this.proposerAction(src, so, type, arg));
    if (effect.error) {
      this.found = effect.error;
      return -1;
    }
    const hid = src[so + L.hid];
    const eout = effect.out;
    const nw = src[so + L.nw];
    // Most deliveries in the set model change nothing (a stale or repeated message): skip them cheaply.
    if (type === A_DELIVER && this.setNetwork && effect.next === local && effect.decide < 0) {
      let same = true;
      for (let i = 0; i < eout.length && same; i++) {
        const m = eout[i];
        same = m >>> 5 < nw && (src[so + L.header + (m >>> 5)] & (1 << (m & 31))) !== 0;
      }
      for (let i = 0; i < effect.hist.length && same; i++) same = this.histories.has(hid, effect.hist[i]);
      if (same) return 0;
    }
    const width = Math.max(nw, (this.msgTo.length + 31) >>> 5);
    const nExtras = len - L.header - nw;
    const dst = out.reserve(at - out.length + L.header + width + nExtras + eout.length + 1);
    for (let i = 0; i < L.header; i++) dst[at + i] = src[so + i];
    const bits = at + L.header;
    for (let w = 0; w < nw; w++) dst[bits + w] = src[so + L.header + w];
    for (let w = nw; w < width; w++) dst[bits + w] = 0;
    const extras = this.extras;
    if (!this.setNetwork) {
      extras.length = 0;
      for (let i = so + L.header + nw; i < so + len; i++) extras.push(src[i]);
    }
    dst[at + slot] = effect.next;
    if (type === A_DELIVER && !this.setNetwork) this.removeCopy(dst, bits, arg);
    const down = this.setNetwork ? 0 : dst[at + L.down];
    for (let i = 0; i < eout.length; i++) {
      const m = eout[i];
      if (down !== 0 && down & this.downBit[this.msgTo[m]]) continue;
      const w = bits + (m >>> 5);
      const bit = 1 << (m & 31);
      if (dst[w] & bit) {
        if (!this.setNetwork) insertSorted(extras, m);
      } else dst[w] |= bit;
    }
    let nextHid = hid;
    for (let i = 0; i < effect.hist.length; i++) nextHid = this.histories.add(nextHid, effect.hist[i]);
    dst[at + L.hid] = nextHid;
    if (type === A_START) dst[at + L.r + this.proposerIndex[slot]]++;
    else if (type === A_PROPOSE) dst[at + L.p] += 1 << (3 * this.proposerIndex[slot]);
    if (this.inert) this.collectInert(dst, at, width, slot, eout);
    if (nextHid !== hid) {
      const p = dst[at + L.p];
      const byP = (this.judged[nextHid] ??= new Map());
      let bad = byP.get(p);
      if (bad === undefined) byP.set(p, (bad = this.judgeHistory(this.histories.arrays[nextHid], p)));
      if (bad) {
        this.found = bad;
        return -1;
      }
    }
    if (effect.decide >= 0) {
      const k = this.learnerIndex[slot];
      const bad = this.judgeDecision(dst, at, k, effect.decide, this.histories.arrays[nextHid]);
      if (bad) {
        this.found = bad;
        return -1;
      }
      dst[at + L.dec + k] = effect.decide + 1;
    }
    return this.finish(dst, at, width);
  }

  /**
   * Inert-message collection: drops from the new state's network the messages to `slot` (whose role
   * may have changed) and the ones just sent that their addressee ignores. The collector remembers
   * each (role state, message) pair it dropped, so that the search can check afterwards that the
   * role kept ignoring it.
   */
  private collectInert(dst: Int32Array, at: number, width: number, slot: number, fresh: number[]): void {
    const bits = at + this.layout.header;
    const mask = this.slotMask[slot];
    const local = dst[at + slot];
    for (let w = 0; w < width && w < mask.length; w++) {
      const cand = dst[bits + w] & mask[w];
      if (cand !== 0) dst[bits + w] &= ~this.inertWord(local, w, cand);
    }
    for (let i = 0; i < fresh.length; i++) {
      const m = fresh[i];
      const to = this.msgTo[m];
      if (to === slot) continue;
      const w = m >>> 5;
      const bit = 1 << (m & 31);
      if (dst[bits + w] & bit && this.inertWord(dst[at + to], w, bit) & bit) dst[bits + w] &= ~bit;
    }
  }

  /** Of the messages `cand` (word w of the bitset), those inert in role state `local`; classifies the new ones. */
  private inertWord(local: number, w: number, cand: number): number {
    let known = this.knownBits[local];
    let inert = this.inertBits[local];
    if (known === undefined || w >= known.length) {
      const size = Math.max(4, 2 * (w + 1));
      const k2 = new Int32Array(size);
      const i2 = new Int32Array(size);
      if (known) {
        k2.set(known);
        i2.set(inert);
      }
      this.knownBits[local] = known = k2;
      this.inertBits[local] = inert = i2;
    }
    let unknown = cand & ~known[w];
    while (unknown !== 0) {
      const low = unknown & -unknown;
      unknown ^= low;
      const m = w * 32 + 31 - Math.clz32(low);
      const e = this.effectAt(local, m + 8);
      if (!e.error && e.next === local && e.decide < 0 && e.out.length === 0 && e.hist.length === 0 && !this.inert!.exempt(local, m)) {
        inert[w] |= low;
        this.inert!.record(local, m);
      }
      known[w] |= low;
    }
    return inert[w] & cand;
  }

  /** Per history id: 1 when it holds a chosen value, 0 when not, undefined until asked. */
  private readonly chosenIn: (0 | 1)[] = [];

  /** Whether the state at `buf[o…]` satisfies the search's goal (opts.goal): a value chosen, or a learner decided. */
  goalHolds(buf: Int32Array, o: number): boolean {
    const L = this.layout;
    switch (this.opts.goal) {
      case 'chosen': {
        const hid = buf[o + L.hid];
        let c = this.chosenIn[hid];
        if (c === undefined) this.chosenIn[hid] = c = this.chosen(this.histories.arrays[hid]) ? 1 : 0;
        return c === 1;
      }
      case 'decided':
        for (let k = 0; k < this.learnerSlots.length; k++) if (buf[o + L.dec + k] !== 0) return true;
        return false;
      default:
        return false;
    }
  }

  /** The value chosen in the lowest round (a quorum of distinct acceptors voted it), if any. */
  chosen(h: number[]): { rnd: number; val: number } | null {
    const hist = this.table.hist;
    const counts = new Map<string, number>();
    let best: { rnd: number; val: number } | null = null;
    for (const id of h) {
      const e = hist[id];
      if (!e.vote) continue;
      const key = `${e.rnd}|${e.val}`;
      const c = (counts.get(key) ?? 0) + 1;
      counts.set(key, c);
      if (c >= this.quorum && (!best || e.rnd < best.rnd)) best = { rnd: e.rnd, val: e.val };
    }
    return best;
  }

  private judgeHistory(h: number[], p: number): Found | null {
    const { hist, values } = this.table;
    for (const id of h) {
      const e = hist[id];
      if (!this.wasProposed(p, values[e.val])) {
        return {
          checker: 'validity',
          message: `${e.vote ? `acceptor ${e.node} voted` : `proposer ${e.node} asked acceptors to accept`} ${JSON.stringify(values[e.val])} in round ${e.rnd}, which no client proposed`,
        };
      }
    }
    const c = this.chosen(h);
    if (!c) return null;
    for (const id of h) {
      const e = hist[id];
      if (e.rnd >= c.rnd && e.val !== c.val) {
        return {
          checker: 'chosen-invariant',
          message: `${JSON.stringify(values[c.val])} was chosen in round ${c.rnd}, but ${e.vote ? `acceptor ${e.node} voted` : `proposer ${e.node} sent accept`} ${JSON.stringify(values[e.val])} in round ${e.rnd}`,
        };
      }
    }
    return null;
  }

  /** Whether some proposer's propose() calls so far (counts packed in `p`) included `value`. */
  private wasProposed(p: number, value: string): boolean {
    for (let k = 0; k < this.proposerSlots.length; k++) {
      const calls = (p >> (3 * k)) & 7;
      for (let n = 0; n < calls; n++) if (proposedValue(this.opts.values, k, n) === value) return true;
    }
    return false;
  }

  private judgeDecision(buf: Int32Array, o: number, k: number, val: number, h: number[]): Found | null {
    const L = this.layout;
    const node = this.slots[this.learnerSlots[k]].node;
    const name = JSON.stringify(this.table.values[val]);
    if (buf[o + L.dec + k] !== 0) return { checker: 'integrity', message: `learner ${node} decided twice (now ${name})` };
    const c = this.chosen(h);
    if (!c || c.val !== val) {
      return { checker: 'learner-safety', message: `learner ${node} decided ${name}, but no quorum of acceptors voted ${name} in one round` };
    }
    for (let j = 0; j < this.learnerSlots.length; j++) {
      const d = buf[o + L.dec + j];
      if (d !== 0 && d - 1 !== val) return { checker: 'agreement', message: `learners decided ${JSON.stringify(this.table.values[d - 1])} and ${name}` };
    }
    return null;
  }

  /** The state at `buf[o…o+len)` as plain fields. */
  view(buf: Int32Array, o: number, len: number): StateView {
    const L = this.layout;
    const nw = buf[o + L.nw];
    const f: number[] = [];
    for (let w = 0; w < nw; w++) for (let b = 0; b < 32; b++) if (buf[o + L.header + w] & (1 << b)) f.push(w * 32 + b);
    for (let i = o + L.header + nw; i < o + len; i++) f.push(buf[i]);
    f.sort((a, b) => a - b);
    const hid = buf[o + L.hid];
    const slice = (from: number, n: number) => Array.from(buf.subarray(o + from, o + from + n));
    return {
      l: slice(0, this.slots.length),
      f,
      r: slice(L.r, this.proposerSlots.length),
      p: buf[o + L.p],
      dup: L.dup < 0 ? 0 : buf[o + L.dup],
      crash: L.crash < 0 ? 0 : buf[o + L.crash],
      down: this.downOf(buf, o),
      hid,
      h: this.histories.arrays[hid],
      dec: slice(L.dec, this.learnerSlots.length),
    };
  }
}

/** Interned histories: sorted id arrays, with a cache of "history + one entry". */
export class Histories {
  readonly arrays: number[][] = [[]];
  private readonly ids = new Map<string, number>([['', 0]]);
  /** Per history: per entry, the id of the history with it added, plus one (0: not yet known). */
  private readonly plus: Int32Array[] = [];

  add(hid: number, entry: number): number {
    let row = this.plus[hid];
    if (row === undefined || entry >= row.length) {
      const grown = new Int32Array(Math.max(32, (entry + 1) * 2));
      if (row) grown.set(row);
      this.plus[hid] = row = grown;
    }
    let next = row[entry] - 1;
    if (next < 0) {
      const arr = this.arrays[hid];
      if (arr.includes(entry)) next = hid;
      else {
        const merged = [...arr, entry].sort((a, b) => a - b);
        const key = merged.join(',');
        const known = this.ids.get(key);
        if (known !== undefined) next = known;
        else {
          next = this.arrays.length;
          this.arrays.push(merged);
          this.ids.set(key, next);
        }
      }
      row[entry] = next + 1;
    }
    return next;
  }

  has(hid: number, entry: number): boolean {
    const a = this.arrays[hid];
    for (let i = 0; i < a.length; i++) if (a[i] === entry) return true;
    return false;
  }
}

function insertSorted(xs: number[], x: number): void {
  let i = xs.length;
  xs.push(x);
  while (i > 0 && xs[i - 1] > x) {
    xs[i] = xs[i - 1];
    i--;
  }
  xs[i] = x;
}

