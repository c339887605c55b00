/** What a pinned execution produces, on either harness. */
import type { TraceEvent } from '../trace/events.js';
import type { PinnedScript } from './script.js';

export interface PinnedStepEvents {
  /** 0-based index of the step in the script. */
  index: number;
  label?: string;
  /** The seq range of the events this step produced: [from, to). Empty when it did nothing. */
  from: number;
  to: number;
}

export interface PinnedRun {
  script: PinnedScript;
  source: 'sim' | 'cluster';
  /** The whole trace, meta first. */
  trace: TraceEvent[];
  /** One entry per step carried out (all of them unless `error`). */
  steps: PinnedStepEvents[];
  /** The step that could not be carried out (the run stopped there), 1-based. */
  error?: { step: number; message: string };
}

/** The seq the next event will get. */
export function nextSeq(trace: readonly TraceEvent[]): number {
  return trace.length === 0 ? 0 : trace[trace.length - 1].seq + 1;
}

/** The clients' model: the script's, or the one its operations belong to. */
export function scriptModel(script: PinnedScript): 'kv' | 'lock' | 'log' | undefined {
  if (script.model) return script.model;
  const first = Object.values(script.clients ?? {}).flat()[0];
  if (!first) return undefined;
  if (first.f === 'exec') return 'log';
  if (first.f === 'acquire' || first.f === 'release') return 'lock';
  return 'kv';
}
