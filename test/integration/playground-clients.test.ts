/**
 * The playground's clients through the app API, on real node processes: a Multi-Paxos cluster
 * started with its clients waiting, started and stopped on request, with `cluster-clients` events
 * carrying per-client figures and the live verdict the engine judged; the same figures on demand.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppEvent, ClientsView } from '../../electron/api.js';
import { until } from './helpers.js';
import { parseWorkloadText, planWorkload } from '../../electron/engine/clients/index.js';

async function withService<T>(fn: (service: import('../../electron/engine/app/app-service.js').AppService) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-clients-app-'));
  const { AppService } = await import('../../electron/engine/app/app-service.js');
  const { createEnginePorts } = await import('../../electron/engine/app/engine-ports.js');
  const service = await AppService.create({ workspaceDir: path.join(dir, 'ws'), mode: 'browser', version: 't', ports: createEnginePorts(), watch: false });
  try {
    return await fn(service);
  } finally {
    await service.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('playground clients over the app API', () => {
  test('clients wait, start on request, run to done; figures and a linearizable verdict arrive as events', async () => {
    await withService(async (service) => {
      const views: ClientsView[] = [];
      service.subscribe((e: AppEvent) => {
        if (e.type === 'cluster-clients') views.push(e.view);
      });
      const info = await service.startCluster({ nodes: 3, seed: 5, service: { machine: 'kv' }, clients: { count: 2, workload: 'kv:keys=2,ops=25', thinkMs: 2, start: false } });
      const idle = await service.getClients(info.clusterId);
      expect(idle).toMatchObject({ model: 'kv', phase: 'idle', completed: 0, verdict: { verdict: 'none' } });
      expect(idle!.clients.map((c) => c.client)).toEqual(['c1', 'c2']);
      // Nothing runs until asked.
      await new Promise((r) => setTimeout(r, 300));
      expect((await service.checkHistory({ clusterId: info.clusterId })).operations).toEqual([]);

      await service.startClients(info.clusterId);
      await expect(service.startClients(info.clusterId)).rejects.toMatchObject({ code: 'conflict' });
      expect(await until(() => views.some((v) => v.phase === 'done'), 30_000)).toBe(true);
      // The last check after the run judged every operation.
      expect(await until(() => views.at(-1)!.verdict.checkedOps === views.at(-1)!.completed, 10_000)).toBe(true);
      const last = views.at(-1)!;
      expect(last.verdict.verdict).toBe('ok');
      expect(last.verdict.summary).toMatch(/^linearizable \(kv model\)/);
      // c1 also makes the final reads of the appended keys.
      const finalReads = planWorkload(parseWorkloadText('kv:keys=2,ops=25'), 2, 5).finalReads.length;
      expect(last.completed).toBe(50 + finalReads);
      for (const c of last.clients) {
        expect(c.ok + c.fail + c.info).toBe(c.client === 'c1' ? 25 + finalReads : 25);
        expect(c.outstanding).toBe(false);
        expect(c.p50Ms).toBeGreaterThan(0);
        expect(c.p99Ms!).toBeGreaterThanOrEqual(c.p50Ms!);
      }
      // Figures grew over the run, not only at its end.
      expect(views.filter((v) => v.phase === 'running' && v.completed > 0 && v.completed < 50 + finalReads).length).toBeGreaterThan(0);
      expect(await service.getClients(info.clusterId)).toEqual(last);
      // The engine's offline check agrees.
      expect((await service.checkHistory({ clusterId: info.clusterId })).verdict).toBe('ok');
      await service.stopClients(info.clusterId);
      expect((await service.getClients(info.clusterId))!.phase).toBe('done');
    });
  }, 60_000);

  test('stopping clients mid-run ends them (phase stopped); a cluster without clients refuses', async () => {
    await withService(async (service) => {
      const info = await service.startCluster({ nodes: 3, seed: 6, service: { machine: 'lock' }, clients: { count: 2, workload: 'lock:locks=1,ops=400', thinkMs: 5 } });
      for (const end = performance.now() + 20_000; performance.now() < end; ) {
        if ((await service.getClients(info.clusterId))!.completed >= 10) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await service.stopClients(info.clusterId);
      const stopped = (await service.getClients(info.clusterId))!;
      expect(stopped.phase).toBe('stopped');
      expect(stopped.completed).toBeGreaterThanOrEqual(10);
      expect(stopped.completed).toBeLessThan(800);
      const after = stopped.completed;
      await new Promise((r) => setTimeout(r, 400));
      // Nothing is invoked after the stop (an outstanding operation became info at once).
      const again = (await service.getClients(info.clusterId))!;
      expect(again.clients.every((c) => !c.outstanding)).toBe(true);
      expect(again.completed).toBe(after);

      const plain = await service.startCluster({ nodes: 3, seed: 1 });
      expect(await service.getClients(plain.clusterId)).toBeNull();
      await expect(service.startClients(plain.clusterId)).rejects.toMatchObject({ code: 'bad-argument' });
      await expect(service.stopClients(plain.clusterId)).rejects.toMatchObject({ code: 'bad-argument' });
    });
  }, 60_000);
});
