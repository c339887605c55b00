/**
 * One cluster scenario: single-decree nodes assembled from the student's role (on some or all nodes)
 * and reference roles, run in the simulator under a named fault schedule with one seed, judged by the
 * safety and liveness checkers. The same inputs give the same trace, so a seed reproduces a failure.
 */
import type { AcceptorClass, LearnerClass, NodeId, ProposerClass } from '@paxlab/sdk';
import { SingleDecreeNode, type NodeRoles } from '../../../labs/paxos-node/node.js';
import { checkLiveness } from '../checkers/liveness.js';
import { checkSafety } from '../checkers/safety.js';
import { fail, type CheckResult } from '../checkers/types.js';
import { Simulation } from '../sim/simulation.js';
import type { TraceEvent } from '../trace/events.js';
import { namedSchedule, type ScheduleName } from './schedules.js';
import { planWorkload, type WorkloadSpec } from '../clients/workload.js';
import { checkLinearizability, linearizabilityText } from '../history/index.js';

export type RoleName = 'acceptor' | 'proposer' | 'learner';

export interface ScenarioRunOptions {
  role: RoleName;
  /** The student's class for that role. */
  roleClass: AcceptorClass | ProposerClass | LearnerClass;
  schedule: ScheduleName;
  nodes: number;
  seed: number;
  /** Nodes that get the student's role (default all). */
  placement?: 'all' | NodeId[];
  /** Every live node must decide this long after the last fault (virtual ms, default 3000). */
  livenessMs?: number;
  /** Client sessions (their history is judged for linearizability too). */
  clients?: { count: number; workload: WorkloadSpec };
  /** The run's event budget (default SCENARIO_MAX_EVENTS). */
  maxEvents?: number;
}

/**
 * Events (deliveries, timers, faults) one scenario run may process. A 5-node run in which nobody ever
 * decides (heartbeats and retransmissions until the liveness bound) takes about 13 000; a run that
 * needs this many is flooded by the role under test, whatever the machine.
 */
export const SCENARIO_MAX_EVENTS = 100_000;

/** Checker name of a run stopped by its event budget (the role under test flooded the cluster). */
export const FLOOD = 'flood';

export interface ScenarioRunResult {
  ok: boolean;
  /** The first failed check, if any. */
  failed?: CheckResult;
  results: CheckResult[];
  trace: TraceEvent[];
  description: string;
}

const ROLE_KEY = { acceptor: 'Acceptor', proposer: 'Proposer', learner: 'Learner' } as const;

export function runScenario(o: ScenarioRunOptions, hooks: { onProgress?(events: number): void } = {}): ScenarioRunResult {
  const named = namedSchedule(o.schedule, o.nodes, o.seed);
  const livenessMs = o.livenessMs ?? 3000;
  const student: NodeRoles = { [ROLE_KEY[o.role]]: o.roleClass };
  const placed = o.placement === undefined || o.placement === 'all' ? null : new Set(o.placement);
  class ScenarioNode extends SingleDecreeNode {
    constructor(ctx: ConstructorParameters<typeof SingleDecreeNode>[0]) {
      super(ctx, !placed || placed.has(ctx.id) ? student : {});
    }
  }
  const sim = new Simulation({
    nodes: o.nodes,
    nodeClass: ScenarioNode,
    seed: o.seed,
    network: named.network,
    schedule: named.schedule,
    protocol: 'single-decree',
    title: `scenario ${o.schedule} (${o.role} under test), seed ${o.seed}: ${named.description}`,
    ...(o.clients ? { clients: { plan: planWorkload(o.clients.workload, o.clients.count, o.seed) } } : {}),
  });
  const budget = o.maxEvents ?? SCENARIO_MAX_EVENTS;
  const endMs = named.faultsEndAt + livenessMs;
  // Run in chunks of events, so a caller can report progress; the budget is counted in events.
  let events = 0;
  let flooded = false;
  let now = 0;
  const runChunks = (stop: { allDecided?: boolean; clientsDone?: boolean; timeMs: number }) => {
    for (;;) {
      const chunk = Math.min(10_000, budget - events);
      const r = sim.runUntil({ ...stop, maxEvents: chunk });
      events += r.steps;
      now = r.timeMs;
      if (r.reason !== 'max-events') return;
      hooks.onProgress?.(events);
      if (events >= budget) {
        flooded = true;
        return;
      }
    }
  };
  if (o.clients) {
    runChunks({ clientsDone: true, timeMs: endMs });
    if (!flooded) sim.endClients();
  }
  if (!flooded) runChunks({ allDecided: true, timeMs: endMs });
  const trace = sim.trace;
  const safety = checkSafety(trace);
  // Safety is judged on what happened before the budget ran out; liveness cannot be judged then.
  const last = flooded
    ? fail(FLOOD, `the cluster was still busy after ${events} events at ${now} ms of virtual time (a run in which nobody decides takes about 13 000): your ${o.role} keeps the nodes sending`, [])
    : checkLiveness(trace, { boundMs: livenessMs });
  const results = [...safety, last];
  if (o.clients && !flooded) results.push(historyCheck(trace));
  const failed = results.find((r) => !r.ok);
  return { ok: !failed, failed, results, trace, description: named.description };
}

/** The clients' history as a checker result: an illegal history fails it (an unknown one does not). */
function historyCheck(trace: TraceEvent[]): CheckResult {
  const r = checkLinearizability(trace);
  const message = linearizabilityText(r).trim().replace(/\n\s*/g, '; ');
  if (r.verdict !== 'illegal') return { ok: true, checker: 'linearizability', message, events: [] };
  const involved = new Set([r.stuck.call, r.stuck.ret, ...(r.views ? [r.views.a.ret, r.views.b.ret] : [])]);
  return { ok: false, checker: 'linearizability', message, events: trace.filter((e) => involved.has(e.seq)) };
}
