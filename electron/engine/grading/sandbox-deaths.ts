/**
 * How a sandbox job that did not finish is judged, whatever kind of test ran it (trace replay,
 * scenario, search): the verdict's reason and the harness rule (api.*) the student's code broke.
 */
import { API_RULES } from './api-rules.js';
import type { SandboxFailureReason } from './sandbox.js';
import type { FailureReason, RuleRef } from './verdict.js';

const DEATHS: Record<SandboxFailureReason, { reason: FailureReason; rule: string }> = {
  timeout: { reason: 'timeout', rule: 'api.time-limit' },
  memory: { reason: 'memory', rule: 'api.memory-limit' },
  // Student code cannot end or signal the process (its realm holds no host object), so any other
  // death is the grader's failure: reported as such, never blamed on the student, never hidden.
  // (A module that throws while loading is a load error before any test runs; failing to load again
  // later is the grader's problem too.)
  load: { reason: 'harness', rule: 'harness' },
  exit: { reason: 'harness', rule: 'harness' },
  crash: { reason: 'harness', rule: 'harness' },
  unresponsive: { reason: 'harness', rule: 'harness' },
  'grader-memory': { reason: 'harness', rule: 'harness' },
  'job-error': { reason: 'harness', rule: 'harness' },
};

/** The rule a grader's own failure names: no rule of the student's. */
export const HARNESS_RULE: RuleRef = { id: 'harness', text: "The grader itself failed or reached its own limit; this is not a rule of the student's." };

export function apiRule(id: string): RuleRef {
  if (id === 'harness') return HARNESS_RULE;
  return { id, text: API_RULES[id] ?? id };
}

/** The reason and the broken rule for a job that ended with `reason`. */
export function judgeDeath(reason: SandboxFailureReason): { reason: FailureReason; rule: RuleRef } {
  const d = DEATHS[reason] ?? DEATHS.crash;
  return { reason: d.reason, rule: apiRule(d.rule) };
}
