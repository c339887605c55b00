// A runtime without Node's permission model cannot confine the sandbox process: grading says so and
// does not run hidden tests there. (This machine's Node has the model, so its absence is simulated.)
import { describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

vi.mock('../../electron/engine/grading/confinement.js', async (load) => {
  const real = await load<typeof import('../../electron/engine/grading/confinement.js')>();
  return {
    ...real,
    permissionFlag: () => null,
    confinement: () => ({ confined: false, summary: 'this runtime has no permission model, so the sandbox process cannot be confined; hidden tests were not run' }),
    confinementFlags: () => [],
  };
});

const { gradeModule, formatReportText, listGradeTests } = await import('../../electron/engine/grading/index.js');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('grading where the sandbox cannot be confined', () => {
  it('refuses hidden tests, says why, and still grades the public ones', async () => {
    const r = await gradeModule('learner', path.join(root, 'labs/03-learner/reference/learner.ts'), { hidden: true, only: ['trace'] });
    expect(r.confinement.confined).toBe(false);
    expect(r.hidden).toBe(false);
    expect(r.tests.every((t) => t.set === 'public')).toBe(true);
    expect(r.tests.length).toBe((await listGradeTests('learner', { hidden: false, only: ['trace'] })).length);
    expect(r.passed).toBe(true);
    expect(formatReportText(r)).toMatch(/warning: this runtime has no permission model.*hidden tests were not run/);
  });
});
