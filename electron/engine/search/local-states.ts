/**
 * The table of distinct role states and what each handler does from each of them. Handlers are
 * deterministic and see only their own state and the message, so an effect computed once holds for
 * every global state containing that role state: the search mostly does table look-ups.
 */
import { hostAccess } from '../grading/host-access.js';
import { isGuardedRole } from '../realm/guarded-role.js';
import type { WireMessage } from '../trace/events.js';
import { cloneState, stateKey, UncloneableStateError } from './state-codec.js';
import { normalizeOutput, safeJson, type NetMsg, type ResolvedOptions, type Slot } from './model.js';

/** What one action does to one role state. */
export interface Effect {
  /** The role's state afterwards. */
  next: number;
  /** Messages put on the network (interned ids), before dropping those to down nodes. */
  out: number[];
  /** History entries (accept proposals and votes) this action adds. */
  hist: number[];
  /** The value a learner decided (value id), or -1. */
  decide: number;
  /** The handler broke a rule of the harness: threw, returned garbage, was not deterministic… */
  error?: { checker: string; message: string };
}

/** A history entry: a proposal (an accept sent) or a vote (a learn sent by an acceptor node). */
export interface HistEntry {
  vote: boolean;
  node: number;
  rnd: number;
  val: number;
}

export const ACT_START = 0;
/** Action code of a proposer's n-th propose() call (n from 0; at most 6). */
export const actPropose = (n: number) => 1 + n;
/** Action code of delivering message `id`. */
export const actDeliver = (id: number) => id + 8;

/** The value of proposer `k`'s n-th propose() call: its own value first, then the next ones. */
export const proposedValue = (values: string[], k: number, n: number) => values[(k + n) % values.length];

type Call = { name: string; input: unknown; outKind: 'prepare' | 'promise' | 'accept' | 'learn' | 'value' };

