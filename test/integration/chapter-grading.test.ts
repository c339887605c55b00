// Grading the guided course's chapters through the real grading path (build, type check, sandbox
// child, guarded node, provider `chapter`, node search): one lab check per chapter grades its
// reference (full points), its naive starter (failing by the rules of the symptoms its tests name)
// and every mutant (caught with the rules its header expects). Chapter 4 is then graded as a
// student's file would be: the failure's rule, symptom, trace and history, the reports, the CLI and
// the app's grader.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineGrader } from '../../electron/engine/app/grade-adapter.js';
import { CHAPTER_RULES, listChapters, loadChapter, type ChapterTestDef } from '../../electron/engine/chapters/index.js';
import { failingRunOf } from '../../electron/engine/failing-run/index.js';
import { buildHistory } from '../../electron/engine/history/index.js';
import { checkLab, formatReportText, gradeModule, toGradescope, toJUnitXml, type GradeReport, type LabCheckReport } from '../../electron/engine/grading/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const failed = (r: GradeReport) => r.tests.filter((t) => !t.passed);

/** The rule a test's failure names when the naive protocol shows its symptom there. */
function starterRule(t: ChapterTestDef): string | undefined {
  if (!t.starter) return undefined;
  if (t.kind !== 'search') return `chapter.${t.starter.symptom}`;
  return t.starter.symptom === 'divergent-replicas' ? 'node-search.agreement' : 'node-search.linearizable';
}

describe('every chapter through lab check', () => {
  const chapters = listChapters();
  const checks = new Map<string, LabCheckReport>();
  // Two chapters at a time: while one grades its reference or starter (one sandbox), the other's
  // mutants keep the second core busy.
  beforeAll(async () => {
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < chapters.length) {
          const c = chapters[next++];
          checks.set(c.id, await checkLab(c.id, { jobs: 2 }));
        }
      }),
    );
  }, 900_000);

  for (const c of chapters) {
    it(`${c.id}: the reference gets full points, the starter fails by its symptoms' rules, every mutant is caught with its expected rules`, () => {
      const pack = loadChapter(c.id);
      const rule = pack.manifest.rules[0].id;
      const r = checks.get(c.id)!;
      expect(r.problems).toEqual([]);
      expect(r.reference).toEqual({ passed: true, failed: [], score: pack.manifest.points, maxScore: pack.manifest.points });
      // Each test that says how the naive protocol breaks fails with that symptom's rule.
      const expected = pack.tests.flatMap((t) => (t.starter ? [{ test: `${t.kind === 'search' ? 'node-search' : 'node'}:${t.name}`, rule: starterRule(t)! }] : []));
      expect(expected.length).toBeGreaterThan(0);
      expect(r.starter.failures).toEqual(expect.arrayContaining(expected));
      expect(r.killRate).toBe(1);
      expect(r.mutants.length).toBeGreaterThanOrEqual(2);
      for (const m of r.mutants) {
        expect(m.expected, m.file).toContain(rule);
        expect(m.expected.some((e) => e in CHAPTER_RULES || e.startsWith('node-search.')), m.file).toBe(true);
        expect(m.missed, m.file).toEqual([]);
      }
      expect(pack.tests.filter((t) => t.kind === 'search')).toHaveLength(1);
    });
  }
});

describe('a chapter graded as a student\'s submission', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-chapter-'));
  const ch4 = path.join(root, 'labs/chapter-4-wait-for-learn');
  const fix = path.join(dir, 'my-fix.ts');
  const naive = path.join(dir, 'naive.ts');
  copyFileSync(path.join(ch4, 'reference/node.ts'), fix);
  copyFileSync(path.join(ch4, 'starter/node.ts'), naive);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the naive protocol: the story names chapter.lock-held-twice while testing chapter-4.wait-for-learn, with the failing run attached', async () => {
    const r = await gradeModule('chapter-4', naive);
    expect(r.status).toBe('graded');
    expect(r.tests.map((t) => t.id)).toEqual(['node:lost-learn', 'node:random', 'node:retry', 'node:story', 'node-search:search']);
    const story = r.tests.find((t) => t.id === 'node:story')!;
    expect(story.passed).toBe(false);
    expect(story.failure).toEqual(expect.objectContaining({ reason: 'violation', checker: 'linearizable', safety: true }));
    expect(story.failure!.rule).toEqual({ id: 'chapter.lock-held-twice', text: CHAPTER_RULES['chapter.lock-held-twice'] });
    expect(story.failure!.testing!.id).toBe('chapter-4.wait-for-learn');
    expect(story.failure!.message).toMatch(/c2 got L, but c1 holds L/);
    // The failing run: its trace (the clients' history in it), the events that show the symptom.
    const trace = story.failure!.trace as never[];
    expect(buildHistory(trace).operations.filter((o) => o.status === 'ok')).toHaveLength(2);
    expect(story.failure!.events!.length).toBeGreaterThan(0);
    expect(failingRunOf(story)).not.toBeNull();
    // A random seed breaks too, and names its seed.
    const random = r.tests.find((t) => t.id === 'node:random')!;
    expect(random.failure!.rule.id).toMatch(/^chapter\./);
    expect(random.failure!.seed).toEqual(expect.any(Number));
    expect(random.failure!.message).toMatch(/^seed \d+ \(2 nodes, 3 clients/);
    expect(r.safety).toEqual(expect.objectContaining({ checkers: expect.arrayContaining(['linearizable']) }));
    expect(r.score).toBeLessThan(10);
    const text = formatReportText(r);
    expect(text).toMatch(/chapter\.lock-held-twice/);
    expect(toJUnitXml(r)).toContain('type="chapter.lock-held-twice"');
    expect(toGradescope(r).tests.find((t) => t.name.includes('does not give away'))).toEqual(expect.objectContaining({ status: 'failed', score: 0 }));
  }, 120_000);

  it('paxlab grade chapter-4 my-fix.ts: full points (text, JSON), exit 0; the naive file exits 1 naming its rule', () => {
    const ok = spawnSync(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', 'chapter-4', fix], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Score 10\/10/);
    const json = spawnSync(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', 'chapter-4', naive, '--json', '--only', 'node', '--seed', '1'], { encoding: 'utf8' });
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as GradeReport;
    expect(report.tests.find((t) => t.id === 'node:story')!.failure!.rule.id).toBe('chapter.lock-held-twice');
  }, 120_000);

  it("the app's grader grades a chapter like any lab: verdicts with the failing run to draw", async () => {
    const g = engineGrader();
    expect((await g.list!('chapter-4')).map((t) => t.kind)).toEqual(['node', 'node', 'node', 'node', 'node-search']);
    const res = await g.grade('chapter-4', naive, () => {});
    expect(res.built).toBe(true);
    expect(res.failed).toBeGreaterThan(0);
    const story = res.verdicts.find((v) => v.id === 'node:story')!;
    expect(JSON.stringify(story)).toMatch(/chapter\.lock-held-twice/);
    expect(res.runs?.get(story.id)?.length).toBeGreaterThan(0);
  }, 120_000);
});
