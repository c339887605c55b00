// Lab 04 (multi-paxos) end to end: one module exporting the three multi-decree roles, graded through
// gradeModule — trace replay of every role (ACCEPT lists and promise votes compared element by
// element), scenario tests that put the roles inside the reference service node in the simulator,
// and the multi-decree search — the reports (JUnit, Gradescope), the CLI, and the lab check with
// every mutant caught under its expected rule.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLab, gradeModule, toGradescope, toJUnitXml, type GradeReport } from '../../electron/engine/grading/index.js';
import { engineLabs } from '../../electron/engine/app/lab-files.js';

const root = path.resolve(import.meta.dirname, '../..');
const LAB = path.join(root, 'labs/04-multi-paxos');
const failed = (r: GradeReport) => r.tests.filter((t) => !t.passed);
const timeless = (r: unknown) => JSON.stringify(r, (k, v) => (k === 'durationMs' ? undefined : v));

describe('lab 04: Multi-Paxos roles', () => {
  it('the app lists it and opens its one module, instructions and public traces', async () => {
    const labs = await engineLabs.list();
    expect(labs.find((l) => l.id === 'multi-paxos')).toMatchObject({ role: 'multi-paxos', points: 30, order: 4 });
    const pack = await engineLabs.load('multi-paxos');
    expect(pack.files.map((f) => f.name)).toEqual(['multi-paxos.ts']);
    expect(pack.instructions).toMatch(/multi-paxos\.proposer\.promise\.no-op/);
    expect(pack.publicTraces.length).toBeGreaterThanOrEqual(10);
  });

  it('the reference scores full points on every kind of test, the search exhaustive, the same report twice', async () => {
    const a = await gradeModule('multi-paxos', path.join(LAB, 'reference/multi-paxos.ts'), { hidden: true });
    expect(a.status).toBe('graded');
    expect(failed(a).map((t) => `${t.id}: ${t.failure?.message}`)).toEqual([]);
    expect(a.score).toBe(30);
    const kinds = new Set(a.tests.map((t) => t.kind));
    expect(kinds).toEqual(new Set(['trace', 'scenario', 'search']));
    expect(a.tests.filter((t) => t.kind === 'trace' && t.set === 'hidden').length).toBeGreaterThan(0);
    expect(a.tests.find((t) => t.kind === 'search')!.notes[0]).toMatch(/^exhaustive: \d+ states/);
    // Verdicts depend on the submission and the lab only: the simulated runs give the same results again.
    const b = await gradeModule('multi-paxos', path.join(LAB, 'reference/multi-paxos.ts'), { hidden: true, only: ['scenario'] });
    expect(timeless({ ...b, tests: b.tests.map((t) => ({ ...t, maxPoints: 0, points: 0 })) }.tests)).toBe(
      timeless({ ...a, tests: a.tests.filter((t) => t.kind === 'scenario').map((t) => ({ ...t, maxPoints: 0, points: 0 })) }.tests),
    );
  }, 180_000);

  it('the starter builds and fails by rule: lab rules in the traces, the search goal unreached', async () => {
    const r = await gradeModule('multi-paxos', path.join(LAB, 'starter/multi-paxos.ts'), { hidden: true, only: ['trace', 'search'] });
    expect(r.status).toBe('graded');
    expect(r.passed).toBe(false);
    const rules = new Set(failed(r).map((t) => t.failure!.rule.id));
    expect([...rules].every((id) => id.startsWith('multi-paxos.') || id === 'search.multi-goal')).toBe(true);
    expect(rules).toContain('multi-paxos.acceptor.prepare.higher');
    expect(rules).toContain('multi-paxos.proposer.start-round');
    expect(rules).toContain('multi-paxos.learner.quorum');
    expect(rules).toContain('search.multi-goal');
    expect(r.safety).toBeUndefined();
  }, 120_000);

  it('a starter that decides nothing earns no scenario points: every scenario asks for answers', async () => {
    const r = await gradeModule('multi-paxos', path.join(LAB, 'starter/multi-paxos.ts'), { only: ['scenario'] });
    expect(r.status).toBe('graded');
    expect(r.tests.filter((t) => t.passed).map((t) => t.id)).toEqual([]);
    expect(r.score).toBe(0);
  }, 120_000);

  it('a wrong ACCEPT list names the rule and shows the element that differs; reports carry it', async () => {
    const r = await gradeModule('multi-paxos', path.join(LAB, 'mutants/no-noop-fill.ts'), { only: ['trace'] });
    const t = r.tests.find((x) => x.name === 'proposer-no-op')!;
    expect(t.passed).toBe(false);
    expect(t.failure!.rule.id).toBe('multi-paxos.proposer.promise.no-op');
    expect(t.failure!.message).toMatch(/element 0 of the list/);
    expect(toJUnitXml(r)).toContain('multi-paxos.proposer.promise.no-op');
    expect(JSON.stringify(toGradescope(r))).toContain('proposer-no-op');
  }, 60_000);

  it('a module lacking one of the three classes is a build error that names it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mp-missing-'));
    try {
      const text = (await readFile(path.join(LAB, 'starter/multi-paxos.ts'), 'utf8')).replace('export class Learner', 'class Learner');
      await writeFile(path.join(dir, 'multi-paxos.ts'), text + '\nvoid Learner;\n');
      const r = await gradeModule('multi-paxos', path.join(dir, 'multi-paxos.ts'), { only: ['trace'] });
      expect(r.status).toBe('build-error');
      expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(/lacks 'Learner'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a role that throws inside the service node fails the scenarios by that throw, not by the silence it causes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mp-throws-'));
    try {
      const mutant = await readFile(path.join(LAB, 'mutants/accept-once.ts'), 'utf8');
      const text = mutant.replace('handleAccept(msg: MultiAcceptMsg): MultiLearnMsg | null {', "handleAccept(msg: MultiAcceptMsg): MultiLearnMsg | null {\n    if (msg.slot === 2) throw new Error('no room for slot 2');");
      expect(text).not.toBe(mutant);
      await writeFile(path.join(dir, 'multi-paxos.ts'), text);
      const r = await gradeModule('multi-paxos', path.join(dir, 'multi-paxos.ts'), { only: ['scenario'] });
      expect(r.status).toBe('graded');
      const fails = failed(r);
      expect(fails.length).toBeGreaterThan(0);
      for (const t of fails) {
        expect(t.failure!.rule.id, t.id).toBe('scenario.no-errors');
        expect(t.failure!.message, t.id).toMatch(/acceptor\.handleAccept threw: no room for slot 2/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a safety bug inside the service node names its scenario check and caps the score', async () => {
    const r = await gradeModule('multi-paxos', path.join(LAB, 'mutants/reuses-slot.ts'), { only: ['scenario'] });
    const t = failed(r)[0];
    expect(t.failure!.rule.id).toBe('scenario.agreement');
    expect(t.failure!.trace!.length).toBeGreaterThan(0);
    expect(r.safety?.capped ?? false).toBe(false); // every scenario failed: the cap cannot lower a zero
    expect(r.safety?.checkers).toContain('agreement');
  }, 120_000);

  it('lab check: traces fresh, every rule exercised, reference passes, starter fails, every mutant caught by its rule', async () => {
    const r = await checkLab('multi-paxos', { jobs: 2 });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.coverage.uncovered).toEqual([]);
    expect(r.mutants.length).toBeGreaterThanOrEqual(15);
    expect(r.mutants.filter((m) => !m.caught || m.missed.length).map((m) => m.file)).toEqual([]);
    expect(r.killRate).toBe(1);
  }, 400_000);

  it('the CLI grades it with the role labs\' exit codes', () => {
    const cli = path.join(root, 'bin/paxlab.js');
    const ok = spawnSync(process.execPath, [cli, 'grade', 'multi-paxos', path.join(LAB, 'reference/multi-paxos.ts'), '--only', 'trace'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Score 30\/30/);
    const bad = spawnSync(process.execPath, [cli, 'grade', 'multi-paxos', path.join(LAB, 'mutants/learner-in-order.ts'), '--only', 'trace'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/multi-paxos\.learner\.out-of-order/);
  }, 120_000);
});
