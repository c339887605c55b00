/**
 * Sandbox job 'multi-scenario': one scenario test of lab 04 — a service test (docs/service-tests.md)
 * run with the student's three roles inside the reference service node on every replica, seed by
 * seed, stopping at the first failing seed. Returns what the grader judges: the failed check and the
 * trace of that run.
 */
import { registerSandboxJob } from '../grading/sandbox-jobs.js';
import type { CheckVerdict } from '../service-tests/checks.js';
import type { ServiceTest } from '../service-tests/definitions.js';
import { runServiceTest } from '../service-tests/run.js';
import type { TraceEvent } from '../trace/events.js';
import { studentRolesNodeClass } from './multi-roles-node.js';

export interface MultiScenarioPayload {
  test: ServiceTest;
  seeds: number[];
}

export type MultiScenarioResult =
  | { ok: true; seeds: number }
  | { ok: false; seed: number; failed: CheckVerdict; trace: TraceEvent[]; description: string }
  | { ok: false; seed?: undefined; message: string };

registerSandboxJob('multi-scenario', (p: MultiScenarioPayload, ctx): MultiScenarioResult => {
  const nodeClass = studentRolesNodeClass(ctx.student.calls, ctx.student.exports);
  if ('missing' in nodeClass) return { ok: false, message: `the module does not export a class named '${nodeClass.missing}'` };
  for (const seed of p.seeds) {
    ctx.setSeed(seed);
    const r = runServiceTest(p.test, { nodeClass, seed });
    ctx.progress({ seed, ok: r.ok });
    if (!r.ok) return { ok: false, seed, failed: r.failed!, trace: r.trace, description: r.description };
  }
  return { ok: true, seeds: p.seeds.length };
});
