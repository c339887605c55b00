/**
 * The judges of one service-test run. Each is a function of what the run showed from the outside:
 * the trace (messages sent, decisions, the clients' history) and each node's stable storage as
 * saved JSON. None reads a node's own account of itself.
 */
import type { NodeId } from '@paxlab/sdk';
import { checkAgreement, checkIntegrity } from '../checkers/safety.js';
import { checkSlotChosenInvariant, chosenSlots, decidesByNode } from '../checkers/multi-decree.js';
import { buildHistory, checkExactlyOnce, checkLinearizability, exactlyOnceText, linearizabilityText, type History, type ModelName } from '../history/index.js';
import type { SendEvent, TraceEvent } from '../trace/events.js';
import type { CheckSpec } from './definitions.js';

/** What a check sees of a finished run. */
export interface RunFacts {
  trace: readonly TraceEvent[];
  nodes: NodeId[];
  /** Nodes up at the end. */
  live: NodeId[];
  model: ModelName;
  history: History;
  /** Each node's stable storage, as saved JSON text (undefined: never saved). */
  stored: Map<NodeId, string | undefined>;
  /** Virtual time the clients' run ended (the settle period follows). */
  clientsEndedAt: number;
}

export interface CheckVerdict {
  /** The check's kind (`linearizable`, `whole-log`, …), or `steps` when the run overran its step budget. */
  check: CheckSpec['kind'] | 'steps';
  /** The rule the check enforces. */
  rule: string;
  ok: boolean;
  message: string;
  /** seq of the events that show a violation (empty when ok). */
  events: number[];
  /** A figure the check measured (msgs-per-op, state-bounded). */
  value?: number;
}

/** The rule each check enforces (docs/service-tests.md). */
export const CHECK_RULES: Record<CheckSpec['kind'], { id: string; text: string }> = {
  linearizable: { id: 'kv-service.history.linearizable', text: "The clients' history is linearizable: one order of their operations, consistent with real time, explains every answer (kv or lock model)." },
  'exactly-once': { id: 'kv-service.history.exactly-once', text: 'Every acknowledged append is in the final value exactly once, each client\'s appends in order; a failed one is not there.' },
  agreement: { id: 'kv-service.log.agreement', text: 'No two nodes decide different values for one slot, and a node decides a slot once (again only after a restart, the same value).' },
  'chosen-invariant': { id: 'kv-service.log.chosen-invariant', text: 'Once a slot is chosen in a round, every ACCEPT or LEARN of that slot from that round on carries the chosen value.' },
  'no-errors': { id: 'kv-service.node.no-errors', text: 'No handler throws and no node misuses its context.' },
  complete: { id: 'kv-service.history.complete', text: 'Every operation completes with an answer (none is left unknown or refused).' },
  'whole-log': { id: 'kv-service.log.whole-log', text: 'Every live replica ends with the whole log: it decided every slot up to the highest one decided anywhere.' },
  'fresh-rounds': { id: 'kv-service.node.stable-storage', text: 'A node never reuses a round: its PREPAREs, over all its lives, have increasing rounds.' },
  'out-of-order': { id: 'kv-service.node.apply-order', text: 'The run exercises slots decided out of order (some node decides a slot before a lower one).' },
  'msgs-per-op': { id: 'kv-service.cost.messages', text: 'With a stable leader, a command costs a bounded number of messages.' },
  'state-bounded': { id: 'kv-service.node.compaction', text: "Every node's stable storage stays bounded: the log is compacted into a snapshot." },
  'minority-stalls': { id: 'kv-service.partition.minority', text: 'A minority cut off from the others chooses no new slot.' },
  'majority-progresses': { id: 'kv-service.partition.majority', text: 'A majority keeps choosing slots while a minority is cut off.' },
  'leaders-at-once': { id: 'kv-service.leader.two-leaders', text: 'The run exercises two leaders at once (both send PREPAREs or ACCEPTs in the window).' },
  're-proposes-chosen': { id: 'kv-service.safety.late-proposal', text: 'A node that missed a chosen slot proposes it later, with the chosen value.' },
};

const verdict = (spec: CheckSpec, ok: boolean, message: string, events: number[] = [], value?: number): CheckVerdict => ({
  check: spec.kind,
  rule: CHECK_RULES[spec.kind].id,
  ok,
  message,
  events,
  ...(value !== undefined ? { value } : {}),
});

