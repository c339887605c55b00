/**
 * Safety checkers over any trace. They judge only what crossed the network and what nodes decided
 * (Maelstrom's rule: from the outside), so they work on simulator, cluster and search traces alike.
 */
import type { NodeId, Value } from '@paxlab/sdk';
import type { DecideEvent, MetaEvent, SendEvent, TraceEvent } from '../trace/events.js';
import { fail, pass, type CheckResult } from './types.js';

const decides = (trace: TraceEvent[]) => trace.filter((e): e is DecideEvent => e.type === 'decide');

/** Agreement: no two nodes decide different values for the same slot. */
export function checkAgreement(trace: TraceEvent[]): CheckResult {
  const first = new Map<number, DecideEvent>();
  for (const d of decides(trace)) {
    const seen = first.get(d.slot);
    if (!seen) first.set(d.slot, d);
    else if (seen.value !== d.value) {
      return fail(
        'agreement',
        `node ${seen.node} decided ${JSON.stringify(seen.value)} (seq ${seen.seq}) but node ${d.node} decided ${JSON.stringify(d.value)} (seq ${d.seq})${slotText(d.slot)}`,
        [seen, d],
      );
    }
  }
  return pass('agreement', `${first.size === 0 ? 'no decisions' : 'every decision agrees'}`);
}

/** Validity: only a value some client proposed (a client-request event) is decided. */
export function checkValidity(trace: TraceEvent[]): CheckResult {
  const proposed = new Set<Value>();
  for (const e of trace) {
    if (e.type === 'client-request') proposed.add(e.value);
    // A client session's request crosses the network as a message (format /2).
    else if (e.type === 'send' && typeof e.from === 'string' && e.msg.kind === 'request' && typeof e.msg.value === 'string') proposed.add(e.msg.value);
  }
  for (const d of decides(trace)) {
    if (!proposed.has(d.value)) {
      return fail('validity', `node ${d.node} decided ${JSON.stringify(d.value)} (seq ${d.seq}), which no client proposed`, [d]);
    }
  }
  return pass('validity', 'every decided value was proposed');
}

/**
 * Integrity: a node decides at most once per slot. After a restart a node may announce again the
 * value it decided before (it reloads it from stable storage); deciding anything else is a violation.
 */
export function checkIntegrity(trace: TraceEvent[]): CheckResult {
  const byNode = new Map<string, DecideEvent>();
  const restartedSince = new Set<string>();
  for (const e of trace) {
    if (e.type === 'restart') {
      for (const key of byNode.keys()) if (key.startsWith(`${e.node}/`)) restartedSince.add(key);
      continue;
    }
    if (e.type !== 'decide') continue;
    const key = `${e.node}/${e.slot}`;
    const prev = byNode.get(key);
    if (!prev) {
      byNode.set(key, e);
    } else if (prev.value !== e.value || !restartedSince.has(key)) {
      return fail('integrity', `node ${e.node} decided twice${slotText(e.slot)}: seq ${prev.seq} and seq ${e.seq}`, [prev, e]);
    } else {
      restartedSince.delete(key);
    }
  }
  return pass('integrity', 'no node decided twice');
}

export interface ChosenOptions {
  /** The acceptors; by default every node of the meta event. Their majority is the quorum. */
  acceptors?: NodeId[];
}

/**
 * The single-decree invariant (Lamport's P2b): once a quorum of acceptors accepted value v in round r
 * (learn sends of (r, v) from a quorum of distinct acceptors), every value accepted or proposed for
 * acceptance in a round >= r (accept and learn sends) is v. Judged over the whole trace, not only
 * what comes later: correct Paxos never proposes another value in a higher round, even before r is
 * chosen.
 */
export function checkChosenInvariant(trace: TraceEvent[], opts: ChosenOptions = {}): CheckResult {
  const meta = trace.find((e): e is MetaEvent => e.type === 'meta');
  const acceptors = opts.acceptors ?? meta?.nodes ?? [];
  const quorum = Math.floor(acceptors.length / 2) + 1;
  const proposals: SendEvent[] = [];
  const votes = new Map<string, { rnd: number; val: Value; senders: Map<NodeId, SendEvent> }>();
  let chosen: { rnd: number; val: Value; at: SendEvent; quorum: SendEvent[] } | null = null;

  for (const e of trace) {
    // Acceptors' messages only: a client's request may carry any fields.
    if (e.type !== 'send' || typeof e.from !== 'number') continue;
    const m = e.msg;
    if ((m.kind !== 'accept' && m.kind !== 'learn') || typeof m.rnd !== 'number') continue;
    proposals.push(e);
    if (m.kind !== 'learn') continue;
    const key = `${m.rnd}\u0000${String(m.val)}`;
    let v = votes.get(key);
    if (!v) votes.set(key, (v = { rnd: m.rnd, val: m.val as Value, senders: new Map() }));
    if (!v.senders.has(e.from)) v.senders.set(e.from, e);
    if (v.senders.size >= quorum && (!chosen || v.rnd < chosen.rnd)) {
      chosen = { rnd: v.rnd, val: v.val, at: e, quorum: [...v.senders.values()] };
    }
  }
  if (!chosen) return pass('chosen-invariant', 'no value was chosen by a quorum');
  for (const p of proposals) {
    const m = p.msg;
    if ((m.rnd as number) >= chosen.rnd && m.val !== chosen.val) {
      return fail(
        'chosen-invariant',
        `${JSON.stringify(chosen.val)} was chosen in round ${chosen.rnd} (learns from ${chosen.quorum.map((q) => q.from).join(', ')}), ` +
          `but node ${p.from} sent ${m.kind} round ${String(m.rnd)} with value ${JSON.stringify(m.val)} (seq ${p.seq})`,
        [...chosen.quorum, p],
      );
    }
  }
  return pass('chosen-invariant', `${JSON.stringify(chosen.val)} chosen in round ${chosen.rnd}; no other value accepted from that round on`);
}

/** Every safety checker, in the order a report lists them. */
export function checkSafety(trace: TraceEvent[], opts: ChosenOptions = {}): CheckResult[] {
  return [checkAgreement(trace), checkValidity(trace), checkIntegrity(trace), checkChosenInvariant(trace, opts)];
}

function slotText(slot: number): string {
  return slot === 0 ? '' : ` in slot ${slot}`;
}
