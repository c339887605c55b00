import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apportionTenths, gradeModule, loadLab, safetyVerdict, type TestKindName } from '../../electron/engine/grading/index.js';
import type { TestResult } from '../../electron/engine/grading/verdict.js';
import { SCENARIO_RULES } from '../../electron/engine/scenarios/scenario-kind.js';
import { SEARCH_RULES } from '../../electron/engine/search/search-kind.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const LABS = ['acceptor', 'proposer', 'learner'] as const;

/** Correct implementations written in other styles than the reference: they pass every kind of test. */
const OTHER_STYLES: Record<(typeof LABS)[number], string[]> = {
  acceptor: ['acceptor/functional/acceptor.ts', 'acceptor/vote-history/acceptor.js'],
  proposer: ['proposer/tally-class/proposer.ts', 'proposer/voters-js/proposer.js'],
  learner: ['learner/string-keys/learner.ts', 'learner/pairs-js/learner.js'],
};

/**
 * Correct implementations whose state is in JavaScript `#private` fields: trace replay and the
 * simulated clusters judge outputs only, so they pass those; the search must clone the state and
 * cannot, and says so.
 */
const PRIVATE_STATE: Record<(typeof LABS)[number], string[]> = {
  acceptor: ['acceptor/private-js/acceptor.js'],
  proposer: ['proposer/round-record/proposer.ts'],
  learner: [],
};

// Sorted, to compare with the kinds a report holds.
const ALL_KINDS: TestKindName[] = ['scenario', 'search', 'trace'];
/** Checker-named rules of the cluster kinds: `scenario.<checker>`, `search.<checker>`. */
const CHECKER_RULES: Record<string, Record<string, string>> = { scenario: SCENARIO_RULES, search: SEARCH_RULES };

