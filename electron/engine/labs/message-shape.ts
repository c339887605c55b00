import { MESSAGE_FIELDS, type IoKind } from './role-spec.js';

/** A JSON-ish plain object (what a message must be). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const isRound = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isNodeId = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
const isValue = (v: unknown) => typeof v === 'string';

const FIELD_CHECKS: Record<string, (v: unknown) => boolean> = {
  from: isNodeId,
  to: isNodeId,
  crnd: isRound,
  rnd: isRound,
  vrnd: isRound,
  vval: (v) => v === null || isValue(v),
  val: isValue,
};

const FIELD_TYPE_TEXT: Record<string, string> = {
  from: 'a node id (integer ≥ 1)',
  to: 'a node id (integer ≥ 1)',
  crnd: 'a round (integer ≥ 0)',
  rnd: 'a round (integer ≥ 0)',
  vrnd: 'a round (integer ≥ 0)',
  vval: 'a value (string) or null',
  val: 'a value (string)',
};

/**
 * What is wrong with `value` as a `kind` message (or client value): missing or extra fields, fields
 * of the wrong type, the wrong `kind`. Empty when it is a well-formed message.
 */
export function messageProblems(value: unknown, kind: Exclude<IoKind, 'none'>): string[] {
  if (kind === 'value') return isValue(value) ? [] : [`expected a value (string), got ${brief(value)}`];
  if (!isPlainObject(value)) return [`expected a ${kind} message (a plain object), got ${brief(value)}`];
  if (value.kind !== kind) return [`expected kind '${kind}', got ${brief(value.kind)}`];
  const problems: string[] = [];
  const fields = MESSAGE_FIELDS[kind];
  for (const f of fields) {
    if (!(f in value)) problems.push(`missing field '${f}'`);
    else if (f !== 'kind' && !FIELD_CHECKS[f](value[f])) problems.push(`field '${f}' should be ${FIELD_TYPE_TEXT[f]}, got ${brief(value[f])}`);
  }
  for (const f of Object.keys(value)) if (!fields.includes(f)) problems.push(`extra field '${f}'`);
  return problems;
}

/** A short, human-readable rendering of any value for messages. */
export function brief(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
