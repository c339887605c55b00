/**
 * The judges of a chapter's runs, each naming the symptom it finds: what the clients saw (the
 * linearizability checker with the log, lock or kv model), whether the replicas executed the same
 * commands in each log position, whether every live replica caught up, whether a value chosen in a
 * round stayed chosen, whether every client got an answer. Pure: a trace in, verdicts out, judged
 * from the outside (what crossed the network, what nodes executed and clients saw).
 */
import type { NodeId } from '@paxlab/sdk';
import { checkAgreement } from '../checkers/safety.js';
import { buildHistory, checkLinearizability, describeOp, describeResult } from '../history/index.js';
import type { DecideEvent, MetaEvent, SendEvent, TraceEvent } from '../trace/events.js';

export const CHECK_NAMES = ['linearizable', 'agreement', 'complete', 'chosen', 'answered'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** A check as a test names it: its name, or its name with options. */
export type CheckSpec = CheckName | { check: 'chosen'; selfVote?: boolean } | { check: Exclude<CheckName, 'chosen'> };

/** What went wrong, in the words the course uses. */
export const SYMPTOMS = {
  'non-prefix-views': "two clients' views of the log are not prefixes of each other",
  'lock-held-twice': 'two clients hold the lock at once',
  'not-linearizable': 'the clients saw answers no single server could have given',
  'divergent-replicas': 'two replicas executed different commands in the same log position',
  'nothing-executed': 'a replica executed nothing (or less than another) and never catches up',
  'different-value-chosen': 'a value was chosen, then a different value was chosen in the same position',
  'no-answer': 'a client never got an answer',
} as const;
export type Symptom = keyof typeof SYMPTOMS;

export interface CheckVerdict {
  check: CheckName;
  ok: boolean;
  /** The symptom a failure shows (set when not ok). */
  symptom?: Symptom;
  message: string;
  /** The events that show it (seqs), for the diagram to highlight. */
  events: number[];
}

export function checkName(spec: CheckSpec): CheckName {
  return typeof spec === 'string' ? spec : spec.check;
}

export function runCheck(trace: readonly TraceEvent[], spec: CheckSpec): CheckVerdict {
  switch (checkName(spec)) {
    case 'linearizable':
      return linearizable(trace);
    case 'agreement':
      return agreement(trace);
    case 'complete':
      return complete(trace);
    case 'chosen':
      return chosen(trace, typeof spec === 'object' && 'selfVote' in spec ? spec.selfVote === true : false);
    case 'answered':
      return answered(trace);
  }
}

export function runChecks(trace: readonly TraceEvent[], specs: readonly CheckSpec[]): CheckVerdict[] {
  return specs.map((s) => runCheck(trace, s));
}

const meta = (trace: readonly TraceEvent[]) => trace.find((e): e is MetaEvent => e.type === 'meta');

function linearizable(trace: readonly TraceEvent[]): CheckVerdict {
  const model = meta(trace)?.model;
  const r = checkLinearizability(trace, model ? { model } : {});
  if (r.verdict === 'ok') return { check: 'linearizable', ok: true, message: `the clients' history is linearizable (${r.model} model, ${r.operations} operations)`, events: [] };
  if (r.verdict === 'unknown') return { check: 'linearizable', ok: false, symptom: 'not-linearizable', message: `cannot tell whether the history is linearizable: ${r.reason}`, events: [] };
  const seqs = (o: { call: number; ret: number }) => [o.call, ...(Number.isFinite(o.ret) ? [o.ret] : [])];
  if (r.views) {
    const v = (o: typeof r.stuck) => `${o.client} saw ${describeResult(o.op, o.result)}`;
    return { check: 'linearizable', ok: false, symptom: 'non-prefix-views', message: `${v(r.views.a)} and ${v(r.views.b)}: neither is a prefix of the other`, events: [...seqs(r.views.a), ...seqs(r.views.b)] };
  }
  const symptom: Symptom = r.model === 'lock' ? 'lock-held-twice' : r.model === 'log' ? 'non-prefix-views' : 'not-linearizable';
  const before = r.linearization.slice(-3);
  const message =
    r.model === 'lock'
      ? `${r.reason} (${describeOp(r.stuck.op)} by ${r.stuck.client})`
      : `${r.stuck.client} ${describeOp(r.stuck.op)} → ${describeResult(r.stuck.op, r.stuck.result)} cannot be explained: ${r.reason}`;
  return { check: 'linearizable', ok: false, symptom, message, events: [...new Set([...before.flatMap(seqs), ...seqs(r.stuck)])] };
}

function agreement(trace: readonly TraceEvent[]): CheckVerdict {
  const r = checkAgreement([...trace]);
  const executed = (d: DecideEvent) => `S${d.node} executed ${d.value} in position ${d.slot}`;
  if (r.ok) return { check: 'agreement', ok: true, message: 'every log position holds the same command on every replica that executed it', events: [] };
  const [a, b] = r.events as DecideEvent[];
  return { check: 'agreement', ok: false, symptom: 'divergent-replicas', message: `${executed(a)}, but ${executed(b)}`, events: [a.seq, b.seq] };
}

/** Every node up at the end executed as many log positions as the node that executed most. */
function complete(trace: readonly TraceEvent[]): CheckVerdict {
  const nodes = meta(trace)?.nodes ?? [];
  const down = new Set<NodeId>();
  const executed = new Map<NodeId, Set<number>>(nodes.map((n) => [n, new Set()]));
  const lastDecide = new Map<NodeId, number>();
  for (const e of trace) {
    if (e.type === 'crash') down.add(e.node);
    else if (e.type === 'restart') down.delete(e.node);
    else if (e.type === 'decide') {
      executed.get(e.node)?.add(e.slot);
      lastDecide.set(e.node, e.seq);
    }
  }
  let most: NodeId | null = null;
  for (const n of nodes) if (most === null || executed.get(n)!.size > executed.get(most)!.size) most = n;
  if (most === null) return { check: 'complete', ok: true, message: 'no nodes', events: [] };
  const top = executed.get(most)!.size;
  const behind = nodes.filter((n) => !down.has(n) && executed.get(n)!.size < top);
  if (behind.length === 0) return { check: 'complete', ok: true, message: `every replica up at the end executed ${top === 1 ? 'the one command' : `all ${top} commands`}`, events: [] };
  const n = behind[0];
  const count = executed.get(n)!.size;
  return {
    check: 'complete',
    ok: false,
    symptom: 'nothing-executed',
    message: `S${n} executed ${count === 0 ? 'nothing' : `only ${count}`} of the ${top} commands S${most} executed`,
    events: lastDecide.has(most) ? [lastDecide.get(most)!] : [],
  };
}

/**
 * Per log position (`slot`, 0 when a message has none): once a quorum of nodes voted for value v in
 * round r — a LEARN with (rnd, slot, val) is its sender's vote; with `selfVote`, so is an ACCEPT,
 * for protocols whose leader votes for what it proposes without telling itself — no ACCEPT or LEARN
 * for that position in a round >= r carries another value.
 */
function chosen(trace: readonly TraceEvent[], selfVote: boolean): CheckVerdict {
  const nodes = meta(trace)?.nodes ?? [];
  const quorum = Math.floor(nodes.length / 2) + 1;
  const sends = trace.filter((e): e is SendEvent => e.type === 'send' && typeof e.from === 'number' && (e.msg.kind === 'accept' || e.msg.kind === 'learn') && typeof e.msg.rnd === 'number');
  const slotOf = (e: SendEvent) => (typeof e.msg.slot === 'number' ? e.msg.slot : 0);
  const votes = new Map<string, Map<number, SendEvent>>();
  const first = new Map<number, { rnd: number; val: unknown; quorum: SendEvent[] }>();
  for (const e of sends) {
    if (e.msg.kind === 'accept' && !selfVote) continue;
    const k = `${slotOf(e)}\u0000${e.msg.rnd as number}\u0000${JSON.stringify(e.msg.val)}`;
    let v = votes.get(k);
    if (!v) votes.set(k, (v = new Map()));
    if (!v.has(e.from as number)) v.set(e.from as number, e);
    const slot = slotOf(e);
    const known = first.get(slot);
    if (v.size >= quorum && (!known || (e.msg.rnd as number) < known.rnd)) first.set(slot, { rnd: e.msg.rnd as number, val: e.msg.val, quorum: [...v.values()] });
  }
  if (first.size === 0) return { check: 'chosen', ok: true, message: 'no value was chosen by a quorum', events: [] };
  for (const e of sends) {
    const c = first.get(slotOf(e));
    if (!c || (e.msg.rnd as number) < c.rnd || JSON.stringify(e.msg.val) === JSON.stringify(c.val)) continue;
    const where = slotOf(e) === 0 ? '' : ` in position ${slotOf(e)}`;
    return {
      check: 'chosen',
      ok: false,
      symptom: 'different-value-chosen',
      message: `${JSON.stringify(c.val)} was chosen in round ${c.rnd}${where} (votes of ${c.quorum.map((q) => `S${String(q.from)}`).join(', ')}), but S${String(e.from)} sent ${String(e.msg.kind).toUpperCase()} round ${String(e.msg.rnd)} with ${JSON.stringify(e.msg.val)}`,
      events: [...c.quorum.map((q) => q.seq), e.seq],
    };
  }
  return { check: 'chosen', ok: true, message: 'every chosen value stayed chosen', events: [] };
}

function answered(trace: readonly TraceEvent[]): CheckVerdict {
  const open = buildHistory(trace).operations.filter((o) => o.status === 'info');
  if (open.length === 0) return { check: 'answered', ok: true, message: 'every client operation was answered', events: [] };
  const o = open[0];
  return { check: 'answered', ok: false, symptom: 'no-answer', message: `${o.client}'s ${describeOp(o.op)} never got an answer`, events: [o.call] };
}
