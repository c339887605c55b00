/**
 * The reference Multi-Paxos service node as real processes: 3 client sessions against a 5-node
 * cluster over the hub with loss, the leader SIGKILLed and restarted from its stable storage, a
 * follower paused with SIGSTOP and continued; the history the clients saw is judged (linearizable,
 * appends exactly once) and every replica ends with the whole log. Also the app API's pause and
 * resume, and the Multi-Paxos playground cluster.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MultiNodeView, NodeId } from '@paxlab/sdk';
import { startCluster, type Cluster, PAUSED_TEXT, RESUMED_TEXT } from '../../electron/engine/cluster/index.js';
import { parseWorkloadText, planWorkload } from '../../electron/engine/clients/index.js';
import { buildHistory, checkExactlyOnce, checkLinearizability, linearizabilityText } from '../../electron/engine/history/index.js';
import { checkAgreement } from '../../electron/engine/checkers/index.js';
import { referenceNodeFor, replayClusterTrace, replayText } from '../../electron/engine/replay/index.js';
import { until } from './helpers.js';

const view = async (c: Cluster, n: NodeId) => (await c.snapshot(n)).state as MultiNodeView;
const okCount = (c: Cluster) => c.trace.filter((e) => e.type === 'ok').length;

/** The process state letter of `pid` (`T` stopped, `S` sleeping, `R` running), from procfs. */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0];
}

