/**
 * What `lab check` must say of every shipped role lab: a sound pack (traces fresh, every rule
 * exercised, the reference passing, the starter building and failing) whose every mutant is caught
 * by the rules its header expects, each mutant a distinct bug. One definition, whether the report
 * came from `checkLab` in process or from `paxlab lab check --json`.
 */
import { expect } from 'vitest';
import type { LabCheckReport } from '../../electron/engine/grading/index.js';

export function expectSoundPack(r: LabCheckReport, minMutants: number): void {
  expect(r.problems).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.traces.drift).toBe(false);
  expect(r.coverage.uncovered).toEqual([]);
  expect(r.reference.passed).toBe(true);
  expect(r.starter).toMatchObject({ builds: true });
  expect(r.starter.failed).toBeGreaterThan(0);
  expect(r.mutants.length).toBeGreaterThanOrEqual(minMutants);
  expect(r.mutants.filter((m) => !m.caught).map((m) => m.file)).toEqual([]);
  expect(r.killRate).toBe(1);
  // Every mutant names the rules its header expects: `// expect-rule: …`, one or more.
  for (const m of r.mutants) {
    expect(m.expected.length, m.file).toBeGreaterThan(0);
    expect({ file: m.file, missed: m.missed }).toEqual({ file: m.file, missed: [] });
    const named = new Set(m.caughtBy.map((c) => c.rule));
    for (const e of m.expected) expect(named, `${m.file} names ${e}`).toContain(e);
  }
  // Distinct bugs: no two mutants share their description.
  expect(new Set(r.mutants.map((m) => m.bug)).size).toBe(r.mutants.length);
}
