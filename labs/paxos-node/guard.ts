import type { AcceptMsg, LearnMsg, PrepareMsg, PromiseMsg, Value } from '@paxlab/sdk';

/**
 * Output checks for role calls. Student roles may throw or return anything; the node must keep
 * running, so each call goes through `callRole`, which turns an exception or a malformed result into
 * "no output" and says why.
 */
export type Check<T> = (out: unknown) => out is T;

const isObj = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);
const isRound = (r: unknown): r is number => typeof r === 'number' && Number.isSafeInteger(r) && r >= 0;
const isId = (r: unknown): r is number => typeof r === 'number' && Number.isSafeInteger(r);

export const isPrepare: Check<PrepareMsg> = (o): o is PrepareMsg =>
  isObj(o) && o.kind === 'prepare' && isId(o.from) && isRound(o.crnd);
export const isPromise: Check<PromiseMsg> = (o): o is PromiseMsg =>
  isObj(o) && o.kind === 'promise' && isId(o.from) && isId(o.to) && isRound(o.rnd) && isRound(o.vrnd) &&
  (o.vval === null || typeof o.vval === 'string');
export const isAccept: Check<AcceptMsg> = (o): o is AcceptMsg =>
  isObj(o) && o.kind === 'accept' && isId(o.from) && isRound(o.rnd) && typeof o.val === 'string';
export const isLearn: Check<LearnMsg> = (o): o is LearnMsg =>
  isObj(o) && o.kind === 'learn' && isId(o.from) && isRound(o.rnd) && typeof o.val === 'string';
export const isValue: Check<Value> = (o): o is Value => typeof o === 'string';

/**
 * Call `fn`; return its result when it is null/undefined (→ null) or passes `check` (→ a shallow copy
 * for objects, so later mutation by the role cannot change what was sent), otherwise report and
 * return null.
 */
export function callRole<T>(what: string, fn: () => unknown, check: Check<T>, report: (why: string) => void): T | null {
  let out: unknown;
  try {
    out = fn();
  } catch (err) {
    report(`${what} threw: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
  if (out === null || out === undefined) return null;
  if (!check(out)) {
    report(`${what} returned an invalid result: ${preview(out)}`);
    return null;
  }
  return (isObj(out) ? { ...out } : out) as T;
}

function preview(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 120 ? s.slice(0, 117) + '...' : s;
  } catch {
    return String(v);
  }
}
