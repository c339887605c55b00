/**
 * The ways a handler's output can differ from the expected one, named as lab manifests and scenario
 * scripts name them (a rule's `covers`, a step's `blame`): 'missing' (an output was due, none came),
 * 'unexpected' (none was due, one came), a field of the message ('rnd', 'vval', …), or 'value' for a
 * learner's decision.
 */
import { MESSAGE_FIELDS, type MethodSpec } from './role-spec.js';

/** The differences a handler's output can have. */
export function differenceKinds(spec: MethodSpec): string[] {
  const kinds = ['missing', ...(spec.nullable ? ['unexpected'] : [])];
  if (spec.output === 'value') return [...kinds, 'value'];
  return [...kinds, ...MESSAGE_FIELDS[spec.output].filter((f) => f !== 'kind')];
}

/**
 * How `actual` differs from `expected` (both well-formed outputs of the handler, not equal):
 * ['missing'], ['unexpected'], ['value'], or the differing fields in message order.
 */
export function differences(expected: unknown, actual: unknown, spec: MethodSpec): string[] {
  if (actual === null || actual === undefined) return ['missing'];
  if (expected === null || expected === undefined) return ['unexpected'];
  if (spec.output === 'value') return ['value'];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  return MESSAGE_FIELDS[spec.output].filter((f) => f !== 'kind' && e[f] !== a[f]);
}

