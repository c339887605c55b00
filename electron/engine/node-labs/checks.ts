/**
 * Judges of a whole-node run, each a pure function of what the run showed from outside: the trace
 * (messages, decisions, the clients' history) and each node's stable storage. Every failure names
 * its check, the rule `node.<check>` and the events that show it.
 */
import type { NodeId } from '@paxlab/sdk';
import { checkAgreement, checkIntegrity } from '../checkers/safety.js';
import { buildHistory, checkExactlyOnce, checkLinearizability, exactlyOnceText, linearizabilityText, type ModelName } from '../history/index.js';
import type { DecideEvent, TraceEvent } from '../trace/events.js';
import type { NodeCheckFailure } from './provider.js';

export type NodeCheckSpec =
  | { check: 'linearizable' }
  | { check: 'exactly-once' }
  | { check: 'agreement' }
  | { check: 'complete' }
  | { check: 'converge' }
  | { check: 'liveness' }
  | { check: 'msgs-per-op'; max: number }
  | { check: 'state-bounded'; maxBytes: number };

export const NODE_CHECKS = ['linearizable', 'exactly-once', 'agreement', 'complete', 'converge', 'liveness', 'msgs-per-op', 'state-bounded'] as const;

/** The rule each check enforces (`node.<check>`), in the student's words. */
export const NODE_CHECK_RULES: Record<string, string> = {
  linearizable: "The clients' history is linearizable: one order of their operations, consistent with real time, explains every answer (kv, lock or log model).",
  'exactly-once': 'Every acknowledged append is in the final value exactly once, in each client\'s order; a failed one is not there.',
  agreement: 'No two nodes decide different values for one slot, and a node decides a slot once.',
  complete: 'Every client operation gets an answer.',
  converge: 'Every live replica ends with the same log: it decided every slot any node decided.',
  liveness: 'Once the faults are over, every operation invoked afterwards completes.',
  'msgs-per-op': 'With a stable leader, a command costs a bounded number of messages between nodes.',
  'state-bounded': "Every node's stable storage stays bounded.",
  flood: 'A run ends within its budget of simulation events: no node keeps the network or its timers busy forever.',
};

export const SAFETY_CHECKS = new Set(['linearizable', 'exactly-once', 'agreement']);

export interface RunFacts {
  trace: readonly TraceEvent[];
  nodes: NodeId[];
  live: NodeId[];
  model: ModelName;
  stored: Map<NodeId, string | undefined>;
}

export function checkName(spec: NodeCheckSpec | string): string {
  return typeof spec === 'string' ? spec : spec.check;
}

/** Run one check; null when it holds. */
export function runNodeCheck(spec: NodeCheckSpec, f: RunFacts): NodeCheckFailure | null {
  const trace = f.trace as TraceEvent[];
  const fail = (message: string, events: number[] = []): NodeCheckFailure => ({
    check: spec.check,
    rule: `node.${spec.check}`,
    ruleText: NODE_CHECK_RULES[spec.check],
    message,
    events,
    ...(SAFETY_CHECKS.has(spec.check) ? { safety: true } : {}),
  });
  const history = buildHistory(trace);
  switch (spec.check) {
    case 'linearizable': {
      const r = checkLinearizability(history, { model: f.model });
      if (r.verdict !== 'illegal') return null;
      const text = linearizabilityText(r).trim().replace(/\n\s*/g, '; ');
      return fail(text, [r.stuck.call, r.stuck.ret, ...(r.views ? [r.views.a.ret, r.views.b.ret] : [])].filter(Number.isFinite));
    }
    case 'exactly-once': {
      const r = checkExactlyOnce(history);
      if (r.ok) return null;
      const ops = r.keys.flatMap((k) => [...k.lost, ...k.duplicated, ...k.phantom, ...k.reordered.map((p) => p.second)]);
      return fail(exactlyOnceText(r).trim().replace(/\n\s*/g, '; '), ops.map((o) => o.call));
    }
    case 'agreement': {
      for (const r of [checkAgreement(trace), checkIntegrity(trace)]) if (!r.ok) return fail(r.message, r.events.map((e) => e.seq));
      return null;
    }
    case 'complete': {
      const open = history.operations.filter((o) => o.status !== 'ok');
      if (open.length === 0) return null;
      const o = open[0];
      return fail(`${open.length} of ${history.operations.length} operations got no answer or were refused; the first: ${o.client}'s ${o.request} (${o.status}${o.reason ? `: ${o.reason}` : ''})`, [o.call]);
    }
    case 'liveness': {
      const lastFault = trace.reduce((t, e) => (['crash', 'restart', 'partition', 'heal', 'link', 'net'].includes(e.type) ? Math.max(t, e.t) : t), 0);
      const after = history.operations.filter((o) => (o.callT ?? 0) >= lastFault);
      const open = after.filter((o) => o.status !== 'ok');
      if (open.length === 0) return null;
      return fail(`${open.length} of the ${after.length} operations invoked after the last fault (${lastFault} ms) never completed; the first: ${open[0].client}'s ${open[0].request}`, [open[0].call]);
    }
    case 'converge': {
      const byNode = new Map<NodeId, Map<number, DecideEvent>>();
      for (const e of trace) if (e.type === 'decide') (byNode.get(e.node) ?? byNode.set(e.node, new Map()).get(e.node)!).set(e.slot, e);
      const slots = new Set<number>();
      for (const m of byNode.values()) for (const s of m.keys()) slots.add(s);
      for (const n of f.live) {
        const have = byNode.get(n) ?? new Map();
        const missing = [...slots].filter((s) => !have.has(s)).sort((a, b) => a - b);
        if (missing.length) return fail(`node ${n} (live) never decided slot${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} that another node decided`);
      }
      return null;
    }
    case 'msgs-per-op': {
      const ok = history.operations.filter((o) => o.status === 'ok');
      if (ok.length === 0) return fail('no operation completed: nothing to count messages against');
      const msgs = trace.filter((e) => e.type === 'send' && typeof e.from === 'number' && typeof e.to === 'number').length;
      const per = msgs / ok.length;
      return per <= spec.max ? null : fail(`${msgs} messages between nodes for ${ok.length} operations: ${per.toFixed(1)} msgs/op (at most ${spec.max})`);
    }
    case 'state-bounded': {
      let worst: [NodeId, number] = [0, 0];
      for (const [n, text] of f.stored) if (text !== undefined && text.length > worst[1]) worst = [n, text.length];
      return worst[1] <= spec.maxBytes ? null : fail(`node ${worst[0]}'s stable storage holds ${worst[1]} bytes (at most ${spec.maxBytes})`);
    }
  }
}
