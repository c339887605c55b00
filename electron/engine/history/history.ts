/**
 * A history: what clients did and saw, as four kinds of event (docs/history.md). Every operation is
 * one `invoke` followed by at most one completion:
 * - `ok`: it took effect and returned `result`;
 * - `fail`: it definitely did not take effect (and never will);
 * - `info`: nobody knows (a timeout): it may take effect at any point after its invocation, or never.
 * An invocation without a completion counts as `info`. Events are matched by `request`, the
 * request's id, which stays the same across a client's retries of one operation.
 *
 * These shapes are a subset of the trace events of the same names, so a trace's events can be
 * passed as they are.
 */
import { type ClientId, type Op, opProblem } from './ops.js';

interface HistoryBase {
  /** The event's position in the run: a total order (a trace's `seq`). */
  seq: number;
  client: ClientId;
  /** The request id, e.g. `c1:3` (client c1's third operation). */
  request: string;
  /** Time in ms, for display only; the order is `seq`'s. */
  t?: number;
}

export interface InvokeEvent extends HistoryBase {
  type: 'invoke';
  op: Op;
  /** The node the client first sent it to. */
  node?: number;
}
export interface OkEvent extends HistoryBase {
  type: 'ok';
  result: unknown;
  /** The node whose answer it was. */
  node?: number;
}
export interface FailEvent extends HistoryBase {
  type: 'fail';
  reason?: string;
  node?: number;
}
export interface InfoEvent extends HistoryBase {
  type: 'info';
  reason?: string;
}
export type HistoryEvent = InvokeEvent | OkEvent | FailEvent | InfoEvent;
export const HISTORY_EVENT_TYPES = ['invoke', 'ok', 'fail', 'info'] as const;

/** One operation: its invocation and how it ended. */
export interface Operation {
  /** Its index in {@link History.operations} (invocation order). */
  index: number;
  client: ClientId;
  request: string;
  op: Op;
  /** `seq` of the invocation and of the completion (Infinity: unknown outcome, it never returned). */
  call: number;
  ret: number;
  status: 'ok' | 'fail' | 'info';
  /** The result, for `ok`. */
  result?: unknown;
  node?: number;
  /** The reason given with a `fail` or `info`. */
  reason?: string;
  /** Times in ms of the invocation and the completion, when the events had them. */
  callT?: number;
  retT?: number;
}

export interface History {
  /** Every operation in invocation order, failed ones included. */
  operations: Operation[];
  /** Events that do not fit (a completion without an invocation, a second completion, a bad op). */
  problems: string[];
}

const isHistoryType = (t: unknown): t is HistoryEvent['type'] => (HISTORY_EVENT_TYPES as readonly unknown[]).includes(t);

/** Pair invocations with completions. Events of other types (a whole trace) are skipped. */
export function buildHistory(events: Iterable<{ type: string }>): History {
  const operations: Operation[] = [];
  const problems: string[] = [];
  const open = new Map<string, Operation>();
  const done = new Set<string>();
  for (const raw of events) {
    if (!isHistoryType(raw.type)) continue;
    const e = raw as HistoryEvent;
    if (e.type === 'invoke') {
      const bad = opProblem(e.op);
      if (bad) {
        problems.push(`#${e.seq}: ${e.client} invoked a bad operation: ${bad}`);
        continue;
      }
      if (open.has(e.request) || done.has(e.request)) {
        problems.push(`#${e.seq}: request ${e.request} invoked twice`);
        continue;
      }
      const op: Operation = { index: operations.length, client: e.client, request: e.request, op: e.op, call: e.seq, ret: Infinity, status: 'info' };
      if (e.node !== undefined) op.node = e.node;
      if (e.t !== undefined) op.callT = e.t;
      operations.push(op);
      open.set(e.request, op);
      continue;
    }
    const op = open.get(e.request);
    if (!op) {
      problems.push(`#${e.seq}: ${e.type} for request ${e.request}, which ${done.has(e.request) ? 'had already completed' : 'was never invoked'}`);
      continue;
    }
    if (op.client !== e.client) {
      problems.push(`#${e.seq}: ${e.client} completed request ${e.request} of ${op.client}`);
      continue;
    }
    open.delete(e.request);
    done.add(e.request);
    op.status = e.type;
    if (e.t !== undefined) op.retT = e.t;
    if (e.type === 'info') {
      // Unknown outcome: the operation may still take effect later, so it never "returns".
      if (e.reason !== undefined) op.reason = e.reason;
      continue;
    }
    op.ret = e.seq;
    if (e.type === 'ok') op.result = e.result;
    else if (e.reason !== undefined) op.reason = e.reason;
    if (e.node !== undefined) op.node = e.node;
  }
  return { operations, problems };
}
