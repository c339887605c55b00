/**
 * A bound on a long-running cluster's trace: an undecided cluster's heartbeats add thousands of
 * events a second, so a playground left running would otherwise grow without limit.
 */
import type { TraceRecorder } from '../trace/recorder.js';

/** The share of the bound discarded at once: one splice per tenth keeps the cost O(1) per event, amortized. */
const CHUNK_SHARE = 0.1;
/** Below this a bound would leave too little to look at. */
export const MIN_TRACE_BOUND = 10;

/** Throws a RangeError unless `max` is a usable bound. */
export function checkTraceBound(max: number): void {
  if (!Number.isInteger(max) || max < MIN_TRACE_BOUND) {
    throw new RangeError(`maxTraceEvents must be an integer >= ${MIN_TRACE_BOUND}, got ${String(max)}`);
  }
}

/** How many of the oldest events to discard once a trace bounded to `max` events overflows. */
export function traceChunk(max: number): number {
  return Math.max(1, Math.ceil(max * CHUNK_SHARE));
}

/**
 * Keep `recorder.events` at most `max` long (the meta line included) by discarding the oldest
 * tenth whenever it overflows. Returns the unsubscribe function.
 */
export function boundTrace(recorder: TraceRecorder, max: number): () => void {
  checkTraceBound(max);
  const chunk = traceChunk(max);
  return recorder.subscribe(() => {
    if (recorder.events.length > max) recorder.discardOldest(chunk);
  });
}
