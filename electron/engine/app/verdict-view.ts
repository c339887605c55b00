import type { GradeStep, Verdict } from '../../api.js';
import { failingRunOf, trimRun, type FailingRun } from '../failing-run/index.js';
import type { TestResult } from '../grading/verdict.js';

/** A graded test as the renderer shows it, and its whole failing run (for export) when it failed. */
export interface VerdictWithRun {
  verdict: Verdict;
  run: FailingRun | null;
}

/** One graded test as the renderer shows it: rule, expected vs actual, the steps, the failing run. */
export function toVerdictWithRun(r: TestResult): VerdictWithRun {
  const v: Verdict = { id: r.id, name: r.title || r.name, kind: r.kind, passed: r.passed, points: r.points, maxPoints: r.maxPoints };
  const f = r.failure;
  if (!f) return { verdict: v, run: null };
  const steps: GradeStep[] = f.inputsSoFar.map((s) => ({ method: s.call, input: s.input, actual: s.output, expected: s.output, rule: s.rule }));
  if (f.call) steps.push({ method: f.call, input: f.input, expected: f.expected, actual: f.actual, rule: f.testing?.id ?? f.rule.id });
  const run = failingRunOf(r);
  // A long run goes to the window cut around the violation; the whole run stays exportable.
  const shown = run ? trimRun(run) : null;
  return {
    verdict: {
      ...v,
      rule: { id: f.rule.id, text: f.rule.text },
      reason: f.reason,
      message: f.message,
      ...(f.expected !== undefined ? { expected: f.expected } : {}),
      ...(f.actual !== undefined ? { actual: f.actual } : {}),
      steps,
      ...(f.state !== undefined ? { state: f.state } : {}),
      ...(f.stack ? { stack: f.stack } : {}),
      ...(f.checker ? { checker: f.checker } : {}),
      ...(f.seed !== undefined ? { seed: f.seed } : {}),
      ...(shown
        ? {
            trace: shown.events,
            traceEvents: shown.totalEvents,
            highlights: shown.highlights,
            ...(shown.steps ? { counterexample: shown.steps } : {}),
          }
        : {}),
    },
    run,
  };
}

export function toVerdict(r: TestResult): Verdict {
  return toVerdictWithRun(r).verdict;
}
