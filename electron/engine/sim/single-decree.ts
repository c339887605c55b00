import type { NodeId, Value } from '@paxlab/sdk';
import { SingleDecreeNode } from '../../../labs/paxos-node/node.js';
import type { FaultSchedule } from '../faults/schedule.js';
import type { TraceEvent } from '../trace/events.js';
import { Simulation } from './simulation.js';

export interface SingleDecreeSimOptions {
  nodes: number;
  /** Client values: the first goes to node 1, the next to node 2, and so on (wrapping around). */
  propose: string[];
  loss: number;
  dup: number;
  /** Uniform delay range in ms. */
  delay?: [number, number];
  seed: number;
  /** Virtual time limit. */
  timeoutMs: number;
  schedule?: FaultSchedule;
}

export interface SingleDecreeOutcome {
  trace: TraceEvent[];
  decisions: Map<NodeId, Value>;
  /** Nodes up at the end. */
  live: NodeId[];
}

/** One single-decree instance of the reference node in the simulator (`paxlab run --sim`). */
export async function runSingleDecreeSim(opts: SingleDecreeSimOptions): Promise<SingleDecreeOutcome> {
  const sim = new Simulation({
    nodes: opts.nodes,
    nodeClass: SingleDecreeNode,
    seed: opts.seed,
    network: {
      loss: opts.loss,
      dup: opts.dup,
      ...(opts.delay ? { minDelayMs: opts.delay[0], maxDelayMs: opts.delay[1] } : {}),
    },
    schedule: opts.schedule,
    protocol: 'single-decree',
    title: `single-decree, ${opts.nodes} nodes, propose ${opts.propose.join(' ')}`,
  });
  opts.propose.forEach((value, i) => sim.clientRequest((i % opts.nodes) + 1, value));
  sim.runUntil({ allDecided: true, timeMs: opts.timeoutMs });
  return { trace: sim.trace, decisions: sim.decisions(), live: sim.live() };
}
