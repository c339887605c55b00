/**
 * The ways a handler's output can differ from the expected one, named as lab manifests and scenario
 * scripts name them (a rule's `covers`, a step's `blame`): 'missing' (an output was due, none came),
 * 'unexpected' (none was due, one came), a field of the message ('rnd', 'vval', …), or 'value' for a
 * learner's decision.
 */
import { MESSAGE_FIELDS, isMessageKind, type MethodSpec } from './role-spec.js';

/** The differences a handler's output can have. */
export function differenceKinds(spec: MethodSpec): string[] {
  const kinds = ['missing', ...(spec.nullable ? ['unexpected'] : [])];
  if (spec.output === 'value') return [...kinds, 'value'];
  // A list of ACCEPTs: one missing or one too many, or a field of the first element that differs.
  if (spec.output === 'multi-accepts') return ['missing', 'unexpected', ...MESSAGE_FIELDS['multi-accept'].filter((f) => f !== 'kind')];
  if (!isMessageKind(spec.output)) return kinds;
  return [...kinds, ...MESSAGE_FIELDS[spec.output].filter((f) => f !== 'kind')];
}

/** Two JSON values equal (field order aside, as the trace's comparison allows it for messages). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * How `actual` differs from `expected` (both well-formed outputs of the handler, not equal):
 * ['missing'], ['unexpected'], ['value'], or the differing fields in message order.
 */
export function differences(expected: unknown, actual: unknown, spec: MethodSpec): string[] {
  if (actual === null || actual === undefined) return ['missing'];
  if (expected === null || expected === undefined) return ['unexpected'];
  if (spec.output === 'value') return ['value'];
  if (spec.output === 'multi-accepts') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    for (let i = 0; i < Math.min(e.length, a.length); i++) {
      if (!sameValue(e[i], a[i])) return differences(e[i], a[i], { input: 'none', output: 'multi-accept', nullable: false });
    }
    return e.length > a.length ? ['missing'] : ['unexpected'];
  }
  if (!isMessageKind(spec.output)) return [];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  return MESSAGE_FIELDS[spec.output].filter((f) => f !== 'kind' && !sameValue(e[f], a[f]));
}

