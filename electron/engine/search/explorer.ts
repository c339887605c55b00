/**
 * The transitions of the search: which actions a global state enables, what each does, and the
 * invariants judged on the result. A global state is: the state id of every role object, the network
 * (sorted message ids: a set or a multiset), the proposers' round and propose budgets, the duplication
 * and crash budgets, which acceptors are down, the history of proposals and votes (what the invariants
 * judge) and the learners' decisions.
 */
import { ACT_START, actDeliver, actPropose, proposedValue, type Effect, type LocalStates } from './local-states.js';
import type { ResolvedOptions, Slot } from './model.js';
import { Fingerprint } from './state-set.js';

export interface GState {
  /** Per slot: the interned state of its role object. */
  l: number[];
  /** The network: deliverable message ids, sorted. */
  f: number[];
  /** Per proposer: rounds started. */
  r: number[];
  /** propose() calls made, 3 bits per proposer. */
  p: number;
  /** Duplicates made and crashes so far ('multiset' network). */
  dup: number;
  crash: number;
  /** Acceptors down, one bit per acceptor. */
  down: number;
  /** The history (sorted proposal and vote ids), interned: equal histories are the same array. */
  h: number[];
  /** The id of `h` in the history table. */
  hid: number;
  /** Per learner: the value id it decided + 1, or 0. */
  dec: number[];
}

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

const fp = new Fingerprint();

/** The 64-bit fingerprint of a global state, left in `fp.r1`, `fp.r2` (no allocation). */
export function fingerprint(s: GState): Fingerprint {
  fp.reset();
  fp.addAll(s.l);
  fp.addAll(s.f);
  fp.addAll(s.r);
  fp.add(s.p);
  fp.add(s.dup);
  fp.add(s.crash);
  fp.add(s.down);
  fp.add(s.hid);
  fp.addAll(s.dec);
  fp.finish();
  return fp;
}

/** Applies actions to global states and judges the results. Shared by the search and the trace replay. */
export class Transitions {
  readonly proposerSlots: number[];
  readonly acceptorSlots: number[];
  readonly learnerSlots: number[];
  /** Per slot: its bit in `down` (acceptors only), else 0. */
  private readonly downBit: number[];
  /** Votes of distinct acceptors in one round that choose a value. */
  readonly quorum: number;
  /** The 'set' network: delivering does not consume, so messages stay deliverable. */
  private readonly setNetwork: boolean;
  /**
   * Inert-message collection ('set' network): a message its addressee ignores (same state, nothing
   * new sent or voted) is removed from the network. Sound when roles keep ignoring what they once
   * ignored; `inertPersists` checks that afterwards on every pair it collected.
   */
  readonly collect: boolean;
  /** (local state, message) pairs collected as inert, packed as local * 2^20 + message. */
  readonly collected = new Set<number>();
  /** Verdicts of judgeHistory by (history, proposals made): few distinct histories, many states. */
  private readonly judged = new Map<number, Found | null>();
  readonly histories = new Histories();

  constructor(
    readonly table: LocalStates,
    readonly slots: Slot[],
    readonly opts: ResolvedOptions,
  ) {
    this.proposerSlots = slots.flatMap((s, i) => (s.kind === 'proposer' ? [i] : []));
    this.acceptorSlots = slots.flatMap((s, i) => (s.kind === 'acceptor' ? [i] : []));
    this.learnerSlots = slots.flatMap((s, i) => (s.kind === 'learner' ? [i] : []));
    this.downBit = slots.map((s) => (s.kind === 'acceptor' ? 1 << s.index : 0));
    this.quorum = Math.floor(this.acceptorSlots.length / 2) + 1;
    this.setNetwork = opts.network === 'set';
    this.collect = this.setNetwork && opts.reduce;
  }

