/**
 * `paxlab replay`: a recorded real-cluster run rerun in the simulator's way — the same node code in
 * one process, virtual time, in-memory stable storage — fed exactly what each node process was
 * handed, in the order it handled it (deliveries, client requests, timer firings, crashes and
 * restarts), at the clocks it saw. Either every recorded send, decision and reply comes out again,
 * in order and equal, or the report names the first recorded event where the replay diverged.
 *
 * A crash leaves one thing open: how many of the last deliveries the process read before it died
 * (their outputs, if any, died with it). Only stable storage carries that into the next life, so the
 * replay tries each possible count, most first, and keeps one the rest of the run agrees with.
 */
import type { NodeContext, NodeId, PaxosNode, PaxosNodeClass } from '@paxlab/sdk';
import { MemoryStorage } from '../sim/memory-storage.js';
import { Rng } from '../net/rng.js';
import type { MetaEvent, TraceEvent, WireMessage } from '../trace/events.js';
import { type NodeLife, type RecordedOutput, nodeLives } from './plan.js';

/** How early a recorded timer may seem to fire before the replayed node's due time. */
const TIMER_SLACK_MS = 3;

export interface ReplayOptions {
  /** The node code that ran (the reference single-decree node by default). */
  nodeClass: PaxosNodeClass<any>;
}

/** What the replayed node produced: a send, a decision, or a reply to a request handed to it directly. */
export type ReplayedOutput =
  | { type: 'send'; to: NodeId | string; msg: unknown }
  | { type: 'decide'; value: string; slot: number }
  | { type: 'client-reply'; request: string; result: string };

export interface Divergence {
  node: NodeId;
  /** The recorded event where the replay parted: the output it expected, or the input it could not take. */
  seq: number;
  expected: TraceEvent | null;
  actual: ReplayedOutput | null;
  message: string;
}

export type ReplayReport =
  | { verdict: 'reproduced'; nodes: number; lives: number; inputs: number; outputs: number; timers: number }
  | { verdict: 'diverged'; divergence: Divergence; outputs: number }
  | { verdict: 'unreplayable'; reason: string };

export function replayClusterTrace(events: readonly TraceEvent[], opts: ReplayOptions): ReplayReport {
  const meta = events[0]?.type === 'meta' ? (events[0] as MetaEvent) : undefined;
  if (!meta) return { verdict: 'unreplayable', reason: 'the trace has no meta line' };
  if (meta.source !== 'cluster') return { verdict: 'unreplayable', reason: `only a real cluster's trace can be replayed (this one's source is ${meta.source})` };
  if (meta.seed === undefined) return { verdict: 'unreplayable', reason: "the trace's meta line has no seed (the nodes' random() cannot be reproduced)" };
  const lives = nodeLives(events, meta.nodes);
  // The hub sends the answer to a client session's request back to that client, whoever answers it.
  const clientOf = new Map<string, string>();
  for (const e of events) if (e.type === 'send' && typeof e.from === 'string' && typeof e.msg.request === 'string') clientOf.set(e.msg.request, e.from);
  const counts = { nodes: meta.nodes.length, lives: 0, inputs: 0, outputs: 0, timers: 0 };
  let first: Divergence | null = null;
  for (const node of meta.nodes) {
    const list = lives.get(node)!;
    const problem = list.find((l) => l.problem)?.problem;
    if (problem) return { verdict: 'unreplayable', reason: `node ${node}: ${problem}` };
    const missing = list.find((l) => !l.start && (l.inputs.length > 0 || l.outputs.length > 0));
    if (missing) return { verdict: 'unreplayable', reason: `node ${node}'s life from #${missing.from} has no start event: the trace lost its oldest events (a bounded live trace) or was not recorded from a PaxLab node process` };
    const out = replayNode(node, list, meta, opts.nodeClass, clientOf, new MemoryStorage(), 0);
    if (out.divergence && (!first || out.divergence.seq < first.seq)) first = out.divergence;
    counts.lives += list.length;
    for (const l of list) {
      counts.inputs += l.inputs.length;
      counts.outputs += l.outputs.length;
      counts.timers += l.timers.length;
    }
  }
  if (first) return { verdict: 'diverged', divergence: first, outputs: counts.outputs };
  return { verdict: 'reproduced', ...counts };
}

