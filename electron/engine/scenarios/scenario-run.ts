/**
 * One cluster scenario: single-decree nodes assembled from the student's role (on some or all nodes)
 * and reference roles, run in the simulator under a named fault schedule with one seed, judged by the
 * safety and liveness checkers. The same inputs give the same trace, so a seed reproduces a failure.
 */
import type { AcceptorClass, LearnerClass, NodeId, ProposerClass } from '@paxlab/sdk';
import { SingleDecreeNode, type NodeRoles } from '../../../labs/paxos-node/node.js';
import { checkLiveness } from '../checkers/liveness.js';
import { checkSafety } from '../checkers/safety.js';
import type { CheckResult } from '../checkers/types.js';
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
}

export interface ScenarioRunResult {
  ok: boolean;
  /** The first failed check, if any. */
  failed?: CheckResult;
  results: CheckResult[];
  trace: TraceEvent[];
  description: string;
}

const ROLE_KEY = { acceptor: 'Acceptor', proposer: 'Proposer', learner: 'Learner' } as const;

export function runScenario(o: ScenarioRunOptions): ScenarioRunResult {
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
  const bound = named.faultsEndAt + livenessMs;
  if (o.clients) {
    sim.runUntil({ clientsDone: true, timeMs: bound });
    sim.endClients();
  }
  sim.runUntil({ allDecided: true, timeMs: bound });
  const trace = sim.trace;
  const results = [...checkSafety(trace), checkLiveness(trace, { boundMs: livenessMs })];
  if (o.clients) results.push(historyCheck(trace));
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
