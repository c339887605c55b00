// A verdict is a function of the submission and the lab: grading the same module three times while
// another process burns a core gives the same report, timings aside. Checked for the mutant whose
// search used to stop on the clock (and pass or fail with the machine's load), for one whose search
// refines its reduction, for the reference, and for a submission whose every handler hangs.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeModule, type GradeOptions, type GradeReport } from '../../electron/engine/grading/index.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The report without what depends on the machine: durations. */
function timeless(r: GradeReport): string {
  return JSON.stringify(r, (k, v) => (k === 'durationMs' ? undefined : v));
}

let burner: ChildProcess;

beforeAll(() => {
  burner = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
});

afterAll(() => {
  burner.kill('SIGKILL');
});

async function gradeThrice(lab: string, file: string, opts: GradeOptions = {}): Promise<GradeReport[]> {
  const out: GradeReport[] = [];
  for (let i = 0; i < 3; i++) out.push(await gradeModule(lab, path.join(root, file), { hidden: true, ...opts }));
  expect(burner.exitCode).toBeNull(); // the other core really was busy all along
  return out;
}

describe('verdicts do not depend on the machine', () => {
  it('the mutant whose search used to stop on the clock: three identical reports, the search exhaustive', async () => {
    const runs = await gradeThrice('acceptor', 'labs/01-acceptor/mutants/prepare-promises-equal.ts');
    expect(runs[0].status).toBe('graded');
    const search = runs[0].tests.find((t) => t.id === 'search:all-orders')!;
    expect(search.passed).toBe(true);
    expect(search.notes).toContain('exhaustive: 645896 states, every order of deliveries');
    expect(timeless(runs[1])).toBe(timeless(runs[0]));
    expect(timeless(runs[2])).toBe(timeless(runs[0]));
  }, 600_000);

  it('a mutant whose search has to refine its reduction: three identical reports', async () => {
    // The refinement is the search's: its tests alone are graded.
    const runs = await gradeThrice('proposer', 'labs/02-proposer/mutants/late-promise-constrains.ts', { only: ['search'] });
    const search = runs[0].tests.find((t) => t.id === 'search:all-orders')!;
    expect(search.passed).toBe(true);
    expect(search.notes).toContain('exhaustive: 802025 states, every order of deliveries');
    expect(search.notes.join('\n')).toMatch(/the inert-message reduction was refined 1 time/);
    expect(timeless(runs[1])).toBe(timeless(runs[0]));
    expect(timeless(runs[2])).toBe(timeless(runs[0]));
  }, 600_000);

  it('the reference: three identical reports, full points', async () => {
    const runs = await gradeThrice('acceptor', 'labs/01-acceptor/reference/acceptor.ts');
    expect(runs[0].passed).toBe(true);
    expect(runs[0].score).toBe(20);
    expect(timeless(runs[1])).toBe(timeless(runs[0]));
    expect(timeless(runs[2])).toBe(timeless(runs[0]));
  }, 600_000);

  it('handlers that never return: every test fails on the time limit, three identical reports', async () => {
    // A limit shorter than the lab's keeps the test quick; a hang meets any limit.
    const runs = await gradeThrice('acceptor', 'test/fixtures/hangs-always/acceptor.ts', { limits: { callMs: 100 } });
    const r = runs[0];
    expect(r.status).toBe('graded');
    expect(r.tests.length).toBeGreaterThan(20);
    for (const t of r.tests) {
      expect(t.passed, t.id).toBe(false);
      expect(t.failure, t.id).toMatchObject({ reason: 'timeout', rule: { id: 'api.time-limit' } });
    }
    expect(r.score).toBe(0);
    expect(timeless(runs[1])).toBe(timeless(runs[0]));
    expect(timeless(runs[2])).toBe(timeless(runs[0]));
  }, 900_000);
});
