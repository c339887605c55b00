import { startCluster, type Cluster } from '../cluster/supervisor.js';
import { parseWorkloadText, planWorkload } from '../clients/workload.js';
import type { ClusterHandle, ClusterLaunch, ClusterPort } from './ports.js';

export interface NodeCommand {
  execPath: string;
  env?: Record<string, string>;
}

/** The playground's cluster: real node processes through the engine's supervisor. */
export function engineClusters(nodeCommand?: NodeCommand): ClusterPort {
  return {
    async start(launch: ClusterLaunch): Promise<ClusterHandle> {
      const plan = launch.clients ? planWorkload(parseWorkloadText(launch.clients.workload), launch.clients.count, launch.seed ?? 1) : undefined;
      const cluster = startCluster({
        nodes: launch.nodes,
        seed: launch.seed,
        network: launch.network,
        nodeProgram: launch.studentNode ? { studentNode: launch.studentNode } : launch.service ? { protocol: 'multi-paxos', options: { machine: launch.service.machine } } : { roles: launch.roles },
        title: 'playground',
        ...(launch.maxTraceEvents !== undefined ? { maxTraceEvents: launch.maxTraceEvents } : {}),
        ...(nodeCommand ? { nodeCommand } : {}),
        // Patient clients: a leader crash or a pause makes answers wait, not operations unknown.
        ...(plan ? { clients: { plan, timing: { timeoutMs: 250, maxAttempts: 40, thinkMs: launch.clients?.thinkMs ?? 0 } } } : {}),
      });
      try {
        await cluster.ready;
      } catch (err) {
        await cluster.shutdown();
        throw err;
      }
      const handle = wrap(cluster);
      if (plan && launch.clients?.start !== false) handle.startClients!();
      return handle;
    },
  };
}

function wrap(cluster: Cluster): ClusterHandle {
  let clientsStarted = false;
  return {
    startClients: () => {
      if (!cluster.clients) throw new Error('this cluster was started without clients');
      if (clientsStarted) throw new Error('the clients have already run; start a new cluster for another run');
      clientsStarted = true;
      cluster.startClients();
    },
    stopClients: () => {
      if (!cluster.clients) throw new Error('this cluster was started without clients');
      clientsStarted = true;
      cluster.endClients('stopped from the playground');
    },
    onClientsDone: (l) => cluster.clients?.whenDone(l),
    nodes: cluster.nodes,
    network: () => cluster.network,
    crash: (n) => cluster.crash(n),
    restart: async (n) => {
      // Restarting a running node means crash-then-restart: what a student expects from one click.
      if (cluster.isRunning(n)) await cluster.crash(n);
      await cluster.restart(n);
    },
    pause: (n) => cluster.pause(n),
    resume: (n) => cluster.resume(n),
    setLink: (a, b, up) => cluster.setLink(a, b, up),
    setNetwork: (cfg) => void cluster.setNetwork(cfg),
    partition: (groups) => cluster.partition(groups.filter((g) => g.length > 0)),
    heal: () => cluster.heal(),
    clientRequest: (n, value) => cluster.clientRequest(n, value),
    snapshot: async (n) => {
      if (!cluster.isRunning(n)) return { up: false, state: null };
      if (cluster.isPaused(n)) return { up: true, paused: true, state: null };
      return { up: true, state: await cluster.snapshot(n) };
    },
    get trace() {
      return cluster.trace;
    },
    subscribe: (l) => cluster.subscribe(l),
    shutdown: () => cluster.shutdown(),
  };
}
