/**
 * The same pinned execution on the simulator and on a real cluster must give the same trace: the
 * same events in the same order with the same fields, except what the wall clock decides — every
 * event's `t`, and the node's clock `at` of `start` and `timer` events. Two more things are left
 * out because they are not the protocol's: the meta line (it names the harness), and what a node
 * process printed to stdout/stderr (`log` lines the supervisor captured). An `error` event is
 * compared by its node only: the real node adds the stack to the message.
 */
import type { TraceEvent } from '../trace/events.js';

/** An event as the comparison sees it. */
export function comparable(e: TraceEvent): Record<string, unknown> {
  const { t: _t, ...rest } = e as unknown as Record<string, unknown>;
  if (e.type === 'start' || e.type === 'timer') delete rest.at;
  if (e.type === 'error') delete rest.message;
  return rest;
}

function captured(e: TraceEvent): boolean {
  return e.type === 'log' && /^(stdout|stderr): /.test(e.text);
}

export function comparableTrace(trace: readonly TraceEvent[]): Array<Record<string, unknown>> {
  return trace.filter((e) => e.type !== 'meta' && !captured(e)).map(comparable);
}

export interface TraceDifference {
  /** Position among the compared events (0-based). */
  index: number;
  a: Record<string, unknown> | null;
  b: Record<string, unknown> | null;
  message: string;
}

/** The first place two traces differ, or null when they are the same modulo time. */
export function firstDifference(a: readonly TraceEvent[], b: readonly TraceEvent[]): TraceDifference | null {
  const x = comparableTrace(a);
  const y = comparableTrace(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const ea = x[i] ?? null;
    const eb = y[i] ?? null;
    if (ea && eb && sameEvent(ea, eb)) continue;
    const show = (e: Record<string, unknown> | null) => (e ? JSON.stringify(e) : '(the trace ends)');
    return { index: i, a: ea, b: eb, message: `event ${i + 1} differs:\n  ${show(ea)}\n  ${show(eb)}` };
  }
  return null;
}

function sameEvent(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted, so field order does not matter. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