  /** Every action enabled in `s`, packed. */
  enabled(s: GState): number[] {
    const acts: number[] = [];
    const o = this.opts;
    this.proposerSlots.forEach((slot, k) => {
      if (s.r[k] < o.maxRounds) acts.push(pack(A_START, slot));
      if (((s.p >> (3 * k)) & 7) < o.proposals) acts.push(pack(A_PROPOSE, slot));
    });
    const msgs = this.table.msgs;
    if (this.setNetwork) {
      for (const m of s.f) acts.push(pack(A_DELIVER, m));
      return acts;
    }
    for (let i = 0; i < s.f.length; i++) {
      const m = s.f[i];
      if (i > 0 && s.f[i - 1] === m) continue;
      if (!(s.down & this.downBit[msgs[m].toSlot])) acts.push(pack(A_DELIVER, m));
      if (o.loss) acts.push(pack(A_DROP, m));
      if (s.dup < o.maxDuplicates) acts.push(pack(A_DUP, m));
    }
    if (o.maxCrashes > 0) {
      for (const a of this.acceptorSlots) {
        const bit = this.downBit[a];
        if (s.down & bit) acts.push(pack(A_RESTART, a));
        else if (s.crash < o.maxCrashes) acts.push(pack(A_CRASH, a));
      }
    }
    return acts;
  }

  /** The role effect an action triggers, if it calls a handler. */
  effectOf(s: GState, action: number): { slot: number; effect: Effect } | null {
    const { type, arg } = unpack(action);
    if (type === A_START || type === A_PROPOSE) {
      const k = this.proposerSlots.indexOf(arg);
      return { slot: arg, effect: this.table.effect(s.l[arg], type === A_START ? ACT_START : actPropose((s.p >> (3 * k)) & 7)) };
    }
    if (type === A_DELIVER) {
      const slot = this.table.msgs[arg].toSlot;
      return { slot, effect: this.table.effect(s.l[slot], actDeliver(arg)) };
    }
    return null;
  }

  /** The successor of `s` under `action`, `s` itself when nothing changes, or the violation the action reveals. */
  apply(s: GState, action: number): GState | Found {
    const type = action & 7;
    const arg = action >>> 3;
    switch (type) {
      case A_START:
      case A_PROPOSE:
      case A_DELIVER:
        return this.applyEffect(s, type, arg);
      case A_DROP:
        return { ...s, f: removeOne(s.f, arg) };
      case A_DUP:
        return { ...s, f: insertAll(s.f, [arg]), dup: s.dup + 1 };
      case A_CRASH: {
        const msgs = this.table.msgs;
        return { ...s, f: s.f.filter((m) => msgs[m].toSlot !== arg), down: s.down | this.downBit[arg], crash: s.crash + 1 };
      }
      default:
        return { ...s, down: s.down & ~this.downBit[arg] };
    }
  }

