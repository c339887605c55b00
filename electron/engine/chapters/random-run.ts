/**
 * One seeded random run of a chapter test in the simulator: the network's loss, duplication and
 * delays, the faults the seed draws from the chapter's fault model, client sessions with their
 * workload; the run ends when the clients are done (or the virtual-time or step budget is spent),
 * goes on a little so retransmissions settle, and is judged by the test's checks.
 */
import type { PaxosNodeClass } from '@paxlab/sdk';
import { parseWorkloadText, planWorkload } from '../clients/index.js';
import { Simulation } from '../sim/simulation.js';
import type { TraceEvent } from '../trace/events.js';
import { type CheckVerdict, runChecks } from './checks.js';
import { planFaults } from './fault-plan.js';
import type { RandomTestDef } from './tests.js';

export interface RandomRun {
  seed: number;
  trace: TraceEvent[];
  verdicts: CheckVerdict[];
  /** True when the budget ran out before the clients were done (their open operations are `info`). */
  budgetSpent: boolean;
}

export function runRandomSeed(test: RandomTestDef, nodeClass: PaxosNodeClass<any>, seed: number, title?: string): RandomRun {
  const spec = typeof test.clients.workload === 'string' ? parseWorkloadText(test.clients.workload) : test.clients.workload;
  const plan = planWorkload(spec, test.clients.count, seed);
  const sim = new Simulation({
    nodes: test.nodes,
    nodeClass,
    seed,
    network: test.network ?? {},
    schedule: planFaults(test.faults, test.nodes, seed),
    protocol: 'chapter',
    title: title ?? `${test.title} (seed ${seed})`,
    clients: { plan, ...(test.clients.timing ? { timing: test.clients.timing } : {}) },
  });
  const maxEvents = test.maxEvents ?? 200_000;
  const r = sim.runUntil({ clientsDone: true, timeMs: test.timeMs, maxEvents });
  const budgetSpent = r.reason !== 'clients-done';
  sim.endClients(budgetSpent ? 'the run reached its budget before an answer came' : undefined);
  sim.runUntil({ timeMs: sim.now + (test.settleMs ?? 500), maxEvents });
  return { seed, trace: sim.trace, verdicts: runChecks(sim.trace, test.checks), budgetSpent };
}

/** The seeds a random test runs. */
export function testSeeds(test: RandomTestDef): number[] {
  return Array.from({ length: test.seeds.count }, (_, i) => test.seeds.from + i);
}
