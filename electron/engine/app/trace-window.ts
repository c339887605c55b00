/**
 * Reading a bounded live trace: the meta line, then a window of the newest events whose seq keeps
 * counting, so an event's seq is not its index once older events were discarded.
 */
import type { TraceEvent } from '../../api.js';

/** The index of the first event with seq >= `seq` (events are in seq order); length if none. */
export function indexOfSeq(events: readonly TraceEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The events with seq >= `sinceSeq`, found by binary search (a copy). */
export function eventsSince(events: readonly TraceEvent[], sinceSeq: number): TraceEvent[] {
  return events.slice(indexOfSeq(events, sinceSeq));
}

/** How many events were discarded between the meta line and the first event kept. */
export function discardedBefore(events: readonly TraceEvent[]): number {
  return events.length > 1 ? events[1].seq - 1 : 0;
}

/**
 * A trace file's seq must count 0, 1, 2, …: a window is renumbered, and its meta title says how
 * many older events it lacks. An unbroken trace is returned as a plain copy.
 */
export function exportableTrace(events: readonly TraceEvent[]): TraceEvent[] {
  const discarded = discardedBefore(events);
  if (discarded === 0) return [...events];
  return events.map((e, i) => {
    if (e.type !== 'meta') return { ...e, seq: i };
    const note = `older ${discarded} events discarded`;
    return { ...e, title: e.title ? `${e.title} (${note})` : note };
  });
}
