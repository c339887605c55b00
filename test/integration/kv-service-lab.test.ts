// The replicated-service lab (labs/05-kv-service, provider service-tests) graded end to end through
// the sandbox: the lab check (the reference passes every service test and the exhaustive search,
// the starter builds and fails by rule, every mutant is caught naming the rules its header expects),
// and a starter's report as JUnit and Gradescope read it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLab, gradeModule, listLabs, toGradescope, toJUnitXml } from '../../electron/engine/grading/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const LAB = path.join(root, 'labs/05-kv-service');

describe('the kv-service lab', () => {
  it('lists as a node lab', async () => {
    expect(await listLabs()).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'kv-service', role: 'node', points: 30 })]));
  });

  // The whole lab check (16 mutants, minutes of CPU) is `paxlab lab check kv-service` and `npm run
  // bench`; here the reference, the starter and three mutants of different kinds go through it.
  it('lab check: the reference passes (full points), the starter fails by rule, mutants are caught with their expected rules', async () => {
    const picked = ['apply-on-accept.ts', 'no-dedup.ts', 'reuse-round-after-restart.ts'];
    const r = await checkLab('kv-service', { jobs: 2, mutants: picked });
    expect(r.problems).toEqual([]);
    expect(r.reference).toEqual({ passed: true, failed: [], score: 30, maxScore: 30 });
    expect(r.coverage.uncovered).toEqual([]);
    expect(r.starter.builds).toBe(true);
    expect(r.starter.failed).toBe(r.starter.total);
    expect(r.starter.reasons.length).toBeGreaterThan(0);
    for (const rule of r.starter.reasons) expect(rule).toMatch(/^(kv-service|node-search)\./);
    expect(r.mutants.map((m) => path.basename(m.file))).toEqual(picked);
    expect(r.mutants.filter((m) => !m.caught || m.missed.length > 0 || m.expected.length === 0).map((m) => m.file)).toEqual([]);
    expect(r.killRate).toBe(1);
  }, 900_000);

  it('a starter\'s grade: every test fails by a named rule, no crash; JUnit and Gradescope reports', async () => {
    const r = await gradeModule('kv-service', path.join(LAB, 'starter/node.ts'), { only: ['node'], seed: 1 });
    expect(r.status).toBe('graded');
    expect(r.score).toBe(0);
    expect(r.tests.length).toBe(15);
    for (const t of r.tests) {
      expect(t.failure?.reason).toBe('violation');
      expect(t.failure?.rule.id).toMatch(/^kv-service\./);
      expect(t.failure?.testing?.id).toMatch(/^kv-service\./);
      expect(t.failure?.trace?.length).toBeGreaterThan(0);
    }
    const basic = r.tests.find((t) => t.name === 'basic')!;
    expect(basic.failure!.rule.id).toBe('kv-service.history.complete');
    expect(basic.failure!.message).toMatch(/^seed 1 \(3 nodes \(kv\), 1 client/);
    const junit = toJUnitXml(r);
    expect(junit).toContain('classname="kv-service.node.public"');
    expect(junit).toContain('type="kv-service.history.complete"');
    const gs = toGradescope(r);
    expect(gs.tests.find((x) => x.name.includes('basic'))).toEqual(expect.objectContaining({ status: 'failed', score: 0 }));
  }, 300_000);
});
