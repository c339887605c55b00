/**
 * The events of a trace that show a violation, found by the same checkers that judged the run (they
 * are pure functions of the trace), each with a label for the diagram.
 */
import { checkAgreement, checkChosenInvariant, checkIntegrity, checkValidity } from '../checkers/safety.js';
import type { CheckResult } from '../checkers/types.js';
import type { TraceEvent } from '../trace/events.js';
import type { TraceHighlight } from './types.js';

const FAULTS = new Set(['crash', 'restart', 'partition', 'heal', 'link', 'net']);

function labelled(result: CheckResult, label: (e: TraceEvent, i: number, all: TraceEvent[]) => string): TraceHighlight[] {
  if (result.ok) return [];
  return result.events.map((e, i, all) => ({ seq: e.seq, label: label(e, i, all) }));
}

const decided = (e: TraceEvent) => (e.type === 'decide' ? `S${e.node} decided ${JSON.stringify(e.value)}` : e.type);

/** The highlights for the checker that failed; [] when the trace shows nothing for it. */
export function violationHighlights(trace: TraceEvent[], checker: string | undefined): TraceHighlight[] {
  switch (checker) {
    case 'agreement':
      return labelled(checkAgreement(trace), (e) => `conflict: ${decided(e)}`);
    case 'validity':
      return labelled(checkValidity(trace), (e) => `${decided(e)}, never proposed`);
    case 'integrity':
      return labelled(checkIntegrity(trace), (e, i) => (i === 0 ? `first: ${decided(e)}` : `again: ${decided(e)}`));
    case 'chosen-invariant':
      return labelled(checkChosenInvariant(trace), (e, i, all) => {
        const m = e.type === 'send' ? e.msg : null;
        if (i === all.length - 1) return `${m?.kind ?? 'send'} of ${JSON.stringify(m?.val)} in round ${String(m?.rnd)} breaks the chosen value`;
        return `S${e.type === 'send' ? e.from : '?'} votes ${JSON.stringify(m?.val)} in round ${String(m?.rnd)}`;
      });
    case 'liveness': {
      let last: TraceEvent | undefined;
      for (const e of trace) if (FAULTS.has(e.type)) last = e;
      return last ? [{ seq: last.seq, label: 'last fault: from here every live node must decide' }] : [];
    }
    default:
      return [];
  }
}
