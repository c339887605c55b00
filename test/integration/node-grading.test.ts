// Grading whole-node labs end to end: a node lab pack (test/fixtures/nodes/labs/log-service, the
// built-in node-tests provider) graded through gradeModule — build, type check, sandbox child,
// guarded node, simulation runs and the node search — with verdicts that name their rules, the
// failing run's trace and history, JUnit and Gradescope reports, the lab check, the CLI, and the
// same report every time while another process burns a core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingRunOf } from '../../electron/engine/failing-run/index.js';
import { buildHistory } from '../../electron/engine/history/index.js';
import { checkLab, gradeModule, listLabs, toGradescope, toJUnitXml, type GradeReport } from '../../electron/engine/grading/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const LABS = path.join(root, 'test/fixtures/nodes/labs');
const LAB = path.join(LABS, 'log-service');
const before = process.env.PAXLAB_LABS_DIR;
let burner: ChildProcess;

beforeAll(() => {
  process.env.PAXLAB_LABS_DIR = LABS;
  burner = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
});
afterAll(() => {
  burner.kill('SIGKILL');
  if (before === undefined) delete process.env.PAXLAB_LABS_DIR;
  else process.env.PAXLAB_LABS_DIR = before;
});

const timeless = (r: GradeReport) => JSON.stringify(r, (k, v) => (k === 'durationMs' || k === 'elapsedMs' || k === 'statesPerSecond' ? undefined : v)).replace(/; \d+ node states/g, '');
const failed = (r: GradeReport) => r.tests.filter((t) => !t.passed);

describe('whole-node labs', () => {
  it('list as node labs', async () => {
    expect(await listLabs()).toEqual([expect.objectContaining({ id: 'log-service', role: 'node', points: 10 })]);
  });

  it('the reference passes every test, the search exhaustive; the verdict is the same under load', async () => {
    const a = await gradeModule('log-service', path.join(LAB, 'reference/node.ts'), { hidden: true });
    expect(a.status).toBe('graded');
    expect(failed(a).map((t) => `${t.id}: ${t.failure?.message}`)).toEqual([]);
    expect(a.tests.map((t) => t.id)).toEqual(['node:calm', 'node:lossy', 'node:reordering', 'node:cost', 'node:lock-service', 'node-search:all-orders']);
    expect(a.score).toBe(10);
    const search = a.tests.find((t) => t.kind === 'node-search')!;
    expect(search.notes[0]).toMatch(/^exhaustive: \d+ states/);
    expect(search.notes[1]).toMatch(/^goal reached in 12 steps/);
    const b = await gradeModule('log-service', path.join(LAB, 'reference/node.ts'), { hidden: true });
    expect(burner.exitCode).toBeNull();
    expect(timeless(b)).toBe(timeless(a));
  }, 180_000);

  it('the do-nothing starter fails by rule: no answers, and the search\'s goal unreached', async () => {
    const r = await gradeModule('log-service', path.join(LAB, 'starter/node.ts'));
    expect(r.passed).toBe(false);
    expect(new Set(failed(r).map((t) => t.failure!.rule.id))).toEqual(new Set(['node.complete', 'node-search.goal']));
    expect(r.safety).toBeUndefined();
  });

  it('a safety bug names its check, carries the failing run (trace and history) and caps the score', async () => {
    const r = await gradeModule('log-service', path.join(LAB, 'mutants/follower-executes.ts'), { only: ['node'] });
    const t = failed(r)[0];
    expect(t.failure).toEqual(expect.objectContaining({ reason: 'violation', checker: 'linearizable', safety: true, seed: 1 }));
    expect(t.failure!.rule).toEqual(expect.objectContaining({ id: 'node.linearizable' }));
    expect(t.failure!.testing).toEqual(expect.objectContaining({ id: 'log-service.order' }));
    expect(t.failure!.message).toMatch(/^seed 1 \(3 nodes, 2 clients/);
    // The failing-run view and the history view draw it from the trace.
    const run = failingRunOf(t)!;
    expect(run).not.toBeNull();
    const history = buildHistory(t.failure!.trace as never[]);
    expect(history.operations.length).toBeGreaterThan(0);
    expect(t.failure!.events!.length).toBeGreaterThan(0);
    expect(r.safety).toEqual(expect.objectContaining({ checkers: ['linearizable'], maxScore: 5 }));
    const junit = toJUnitXml(r);
    expect(junit).toContain('classname="log-service.node.public"');
    expect(junit).toContain('type="node.linearizable"');
    const gs = toGradescope(r);
    expect(gs.tests.find((x) => x.name.includes('calm'))).toEqual(expect.objectContaining({ status: 'failed', score: 0 }));
  });

  it('a node that throws is named by api.no-throw with its stack mapped to the student\'s file', async () => {
    const r = await gradeModule('log-service', path.join(LAB, 'mutants/throws-on-learn.ts'), { only: ['node'] });
    const t = failed(r)[0];
    expect(t.failure).toEqual(expect.objectContaining({ reason: 'throws', call: 'onMessage' }));
    expect(t.failure!.rule.id).toBe('api.no-throw');
    expect(t.failure!.message).toMatch(/^node [23] at \d+ ms: onMessage threw TypeError/);
    expect(t.failure!.stack).toMatch(/throws-on-learn\.ts:\d+/);
  });

  it('a node that hangs is stopped by its CPU limit, by rule, and the next test runs', async () => {
    const r = await gradeModule('log-service', path.join(root, 'test/fixtures/nodes/hangs.ts'), { only: ['node'], limits: { callMs: 100 } });
    expect(r.status).toBe('graded');
    expect(r.tests).toHaveLength(4);
    for (const t of r.tests) expect(t.failure?.rule.id).toBe('api.time-limit');
    expect(r.tests[0].failure!.seed).toBe(1);
  }, 120_000);

  it('lab check: reference passes, starter fails, every mutant caught with its expected rule', async () => {
    const r = await checkLab('log-service', { jobs: 2 });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.killRate).toBe(1);
    expect(r.mutants.map((m) => [m.file, m.missed])).toEqual([
      ['mutants/follower-executes.ts', []],
      ['mutants/no-dedup.ts', []],
      ['mutants/no-retransmit.ts', []],
      ['mutants/own-slot-order.ts', []],
      ['mutants/sends-to-stranger.ts', []],
      ['mutants/throws-on-learn.ts', []],
    ]);
  }, 300_000);

  it('the CLI grades a node module with the exit codes of the role labs', () => {
    const env = { ...process.env, PAXLAB_LABS_DIR: LABS };
    const ok = spawnSync(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', 'log-service', path.join(LAB, 'reference/node.ts'), '--only', 'node'], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Score 10\/10/);
    const bad = spawnSync(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', 'log-service', path.join(LAB, 'mutants/no-dedup.ts'), '--only', 'node'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/node\.linearizable/);
  }, 120_000);
});
