/**
 * Judging one handler output against the recorded one (docs/student-api.md, "What the graders promise"):
 * null and a missing output are the same; a malformed message is reported as such; fields are
 * compared one by one; extra fields fail; a different key order is only noted.
 */
import { messageProblems, brief, isPlainObject } from '../labs/message-shape.js';
import type { MethodSpec } from '../labs/role-spec.js';

export interface FieldDiff {
  field: string;
  expected: unknown;
  actual: unknown;
}

export type OutputJudgement =
  | { ok: true; notes: string[] }
  | { ok: false; kind: 'garbage' | 'malformed' | 'mismatch'; message: string; diff?: FieldDiff[]; notes: string[] };

/** Is `actual` a non-message for this handler (not even the right kind of thing)? */
function garbageProblem(actual: unknown, spec: MethodSpec): string | null {
  if (spec.output === 'value') return typeof actual === 'string' ? null : `returned ${brief(actual)}, not a value (string) or null`;
  if (!isPlainObject(actual) || actual.kind !== spec.output) {
    const what = isPlainObject(actual) && typeof actual.kind === 'string' ? `a '${actual.kind}' message` : brief(actual);
    return `returned ${what}, not a ${spec.output} message${spec.nullable ? ' or null' : ''}`;
  }
  return null;
}

export function judgeOutput(expected: unknown, actual: unknown, spec: MethodSpec): OutputJudgement {
  const notes: string[] = [];
  if (actual === null) {
    if (expected === null) return { ok: true, notes };
    return { ok: false, kind: 'mismatch', message: `returned null (no output), expected ${brief(expected)}`, notes };
  }
  const garbage = garbageProblem(actual, spec);
  if (garbage) return { ok: false, kind: 'garbage', message: garbage, notes };
  if (expected === null) {
    return { ok: false, kind: 'mismatch', message: `returned ${brief(actual)}, expected null (no output)`, notes };
  }
  const problems = spec.output === 'value' ? [] : messageProblems(actual, spec.output);
  if (problems.length) return { ok: false, kind: 'malformed', message: `malformed ${spec.output} message: ${problems.join('; ')}`, notes };
  if (spec.output === 'value') {
    return actual === expected ? { ok: true, notes } : { ok: false, kind: 'mismatch', message: `returned ${brief(actual)}, expected ${brief(expected)}`, notes };
  }
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  const diff: FieldDiff[] = Object.keys(exp)
    .filter((k) => exp[k] !== act[k])
    .map((k) => ({ field: k, expected: exp[k], actual: act[k] }));
  const order = Object.keys(act).join(',');
  if (order !== Object.keys(exp).join(',')) notes.push(`fields in another order than the student API's (${Object.keys(exp).join(', ')}): ${Object.keys(act).join(', ')}`);
  if (diff.length) {
    const text = diff.map((d) => `${d.field}: expected ${brief(d.expected)}, got ${brief(d.actual)}`).join('; ');
    return { ok: false, kind: 'mismatch', message: `wrong ${spec.output}: ${text}`, diff, notes };
  }
  return { ok: true, notes };
}
