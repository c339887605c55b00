/** One single-decree Paxos instance on a real cluster, start to finish (`paxlab run`). */
import type { NodeId, Value } from '@paxlab/sdk';
import type { FaultSchedule } from '../faults/index.js';
import type { TraceEvent } from '../trace/events.js';
import { startCluster } from './supervisor.js';
import type { ClusterOptions } from './supervisor.js';

export interface SingleDecreeRunOptions {
  nodes: number;
  /** Values to propose: the first to the leader (node 1, the lowest id), the next to nodes 2, 3, … */
  propose: Value[];
  loss: number;
  dup: number;
  /** Delay range [min, max] in ms; the network's default when absent. */
  delay?: [number, number];
  seed: number;
  /** Give up waiting for decisions after this long (ms, counted once every node is up). */
  timeoutMs: number;
  /** Faults on real time, counted from when the values are proposed. */
  schedule?: FaultSchedule;
  /** Passed through to startCluster (student roles, another node class). */
  nodeProgram?: ClusterOptions['nodeProgram'];
}

export interface SingleDecreeRunOutcome {
  trace: TraceEvent[];
  decisions: Map<NodeId, Value>;
  /** Nodes whose process was running at the end. */
  live: NodeId[];
}

/**
 * Start the cluster, propose, play the schedule, and wait until the schedule is done and every live
 * node decided (or the timeout passed, which is an outcome, not an error). Always shuts down.
 */
export async function runSingleDecreeCluster(opts: SingleDecreeRunOptions): Promise<SingleDecreeRunOutcome> {
  const cluster = startCluster({
    nodes: opts.nodes,
    seed: opts.seed,
    network: { loss: opts.loss, dup: opts.dup, ...(opts.delay ? { minDelayMs: opts.delay[0], maxDelayMs: opts.delay[1] } : {}) },
    nodeProgram: opts.nodeProgram,
    title: `paxlab run: ${opts.nodes} nodes, propose ${opts.propose.join(', ')}`,
  });
  try {
    await cluster.ready;
    opts.propose.forEach((value, i) => cluster.clientRequest(cluster.nodes[i % cluster.nodes.length], value));
    let scheduleDone = !opts.schedule;
    let scheduleError: unknown = null;
    if (opts.schedule) {
      cluster.runSchedule(opts.schedule).then(
        () => void (scheduleDone = true),
        (err: unknown) => void ((scheduleError = err), (scheduleDone = true)),
      );
    }
    const settled = () => scheduleDone && cluster.liveNodes().every((n) => cluster.decisions().has(n));
    await cluster.waitFor(settled, opts.timeoutMs).catch(() => {});
    if (scheduleError) throw scheduleError;
    return { trace: [...cluster.trace], decisions: cluster.decisions(), live: cluster.liveNodes() };
  } finally {
    await cluster.shutdown();
  }
}
