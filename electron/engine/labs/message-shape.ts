import { MESSAGE_FIELDS, VOTE_FIELDS, WIRE_KIND, isMessageKind, type IoKind } from './role-spec.js';

/** A JSON-ish plain object (what a message must be). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const isRound = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isNodeId = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
const isValue = (v: unknown) => typeof v === 'string';
const isSlot = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

/** What is wrong with `v` as a multi-decree promise's list of votes (docs/multi-paxos-api.md). */
function votesProblem(v: unknown): string | null {
  if (!Array.isArray(v)) return 'a list of votes';
  for (const [i, e] of v.entries()) {
    if (!isPlainObject(e)) return `a list of votes ({ slot, vrnd, vval }); entry ${i} is ${brief(e)}`;
    const keys = Object.keys(e);
    if (keys.length !== VOTE_FIELDS.length || !VOTE_FIELDS.every((f) => keys.includes(f)) || !isSlot(e.slot) || !isRound(e.vrnd) || !isValue(e.vval)) {
      return `a list of votes ({ slot, vrnd, vval }); entry ${i} is ${brief(e)}`;
    }
  }
  return null;
}

const FIELD_CHECKS: Record<string, (v: unknown) => boolean> = {
  from: isNodeId,
  to: isNodeId,
  crnd: isRound,
  rnd: isRound,
  vrnd: isRound,
  vval: (v) => v === null || isValue(v),
  val: isValue,
  slot: isSlot,
  votes: (v) => votesProblem(v) === null,
};

const FIELD_TYPE_TEXT: Record<string, string> = {
  from: 'a node id (integer ≥ 1)',
  to: 'a node id (integer ≥ 1)',
  crnd: 'a round (integer ≥ 0)',
  rnd: 'a round (integer ≥ 0)',
  vrnd: 'a round (integer ≥ 0)',
  vval: 'a value (string) or null',
  val: 'a value (string)',
  slot: 'a slot (integer ≥ 1)',
  votes: 'a list of votes ({ slot, vrnd, vval }), one per slot',
};

/**
 * What is wrong with `value` as a `kind` message (or client value): missing or extra fields, fields
 * of the wrong type, the wrong `kind`. Empty when it is a well-formed message.
 */
export function messageProblems(value: unknown, kind: Exclude<IoKind, 'none'>): string[] {
  if (kind === 'value') return isValue(value) ? [] : [`expected a value (string), got ${brief(value)}`];
  if (kind === 'round') return isRound(value) ? [] : [`expected a round (integer ≥ 0), got ${brief(value)}`];
  if (kind === 'slot') return isSlot(value) ? [] : [`expected a slot (integer ≥ 1), got ${brief(value)}`];
  if (kind === 'void') return [];
  if (kind === 'multi-accepts') {
    if (!Array.isArray(value)) return [`expected a list of accept messages, got ${brief(value)}`];
    return value.flatMap((m, i) => messageProblems(m, 'multi-accept').map((p) => `element ${i}: ${p}`));
  }
  if (!isMessageKind(kind)) return [`unknown kind ${kind}`];
  const wire = WIRE_KIND[kind];
  const what = wire ?? kind;
  if (!isPlainObject(value)) return [`expected a ${what} ${wire ? 'message' : ''} (a plain object), got ${brief(value)}`.replace('  ', ' ')];
  if (wire !== null && value.kind !== wire) return [`expected kind '${wire}', got ${brief(value.kind)}`];
  const problems: string[] = [];
  const fields = MESSAGE_FIELDS[kind];
  for (const f of fields) {
    if (!(f in value)) problems.push(`missing field '${f}'`);
    else if (f === 'votes' && votesProblem(value[f]) !== null) problems.push(`field 'votes' should be ${votesProblem(value[f])}`);
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
