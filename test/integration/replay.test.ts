/**
 * `paxlab replay`: a recorded 5-node real-cluster run with loss, duplication, a crash and a restart
 * (and clients) is rerun with the same node code in one process and reproduces every recorded send,
 * decision and reply, event for event; a changed recording or other node code is caught at the
 * first event that differs.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../../electron/engine/cluster/index.js';
import { parseWorkloadText, planWorkload } from '../../electron/engine/clients/index.js';
import { replayClusterTrace } from '../../electron/engine/replay/index.js';
import { writeTrace, type TraceEvent } from '../../electron/engine/trace/index.js';
import { Simulation } from '../../electron/engine/sim/index.js';
import { SingleDecreeNode, nodeClassWithRoles } from '../../labs/paxos-node/node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let recorded: TraceEvent[];

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'paxlab.js'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-replay-'));
  const plan = planWorkload(parseWorkloadText('log:ops=2'), 3, 11);
  const cluster = startCluster({ nodes: 5, seed: 11, network: { loss: 0.2, dup: 0.1, minDelayMs: 1, maxDelayMs: 8 }, clients: { plan } });
  try {
    await cluster.ready;
    cluster.startClients();
    await cluster.runSchedule([
      { at: 60, action: 'crash', node: 1 },
      { at: 400, action: 'restart', node: 1 },
    ]);
    await cluster.waitForClients(30_000);
    cluster.endClients();
    await cluster.waitFor((c) => c.liveNodes().every((n) => c.decisions().has(n)), 20_000).catch(() => {});
    recorded = [...cluster.trace];
  } finally {
    await cluster.shutdown();
  }
  writeTrace(path.join(dir, 'run.jsonl'), recorded);
}, 90_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replaying a recorded 5-node cluster run', () => {
  test('the recording has what the test claims: loss, duplication, a crash and a restart, clients', () => {
    const types = new Set(recorded.map((e) => e.type));
    for (const t of ['drop', 'duplicate', 'crash', 'restart', 'start', 'timer', 'invoke', 'decide']) expect(types.has(t as TraceEvent['type']), t).toBe(true);
    expect(recorded.some((e) => e.type === 'drop' && e.reason === 'loss')).toBe(true);
  });

  test('reproduces every recorded send, decision and reply, event for event', () => {
    const r = replayClusterTrace(recorded, { nodeClass: SingleDecreeNode });
    expect(r, JSON.stringify(r)).toMatchObject({ verdict: 'reproduced', nodes: 5, lives: 6 });
    if (r.verdict !== 'reproduced') return;
    const outputs = recorded.filter((e) => (e.type === 'send' && typeof e.from === 'number') || e.type === 'decide' || e.type === 'client-reply').length;
    expect(r.outputs).toBe(outputs);
  });

  test('a recording changed in one message diverges at exactly that event', () => {
    // In a life that does not end in a crash: the last outputs of one that does may have been cut
    // off with it, and the replay allows that, so a change there may show only later.
    const crashedLater = (i: number, node: number) => recorded.slice(i + 1).some((e) => e.type === 'crash' && e.node === node);
    const field = (m: Record<string, unknown>) => ['crnd', 'rnd'].find((f) => typeof m[f] === 'number');
    const target = recorded.filter((e, i) => e.type === 'send' && typeof e.from === 'number' && !crashedLater(i, e.from) && field(e.msg) !== undefined).at(-1)!;
    expect(target, 'a send carrying a round, in a life that does not crash').toBeDefined();
    const f = target.type === 'send' ? field(target.msg)! : '';
    const changed = recorded.map((e) => (e === target && e.type === 'send' ? { ...e, msg: { ...e.msg, [f]: 999 } } : e));
    const r = replayClusterTrace(changed, { nodeClass: SingleDecreeNode });
    expect(r.verdict).toBe('diverged');
    if (r.verdict !== 'diverged') return;
    expect(r.divergence.seq).toBe(target.seq);
    expect(r.divergence.message).toMatch(new RegExp(`"${f}":999`));
  });

  test('other node code (another heartbeat period) diverges, naming the first event that differs', () => {
    const r = replayClusterTrace(recorded, { nodeClass: nodeClassWithRoles({}, { heartbeatMs: 35 }) });
    expect(r.verdict).toBe('diverged');
    if (r.verdict === 'diverged') expect(r.divergence.message).toMatch(/node \d/);
  });

  test('paxlab replay: exit 0 reproduced, 1 diverged, 2 not replayable', async () => {
    const ok = await cli(['replay', path.join(dir, 'run.jsonl')]);
    expect(ok.stderr).toBe('');
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringMatching(/^reproduced, event for event: 5 nodes, 6 lives/)]);

    const target = recorded.find((e) => e.type === 'decide')!;
    writeTrace(path.join(dir, 'changed.jsonl'), recorded.map((e) => (e === target && e.type === 'decide' ? { ...e, value: 'forged' } : e)));
    const bad = await cli(['replay', path.join(dir, 'changed.jsonl')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`^DIVERGED at #${target.seq}: node ${target.type === 'decide' ? target.node : 0} was recorded with a decision "forged"`));

    const sim = new Simulation({ nodes: 3, nodeClass: SingleDecreeNode, seed: 1 });
    sim.clientRequest(1, 'x');
    sim.runUntil({ allDecided: true, timeMs: 5000 });
    writeTrace(path.join(dir, 'sim.jsonl'), sim.trace);
    const sim2 = await cli(['replay', path.join(dir, 'sim.jsonl')]);
    expect([sim2.code, sim2.stdout]).toEqual([2, expect.stringMatching(/cannot replay: only a real cluster's trace can be replayed \(this one's source is sim\)/)]);
  }, 30_000);
});
