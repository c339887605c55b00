/**
 * The service-test runner: one test, one seed, one node class, in the simulator on virtual time —
 * client sessions running the test's workload, its fault schedule (and generated faults), then a
 * quiet period — and every check of the test over what the run showed. Pure: the same inputs give
 * the same trace and the same verdict, on any machine. The node class is constructed as
 * `new Node(ctx, options)` with the test's node options (docs/multi-paxos-api.md).
 */
import type { NodeContext, PaxosNode, ServiceNodeOptions } from '@paxlab/sdk';
import { planWorkload } from '../clients/index.js';
import { validateFaultSchedule } from '../faults/index.js';
import { buildHistory } from '../history/index.js';
import { Simulation } from '../sim/simulation.js';
import type { TraceEvent } from '../trace/events.js';
import { runCheck, type CheckVerdict, type RunFacts } from './checks.js';
import type { ServiceTest } from './definitions.js';
import { expandGenerators } from './generators.js';

/** A whole service node class: what lab 05 exports as `Node`. */
export type ServiceNodeClass = new (ctx: NodeContext<any>, options: ServiceNodeOptions) => PaxosNode<any>;

export interface ServiceRunOptions {
  nodeClass: ServiceNodeClass;
  seed: number;
}

/** What a run measured, beside the verdicts. */
export interface ServiceFigures {
  operations: number;
  ok: number;
  info: number;
  fail: number;
  /** Messages sent (every participant, heartbeats included) over the whole run. */
  messages: number;
  /** Messages sent while the clients ran, per operation that completed. */
  msgsPerOp: number;
  /** The highest slot any node decided. */
  slots: number;
  /** The largest stable storage at the end, in bytes. */
  maxStorageBytes: number;
  /** Virtual time when the clients' run ended, and at the end of the run. */
  clientsEndedMs: number;
  endMs: number;
  steps: number;
}

export interface ServiceRunResult {
  test: string;
  rule: string;
  seed: number;
  ok: boolean;
  /** The first failed check, if any. */
  failed?: CheckVerdict;
  checks: CheckVerdict[];
  figures: ServiceFigures;
  trace: TraceEvent[];
  /** One line: the cluster, the clients and the faults of this run. */
  description: string;
}

/** The rule a run breaks when it needs more simulation steps than the test allows. */
export const STEPS_RULE = { id: 'kv-service.node.bounded-work', text: 'A run stays within its budget of simulation steps (no node floods the network or its timers).' };

export function runServiceTest(test: ServiceTest, opts: ServiceRunOptions): ServiceRunResult {
  const { seed } = opts;
  const nodes = Array.from({ length: test.nodes }, (_, i) => i + 1);
  const schedule = validateFaultSchedule([...test.faults, ...expandGenerators(test.generate, test.nodes, seed)], nodes);
  const plan = planWorkload(test.workload, test.clients, seed);
  const NodeClass = opts.nodeClass;
  const options = test.options;
  // The simulator builds nodes with their context only: the test's options go in here.
  function Bound(this: unknown, ctx: NodeContext<any>): PaxosNode<any> {
    return new NodeClass(ctx, { ...options });
  }
  const description = describeRun(test, schedule.length);
  const sim = new Simulation({
    nodes: test.nodes,
    nodeClass: Bound as unknown as new (ctx: NodeContext<any>) => PaxosNode<any>,
    seed,
    network: test.network,
    schedule,
    protocol: 'multi-paxos',
    title: `service test ${test.name}, seed ${seed}: ${description}`,
    clients: { plan, timing: test.clientTiming },
  });
  let steps = sim.runUntil({ clientsDone: true, timeMs: test.endMs, maxEvents: test.maxSteps }).steps;
  const clientsEndedMs = sim.now;
  sim.endClients();
  let flooded = steps >= test.maxSteps;
  if (!flooded) {
    const r = sim.runUntil({ timeMs: sim.now + test.settleMs, maxEvents: test.maxSteps - steps });
    steps += r.steps;
    flooded = r.reason === 'max-events';
  }
  const trace = sim.trace;
  const history = buildHistory(trace);
  const stored = new Map(nodes.map((n) => [n, sim.storedState(n)] as const));
  const facts: RunFacts = { trace, nodes, live: sim.live(), model: plan.model, history, stored, clientsEndedAt: clientsEndedMs };
  const checks: CheckVerdict[] = [];
  if (flooded) {
    checks.push({ check: 'steps', rule: STEPS_RULE.id, ok: false, message: `the run needed more than ${test.maxSteps} simulation steps (by ${sim.now} virtual ms): a node floods the network or its timers`, events: [] });
  }
  for (const spec of test.checks) checks.push(runCheck(spec, facts));
  const failed = checks.find((c) => !c.ok);
  const msgs = checks.find((c) => c.check === 'msgs-per-op');
  const ops = history.operations;
  const figures: ServiceFigures = {
    operations: ops.length,
    ok: ops.filter((o) => o.status === 'ok').length,
    info: ops.filter((o) => o.status === 'info').length,
    fail: ops.filter((o) => o.status === 'fail').length,
    messages: trace.filter((e) => e.type === 'send').length,
    msgsPerOp: msgs?.value ?? messagesPerOp(trace, history.operations),
    slots: trace.reduce((m, e) => (e.type === 'decide' ? Math.max(m, e.slot) : m), 0),
    maxStorageBytes: Math.max(0, ...[...stored.values()].map((t) => (t === undefined ? 0 : Buffer.byteLength(t)))),
    clientsEndedMs,
    endMs: sim.now,
    steps,
  };
  return { test: test.name, rule: test.rule, seed, ok: !failed, ...(failed ? { failed } : {}), checks, figures, trace, description };
}

export interface ServiceSeedsResult {
  test: string;
  rule: string;
  ok: boolean;
  /** Every seed's result without its trace, but for the first failing seed, which keeps it. */
  runs: ServiceRunResult[];
  /** The first failing run (trace included), if any. */
  firstFailure?: ServiceRunResult;
}

/** Run a test over its seeds (or the ones given), stopping at the first failure unless `all`. */
export function runServiceTestSeeds(test: ServiceTest, opts: { nodeClass: ServiceNodeClass; seeds?: number[]; all?: boolean }): ServiceSeedsResult {
  const runs: ServiceRunResult[] = [];
  let firstFailure: ServiceRunResult | undefined;
  for (const seed of opts.seeds ?? test.seeds) {
    const r = runServiceTest(test, { nodeClass: opts.nodeClass, seed });
    if (!r.ok && !firstFailure) firstFailure = r;
    runs.push(r.ok || firstFailure !== r ? { ...r, trace: [] } : r);
    if (firstFailure && !opts.all) break;
  }
  return { test: test.name, rule: test.rule, ok: !firstFailure, runs, ...(firstFailure ? { firstFailure } : {}) };
}

function messagesPerOp(trace: readonly TraceEvent[], ops: ReturnType<typeof buildHistory>['operations']): number {
  const done = ops.filter((o) => o.status === 'ok');
  if (done.length === 0) return 0;
  const start = Math.min(...ops.map((o) => o.call));
  const end = Math.max(...done.map((o) => o.ret));
  return trace.filter((e) => e.type === 'send' && e.seq >= start && e.seq <= end).length / done.length;
}

function describeRun(test: ServiceTest, faults: number): string {
  const net = Object.entries(test.network).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  return `${test.nodes} nodes (${test.options.machine}), ${test.clients} client${test.clients === 1 ? '' : 's'}${net ? `, ${net}` : ''}, ${faults} scheduled fault${faults === 1 ? '' : 's'}`;
}