export function runCheck(spec: CheckSpec, f: RunFacts): CheckVerdict {
  const trace = f.trace as TraceEvent[];
  switch (spec.kind) {
    case 'linearizable': {
      const r = checkLinearizability(f.history, { model: f.model });
      const text = linearizabilityText(r).trim().replace(/\n\s*/g, '; ');
      // An unknown answer is the checker's own limit, never the node's fault.
      if (r.verdict !== 'illegal') return verdict(spec, true, text);
      const events = [r.stuck.call, r.stuck.ret, ...(r.views ? [r.views.a.ret, r.views.b.ret] : [])].filter(Number.isFinite);
      return verdict(spec, false, text, events);
    }
    case 'exactly-once': {
      const r = checkExactlyOnce(f.history);
      const text = exactlyOnceText(r).trim().replace(/\n\s*/g, '; ');
      if (r.ok) return verdict(spec, true, text || 'no append-only key to judge');
      const ops = r.keys.flatMap((k) => [...k.lost, ...k.duplicated, ...k.phantom, ...k.reordered.map((p) => p.second)]);
      return verdict(spec, false, text, ops.map((o) => o.call));
    }
    case 'agreement': {
      for (const r of [checkAgreement(trace), checkIntegrity(trace)]) if (!r.ok) return verdict(spec, false, r.message, r.events.map((e) => e.seq));
      return verdict(spec, true, 'every slot was decided one value, once per node');
    }
    case 'chosen-invariant': {
      const r = checkSlotChosenInvariant(trace, { acceptors: f.nodes });
      return verdict(spec, r.ok, r.message, r.events.map((e) => e.seq));
    }
    case 'no-errors': {
      const e = trace.find((x) => x.type === 'error');
      if (!e || e.type !== 'error') return verdict(spec, true, 'no handler threw');
      return verdict(spec, false, `${e.node !== undefined ? `node ${e.node}` : 'the run'} at ${e.t} ms: ${e.message}`, [e.seq]);
    }
    case 'complete': {
      const open = f.history.operations.filter((o) => o.status !== 'ok');
      if (open.length === 0) return verdict(spec, true, `all ${f.history.operations.length} operations answered`);
      const o = open[0];
      return verdict(spec, false, `${open.length} of ${f.history.operations.length} operations got no answer or were refused; the first: ${o.client}'s ${o.request} (${o.status}${o.reason ? `: ${o.reason}` : ''})`, [o.call]);
    }
    case 'whole-log':
      return wholeLog(spec, f);
    case 'fresh-rounds': {
      const last = new Map<NodeId, SendEvent>();
      const prepares = trace.filter((e): e is SendEvent => e.type === 'send' && typeof e.from === 'number' && e.msg.kind === 'prepare' && typeof e.msg.crnd === 'number');
      // A prepare goes to every node: one round is one PREPARE, sent several times in a row.
      for (const p of prepares) {
        const before = last.get(p.from as NodeId);
        if (before && (p.msg.crnd as number) < (before.msg.crnd as number)) {
          return verdict(spec, false, `node ${p.from} prepared round ${String(p.msg.crnd)} (seq ${p.seq}) after round ${String(before.msg.crnd)} (seq ${before.seq})`, [before.seq, p.seq]);
        }
        if (before && p.msg.crnd === before.msg.crnd && hadCrashBetween(trace, p.from as NodeId, before.seq, p.seq)) {
          return verdict(spec, false, `node ${p.from} prepared round ${String(p.msg.crnd)} again after a restart (seq ${before.seq}, then ${p.seq})`, [before.seq, p.seq]);
        }
        last.set(p.from as NodeId, p);
      }
      return verdict(spec, true, `${new Set(prepares.map((p) => `${String(p.from)}/${String(p.msg.crnd)}`)).size} rounds prepared, none reused`);
    }
    case 'out-of-order': {
      // Per node and life (a restart starts a new one), a slot decided after a higher one.
      const highest = new Map<NodeId, { slot: number; seq: number }>();
      for (const e of trace) {
        if (e.type === 'restart') highest.delete(e.node);
        if (e.type !== 'decide') continue;
        const h = highest.get(e.node);
        if (h && h.slot > e.slot) return verdict(spec, true, `node ${e.node} decided slot ${h.slot} (seq ${h.seq}) before slot ${e.slot} (seq ${e.seq})`);
        if (!h || e.slot > h.slot) highest.set(e.node, { slot: e.slot, seq: e.seq });
      }
      return verdict(spec, false, 'no node ever decided a slot before a lower one: the run did not exercise out-of-order decisions (is the window wider than one slot?)');
    }
    case 'msgs-per-op': {
      const ops = f.history.operations.filter((o) => o.status === 'ok');
      const start = Math.min(...f.history.operations.map((o) => o.call));
      const end = Math.max(...ops.map((o) => o.ret));
      const messages = trace.filter((e) => e.type === 'send' && e.seq >= start && e.seq <= end).length;
      if (ops.length === 0) return verdict(spec, false, 'no operation completed: nothing to count messages against', [], Infinity);
      const perOp = messages / ops.length;
      const max = spec.perNode ? spec.max * f.nodes.length : spec.max;
      const text = `${messages} messages for ${ops.length} operations: ${perOp.toFixed(1)} msgs/op (at most ${max}${spec.perNode ? ` = ${spec.max}·n` : ''})`;
      return verdict(spec, perOp <= max, text, [], perOp);
    }
    case 'state-bounded': {
      let worst: [NodeId, number] = [0, 0];
      for (const [node, text] of f.stored) {
        const bytes = text === undefined ? 0 : Buffer.byteLength(text);
        if (bytes > worst[1]) worst = [node, bytes];
      }
      const text = `the largest stable storage is node ${worst[0]}'s, ${worst[1]} bytes (at most ${spec.maxBytes})`;
      return verdict(spec, worst[1] <= spec.maxBytes, text, [], worst[1]);
    }
    case 'minority-stalls': {
      const chosen = chosenSlots(trace, f.nodes);
      const minority = new Set(spec.minority);
      const newly = [...chosen.values()].filter((c) => {
        const at = c.quorum[c.quorum.length - 1];
        return at.t > spec.from && at.t <= spec.to && c.quorum.every((q) => minority.has(q.from as NodeId));
      });
      const decidedBefore = new Set([...chosen.values()].filter((c) => c.quorum[c.quorum.length - 1].t <= spec.from).map((c) => c.slot));
      const bad = trace.find((e) => e.type === 'decide' && e.t > spec.from && e.t <= spec.to && minority.has(e.node) && !decidedBefore.has(e.slot));
      if (newly.length > 0) return verdict(spec, false, `slot ${newly[0].slot} was chosen by ${newly[0].quorum.map((q) => q.from).join(', ')} only, a minority`, newly[0].quorum.map((q) => q.seq));
      if (bad && bad.type === 'decide') return verdict(spec, false, `node ${bad.node}, cut off in a minority, decided slot ${bad.slot} at ${bad.t} ms, a slot not chosen before the cut`, [bad.seq]);
      return verdict(spec, true, `nodes ${spec.minority.join(', ')} chose and decided nothing new between ${spec.from} and ${spec.to} ms`);
    }
    case 'majority-progresses': {
      const chosen = [...chosenSlots(trace, f.nodes).values()].filter((c) => {
        const t = c.quorum[c.quorum.length - 1].t;
        return t > spec.from && t <= spec.to;
      });
      return verdict(spec, chosen.length >= spec.min, `${chosen.length} slots chosen between ${spec.from} and ${spec.to} ms (at least ${spec.min} wanted)`, [], chosen.length);
    }
    case 'leaders-at-once': {
      const leads = (n: NodeId) => trace.some((e) => e.type === 'send' && e.from === n && (e.msg.kind === 'prepare' || e.msg.kind === 'accept') && e.t > spec.from && e.t <= spec.to);
      const missing = spec.nodes.filter((n) => !leads(n));
      if (missing.length === 0) return verdict(spec, true, `nodes ${spec.nodes.join(' and ')} all led (sent PREPAREs or ACCEPTs) between ${spec.from} and ${spec.to} ms`);
      return verdict(spec, false, `node ${missing.join(', ')} sent no PREPARE or ACCEPT between ${spec.from} and ${spec.to} ms: the run did not exercise two leaders at once`);
    }
    case 're-proposes-chosen': {
      const chosen = chosenSlots(trace, f.nodes);
      const hit = trace.find((e) => {
        if (e.type !== 'send' || e.from !== spec.node || e.msg.kind !== 'accept' || typeof e.msg.slot !== 'number') return false;
        const c = chosen.get(e.msg.slot);
        return !!c && c.quorum[c.quorum.length - 1].seq < e.seq && (e.msg.rnd as number) > c.rnd;
      });
      if (hit && hit.type === 'send') return verdict(spec, true, `node ${spec.node} proposed slot ${String(hit.msg.slot)} in round ${String(hit.msg.rnd)} after it was chosen, with ${JSON.stringify(hit.msg.val)}`);
      return verdict(spec, false, `node ${spec.node} never proposed a slot chosen before it led: the run did not exercise a late proposal`);
    }
  }
}

function wholeLog(spec: CheckSpec, f: RunFacts): CheckVerdict {
  const byNode = decidesByNode(f.trace as TraceEvent[]);
  let top = 0;
  for (const ds of byNode.values()) for (const d of ds) top = Math.max(top, d.slot);
  for (const node of f.live) {
    const have = new Set((byNode.get(node) ?? []).map((d) => d.slot));
    let missing = 0;
    let first = 0;
    for (let s = 1; s <= top; s++) {
      if (have.has(s)) continue;
      missing++;
      first ||= s;
    }
    if (missing > 0) return verdict(spec, false, `node ${node} (live) never decided ${missing} of the ${top} slots, from slot ${first}`);
  }
  return verdict(spec, true, `every live replica (${f.live.join(', ')}) decided all ${top} slots`);
}

function hadCrashBetween(trace: readonly TraceEvent[], node: NodeId, from: number, to: number): boolean {
  return trace.some((e) => e.seq > from && e.seq < to && e.type === 'crash' && e.node === node);
}
