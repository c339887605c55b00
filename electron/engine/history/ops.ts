/**
 * The operations clients invoke, one family per service model: a key-value store, a lock service
 * and the lecture's command log. Plain JSON, so they travel in traces unchanged.
 */

/** A client of a run: `c1`, `c2`, … (nodes are numbers, clients are strings). */
export type ClientId = string;

/** Read `key`: the result is its value, or null when it was never written. */
export interface GetOp { f: 'get'; key: string }
/** Overwrite `key` with `value`. */
export interface PutOp { f: 'put'; key: string; value: string }
/** Append `value` to the string at `key` (a missing key counts as ''). */
export interface AppendOp { f: 'append'; key: string; value: string }
/** Compare and set: if `key` holds `from` (null: missing), set it to `to`. The result says whether it did. */
export interface CasOp { f: 'cas'; key: string; from: string | null; to: string }
export type KvOp = GetOp | PutOp | AppendOp | CasOp;

/** Try to take lock `key`: true when the client got it (it was free), false otherwise. */
export interface AcquireOp { f: 'acquire'; key: string }
/** Give lock `key` back: true when the client held it, false otherwise. */
export interface ReleaseOp { f: 'release'; key: string }
export type LockOp = AcquireOp | ReleaseOp;

/** Append command `value` to the one log; the result is the whole log after it (the lecture's σ). */
export interface ExecOp { f: 'exec'; value: string }
export type LogOp = ExecOp;

export type Op = KvOp | LockOp | LogOp;
export type OpName = Op['f'];

export const KV_OPS = ['get', 'put', 'append', 'cas'] as const;
export const LOCK_OPS = ['acquire', 'release'] as const;
export const LOG_OPS = ['exec'] as const;

/** Why `v` is not an operation, or null when it is one. */
export function opProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'an operation is an object with a string `f`';
  const o = v as Record<string, unknown>;
  const str = (k: string) => typeof o[k] === 'string';
  const keys = (...allowed: string[]) => {
    const extra = Object.keys(o).filter((k) => !allowed.includes(k));
    return extra.length ? `${String(o.f)} has unknown field(s) ${extra.join(', ')}` : null;
  };
  switch (o.f) {
    case 'get':
    case 'acquire':
    case 'release':
      return !str('key') ? `${o.f} needs a string key` : keys('f', 'key');
    case 'put':
    case 'append':
      return !str('key') || !str('value') ? `${o.f} needs a string key and value` : keys('f', 'key', 'value');
    case 'cas':
      return !str('key') || !str('to') || !(o.from === null || str('from'))
        ? 'cas needs a string key, a string or null from, and a string to'
        : keys('f', 'key', 'from', 'to');
    case 'exec':
      return !str('value') ? 'exec needs a string value' : keys('f', 'value');
    default:
      return `unknown operation ${JSON.stringify(o.f)} (known: ${[...KV_OPS, ...LOCK_OPS, ...LOG_OPS].join(', ')})`;
  }
}

/** `put(x, "3")`, `cas(x, "1"→"2")`, `acquire(L)`, `exec m1`: an operation for a human. */
export function describeOp(op: Op): string {
  const q = (s: string | null) => JSON.stringify(s);
  switch (op.f) {
    case 'get':
      return `get(${op.key})`;
    case 'put':
      return `put(${op.key}, ${q(op.value)})`;
    case 'append':
      return `append(${op.key}, ${q(op.value)})`;
    case 'cas':
      return `cas(${op.key}, ${q(op.from)}→${q(op.to)})`;
    case 'acquire':
      return `acquire(${op.key})`;
    case 'release':
      return `release(${op.key})`;
    case 'exec':
      return `exec ${op.value}`;
  }
}

/** A result for a human: the log as `m2 m1`, other values as JSON. */
export function describeResult(op: Op, result: unknown): string {
  if (op.f === 'exec' && Array.isArray(result)) return result.length ? result.join(' ') : '(empty log)';
  if (result === undefined) return 'nothing';
  return JSON.stringify(result);
}
