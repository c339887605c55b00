/**
 * Clients on a real cluster: sessions hosted by the supervisor, their requests and the nodes'
 * answers relayed (and faulted) by the hub between real node processes, the history recorded in the
 * trace and judged from it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startCluster } from '../../electron/engine/cluster/index.js';
import { parseWorkloadText, planWorkload } from '../../electron/engine/clients/index.js';
import { buildHistory, checkLinearizability } from '../../electron/engine/history/index.js';
import { readTrace } from '../../electron/engine/trace/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'paxlab.js'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-clients-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('client sessions on a real cluster', () => {
  test('the reference single-decree node with 3 clients: paxlab check --model log accepts the history', async () => {
    const trace = path.join(dir, 'ref.jsonl');
    const run = await cli(['run', '--nodes', '3', '--clients', '3', '--workload', 'log:ops=1', '--loss', '0.1', '--seed', '5', '--trace', trace]);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    const events = readTrace(trace);
    expect(events[0]).toMatchObject({ source: 'cluster', clients: ['c1', 'c2', 'c3'], model: 'log' });
    const ops = buildHistory(events).operations;
    expect(ops).toHaveLength(3);
    // One command was chosen and its client saw it; the others were refused or are unknown.
    expect(ops.filter((o) => o.status === 'ok')).toHaveLength(1);
    // The requests crossed the hub: client lanes in the messages.
    expect(events.some((e) => e.type === 'deliver' && e.from === 'c1')).toBe(true);
    const check = await cli(['check', trace, '--model', 'log']);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/^linearizable \(log model\)/);
  }, 60_000);

  test('the two-server fixture on real processes is rejected, naming two clients whose views conflict', async () => {
    const module = path.join(dir, 'two-server-node.mjs');
    await build({ entryPoints: [path.join(root, 'test/fixtures/two-server-node.ts')], bundle: true, format: 'esm', platform: 'node', outfile: module, logLevel: 'error' });
    const plan = planWorkload(parseWorkloadText('log:ops=8'), 2, 1);
    const cluster = startCluster({ nodes: 2, seed: 3, network: { minDelayMs: 1, maxDelayMs: 15 }, nodeProgram: { module }, clients: { plan } });
    try {
      await cluster.ready;
      cluster.startClients();
      expect(await cluster.waitForClients(30_000)).toBe(true);
      cluster.endClients();
      const r = checkLinearizability(cluster.trace, { model: 'log' });
      expect(r.verdict).toBe('illegal');
      if (r.verdict !== 'illegal') return;
      expect(r.views).toBeDefined();
      expect(new Set([r.views!.a.client, r.views!.b.client])).toEqual(new Set(['c1', 'c2']));
    } finally {
      await cluster.shutdown();
    }
  }, 60_000);
});

describe('the app service starts a cluster with clients and judges its history', () => {
  test('startCluster({clients}) runs the workload through the hub; checkHistory({clusterId}) judges it', async () => {
    const { AppService } = await import('../../electron/engine/app/app-service.js');
    const { createEnginePorts } = await import('../../electron/engine/app/engine-ports.js');
    const { ApiError } = await import('../../electron/api.js');
    const service = await AppService.create({ workspaceDir: path.join(dir, 'ws'), mode: 'browser', version: 't', ports: createEnginePorts(), watch: false });
    try {
      await expect(service.startCluster({ nodes: 3, clients: { count: 2, workload: 'queue:ops=1' } })).rejects.toThrow(ApiError);
      const info = await service.startCluster({ nodes: 3, seed: 2, clients: { count: 3, workload: 'log:ops=1' } });
      const deadline = performance.now() + 20_000;
      let report = await service.checkHistory({ clusterId: info.clusterId });
      while (report.operations.filter((o) => o.status !== 'info' || o.ret !== null).length < 3 && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        report = await service.checkHistory({ clusterId: info.clusterId });
      }
      expect(report).toMatchObject({ model: 'log', verdict: 'ok', clients: ['c1', 'c2', 'c3'] });
      expect(report.operations.filter((o) => o.status === 'ok')).toHaveLength(1);
      await service.stopCluster(info.clusterId);
    } finally {
      await service.shutdown();
    }
  }, 60_000);
});
