/**
 * A failing run as the app and the CLI show it: the run's trace, the events that break the rule,
 * and for a search counterexample its numbered steps. Plain JSON (the renderer receives it as is).
 */
import type { TraceEvent } from '../trace/events.js';

/** One event that shows the violation, by its `seq` in the trace. */
export interface TraceHighlight {
  seq: number;
  /** A few words for the diagram ("conflicting decision", "accept breaks the chosen value"). */
  label: string;
}

/** One step of a search counterexample: the step's first event and what happened. */
export interface TraceStep {
  /** 1-based step number (a search trace's virtual time). */
  n: number;
  seq: number;
  node?: number;
  text: string;
}

export interface FailingRun {
  /** The whole run, meta first, ending with an error event that names the violation. */
  events: TraceEvent[];
  /** The rule's checker ('agreement', 'chosen-invariant', …), when a checker judged the run. */
  checker?: string;
  seed?: number;
  highlights: TraceHighlight[];
  /** Search counterexamples only. */
  steps?: TraceStep[];
  /** What the violation is, one line. */
  summary: string;
}
