/**
 * Narration: the steps a chapter tells its story in, each pointing at the events it talks about —
 * by the script step that produced them (a label survives re-recording; so does an index) or by a
 * pattern over trace events — so the diagram can move there. Resolving is pure: a narration and a
 * run in, event seqs out.
 */
import type { TraceEvent } from '../trace/events.js';
import { participant } from '../pinned/script.js';
import type { PinnedRun } from '../pinned/run.js';

/** Which events: every field given must match (`kind` and `msg` look at the message of a message event). */
export interface EventPattern {
  type?: string;
  node?: number | string;
  from?: number | string;
  to?: number | string;
  client?: string;
  kind?: string;
  msg?: Record<string, unknown>;
  value?: string;
}

export type NarrationPointer =
  /** The events a script step produced (its label, or its 1-based index). */
  | { step: string | number }
  /** The `nth` (1-based, default 1) event that matches, or all of them. */
  | { event: EventPattern; nth?: number; all?: boolean };

export interface NarrationStep {
  text: string;
  at?: NarrationPointer;
}

export interface ResolvedNarration {
  text: string;
  /** The seqs of the events this step talks about (empty: none, or none in this run). */
  seqs: number[];
}

const NARRATION_KEYS = ['text', 'at'];

/** Why `steps` is not a narration, or null. */
export function narrationProblem(steps: unknown, labels: readonly string[] = []): string | null {
  if (!Array.isArray(steps) || steps.length === 0) return 'a narration is a non-empty list of steps';
  for (const [i, s] of steps.entries()) {
    const at = `narration step ${i + 1}`;
    if (typeof s !== 'object' || s === null) return `${at}: not an object`;
    for (const k of Object.keys(s)) if (!NARRATION_KEYS.includes(k)) return `${at}: unknown field '${k}'`;
    if (typeof (s as NarrationStep).text !== 'string' || !(s as NarrationStep).text) return `${at}: text must be a non-empty string`;
    const p = (s as NarrationStep).at as Record<string, unknown> | undefined;
    if (p === undefined) continue;
    if ('step' in p) {
      if (typeof p.step === 'string' && labels.length && !labels.includes(p.step)) return `${at}: no script step is labelled '${p.step}'`;
      if (typeof p.step !== 'string' && !(Number.isInteger(p.step) && (p.step as number) >= 1)) return `${at}: at.step must be a label or a 1-based step number`;
    } else if ('event' in p) {
      if (typeof p.event !== 'object' || p.event === null) return `${at}: at.event must be an event pattern`;
    } else return `${at}: at must be {step} or {event}`;
  }
  return null;
}

/** Whether event `e` fits `p`; `name` turns a name in the pattern (S1, P1, c1) into an id. */
export function eventMatches(e: TraceEvent, p: EventPattern, name: (w: number | string) => number | string | null = participant): boolean {
  const r = e as unknown as Record<string, unknown>;
  if (p.type !== undefined && e.type !== p.type) return false;
  for (const k of ['node', 'from', 'to'] as const) if (p[k] !== undefined && r[k] !== name(p[k]!)) return false;
  if (p.client !== undefined && r.client !== p.client) return false;
  if (p.value !== undefined && r.value !== p.value) return false;
  const msg = r.msg as Record<string, unknown> | undefined;
  if (p.kind !== undefined && msg?.kind !== p.kind) return false;
  if (p.msg) for (const [k, v] of Object.entries(p.msg)) if (JSON.stringify(msg?.[k]) !== JSON.stringify(v)) return false;
  return true;
}

/** Each narration step with the events it points at in `run` (a pinned run, or any trace). */
export function resolveNarration(
  steps: readonly NarrationStep[],
  run: Pick<PinnedRun, 'trace'> & Partial<Pick<PinnedRun, 'steps' | 'script'>>,
  name?: (w: number | string) => number | string | null,
): ResolvedNarration[] {
  return steps.map((s) => ({ text: s.text, seqs: s.at ? pointAt(s.at, run, name) : [] }));
}

function pointAt(p: NarrationPointer, run: Pick<PinnedRun, 'trace'> & Partial<Pick<PinnedRun, 'steps' | 'script'>>, name?: (w: number | string) => number | string | null): number[] {
  if ('step' in p) {
    const index = typeof p.step === 'number' ? p.step - 1 : (run.script?.steps.findIndex((st) => st.label === p.step) ?? -1);
    const done = run.steps?.find((st) => st.index === index);
    if (!done) return [];
    return run.trace.filter((e) => e.seq >= done.from && e.seq < done.to).map((e) => e.seq);
  }
  const found = run.trace.filter((e) => e.type !== 'meta' && eventMatches(e, p.event, name));
  if (p.all) return found.map((e) => e.seq);
  const e = found[(p.nth ?? 1) - 1];
  return e ? [e.seq] : [];
}
