import type { TraceEvent } from '../trace/events.js';

/** The verdict of one checker over one trace. */
export interface CheckResult {
  ok: boolean;
  /** Which checker judged: 'agreement', 'validity', 'integrity', 'chosen-invariant', 'liveness'. */
  checker: string;
  /** One line for a human: what held, or what broke and where. */
  message: string;
  /** The events that show the violation (empty when ok). */
  events: TraceEvent[];
}

export function pass(checker: string, message: string): CheckResult {
  return { ok: true, checker, message, events: [] };
}

export function fail(checker: string, message: string, events: TraceEvent[]): CheckResult {
  return { ok: false, checker, message, events };
}