  private applyEffect(s: GState, type: number, arg: number): GState | Found {
    let slot: number;
    let effect: Effect;
    if (type === A_DELIVER) {
      slot = this.table.msgs[arg].toSlot;
      effect = this.table.effect(s.l[slot], actDeliver(arg));
    } else {
      slot = arg;
      const k = this.proposerSlots.indexOf(arg);
      effect = this.table.effect(s.l[arg], type === A_START ? ACT_START : actPropose((s.p >> (3 * k)) & 7));
    }
    if (effect.error) return effect.error;
    // Most deliveries in the set model change nothing (a stale or repeated message): skip them cheaply.
    if (type === A_DELIVER && effect.next === s.l[slot] && effect.decide < 0 && allIn(effect.out, s.f) && allIn(effect.hist, s.h)) return s;
    const l = s.l.slice();
    l[slot] = effect.next;
    let f = type === A_DELIVER && !this.setNetwork ? removeOne(s.f, arg) : s.f;
    if (effect.out.length > 0) {
      const msgs = this.table.msgs;
      const out = s.down === 0 ? effect.out : effect.out.filter((m) => !(s.down & this.downBit[msgs[m].toSlot]));
      f = this.setNetwork ? mergeUnique(f, out) : insertAll(f, out);
    }
    let h = s.h;
    let hid = s.hid;
    for (let i = 0; i < effect.hist.length; i++) hid = this.histories.add(hid, effect.hist[i]);
    if (hid !== s.hid) h = this.histories.arrays[hid];
    if (this.collect) f = this.collectInert(f, l, h, slot, effect.out);
    const next: GState = { l, f, r: s.r, p: s.p, dup: s.dup, crash: s.crash, down: s.down, h: s.h, hid: s.hid, dec: s.dec };
    if (type === A_START || type === A_PROPOSE) {
      const k = this.proposerSlots.indexOf(slot);
      if (type === A_START) {
        next.r = s.r.slice();
        next.r[k]++;
      } else next.p = s.p + (1 << (3 * k));
    }
    if (h !== s.h) {
      next.h = h;
      next.hid = hid;
      const hk = hid * 0x200000 + next.p;
      let bad = this.judged.get(hk);
      if (bad === undefined) this.judged.set(hk, (bad = this.judgeHistory(next)));
      if (bad) return bad;
    }
    if (effect.decide >= 0) {
      const k = this.learnerSlots.indexOf(slot);
      const bad = this.judgeDecision(next, k, effect.decide);
      if (bad) return bad;
      next.dec = s.dec.slice();
      next.dec[k] = effect.decide + 1;
    }
    return next;
  }

  /** Drops from `f` the messages to `slot` (whose state changed) and the new ones that are inert. */
  private collectInert(f: number[], l: number[], h: number[], slot: number, fresh: number[]): number[] {
    const msgs = this.table.msgs;
    let out = f;
    for (let i = f.length - 1; i >= 0; i--) {
      const m = f[i];
      const to = msgs[m].toSlot;
      if (to !== slot && !fresh.includes(m)) continue;
      if (!this.inert(l[to], m, f, h, l)) continue;
      if (out === f) out = f.slice();
      out.splice(i, 1);
      this.collected.add(l[to] * 0x100000 + m);
    }
    return out;
  }

  /** Delivering `m` to a role in `local` changes nothing: same state, no decision, nothing new. */
  private inert(local: number, m: number, f: number[], h: number[], l: number[]): boolean {
    const e = this.table.effect(local, actDeliver(m));
    if (e.error || e.next !== local || e.decide >= 0) return false;
    for (const x of e.hist) if (!h.includes(x)) return false;
    const msgs = this.table.msgs;
    for (const o of e.out) {
      if (f.includes(o)) continue;
      // An output its own addressee would ignore is as good as sent.
      const to = msgs[o].toSlot;
      const oe = this.table.effect(l[to], actDeliver(o));
      if (oe.error || oe.next !== l[to] || oe.decide >= 0 || oe.out.length > 0 || oe.hist.some((x) => !h.includes(x))) return false;
    }
    return true;
  }

  /**
   * Checks the assumption behind inert-message collection on every collected pair: from each later
   * state of that role (as far as the search saw it), the message is still ignored and sends nothing
   * it did not send before. Returns a description of the first pair that breaks it, or null.
   */
  inertPersists(): string | null {
    const t = this.table;
    for (const packed of this.collected) {
      const local = Math.floor(packed / 0x100000);
      const m = packed % 0x100000;
      const base = t.effect(local, actDeliver(m));
      const seen = new Set<number>([local]);
      const todo = [local];
      while (todo.length > 0) {
        const x = todo.pop()!;
        for (const e of t.knownEffects(x)) {
          if (seen.has(e.next)) continue;
          seen.add(e.next);
          todo.push(e.next);
          const later = t.effect(e.next, actDeliver(m));
          const ignored = !later.error && later.next === e.next && later.decide < 0 && later.out.every((o) => base.out.includes(o)) && later.hist.every((o) => base.hist.includes(o));
          if (!ignored) {
            const slot = this.slots[t.slotOf[local]];
            return `${slot.kind} ${slot.node} ignored ${JSON.stringify(t.msgs[m].msg)} once but handles it in a later state`;
          }
        }
      }
    }
    return null;
  }