describe('grading the lab packs', () => {
  for (const id of LABS) {
    it(`${id}: the reference passes every public and hidden trace with full points`, async () => {
      const lab = await loadLab(id);
      const r = await gradeModule(id, lab.referencePath, { hidden: true });
      expect(r.status).toBe('graded');
      expect(r.tests.filter((t) => !t.passed).map((t) => t.failure?.message)).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.score).toBe(lab.manifest.points);
      expect(r.tests.some((t) => t.set === 'hidden')).toBe(true);
      expect([...new Set(r.tests.map((t) => t.kind))].sort()).toEqual(ALL_KINDS);
      // However many tests of however many kinds, their shares add up to the lab's points.
      expect(r.tests.reduce((s, t) => s + t.maxPoints, 0)).toBeCloseTo(lab.manifest.points, 5);
    });

    it(`${id}: the starter builds and fails, each failure naming a rule of the lab`, async () => {
      const lab = await loadLab(id);
      const r = await gradeModule(id, lab.starterPath, { hidden: true });
      expect(r.status).toBe('graded');
      expect(r.counts.failed).toBeGreaterThan(0);
      const ruleIds = new Set(lab.manifest.rules.map((x) => x.id));
      const failed = r.tests.filter((x) => !x.passed);
      // Every kind finds the starter wanting.
      expect([...new Set(failed.map((t) => t.kind))]).toEqual(expect.arrayContaining(['trace', 'scenario', 'search']));
      // A do-nothing role is safe, so the search fails it on its goal: every search test, no points.
      const search = r.tests.filter((t) => t.kind === 'search');
      expect(search.length).toBeGreaterThan(0);
      for (const t of search) {
        expect(t.passed, t.id).toBe(false);
        expect(t.failure, t.id).toMatchObject({ reason: 'violation', checker: 'goal', message: expect.stringMatching(/no order of deliveries .*lets (a value be chosen|a learner decide)/) });
      }
      for (const t of failed) {
        const f = t.failure!;
        expect(f.rule.text.length, t.id).toBeGreaterThan(10);
        if (t.kind === 'trace') {
          // A trace step names the rule of the lab it tests.
          expect(ruleIds, `${t.id} names ${f.rule.id}`).toContain(f.rule.id);
        } else {
          // A cluster test names the checker the run broke (agreement, validity, liveness, …).
          expect(f.reason, `${t.id}: ${f.message}`).toBe('violation');
          expect(Object.keys(CHECKER_RULES[t.kind]), `${t.id} names checker ${f.checker}`).toContain(f.checker);
          expect(f.rule).toEqual({ id: `${t.kind}.${f.checker}`, text: CHECKER_RULES[t.kind][f.checker!] });
        }
      }
    });

    for (const rel of OTHER_STYLES[id]) {
      it(`${id}: a correct implementation in another style passes (${rel})`, async () => {
        const r = await gradeModule(id, path.join(fixtures, rel), { hidden: true });
        expect(r.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.failure?.message}`)).toEqual([]);
        expect([...new Set(r.tests.map((t) => t.kind))].sort()).toEqual(ALL_KINDS);
        expect(r.passed).toBe(true);
      });
    }

    for (const rel of PRIVATE_STATE[id]) {
      it(`${id}: correct code with #private state passes trace replay and clusters; the search asks for cloneable state (${rel})`, async () => {
        const r = await gradeModule(id, path.join(fixtures, rel), { hidden: true });
        expect(r.status).toBe('graded');
        const byKind = (k: string) => r.tests.filter((t) => t.kind === k);
        expect(byKind('trace').length).toBeGreaterThan(0);
        expect(byKind('trace').filter((t) => !t.passed).map((t) => `${t.id}: ${t.failure?.message}`)).toEqual([]);
        expect(byKind('scenario').filter((t) => !t.passed).map((t) => `${t.id}: ${t.failure?.message}`)).toEqual([]);
        expect(byKind('search').length).toBeGreaterThan(0);
        for (const t of byKind('search')) {
          expect(t.passed).toBe(false);
          expect(t.failure).toMatchObject({ reason: 'violation', checker: 'uncloneable', rule: { id: 'search.uncloneable', text: SEARCH_RULES.uncloneable } });
          // Names the problem (the #private members, by name) and the way out.
          expect(t.failure!.message).toMatch(/^keep your state cloneable: the \w+ has private members \(#\w+(, #\w+)*\)/);
          expect(t.failure!.message).toMatch(/use ordinary fields and methods \(TypeScript's `private` keyword is fine\)/);
        }
      });
    }
  }

  it('points are shared by weight; public-only grading scales to the full points', async () => {
    const lab = await loadLab('learner');
    const r = await gradeModule('learner', lab.starterPath, { only: ['trace'] });
    expect(r.hidden).toBe(false);
    expect(r.tests.every((t) => t.set === 'public')).toBe(true);
    expect(r.tests.reduce((s, t) => s + t.maxPoints, 0)).toBeCloseTo(lab.manifest.points, 5);
    expect(r.score).toBe(0);
    // Shares follow the weights and are rounded to tenths so that they add up to the points exactly.
    expect(apportionTenths(10, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportionTenths(20, [1, 3])).toEqual([50, 150]);
    const many = apportionTenths(30, [...Array(15).fill(1), 3, 2, ...Array(8).fill(1)]);
    expect(many.reduce((a, b) => a + b, 0)).toBe(300);
    expect(Math.max(...many.slice(0, 15)) - Math.min(...many.slice(0, 15))).toBeLessThanOrEqual(1);
    expect(apportionTenths(10, [])).toEqual([]);
    // Every share of every lab reads as a whole or one-decimal number.
    for (const t of r.tests) expect(Number.isInteger(Math.round(t.maxPoints * 10)) && String(t.maxPoints)).toMatch(/^\d+(\.\d)?$/);
  });

  it('a broken safety property leads the report and caps the score at the manifest\'s share of the points', async () => {
    const lab = await loadLab('proposer');
    expect(lab.manifest.safety).toEqual({ cap: 0.5 });
    // Ignores the values promises report: breaks the chosen-value invariant (search) and agreement (scenarios).
    const r = await gradeModule('proposer', path.join(lab.dir, 'mutants', 'ignores-promised-values.ts'), { hidden: true });
    expect(r.status).toBe('graded');
    const sum = r.tests.reduce((s, t) => s + Math.round(t.points * 10), 0) / 10;
    expect(sum).toBeGreaterThan(15);
    expect(r.safety).toMatchObject({ capped: true, maxScore: 15 });
    expect(r.safety!.checkers).toContain('chosen-invariant');
    expect(r.safety!.tests).toContain('search:all-orders');
    expect(r.score).toBe(15);
    expect(r.passed).toBe(false);
    // Liveness and goal failures are not safety: they do not cap.
    const starter = await gradeModule('proposer', lab.starterPath, { only: ['scenario', 'search'] });
    expect(starter.safety).toBeUndefined();
  }, 120_000);

  it('the safety verdict: only safety checkers count; the cap applies only when it lowers the score', () => {
    const result = (id: string, checker: string | undefined, passed = false): TestResult =>
      ({ id, kind: 'search', name: id, title: id, set: 'public', weight: 1, points: 0, maxPoints: 5, passed, durationMs: 0, notes: [], failure: passed ? undefined : { reason: 'violation', checker, message: '', rule: { id: `search.${checker}`, text: '' }, inputsSoFar: [] } }) as TestResult;
    expect(safetyVerdict([result('a', 'liveness'), result('b', 'goal')], 20, 0.5, 150)).toBeUndefined();
    expect(safetyVerdict([result('a', 'agreement')], 20, 0.5, 150)).toEqual({ tests: ['a'], checkers: ['agreement'], maxScore: 10, capped: true });
    expect(safetyVerdict([result('a', 'integrity')], 20, 0.5, 80)).toMatchObject({ maxScore: 10, capped: false });
    expect(safetyVerdict([result('a', 'validity')], 20, undefined, 150)).toMatchObject({ maxScore: 20, capped: false });
  });

  it('a verdict names the rule, shows the inputs so far, expected vs actual, a field diff and the state', async () => {
    const lab = await loadLab('acceptor');
    const mutant = path.join(lab.dir, 'mutants', 'promise-without-vote.ts');
    const r = await gradeModule('acceptor', mutant, { only: ['trace'] });
    const t = r.tests.find((x) => x.name === 'accept-after-promise')!;
    expect(t.passed).toBe(false);
    const f = t.failure!;
    expect(f.reason).toBe('mismatch');
    expect(f.rule).toEqual({ id: 'acceptor.promise.reports-vote', text: lab.ruleText('acceptor.promise.reports-vote') });
    expect(f.step).toBe(3);
    expect(f.call).toBe('handlePrepare');
    expect(f.inputsSoFar.map((s) => s.call)).toEqual(['handlePrepare', 'handleAccept']);
    expect(f.expected).toEqual({ kind: 'promise', to: 2, from: 1, rnd: 2, vrnd: 1, vval: 'x' });
    expect(f.actual).toEqual({ kind: 'promise', to: 2, from: 1, rnd: 2, vrnd: 0, vval: null });
    expect(f.diff).toEqual([
      { field: 'vrnd', expected: 1, actual: 0 },
      { field: 'vval', expected: 'x', actual: null },
    ]);
    expect(f.state).toMatchObject({ rnd: 2, vrnd: 1, vval: 'x' });
  });

  it("Maps and Sets in the student's state are shown as plain data", async () => {
    const lab = await loadLab('learner');
    const r = await gradeModule('learner', path.join(lab.dir, 'mutants', 'returns-every-time.ts'), { only: ['trace'] });
    const f = r.tests.find((t) => !t.passed)!.failure!;
    expect(f.state).toMatchObject({ votes: { '1': [1, 2] }, learned: 'x' });
  });

  it('fields in another order pass, with a note', async () => {
    const r = await gradeModule('acceptor', path.join(fixtures, 'acceptor/functional/acceptor.ts'), { only: ['trace'] });
    expect(r.passed).toBe(true);
    expect(r.tests.flatMap((t) => t.notes).join('\n')).toMatch(/fields in another order than the student API's/);
  });

  it('an extra field in an output fails as a malformed message', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-extra-'));
    try {
      // A JavaScript acceptor (no type check) whose learn carries one field too many.
      await writeFile(
        path.join(dir, 'acceptor.js'),
        `export class Acceptor {
          constructor(id) { this.id = id; this.rnd = 0; this.vrnd = 0; this.vval = null; }
          handlePrepare(m) {
            if (m.crnd <= this.rnd) return null;
            this.rnd = m.crnd;
            return { kind: 'promise', to: m.from, from: this.id, rnd: m.crnd, vrnd: this.vrnd, vval: this.vval };
          }
          handleAccept(m) {
            if (m.rnd < this.rnd) return null;
            this.rnd = this.vrnd = m.rnd;
            this.vval = m.val;
            return { kind: 'learn', from: this.id, rnd: m.rnd, val: m.val, ok: true };
          }
        }\n`,
      );
      const r = await gradeModule('acceptor', path.join(dir, 'acceptor.js'), { only: ['trace'] });
      expect(r.status).toBe('graded');
      const f = r.tests.find((t) => !t.passed)!.failure!;
      expect(f.reason).toBe('malformed');
      expect(f.rule.id).toBe('api.returns-message');
      expect(f.testing?.id).toMatch(/^acceptor\.accept\./);
      expect(f.message).toMatch(/extra field 'ok'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports build diagnostics instead of tests when the module does not build', async () => {
    const r = await gradeModule('acceptor', path.join(fixtures, 'broken/syntax-error/acceptor.ts'));
    expect(r.status).toBe('build-error');
    expect(r.tests).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ file: 'acceptor.ts', line: 8, column: 30 });
  });

  it('calls onProgress once per test with the verdict', async () => {
    const lab = await loadLab('learner');
    const seen: Array<[number, number, boolean | undefined]> = [];
    const r = await gradeModule('learner', lab.referencePath, { onProgress: (d, n, v) => seen.push([d, n, v?.passed]) });
    expect(seen).toEqual(r.tests.map((_, i) => [i + 1, r.tests.length, true]));
  });

  it('--only runs just the kinds asked for; a kind nothing provides runs no tests', async () => {
    const lab = await loadLab('learner');
    const r = await gradeModule('learner', lab.referencePath, { only: ['search'] });
    expect(r.tests.length).toBeGreaterThan(0);
    expect(r.tests.every((t) => t.kind === 'search')).toBe(true);
    expect(r.score).toBe(lab.manifest.points);
    const none = await gradeModule('learner', lab.referencePath, { only: ['no-such-kind' as TestKindName] });
    expect(none.tests).toEqual([]);
    expect(none.passed).toBe(false);
  });
});
