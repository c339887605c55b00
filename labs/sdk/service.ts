/**
 * The operations a replicated service executes for its clients, and how they travel: a client
 * request's `value` is the operation as JSON (`{"f":"put","key":"x","value":"3"}`), except for the
 * command log, whose value is the command itself (`m1`). A reply's `result` is the operation's
 * result as JSON (`"3"`, `null`, `true`), except for the command log, whose result is the log after
 * the command, its commands separated by single spaces (`m2 m1`).
 */
import type { Value } from './messages.js';

export type ServiceOp =
  | { f: 'get'; key: string }
  | { f: 'put'; key: string; value: string }
  | { f: 'append'; key: string; value: string }
  | { f: 'cas'; key: string; from: string | null; to: string }
  | { f: 'acquire'; key: string }
  | { f: 'release'; key: string };

/** The operation in a client request's value, or null when it holds none (then it is a log command). */
export function parseServiceOp(value: Value): ServiceOp | null {
  if (!value.startsWith('{')) return null;
  try {
    const op = JSON.parse(value) as ServiceOp;
    return typeof op === 'object' && op !== null && typeof (op as { f?: unknown }).f === 'string' ? op : null;
  } catch {
    return null;
  }
}

/** A result as a reply's `result`: JSON of the value (`null`, `"3"`, `true`). */
export function encodeServiceResult(result: string | boolean | null): Value {
  return JSON.stringify(result);
}

/** A command log as a reply's `result`: its commands separated by spaces. */
export function encodeLog(commands: readonly string[]): Value {
  return commands.join(' ');
}
