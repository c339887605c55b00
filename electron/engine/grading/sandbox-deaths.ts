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
  exit: { reason: 'exit', rule: 'api.no-exit' },
  crash: { reason: 'crash', rule: 'api.no-exit' },
  load: { reason: 'crash', rule: 'api.no-exit' },
  // An error escaped the job's own checks: reported as the grader's failure, never hidden.
  'job-error': { reason: 'harness', rule: 'api.no-throw' },
};

export function apiRule(id: string): RuleRef {
  return { id, text: API_RULES[id] ?? id };
}

/** The reason and the broken rule for a job that ended with `reason`. */
export function judgeDeath(reason: SandboxFailureReason): { reason: FailureReason; rule: RuleRef } {
  const d = DEATHS[reason] ?? DEATHS.crash;
  return { reason: d.reason, rule: apiRule(d.rule) };
}
