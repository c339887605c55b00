/** What grading says about one test, in a form every report (terminal, JSON, JUnit, Gradescope) reads. */
import type { FieldDiff } from './output-check.js';

/**
 * The checkers whose failure means the protocol is unsafe (two different values decided, a value
 * nobody proposed, a decision taken twice, a chosen value contradicted): a scenario or search test
 * failing one of them leads the report and caps the score (manifest `safety.cap`).
 */
export const SAFETY_CHECKERS: readonly string[] = ['agreement', 'validity', 'integrity', 'chosen-invariant', 'learner-safety'];

/** Whether a failure is a broken safety property (not a liveness, goal or handler failure). */
export function breaksSafety(f: Pick<Failure, 'reason' | 'checker'> | undefined): boolean {
  return f !== undefined && f.reason === 'violation' && f.checker !== undefined && SAFETY_CHECKERS.includes(f.checker);
}

export type FailureReason =
  | 'mismatch' // a well-formed output other than the reference's
  | 'garbage' // not a message (or value) at all
  | 'malformed' // the right kind of message with missing, extra or mistyped fields
  | 'throws'
  | 'mutates-input'
  | 'not-fresh'
  | 'timeout'
  | 'memory'
  | 'exit'
  | 'crash'
  | 'missing-handler'
  | 'constructor'
  | 'violation' // a scenario or search checker found a safety or liveness violation
  | 'harness'; // the grader itself failed (reported, never blamed on the student silently)

export interface RuleRef {
  id: string;
  text: string;
}

/** One earlier call of the test, for "the inputs so far". */
export interface StepRecord {
  step: number;
  rule: string;
  call: string;
  input?: unknown;
  output: unknown;
}

export interface Failure {
  reason: FailureReason;
  /** One line: what went wrong. */
  message: string;
  /** The rule broken: the step's lab rule, or a harness rule (api.*) for throws, hangs and the like. */
  rule: RuleRef;
  /** The lab rule the failing step tests, when `rule` is a harness rule. */
  testing?: RuleRef;
  /** 1-based step of the failing call (0: the constructor). */
  step?: number;
  call?: string;
  input?: unknown;
  note?: string;
  inputsSoFar: StepRecord[];
  expected?: unknown;
  actual?: unknown;
  diff?: FieldDiff[];
  /** The student's object after the failing call (enumerable own fields), and before it. */
  state?: unknown;
  stateBefore?: unknown;
  /** Stack trace mapped to the student's files. */
  stack?: string;
  /** What the student's code printed during the test (tail). */
  output?: string;
  /** Scenario and search tests: the checker that failed, the seed that reproduces it (`--seed N`),
   *  the trace of the run (JSON-lines events of trace/events.ts) and its text diagram. */
  checker?: string;
  seed?: number;
  trace?: unknown[];
  diagram?: string;
}

/** What names a test and weighs it: shared by the test as listed and its result. */
export interface TestIdentity {
  /** Unique within the lab and stable, e.g. 'trace:public/prepare-lower-round'. */
  id: string;
  kind: string;
  name: string;
  title: string;
  set: 'public' | 'hidden';
  /** Share of the lab's points (relative to the other tests run). */
  weight: number;
}

export interface TestResult extends TestIdentity {
  points: number;
  maxPoints: number;
  passed: boolean;
  durationMs: number;
  failure?: Failure;
  /** Things worth knowing that do not fail the test (e.g. field order). */
  notes: string[];
}
