import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeModule, loadLab } from '../../electron/engine/grading/index.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const LABS = ['acceptor', 'proposer', 'learner'] as const;

/** Correct implementations written in other styles than the reference (two per lab). */
const OTHER_STYLES: Record<(typeof LABS)[number], string[]> = {
  acceptor: ['acceptor/functional/acceptor.ts', 'acceptor/private-js/acceptor.js'],
  proposer: ['proposer/tally-class/proposer.ts', 'proposer/round-record/proposer.ts'],
  learner: ['learner/string-keys/learner.ts', 'learner/pairs-js/learner.js'],
};

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
    });

    it(`${id}: the starter builds and fails, each failure naming a rule of the lab`, async () => {
      const lab = await loadLab(id);
      const r = await gradeModule(id, lab.starterPath, { hidden: true });
      expect(r.status).toBe('graded');
      expect(r.counts.failed).toBeGreaterThan(0);
      const ruleIds = new Set(lab.manifest.rules.map((x) => x.id));
      for (const t of r.tests.filter((x) => !x.passed)) {
        expect(ruleIds, `${t.id} names ${t.failure?.rule.id}`).toContain(t.failure!.rule.id);
        expect(t.failure!.rule.text.length).toBeGreaterThan(10);
      }
    });

    for (const rel of OTHER_STYLES[id]) {
      it(`${id}: a correct implementation in another style passes (${rel})`, async () => {
        const r = await gradeModule(id, path.join(fixtures, rel), { hidden: true });
        expect(r.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.failure?.message}`)).toEqual([]);
        expect(r.passed).toBe(true);
      });
    }
  }

  it('points are shared by weight; public-only grading scales to the full points', async () => {
    const lab = await loadLab('learner');
    const r = await gradeModule('learner', lab.starterPath);
    expect(r.hidden).toBe(false);
    expect(r.tests.every((t) => t.set === 'public')).toBe(true);
    expect(r.tests.reduce((s, t) => s + t.maxPoints, 0)).toBeCloseTo(lab.manifest.points, 5);
    expect(r.score).toBe(0);
  });

  it('a verdict names the rule, shows the inputs so far, expected vs actual, a field diff and the state', async () => {
    const lab = await loadLab('acceptor');
    const mutant = path.join(lab.dir, 'mutants', 'promise-without-vote.ts');
    const r = await gradeModule('acceptor', mutant);
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
    const r = await gradeModule('learner', path.join(lab.dir, 'mutants', 'returns-every-time.ts'));
    const f = r.tests.find((t) => !t.passed)!.failure!;
    expect(f.state).toMatchObject({ votes: { '1': [1, 2] }, learned: 'x' });
  });

  it('fields in another order pass, with a note', async () => {
    const r = await gradeModule('acceptor', path.join(fixtures, 'acceptor/functional/acceptor.ts'));
    expect(r.passed).toBe(true);
    expect(r.tests.flatMap((t) => t.notes).join('\n')).toMatch(/fields in another order than LAB-API\.md's/);
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
      const r = await gradeModule('acceptor', path.join(dir, 'acceptor.js'));
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

  it('--only with a kind nothing provides runs no tests', async () => {
    const lab = await loadLab('learner');
    const r = await gradeModule('learner', lab.referencePath, { only: ['search'] });
    expect(r.tests.filter((t) => t.kind === 'trace')).toEqual([]);
  });
});
