/**
 * `paxlab check <trace> [--model] [--json]`: exit 0 linearizable, 1 not (with the explanation),
 * 2 unknown or unreadable input (with the reason). Traces come from simulated runs with clients.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulation } from '../../electron/engine/sim/index.js';
import { parseWorkloadText, planWorkload } from '../../electron/engine/clients/index.js';
import { writeTrace, type TraceEvent } from '../../electron/engine/trace/index.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';
import { Node as TwoServerNode } from '../fixtures/two-server-node.js';
import { Node as SingleServer } from '../fixtures/single-server-node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'paxlab.js'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function simTrace(nodeClass: any, nodes: number, clients: number, workload: string, loss = 0.05, seed = 1): TraceEvent[] {
  const sim = new Simulation({ nodes, nodeClass, seed, network: { loss }, clients: { plan: planWorkload(parseWorkloadText(workload), clients, seed) } });
  sim.runUntil({ clientsDone: true, timeMs: 30_000 });
  sim.endClients();
  return sim.trace;
}

function file(name: string, events: TraceEvent[]): string {
  const f = path.join(dir, name);
  writeTrace(f, events);
  return f;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paxlab check', () => {
  test('exit 0: the reference single-decree node with 3 clients, judged by the log model', async () => {
    const r = await cli(['check', file('ref.jsonl', simTrace(SingleDecreeNode, 3, 3, 'log:ops=1')), '--model', 'log']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^linearizable \(log model\)/);
  });

  test('exit 1: the two-server fixture, with the two clients whose views conflict named', async () => {
    const r = await cli(['check', file('two.jsonl', simTrace(TwoServerNode, 2, 2, 'log:ops=1', 0)), '--model', 'log']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NOT linearizable \(log model\)/);
    expect(r.stdout).toMatch(/conflicting views: c1 saw m1 \(after exec m1, #\d+\); c2 saw m2 \(after exec m2, #\d+\) — neither is a prefix of the other/);
    expect(r.stdout).toMatch(/cannot follow it: c\d exec m\d/);
  });

  test('--json gives the verdict as data; the model defaults to the one the trace names', async () => {
    const r = await cli(['check', path.join(dir, 'two.jsonl'), '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('illegal');
    expect(out.linearizability).toMatchObject({ verdict: 'illegal', model: 'log', key: '' });
    expect(out.linearizability.stuck.client).toMatch(/^c[12]$/);
    expect(out.linearizability.views.a.result).toEqual(['m1']);
  });

  test('a kv history is also checked for exactly-once appends', async () => {
    const r = await cli(['check', file('kv.jsonl', simTrace(SingleServer, 1, 3, 'kv:keys=2,ops=20,mix=append'))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/linearizable \(kv model\)/);
    expect(r.stdout).toMatch(/appends exactly once: 2 keys/);
  });

  test('exit 2: the search budget runs out (unknown, with the reason)', async () => {
    const r = await cli(['check', path.join(dir, 'kv.jsonl'), '--max-steps', '3']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^unknown \(kv model\): the search budget of 3 steps ran out/);
  });

  test('exit 2: unreadable input, a trace without clients, a bad model', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, 'not json\n');
    const r1 = await cli(['check', bad]);
    expect(r1.code).toBe(2);
    expect(r1.stdout).toMatch(/unknown: cannot read the trace: .*line 1: not JSON/s);
    const r2 = await cli(['check', path.join(dir, 'missing.jsonl')]);
    expect([r2.code, r2.stdout]).toEqual([2, expect.stringMatching(/no such trace file/)]);
    const plain = new Simulation({ nodes: 3, nodeClass: SingleDecreeNode, seed: 1 });
    plain.clientRequest(1, 'x');
    plain.runUntil({ allDecided: true, timeMs: 5000 });
    const r3 = await cli(['check', file('plain.jsonl', plain.trace)]);
    expect([r3.code, r3.stdout]).toEqual([2, expect.stringMatching(/nothing to judge/)]);
    const r4 = await cli(['check', path.join(dir, 'ref.jsonl'), '--model', 'queue']);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/--model must be one of kv, lock, log/);
  });
});
