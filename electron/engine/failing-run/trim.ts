/**
 * A long failing run cut down for the window: the meta line, then at most `max` events around the
 * ones that break the rule (and the closing error), keeping their original seq numbers so the
 * failure's message ("seq 418") still points at them. The whole run stays exportable.
 */
import type { TraceEvent } from '../trace/events.js';
import type { FailingRun } from './types.js';

export const MAX_VIEW_EVENTS = 5000;

export function trimRun(run: FailingRun, max = MAX_VIEW_EVENTS): FailingRun & { totalEvents: number } {
  const events = run.events;
  const totalEvents = events.length;
  if (events.length <= max + 1) return { ...run, totalEvents };
  const marked = run.highlights.map((h) => h.seq).filter((s) => s > 0);
  const first = marked.length ? Math.min(...marked) : events.length - 1;
  const last = marked.length ? Math.max(...marked) : events.length - 1;
  // One slot stays for the closing error; the window is centred on the highlighted span, and a
  // span wider than the window keeps its end (where the rule broke).
  const width = max - 1;
  const span = last - first + 1;
  const centred = span >= width ? last - width + 1 : first - Math.floor((width - span) / 2);
  const from = Math.max(1, Math.min(centred, events.length - width));
  const to = from + width - 1;
  const kept = [events[0], ...events.slice(from, to + 1)];
  const end = events[events.length - 1];
  if (to < events.length - 1 && end.type === 'error') kept.push(end);
  return {
    ...run,
    events: kept,
    steps: run.steps?.filter((s) => s.seq >= from && s.seq <= to),
    totalEvents,
  };
}