/** Replay lives[k..] of one node from `storage`; the first divergence, if any. */
function replayNode(node: NodeId, lives: NodeLife[], meta: MetaEvent, nodeClass: PaxosNodeClass<any>, clientOf: Map<string, string>, storage: MemoryStorage, k: number): { divergence: Divergence | null } {
  if (k >= lives.length) return { divergence: null };
  const life = lives[k];
  if (!life.start) {
    // A life that never started (the process died first) handled nothing.
    return replayNode(node, lives, meta, nodeClass, clientOf, storage, k + 1);
  }
  const run = runLife(node, life, meta, nodeClass, clientOf, storage);
  if (run.divergence) return run;
  if (!life.crashed || k + 1 >= lives.length) return { divergence: null };
  // The last inputs may or may not have been read before the crash: try the counts, most first.
  let best: Divergence | null = null;
  const tried = new Set<string>();
  for (let i = run.states.length - 1; i >= 0; i--) {
    const saved = run.states[i];
    if (tried.has(saved ?? '')) continue;
    tried.add(saved ?? '');
    const next = new MemoryStorage();
    if (saved !== undefined) next.save(JSON.parse(saved));
    const rest = replayNode(node, lives, meta, nodeClass, clientOf, next, k + 1);
    if (!rest.divergence) return rest;
    if (!best || rest.divergence.seq > best.seq) best = rest.divergence;
  }
  return { divergence: best };
}

interface LifeRun {
  divergence: Divergence | null;
  /** Stable storage after each possible number of handled inputs, from the evidence point on. */
  states: Array<string | undefined>;
}

function runLife(node: NodeId, life: NodeLife, meta: MetaEvent, nodeClass: PaxosNodeClass<any>, clientOf: Map<string, string>, storage: MemoryStorage): LifeRun {
  const outputs: ReplayedOutput[] = [];
  /** Armed timers and when they are due (the node's clock at arming plus the delay). */
  const armed = new Map<string, number>();
  let clock = 0;
  const advance = (t: number) => {
    if (t > clock) clock = t;
  };
  const rng = new Rng((meta.seed! * 1000 + node) | 0);
  const nodes = Object.freeze([...meta.nodes]);
  const ctx: NodeContext<WireMessage> = {
    id: node,
    nodes,
    storage,
    send: (to, msg) => void outputs.push({ type: 'send', to, msg: roundTrip(msg) }),
    broadcast: (msg, options) => {
      for (const to of nodes) if (to !== node || options?.includeSelf !== false) outputs.push({ type: 'send', to, msg: roundTrip(msg) });
    },
    setTimer: (name, delayMs) => void armed.set(name, clock + delayMs),
    cancelTimer: (name) => void armed.delete(name),
    now: () => clock,
    random: () => rng.next(),
    decide: (value, slot = 0) => void outputs.push({ type: 'decide', value, slot }),
    reply: (request, result) => answer(request, { kind: 'reply', request, result: String(result) }),
    redirect: (request, to) => answer(request, { kind: 'redirect', request, leader: to }),
    reject: (request, reason) => answer(request, { kind: 'reject', request, reason: String(reason) }),
    log: () => {},
  };
  const answer = (request: string, msg: Record<string, unknown>) => {
    const client = clientOf.get(request);
    if (client !== undefined) outputs.push({ type: 'send', to: client, msg });
    else if (msg.kind === 'reply') outputs.push({ type: 'client-reply', request, result: msg.result as string });
  };

  let matched = 0;
  const expected = life.outputs;
  /** Compare what came out since the last check with what the recording has next. */
  const compare = (excused: boolean): Divergence | null => {
    while (outputs.length > 0) {
      const got = outputs.shift()!;
      const want = expected[matched];
      if (!want) {
        if (excused) continue;
        return { node, seq: life.to === Infinity ? lastSeqOf(life) : life.to, expected: null, actual: got, message: `node ${node} produced ${describeOutput(got)}, which the recording does not have` };
      }
      if (!sameOutput(got, want)) {
        return { node, seq: want.seq, expected: want, actual: got, message: `node ${node} was recorded with ${describeRecorded(want)} (#${want.seq}), but the replay produced ${describeOutput(got)}` };
      }
      matched++;
    }
    return null;
  };

  let handler: PaxosNode<WireMessage> | null = null;
  const call = (fn: () => void) => {
    try {
      fn();
    } catch {
      /* a handler that throws is reported by the node process too; outputs so far stand */
    }
  };
  advance(life.start!.at);
  call(() => {
    handler = new nodeClass(ctx);
  });
  if (handler) call(() => handler!.onStart());
  let d = compare(false);
  if (d) return { divergence: d, states: [] };

  const timers = [...life.timers];
  const fireTimersAt = (handled: number): Divergence | null => {
    while (timers.length > 0 && timers[0].after === handled) {
      const tm = timers.shift()!;
      const due = armed.get(tm.name);
      if (due === undefined) {
        return { node, seq: tm.event.seq, expected: tm.event, actual: null, message: `node ${node}'s timer ${tm.name} fired at #${tm.event.seq}, but the replayed node has no such timer armed` };
      }
      // A real timer never fires before it is due (a few milliseconds of rounding and clock skew
      // between the hub's and the node's processes aside).
      if (tm.at < due - TIMER_SLACK_MS) {
        return { node, seq: tm.event.seq, expected: tm.event, actual: null, message: `node ${node}'s timer ${tm.name} fired at ${tm.at.toFixed(1)} ms (#${tm.event.seq}), but the replayed node armed it for ${due.toFixed(1)} ms` };
      }
      armed.delete(tm.name);
      advance(tm.at);
      if (handler) call(() => handler!.onTimer(tm.name));
      const div = compare(false);
      if (div) return div;
    }
    return null;
  };
  d = fireTimersAt(0);
  if (d) return { divergence: d, states: [] };
  // Inputs up to the last one with evidence (an output or a timer after it) were certainly handled.
  const states: Array<string | undefined> = [];
  for (let i = 0; i < life.inputs.length; i++) {
    const inDoubt = matched >= expected.length && timers.length === 0;
    if (inDoubt) states.push(storage.raw);
    const input = life.inputs[i];
    advance(input.t);
    if (input.kind === 'message') call(() => handler?.onMessage(input.from, { ...input.msg } as WireMessage));
    else call(() => handler?.onClientRequest({ ...input.request }));
    d = compare(inDoubt);
    if (d) return { divergence: d, states: [] };
    d = fireTimersAt(i + 1);
    if (d) return { divergence: d, states: [] };
  }
  states.push(storage.raw);
  if (timers.length > 0) {
    const tm = timers[0];
    return { divergence: { node, seq: tm.event.seq, expected: tm.event, actual: null, message: `node ${node}'s timer ${tm.name} fired at #${tm.event.seq} after ${tm.after} inputs, but its life had only ${life.inputs.length}` }, states: [] };
  }
  if (matched < expected.length) {
    const want = expected[matched];
    return { divergence: { node, seq: want.seq, expected: want, actual: null, message: `node ${node} was recorded with ${describeRecorded(want)} (#${want.seq}), but the replay produced nothing more` }, states: [] };
  }
  return { divergence: null, states };
}

