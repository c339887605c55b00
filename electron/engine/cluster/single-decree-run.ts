/** One single-decree Paxos instance on a real cluster, start to finish (`paxlab run`). */
import type { SingleDecreeRunOptions, SingleDecreeRunOutcome } from '../single-decree-run.js';
import { startCluster } from './supervisor.js';
import type { ClusterOptions } from './supervisor.js';

export interface ClusterRunOptions extends SingleDecreeRunOptions {
  /** Passed through to startCluster (student roles, another node class). */
  nodeProgram?: ClusterOptions['nodeProgram'];
}

/**
 * Start the cluster, propose, play the schedule, and wait until the schedule is done and every live
 * node decided (or the timeout passed, which is an outcome, not an error). Always shuts down.
 */
export async function runSingleDecreeCluster(opts: ClusterRunOptions): Promise<SingleDecreeRunOutcome> {
  const cluster = startCluster({
    nodes: opts.nodes,
    seed: opts.seed,
    network: { loss: opts.loss, dup: opts.dup, ...(opts.delay ? { minDelayMs: opts.delay[0], maxDelayMs: opts.delay[1] } : {}) },
    nodeProgram: opts.nodeProgram,
    title: `paxlab run: ${opts.nodes} nodes, ${opts.clients ? `${opts.clients.plan.clients.length} clients, ${opts.clients.plan.text}` : `propose ${opts.propose.join(', ')}`}`,
    ...(opts.clients ? { clients: opts.clients } : {}),
  });
  try {
    await cluster.ready.catch((err: unknown) => {
      throw new Error(`the cluster could not start: ${err instanceof Error ? err.message : String(err)}`);
    });
    opts.propose.forEach((value, i) => cluster.clientRequest(cluster.nodes[i % cluster.nodes.length], value));
    let scheduleDone = !opts.schedule;
    let scheduleError: unknown = null;
    if (opts.schedule) {
      cluster.runSchedule(opts.schedule).then(
        () => void (scheduleDone = true),
        (err: unknown) => void ((scheduleError = err), (scheduleDone = true)),
      );
    }
    const started = performance.now();
    if (opts.clients) {
      cluster.startClients();
      await cluster.waitForClients(opts.timeoutMs);
      cluster.endClients();
    }
    const settled = () => scheduleDone && cluster.liveNodes().every((n) => cluster.decisions().has(n));
    await cluster.waitFor(settled, Math.max(100, opts.timeoutMs - (performance.now() - started))).catch(() => {});
    if (scheduleError) throw scheduleError;
    return { trace: [...cluster.trace], decisions: cluster.decisions(), live: cluster.liveNodes(), lostAtStart: cluster.startFailures() };
  } finally {
    await cluster.shutdown();
  }
}