describe('Multi-Paxos on a real cluster', () => {
  test('3 clients, 5 nodes, loss; the leader SIGKILLed and restarted, a follower paused: linearizable, exactly once, whole log everywhere', async () => {
    const plan = planWorkload(parseWorkloadText('kv:keys=3,ops=60,mix=append'), 3, 11);
    const cluster = startCluster({
      nodes: 5,
      seed: 11,
      network: { loss: 0.05, dup: 0.02, minDelayMs: 0, maxDelayMs: 3 },
      nodeProgram: { protocol: 'multi-paxos', options: { machine: 'kv' } },
      clients: { plan, timing: { timeoutMs: 250, maxAttempts: 40 } },
      // A paused node sends no control heartbeat: it must not be taken for hung.
      hangTimeoutMs: 600,
    });
    try {
      await cluster.ready;
      expect(cluster.trace[0]).toMatchObject({ type: 'meta', protocol: 'multi-paxos', model: 'kv' });
      cluster.startClients();
      expect(await until(() => okCount(cluster) >= 30, 20_000)).toBe(true);

      // SIGKILL the leader with slots in flight.
      const leader = (await view(cluster, 2)).leader;
      expect(leader).toBe(1);
      const pid = cluster.pid(leader)!;
      await cluster.crash(leader);
      expect(cluster.isRunning(leader)).toBe(false);
      const afterCrash = okCount(cluster);
      expect(await until(() => okCount(cluster) >= afterCrash + 20, 20_000)).toBe(true);

      // Back from stable storage: a fresh process, which takes the lead again (lowest id).
      await cluster.restart(leader);
      expect(cluster.pid(leader)).not.toBe(pid);
      expect(await until(() => okCount(cluster) >= afterCrash + 40, 20_000)).toBe(true);

      // Pause a follower for longer than the hang timeout: it is stopped, not killed.
      const follower: NodeId = 4;
      const fpid = cluster.pid(follower)!;
      cluster.pause(follower);
      expect(cluster.isPaused(follower)).toBe(true);
      // A signal is delivered when the kernel schedules it: the state turns to stopped soon after.
      expect(await until(() => processState(fpid) === 'T', 5000)).toBe(true);
      await expect(cluster.snapshot(follower)).rejects.toThrow(/paused/);
      const beforePause = okCount(cluster);
      expect(await until(() => okCount(cluster) >= beforePause + 10, 20_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 900));
      expect(cluster.isRunning(follower)).toBe(true);
      cluster.resume(follower);
      expect(await until(() => processState(fpid) !== 'T', 5000)).toBe(true);

      expect(await cluster.waitForClients(60_000)).toBe(true);
      cluster.endClients();
      // Every replica, the restarted leader and the paused follower included, catches up.
      const top = () => Math.max(...cluster.trace.filter((e) => e.type === 'decide').map((e) => (e.type === 'decide' ? e.slot : 0)));
      const applied = async () => Promise.all(cluster.nodes.map(async (n) => (await view(cluster, n)).applied));
      let settled = false;
      for (const end = performance.now() + 15_000; !settled && performance.now() < end; ) {
        settled = (await applied()).every((a) => a === top());
        if (!settled) await new Promise((r) => setTimeout(r, 100));
      }
      expect(await applied()).toEqual(cluster.nodes.map(() => top()));

      const trace = [...cluster.trace];
      expect(trace.filter((e) => e.type === 'log' && e.node === follower).map((e) => (e.type === 'log' ? e.text : ''))).toEqual(expect.arrayContaining([PAUSED_TEXT, RESUMED_TEXT]));
      const history = buildHistory(trace);
      expect(history.operations.length).toBe(3 * 60 + plan.finalReads.length);
      expect(history.operations.filter((o) => o.status === 'ok').length).toBeGreaterThan(170);
      const lin = checkLinearizability(history, { model: 'kv' });
      expect(lin.verdict, linearizabilityText(lin)).toBe('ok');
      const once = checkExactlyOnce(history);
      expect(once.messages).toEqual([]);
      expect(once.keys.length).toBeGreaterThan(0);
      expect(checkAgreement(trace).ok).toBe(true);
      // The replicas hold the same store.
      const stores = await Promise.all(cluster.nodes.map(async (n) => JSON.stringify((await view(cluster, n)).machine)));
      expect(new Set(stores).size).toBe(1);
      // The same node code, replayed in the simulator from the trace, makes every recorded output again.
      const replay = replayClusterTrace(trace, { nodeClass: referenceNodeFor(trace) });
      expect(replay.verdict, replayText(replay)).toBe('reproduced');
    } finally {
      await cluster.shutdown();
    }
  }, 120_000);

  test('the app API: a Multi-Paxos playground cluster, pauseNode and resumeNode, the log view in snapshotNode', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-mp-app-'));
    const { AppService } = await import('../../electron/engine/app/app-service.js');
    const { createEnginePorts } = await import('../../electron/engine/app/engine-ports.js');
    const service = await AppService.create({ workspaceDir: path.join(dir, 'ws'), mode: 'browser', version: 't', ports: createEnginePorts(), watch: false });
    try {
      await expect(service.startCluster({ nodes: 3, service: { machine: 'lock' }, roles: { acceptor: 'student' } })).rejects.toThrow(/reference roles/);
      const info = await service.startCluster({ nodes: 3, seed: 4, service: { machine: 'lock' }, clients: { count: 2, workload: 'lock:locks=1,ops=20' } });
      expect(info.service).toEqual({ machine: 'lock' });
      await service.pauseNode(info.clusterId, 3);
      expect(await service.snapshotNode(info.clusterId, 3)).toMatchObject({ up: true, paused: true, state: null });
      await service.resumeNode(info.clusterId, 3);
      const deadline = performance.now() + 20_000;
      let report = await service.checkHistory({ clusterId: info.clusterId });
      while (report.operations.filter((o) => o.status === 'ok').length < 40 && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        report = await service.checkHistory({ clusterId: info.clusterId });
      }
      expect(report).toMatchObject({ model: 'lock', verdict: 'ok' });
      const snap = await service.snapshotNode(info.clusterId, 1);
      // The app's snapshot is the process's: { node, pid, state, storage, timers }; `state` is the node's view.
      const v = (snap.state as { state: MultiNodeView }).state;
      expect(v).toMatchObject({ protocol: 'multi-paxos', node: 1, leader: 1, active: true, machine: { kind: 'lock' } });
      expect(v.window).toMatchObject({ from: v.applied + 1, alpha: 4 });
      expect(v.slots.length).toBeGreaterThan(0);
      expect(v.slots.every((s) => ['empty', 'accepted', 'chosen', 'applied'].includes(s.state))).toBe(true);
      // 40 commands, some sharing a slot (batching).
      expect(v.applied).toBeGreaterThanOrEqual(20);
      await service.stopCluster(info.clusterId);
    } finally {
      await service.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