function lastSeqOf(life: NodeLife): number {
  const last = [...life.inputs.map((i) => i.event.seq), ...life.outputs.map((o) => o.seq)];
  return last.length ? Math.max(...last) : life.from;
}

function roundTrip(msg: unknown): unknown {
  return JSON.parse(JSON.stringify(msg) ?? 'null');
}

/** JSON with sorted keys: equal values, equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function sameOutput(got: ReplayedOutput, want: RecordedOutput): boolean {
  if (got.type !== want.type) return false;
  if (got.type === 'send' && want.type === 'send') return got.to === want.to && canonical(got.msg) === canonical(want.msg);
  if (got.type === 'decide' && want.type === 'decide') return got.value === want.value && got.slot === want.slot;
  if (got.type === 'client-reply' && want.type === 'client-reply') return got.request === want.request && got.result === want.result;
  return false;
}

function describeOutput(o: ReplayedOutput): string {
  if (o.type === 'send') return `a send to ${typeof o.to === 'number' ? `node ${o.to}` : o.to} of ${JSON.stringify(o.msg)}`;
  if (o.type === 'decide') return `a decision ${JSON.stringify(o.value)}${o.slot ? ` in slot ${o.slot}` : ''}`;
  return `a reply ${JSON.stringify(o.result)} to request ${o.request}`;
}

function describeRecorded(e: RecordedOutput): string {
  if (e.type === 'send') return `a send to ${typeof e.to === 'number' ? `node ${e.to}` : e.to} of ${JSON.stringify(e.msg)}`;
  if (e.type === 'decide') return `a decision ${JSON.stringify(e.value)}${e.slot ? ` in slot ${e.slot}` : ''}`;
  return `a reply ${JSON.stringify(e.result)} to request ${e.request}`;
}

export function replayText(r: ReplayReport): string {
  if (r.verdict === 'reproduced') {
    return `reproduced, event for event: ${r.nodes} nodes, ${r.lives} lives, ${r.inputs} inputs and ${r.timers} timer firings replayed, all ${r.outputs} recorded sends, decisions and replies produced again\n`;
  }
  if (r.verdict === 'unreplayable') return `cannot replay: ${r.reason}\n`;
  return `DIVERGED at #${r.divergence.seq}: ${r.divergence.message}\n`;
}
