/**
 * What a student may see of a grade. Hidden tests exist so that code cannot be fitted to them: a
 * student-visible report (Gradescope's results.json, JUnit, the text of a grade run for students)
 * says which hidden test failed and which rule it broke, never its inputs, the expected and actual
 * outputs, the state, the trace or what the student's code printed during it. The instructor's
 * JSON and CSV keep everything.
 */
import type { GradeReport } from './grade.js';
import type { Failure, TestResult } from './verdict.js';

export const HIDDEN_DETAILS = 'a hidden test: its inputs, outputs and what your code printed are not shown';

/** A hidden test's failure with only the rule, the lab rule tested and the kind of failure left. */
export function redactFailure(f: Failure): Failure {
  return { reason: f.reason, rule: f.rule, testing: f.testing, checker: f.checker, message: HIDDEN_DETAILS, inputsSoFar: [] };
}

export function redactTest(t: TestResult): TestResult {
  if (t.set !== 'hidden') return t;
  return { ...t, failure: t.failure ? redactFailure(t.failure) : undefined, notes: [] };
}

/** The report with every hidden test's details removed. */
export function redactHidden(r: GradeReport): GradeReport {
  return r.tests.some((t) => t.set === 'hidden') ? { ...r, tests: r.tests.map(redactTest) } : r;
}
