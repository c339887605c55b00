/**
 * A failing test's run, ready to draw and to save: the trace the grader judged (a scenario's
 * simulated run, a search counterexample, or a trace test's replayed calls), closed by an error
 * event that names the violation, with the events that break the rule and, for a search, the
 * numbered steps. A pure function of the failure.
 */
import type { TraceEvent } from '../trace/events.js';
import { violationHighlights } from './highlights.js';
import { counterexampleSteps } from './steps.js';
import type { FailingRun, TraceHighlight } from './types.js';

export interface FailureInfo {
  checker?: string;
  seed?: number;
  /** The failure's one-line message. */
  message: string;
}

/** A trace file counts seq 0, 1, 2, …: renumber when the events do not (a cut or merged trace). */
function numbered(events: TraceEvent[]): TraceEvent[] {
  return events.every((e, i) => e.seq === i) ? events : events.map((e, i) => ({ ...e, seq: i }));
}

function closingError(events: TraceEvent[], info: FailureInfo, highlights: TraceHighlight[]): TraceEvent | null {
  const last = events[events.length - 1];
  if (last?.type === 'error') return null;
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const marked = highlights.length ? bySeq.get(highlights[highlights.length - 1].seq) : undefined;
  const node = marked && 'node' in marked && typeof marked.node === 'number' ? marked.node : marked?.type === 'send' ? marked.from : undefined;
  const lc = events.reduce((m, e) => Math.max(m, e.lc), 0) + 1;
  return {
    seq: events.length,
    t: last?.t ?? 0,
    lc,
    type: 'error',
    ...(node !== undefined ? { node } : {}),
    message: `violation${info.checker ? ` (${info.checker})` : ''}: ${info.message}`,
  } as TraceEvent;
}

export function failingRun(trace: readonly TraceEvent[], info: FailureInfo): FailingRun | null {
  if (trace.length === 0 || trace[0].type !== 'meta') return null;
  const events = numbered([...trace]);
  const highlights = violationHighlights(events, info.checker);
  const closing = closingError(events, info, highlights);
  if (closing) events.push(closing);
  const end = events[events.length - 1];
  // Without a checker's events, the error that ends the run is what went wrong.
  if (highlights.length === 0 && end.type === 'error') highlights.push({ seq: end.seq, label: 'fails here' });
  const meta = events[0];
  const steps = meta.type === 'meta' && meta.source === 'search' ? counterexampleSteps(events) : undefined;
  return {
    events,
    ...(info.checker ? { checker: info.checker } : {}),
    ...(info.seed !== undefined ? { seed: info.seed } : {}),
    highlights,
    ...(steps ? { steps } : {}),
    summary: info.message,
  };
}