const capText = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}… (cut)` : s);

const PRIVATE_HINT = ' (private #fields cannot be cloned: keep your state cloneable in ordinary fields)';

export class LocalStates {
  readonly objs: object[] = [];
  readonly slotOf: number[] = [];
  /** Characters of canonical state text held for the distinct role states (a measure of their size). */
  keyChars = 0;
  private readonly keys = new Map<string, number>();
  private readonly memo: Effect[][] = [];
  readonly msgs: NetMsg[] = [];
  private readonly msgIds = new Map<string, number>();
  readonly hist: HistEntry[] = [];
  private readonly histIds = new Map<string, number>();
  readonly values: string[] = [];
  private readonly valueIds = new Map<string, number>();
  private readonly acceptorSlots: number[];
  private readonly learnerSlots: number[];
  private readonly proposerSlotByNode = new Map<number, number>();

  constructor(
    readonly slots: Slot[],
    readonly opts: ResolvedOptions,
  ) {
    this.acceptorSlots = slots.flatMap((s, i) => (s.kind === 'acceptor' ? [i] : []));
    this.learnerSlots = slots.flatMap((s, i) => (s.kind === 'learner' ? [i] : []));
    slots.forEach((s, i) => s.kind === 'proposer' && this.proposerSlotByNode.set(s.node, i));
    for (const v of opts.values) this.valueId(v);
  }

  /** Intern a role object as a state; throws UncloneableStateError if it cannot be keyed. */
  intern(slot: number, obj: object): number {
    return this.internKeyed(slot, obj, stateKey(obj));
  }

  private internKeyed(slot: number, obj: object, stateKeyOfObj: string): number {
    const key = `${slot}#${stateKeyOfObj}`;
    let id = this.keys.get(key);
    if (id === undefined) {
      id = this.objs.length;
      this.keyChars += key.length;
      this.keys.set(key, id);
      this.objs.push(obj);
      this.slotOf.push(slot);
      this.memo.push([]);
    }
    return id;
  }

  valueId(v: string): number {
    let id = this.valueIds.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.valueIds.set(v, id);
      this.values.push(v);
    }
    return id;
  }

  effect(local: number, action: number): Effect {
    const row = this.memo[local];
    let e = row[action];
    if (e === undefined) row[action] = e = this.compute(local, action);
    return e;
  }

  /** The effects computed so far from `local` (the edges of that role's state graph the search saw). */
  knownEffects(local: number): Effect[] {
    return this.memo[local].filter((e) => e !== undefined);
  }

  private call(local: number, action: number): Call {
    const slot = this.slots[this.slotOf[local]];
    if (action === ACT_START) return { name: 'startRound', input: undefined, outKind: 'prepare' };
    if (action < 8) return { name: 'propose', input: proposedValue(this.opts.values, slot.index, action - 1), outKind: 'accept' };
    const m = this.msgs[action - 8].msg;
    switch (m.kind) {
      case 'prepare':
        return { name: 'handlePrepare', input: m, outKind: 'promise' };
      case 'accept':
        return { name: 'handleAccept', input: m, outKind: 'learn' };
      case 'promise':
        return { name: 'handlePromise', input: m, outKind: 'accept' };
      default:
        return { name: 'handleLearn', input: m, outKind: 'value' };
    }
  }

  private compute(local: number, action: number): Effect {
    const slotIdx = this.slotOf[local];
    const slot = this.slots[slotIdx];
    const call = this.call(local, action);
    const who = `${slot.kind} ${slot.node}: ${call.name}(${call.input === undefined ? '' : safeJson(call.input)})`;
    // A verdict quotes a few KB at most of whatever the student's code made.
    const err = (checker: string, message: string): Effect => ({ next: local, out: [], hist: [], decide: -1, error: { checker, message: capText(`${who}: ${message}`) } });

    const runs: { key: string; objKey: string; out: unknown; obj: object }[] = [];
    for (let i = 0; i < (this.opts.checkDeterminism ? 2 : 1); i++) {
      let obj: object;
      try {
        obj = cloneState(this.objs[local]);
      } catch (e) {
        if (e instanceof UncloneableStateError) return err('uncloneable', e.message);
        throw e;
      }
      let out: unknown;
      if (isGuardedRole(obj)) {
        // The student's role: called through the guarded stand-in, judged by harness code.
        const r = obj.callRaw(call.name, call.input);
        if (r.kind === 'missing') return err('handler-error', r.message);
        if (r.kind === 'threw') {
          const host = hostAccess(r.thrown);
          const hint = host ? ` (${host})` : /private member|private field/i.test(r.thrown.message) ? PRIVATE_HINT : '';
          return err('handler-error', `threw ${r.thrown.name}: ${r.thrown.message}${hint}`);
        }
        if (r.mutated) return err('input-mutation', `mutated its input message (${r.mutated.text})`);
        if ('garbage' in r.out) return err('handler-output', `must return a ${call.outKind === 'value' ? 'value (string)' : `${call.outKind} message`} or null, got ${r.out.garbage}`);
        out = r.out.json;
      } else {
        const input = call.input !== null && typeof call.input === 'object' ? { ...(call.input as object) } : call.input;
        try {
          const fn = (obj as Record<string, unknown>)[call.name];
          if (typeof fn !== 'function') return err('handler-error', `the class has no method ${call.name}`);
          out = call.input === undefined ? fn.call(obj) : fn.call(obj, input);
        } catch (e) {
          const text = e instanceof Error ? e.message : String(e);
          const hint = /private member|private field/i.test(text) ? PRIVATE_HINT : '';
          return err('handler-error', `threw ${e instanceof Error ? e.name : 'a value'}: ${text}${hint}`);
        }
        if (input !== null && typeof input === 'object' && safeJson(input) !== safeJson(call.input)) {
          return err('input-mutation', `mutated its input message (now ${safeJson(input)})`);
        }
      }
      let objKey: string;
      let key: string;
      try {
        objKey = stateKey(obj);
        key = objKey + '|' + stateKey(out ?? null, 'the output');
      } catch (e) {
        if (e instanceof UncloneableStateError) return err('uncloneable', e.message);
        throw e;
      }
      runs.push({ key, objKey, out, obj });
    }
    if (runs.length === 2 && runs[0].key !== runs[1].key) {
      return err('determinism', 'is not deterministic: two runs from the same state gave different outputs or states (no Math.random, clocks or state outside the object)');
    }
    const { out, obj, objKey } = runs[0];
    const next = this.internKeyed(slotIdx, obj, objKey);
    const effect: Effect = { next, out: [], hist: [], decide: -1 };
    if (call.outKind === 'value') {
      if (out === null || out === undefined) return effect;
      if (typeof out !== 'string') return err('handler-output', `must return a value (string) or null, got ${safeJson(out)}`);
      effect.decide = this.valueId(out);
      return effect;
    }
    const msg = normalizeOutput(call.outKind, out);
    if (typeof msg === 'string') return err('handler-output', msg);
    if (msg === null) return effect;
    this.route(slot, msg, effect, call.input as WireMessage | undefined);
    return effect;
  }

  private route(slot: Slot, msg: WireMessage, effect: Effect, input: WireMessage | undefined): void {
    const from = slot.node;
    if (msg.kind === 'prepare' || msg.kind === 'accept') {
      if (msg.kind === 'accept') effect.hist.push(this.histId(false, from, msg.rnd as number, msg.val as string));
      for (const a of this.acceptorSlots) effect.out.push(this.msgId(from, a, msg));
    } else if (msg.kind === 'promise') {
      const p = this.proposerSlotByNode.get(msg.to as number);
      if (p !== undefined) effect.out.push(this.msgId(from, p, msg));
    } else {
      // The vote is what the acceptor accepted (the ACCEPT it answered); the LEARN is what it tells
      // the learners, which a buggy acceptor may get wrong.
      const voted = input?.kind === 'accept' ? input : msg;
      effect.hist.push(this.histId(true, from, voted.rnd as number, voted.val as string));
      for (const l of this.learnerSlots) effect.out.push(this.msgId(from, l, msg));
    }
  }

  private msgId(from: number, toSlot: number, msg: WireMessage): number {
    const key = `${from}>${toSlot}:${safeJson(msg)}`;
    let id = this.msgIds.get(key);
    if (id === undefined) {
      id = this.msgs.length;
      this.msgIds.set(key, id);
      this.msgs.push({ from, to: this.slots[toSlot].node, toSlot, msg: Object.freeze(msg) as WireMessage });
    }
    return id;
  }

  private histId(vote: boolean, node: number, rnd: number, val: string): number {
    const key = `${vote ? 'V' : 'P'}${node}|${rnd}|${val}`;
    let id = this.histIds.get(key);
    if (id === undefined) {
      id = this.hist.length;
      this.histIds.set(key, id);
      this.hist.push({ vote, node, rnd, val: this.valueId(val) });
    }
    return id;
  }
}
