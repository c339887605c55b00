import type { GradeStep, Verdict } from '../../api.js';
import type { TestResult } from '../grading/verdict.js';
import { roleStepsToTrace } from './role-trace-diagram.js';

/** One graded test as the renderer shows it: rule, expected vs actual, the steps, a diagram. */
export function toVerdict(r: TestResult): Verdict {
  const v: Verdict = { id: r.id, name: r.title || r.name, kind: r.kind, passed: r.passed, points: r.points, maxPoints: r.maxPoints };
  const f = r.failure;
  if (!f) return v;
  const steps: GradeStep[] = f.inputsSoFar.map((s) => ({ method: s.call, input: s.input, actual: s.output, expected: s.output, rule: s.rule }));
  if (f.call) steps.push({ method: f.call, input: f.input, expected: f.expected, actual: f.actual, rule: f.testing?.id ?? f.rule.id });
  return {
    ...v,
    rule: { id: f.rule.id, text: f.rule.text },
    reason: f.reason,
    message: f.message,
    ...(f.expected !== undefined ? { expected: f.expected } : {}),
    ...(f.actual !== undefined ? { actual: f.actual } : {}),
    steps,
    ...(f.state !== undefined ? { state: f.state } : {}),
    ...(f.stack ? { stack: f.stack } : {}),
    trace: roleStepsToTrace(steps, { message: f.message }),
  };
}
