/**
 * The failing run of a graded test: the trace a scenario or a search judged, or a trace test's
 * replayed calls drawn as one (the student's node receiving each input and answering).
 */
import type { TestResult } from '../grading/verdict.js';
import type { TraceEvent } from '../trace/events.js';
import { failingRun } from './failing-run.js';
import { roleStepsToTrace, type ReplayStep } from './replay-trace.js';
import type { FailingRun } from './types.js';

/** The calls a trace test replayed up to and including the failing one. */
export function replayedSteps(r: TestResult): ReplayStep[] {
  const f = r.failure;
  if (!f) return [];
  const steps: ReplayStep[] = f.inputsSoFar.map((s) => ({ method: s.call, input: s.input, actual: s.output, expected: s.output }));
  if (f.call) steps.push({ method: f.call, input: f.input, expected: f.expected, actual: f.actual });
  return steps;
}

export function failingRunOf(r: TestResult): FailingRun | null {
  const f = r.failure;
  if (!f) return null;
  let trace: TraceEvent[] | null = null;
  if (Array.isArray(f.trace) && f.trace.length > 0) trace = f.trace as TraceEvent[];
  else if (r.kind === 'trace') {
    const steps = replayedSteps(r);
    if (steps.length > 0) trace = roleStepsToTrace(steps, { message: f.message });
  }
  return trace ? failingRun(trace, { checker: f.checker, seed: f.seed, message: f.message }) : null;
}

/** A file name for a failing run: `<lab>-<kind>-<test>[-seed-N].jsonl`, plain characters only. */
export function failingRunFileName(labId: string, r: Pick<TestResult, 'id'>, seed?: number): string {
  const test = r.id.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${labId}-${test}${seed !== undefined ? `-seed-${seed}` : ''}.jsonl`;
}
