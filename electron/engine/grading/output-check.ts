/**
 * Judging one handler output against the recorded one (docs/student-api.md, "What the graders promise"):
 * null and a missing output are the same; a malformed message is reported as such; fields are
 * compared one by one; extra fields fail; a different key order is only noted.
 */
import { messageProblems, brief, isPlainObject } from '../labs/message-shape.js';
import { WIRE_KIND, isMessageKind, type MethodSpec } from '../labs/role-spec.js';
import { sameValue } from '../labs/output-differences.js';

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
  if (spec.output === 'multi-accepts') return Array.isArray(actual) ? null : `returned ${brief(actual)}, not a list of accept messages`;
  if (spec.output === 'decision') return isPlainObject(actual) ? null : `returned ${brief(actual)}, not a decision { slot, val } or null`;
  const wire = isMessageKind(spec.output) ? WIRE_KIND[spec.output] : spec.output;
  if (!isPlainObject(actual) || actual.kind !== wire) {
    const what = isPlainObject(actual) && typeof actual.kind === 'string' ? `a '${actual.kind}' message` : brief(actual);
    return `returned ${what}, not a ${wire} message${spec.nullable ? ' or null' : ''}`;
  }
  return null;
}

/** A list of multi-decree ACCEPTs against the recorded list: element by element, then the lengths. */
function judgeList(expected: unknown[], actual: unknown[]): OutputJudgement {
  const notes: string[] = [];
  const problems = messageProblems(actual, 'multi-accepts');
  if (problems.length) return { ok: false, kind: 'malformed', message: `malformed accept list: ${problems.join('; ')}`, notes };
  const one: MethodSpec = { input: 'none', output: 'multi-accept', nullable: false };
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
    const v = judgeOutput(expected[i], actual[i], one);
    notes.push(...v.notes.map((n) => `element ${i}: ${n}`));
    if (!v.ok) return { ...v, message: `element ${i} of the list (of ${expected.length} expected): ${v.message}`, notes };
  }
  if (expected.length === actual.length) return { ok: true, notes };
  const show = (l: unknown[]) => l.map((m) => brief(m)).join(', ');
  return expected.length > actual.length
    ? { ok: false, kind: 'mismatch', message: `returned ${actual.length} accept message(s), expected ${expected.length}; missing: ${show(expected.slice(actual.length))}`, notes }
    : { ok: false, kind: 'mismatch', message: `returned ${actual.length} accept message(s), expected ${expected.length}; not due: ${show(actual.slice(expected.length))}`, notes };
}

export function judgeOutput(expected: unknown, actual: unknown, spec: MethodSpec): OutputJudgement {
  const notes: string[] = [];
  // `decided` returns nothing; what it returns is not judged.
  if (spec.output === 'void') return { ok: true, notes };
  if (spec.output === 'multi-accepts' && Array.isArray(actual) && Array.isArray(expected)) return judgeList(expected, actual);
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
  const label = isMessageKind(spec.output) ? (WIRE_KIND[spec.output] ?? spec.output) : spec.output;
  if (problems.length) return { ok: false, kind: 'malformed', message: `malformed ${label}${WIRE_KIND[spec.output as 'decision'] ? ' message' : ''}: ${problems.join('; ')}`, notes };
  if (spec.output === 'value') {
    return actual === expected ? { ok: true, notes } : { ok: false, kind: 'mismatch', message: `returned ${brief(actual)}, expected ${brief(expected)}`, notes };
  }
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  const diff: FieldDiff[] = Object.keys(exp)
    .filter((k) => !sameValue(exp[k], act[k]))
    .map((k) => ({ field: k, expected: exp[k], actual: act[k] }));
  const order = Object.keys(act).join(',');
  if (order !== Object.keys(exp).join(',')) notes.push(`fields in another order than the student API's (${Object.keys(exp).join(', ')}): ${Object.keys(act).join(', ')}`);
  if (diff.length) {
    const text = diff.map((d) => `${d.field}: expected ${brief(d.expected)}, got ${brief(d.actual)}`).join('; ');
    return { ok: false, kind: 'mismatch', message: `wrong ${label}: ${text}`, diff, notes };
  }
  return { ok: true, notes };
}
