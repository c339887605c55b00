import { SingleDecreeNode } from '../../../labs/paxos-node/node.js';
import type { SingleDecreeRunOptions, SingleDecreeRunOutcome } from '../single-decree-run.js';
import { Simulation } from './simulation.js';

/** One single-decree instance of the reference node in the simulator (`paxlab run --sim`). */
export async function runSingleDecreeSim(opts: SingleDecreeRunOptions): Promise<SingleDecreeRunOutcome> {
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
    title: `single-decree, ${opts.nodes} nodes, ${opts.clients ? `${opts.clients.plan.clients.length} clients, ${opts.clients.plan.text}` : `propose ${opts.propose.join(' ')}`}`,
    ...(opts.clients ? { clients: opts.clients } : {}),
  });
  opts.propose.forEach((value, i) => sim.clientRequest((i % opts.nodes) + 1, value));
  if (opts.clients) {
    sim.runUntil({ clientsDone: true, timeMs: opts.timeoutMs });
    sim.endClients();
  }
  sim.runUntil({ allDecided: true, timeMs: opts.timeoutMs });
  return { trace: sim.trace, decisions: sim.decisions(), live: sim.live() };
}