  /** Per history id: 1 when it holds a chosen value, 0 when not, undefined until asked. */
  private readonly chosenIn: (0 | 1)[] = [];

  /** Whether `s` satisfies the search's goal (opts.goal): a value chosen, or a learner decided. */
  goalHolds(s: GState): boolean {
    switch (this.opts.goal) {
      case 'chosen': {
        let c = this.chosenIn[s.hid];
        if (c === undefined) this.chosenIn[s.hid] = c = this.chosen(s.h) ? 1 : 0;
        return c === 1;
      }
      case 'decided':
        for (let i = 0; i < s.dec.length; i++) if (s.dec[i] !== 0) return true;
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

  private judgeHistory(s: GState): Found | null {
    const { hist, values } = this.table;
    for (const id of s.h) {
      const e = hist[id];
      if (!this.wasProposed(s.p, values[e.val])) {
        return {
          checker: 'validity',
          message: `${e.vote ? `acceptor ${e.node} voted` : `proposer ${e.node} asked acceptors to accept`} ${JSON.stringify(values[e.val])} in round ${e.rnd}, which no client proposed`,
        };
      }
    }
    const c = this.chosen(s.h);
    if (!c) return null;
    for (const id of s.h) {
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

  private judgeDecision(s: GState, k: number, val: number): Found | null {
    const node = this.slots[this.learnerSlots[k]].node;
    const name = JSON.stringify(this.table.values[val]);
    if (s.dec[k] !== 0) return { checker: 'integrity', message: `learner ${node} decided twice (now ${name})` };
    const c = this.chosen(s.h);
    if (!c || c.val !== val) {
      return { checker: 'learner-safety', message: `learner ${node} decided ${name}, but no quorum of acceptors voted ${name} in one round` };
    }
    const other = s.dec.find((d) => d !== 0 && d - 1 !== val);
    if (other !== undefined) return { checker: 'agreement', message: `learners decided ${JSON.stringify(this.table.values[other - 1])} and ${name}` };
    return null;
  }
}

/** Interned histories: sorted id arrays, with a cache of "history + one entry". */
export class Histories {
  readonly arrays: number[][] = [[]];
  private readonly ids = new Map<string, number>([['', 0]]);
  private readonly plus = new Map<number, number>();

  add(hid: number, entry: number): number {
    const k = hid * 0x10000 + entry;
    let next = this.plus.get(k);
    if (next === undefined) {
      const arr = mergeUnique(this.arrays[hid], [entry]);
      const key = arr.join(',');
      next = this.ids.get(key);
      if (next === undefined) {
        next = this.arrays.length;
        this.arrays.push(arr);
        this.ids.set(key, next);
      }
      this.plus.set(k, next);
    }
    return next;
  }
}

function allIn(xs: number[], set: number[]): boolean {
  for (let i = 0; i < xs.length; i++) if (!set.includes(xs[i])) return false;
  return true;
}

function removeOne(f: number[], m: number): number[] {
  const i = f.indexOf(m);
  const out = f.slice();
  out.splice(i, 1);
  return out;
}

function insertAll(f: number[], add: number[]): number[] {
  const out = f.concat(add);
  out.sort((a, b) => a - b);
  return out;
}

/** Sorted union; returns `h` itself when nothing is new. */
function mergeUnique(h: number[], add: number[]): number[] {
  let out = h;
  for (let i = 0; i < add.length; i++) {
    const x = add[i];
    // Binary search for x; insert in place to keep the array sorted.
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (out[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    if (out[lo] === x) continue;
    if (out === h) out = h.slice();
    out.splice(lo, 0, x);
  }
  return out;
}
