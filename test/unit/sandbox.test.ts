// Isolation: student code that throws, hangs, returns garbage, mutates its input, reaches for its
// process, or allocates without bound fails THAT test with that reason, and grading goes on.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeModule, runInSandbox, type GradeReport } from '../../electron/engine/grading/index.js';
import { buildStudentModule } from '../../electron/engine/build/index.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const isolation = (name: string) => path.join(fixtures, 'isolation', name, 'acceptor.ts');
// Short limits keep the hang and the allocation cases fast.
const limits = { callMs: 400, memoryMb: 64 };
// The isolation cases are about replaying one role's calls: trace tests only (the cluster kinds are below).
const traceOnly = { only: ['trace' as const] };

/**
 * Every fixture misbehaves only in handleAccept: the traces with an ACCEPT must fail with the given
 * reason, and the PREPARE-only traces that run after them must still pass (a fresh process).
 */
function expectIsolated(r: GradeReport, reason: string, rule: string): void {
  expect(r.status).toBe('graded');
  const failed = r.tests.filter((t) => !t.passed);
  const passed = r.tests.filter((t) => t.passed);
  expect(failed.length).toBeGreaterThan(0);
  for (const t of failed) {
    expect(t.failure?.reason, `${t.id}: ${t.failure?.message}`).toBe(reason);
    expect(t.failure?.rule.id).toBe(rule);
    expect(t.failure?.call).toBe('handleAccept');
    expect(t.failure?.testing?.id).toMatch(/^acceptor\.accept\./);
  }
  const firstFailure = r.tests.findIndex((t) => !t.passed);
  const passedAfter = r.tests.slice(firstFailure + 1).filter((t) => t.passed).map((t) => t.name);
  expect(passedAfter).toEqual(expect.arrayContaining(['first-prepares', 'prepare-equal-round', 'prepare-lower-round']));
  expect(passed.length).toBe(3);
}

