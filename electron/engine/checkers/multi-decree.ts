/**
 * Checkers for multi-decree traces (a replicated log: one Paxos instance per slot, the `slot` field
 * of accept, learn and decide). Like the single-decree ones they judge only what crossed the network
 * and what nodes decided. Agreement and integrity per slot are safety.ts's (they already key by
 * slot); what is here is the per-slot chosen invariant and the facts about when slots were chosen
 * that the service tests build on.
 */
import type { NodeId, Value } from '@paxlab/sdk';
import type { DecideEvent, MetaEvent, SendEvent, TraceEvent } from '../trace/events.js';
import { fail, pass, type CheckResult } from './types.js';

/** A slot chosen: the lowest round in which a quorum of distinct acceptors sent LEARNs for one value. */
export interface ChosenSlot {
  slot: number;
  rnd: number;
  val: Value;
  /** The LEARN sends of that quorum; the last one is when the slot was chosen. */
  quorum: SendEvent[];
}

const isSlotMsg = (e: TraceEvent, kind: 'accept' | 'learn'): e is SendEvent =>
  e.type === 'send' && typeof e.from === 'number' && e.msg.kind === kind && typeof e.msg.slot === 'number' && typeof e.msg.rnd === 'number';

function quorumOf(trace: TraceEvent[], acceptors?: NodeId[]): number {
  const meta = trace.find((e): e is MetaEvent => e.type === 'meta');
  return Math.floor((acceptors ?? meta?.nodes ?? []).length / 2) + 1;
}

/** Every slot chosen in the trace, with the moment (the quorum's last LEARN) it first was. */
export function chosenSlots(trace: TraceEvent[], acceptors?: NodeId[]): Map<number, ChosenSlot> {
  const quorum = quorumOf(trace, acceptors);
  const votes = new Map<string, { slot: number; rnd: number; val: Value; senders: Map<NodeId, SendEvent> }>();
  const chosen = new Map<number, ChosenSlot>();
  for (const e of trace) {
    if (!isSlotMsg(e, 'learn')) continue;
    const slot = e.msg.slot as number;
    const rnd = e.msg.rnd as number;
    const key = `${slot}\u0000${rnd}\u0000${String(e.msg.val)}`;
    let v = votes.get(key);
    if (!v) votes.set(key, (v = { slot, rnd, val: e.msg.val as Value, senders: new Map() }));
    if (v.senders.has(e.from as NodeId)) continue;
    v.senders.set(e.from as NodeId, e);
    const seen = chosen.get(slot);
    if (v.senders.size >= quorum && (!seen || v.rnd < seen.rnd)) chosen.set(slot, { slot, rnd, val: v.val, quorum: [...v.senders.values()] });
  }
  return chosen;
}

/**
 * The chosen invariant, slot by slot (Lamport's P2b per instance): once a quorum accepted `v` in
 * round `r` of a slot, every ACCEPT or LEARN of that slot in round `r` or above carries `v`.
 */
export function checkSlotChosenInvariant(trace: TraceEvent[], opts: { acceptors?: NodeId[] } = {}): CheckResult {
  const chosen = chosenSlots(trace, opts.acceptors);
  if (chosen.size === 0) return pass('chosen-invariant', 'no slot was chosen by a quorum');
  for (const e of trace) {
    if (!isSlotMsg(e, 'accept') && !isSlotMsg(e, 'learn')) continue;
    const c = chosen.get(e.msg.slot as number);
    if (!c || (e.msg.rnd as number) < c.rnd || e.msg.val === c.val) continue;
    return fail(
      'chosen-invariant',
      `slot ${c.slot}: ${JSON.stringify(c.val)} was chosen in round ${c.rnd} (learns from ${c.quorum.map((q) => q.from).join(', ')}), ` +
        `but node ${e.from} sent ${e.msg.kind} round ${String(e.msg.rnd)} with ${JSON.stringify(e.msg.val)} (seq ${e.seq})`,
      [...c.quorum, e],
    );
  }
  return pass('chosen-invariant', `${chosen.size} slots chosen; in each, no other value accepted from the round it was chosen in on`);
}

/** The `decide` events of each node, over all its lives. */
export function decidesByNode(trace: TraceEvent[]): Map<NodeId, DecideEvent[]> {
  const out = new Map<NodeId, DecideEvent[]>();
  for (const e of trace) {
    if (e.type !== 'decide') continue;
    const list = out.get(e.node) ?? [];
    list.push(e);
    out.set(e.node, list);
  }
  return out;
}