describe('sandbox isolation', () => {
  it('a handler that throws: reason throws, rule api.no-throw, stack mapped to the student TS lines', async () => {
    const r = await gradeModule('acceptor', isolation('throws'), { limits, ...traceOnly });
    expectIsolated(r, 'throws', 'api.no-throw');
    const f = r.tests.find((t) => !t.passed)!.failure!;
    expect(f.message).toMatch(/threw Error: round \d+ vs \d+: not implemented yet/);
    expect(f.stack).toMatch(/at checkRound \(acceptor\.ts:6:9\)/);
    expect(f.stack).toMatch(/at Acceptor\.handleAccept \(acceptor\.ts:26:12\)/);
    expect(f.stack).not.toMatch(/sandbox\.js|student\.mjs/);
  });

  it('an infinite loop: killed at the per-call CPU limit, reason timeout, the call named', async () => {
    const r = await gradeModule('acceptor', isolation('hangs'), { limits, ...traceOnly });
    expectIsolated(r, 'timeout', 'api.time-limit');
    const f = r.tests.find((t) => !t.passed)!.failure!;
    expect(f.message).toMatch(/^handleAccept \(node \d+, step \d+\) ran past the CPU time limit of 400 ms$/);
    expect(f.message).toContain(`step ${f.step}`);
  });

  it('garbage output: reason garbage, rule api.returns-message', async () => {
    const r = await gradeModule('acceptor', isolation('garbage'), { limits, ...traceOnly });
    expectIsolated(r, 'garbage', 'api.returns-message');
    const f = r.tests.find((t) => !t.passed)!.failure!;
    expect(f.message).toMatch(/returned "learned", not a learn message or null/);
    expect(f.actual).toBe('learned');
  });

  it('mutating the input: reason mutates-input, names the field and both values', async () => {
    const r = await gradeModule('acceptor', isolation('mutates'), { limits, ...traceOnly });
    expectIsolated(r, 'mutates-input', 'api.no-mutation');
    expect(r.tests.find((t) => !t.passed)!.failure!.message).toMatch(/changed its input: rnd was (\d+), became 1\d\d/);
  });

  it('process.exit: there is no process to end; the verdict says so (rule api.no-host)', async () => {
    const r = await gradeModule('acceptor', isolation('exits'), { limits, ...traceOnly });
    expectIsolated(r, 'throws', 'api.no-host');
    expect(r.tests.find((t) => !t.passed)!.failure!.message).toMatch(/threw TypeError: .*'exit'.* — process is not available: role code runs with standard JavaScript/);
  });

  it('killing its own process: there is no process to signal; the verdict says so', async () => {
    const r = await gradeModule('acceptor', isolation('kills'), { limits, ...traceOnly });
    expectIsolated(r, 'throws', 'api.no-host');
    expect(r.tests.find((t) => !t.passed)!.failure!.message).toMatch(/process is not available/);
  });

  it('allocating without bound: reason memory, rule api.memory-limit', async () => {
    // A generous time limit: the heap cap, not the clock, should stop it.
    const r = await gradeModule('acceptor', isolation('allocates'), { limits: { callMs: 2000, memoryMb: 64 }, ...traceOnly });
    expectIsolated(r, 'memory', 'api.memory-limit');
    const f = r.tests.find((t) => !t.passed)!.failure!;
    expect(f.message).toMatch(/memory|allocated without bound/);
    expect(f.output ?? '').not.toMatch(/Native stack trace/);
  });

  it('handing out the same output object twice: reason not-fresh, only that test fails', async () => {
    const r = await gradeModule('acceptor', isolation('not-fresh'), { limits, hidden: true, ...traceOnly });
    const failed = r.tests.filter((t) => !t.passed);
    expect(failed.map((t) => t.name).sort()).toEqual(['accept-equal-after-higher-prepare', 'accept-repeated', 'duplicate-prepares']);
    for (const t of failed) expect(t.failure).toMatchObject({ reason: 'not-fresh', rule: { id: 'api.fresh-output' } });
  });

  it('a handler that hangs during a scenario or a search fails that test by name; every later test still runs', async () => {
    const r = await gradeModule('acceptor', isolation('hangs'), { limits, only: ['scenario', 'search'] });
    expect(r.status).toBe('graded');
    expect(new Set(r.tests.map((t) => t.kind))).toEqual(new Set(['scenario', 'search']));
    // Each test's process is killed at the limit: had one death stopped the run, later tests would be missing.
    for (const t of r.tests) {
      expect(t.passed, t.id).toBe(false);
      expect(t.failure, t.id).toMatchObject({ reason: 'timeout', rule: { id: 'api.time-limit' } });
      expect(t.failure!.message).toMatch(/could not finish.*handleAccept \(node \d+.*\) ran past the CPU time limit of 400 ms/);
      if (t.kind === 'scenario') expect(t.failure!.message).toMatch(/\(seed \d+\).*seed \d+/);
    }
  });

  it("a handler that throws inside a cluster: the checker's verdict points at the throw", async () => {
    const r = await gradeModule('acceptor', isolation('throws'), { limits, only: ['scenario'] });
    const failed = r.tests.filter((t) => !t.passed);
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) {
      expect(t.failure!.rule.id).toMatch(/^scenario\./);
      expect(t.failure!.message).toMatch(/first sign of trouble: node \d+ at \d+ ms: acceptor\.handleAccept threw: round \d+ vs \d+: not implemented yet/);
    }
  });

  it('student code cannot load node:fs to read the hidden traces: the build refuses it', async () => {
    const flags = process.allowedNodeEnvironmentFlags;
    expect(flags.has('--permission') || flags.has('--experimental-permission')).toBe(true);
    const r = await gradeModule('acceptor', path.join(fixtures, 'isolation/snoops/acceptor.js'), { limits, ...traceOnly });
    expect(r.status).toBe('build-error');
    expect(r.tests).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ file: 'acceptor.js', line: 4, severity: 'error' });
    expect(r.diagnostics[0].message).toMatch(/top-level await is not available/);
  });

  it('a module that throws while loading is a load error, not a test failure', async () => {
    const r = await gradeModule('acceptor', path.join(fixtures, 'broken/load-throws/acceptor.ts'), { limits });
    expect(r.status).toBe('load-error');
    expect(r.loadError?.message).toMatch(/setup failed while loading/);
    expect(r.loadError?.stack).toMatch(/acceptor\.ts:4:\d+/);
  });

  it('runInSandbox runs one job and reports an unknown job kind without dying', async () => {
    const b = await buildStudentModule(path.join(fixtures, 'learner/string-keys/learner.ts'), { exportName: 'Learner' });
    expect(b.ok).toBe(true);
    if (!b.ok) return;
    const payload = { exportName: 'Learner', node: { id: 1, nodes: [1, 2, 3] }, steps: [{ call: 'handleLearn', input: { kind: 'learn', from: 1, rnd: 1, val: 'v' } }, { call: 'handleLearn', input: { kind: 'learn', from: 2, rnd: 1, val: 'v' } }] };
    const ok = await runInSandbox({ code: b.code }, { kind: 'replay', payload }, { callCpuMs: 2000, memoryMb: 64 });
    expect(ok.ok).toBe(true);
    expect(ok.progress.map((p) => (p as { out?: unknown }).out)).toEqual([undefined, { json: null }, { json: 'v' }]);
    const unknown = await runInSandbox({ code: b.code }, { kind: 'no-such-job', payload: {} }, { callCpuMs: 2000, memoryMb: 64 });
    expect(unknown).toMatchObject({ ok: false, reason: 'job-error', message: "unknown sandbox job kind 'no-such-job'" });
  });
});
