/**
 * The numbered steps of a search counterexample. A search trace's virtual time is the step number:
 * each step is one action (a delivery, a loss, a duplicate, a round start, a client request, a crash
 * or a restart) and what the handler sent or decided in answer.
 */
import type { TraceEvent, WireMessage } from '../trace/events.js';
import { describeEvent, messageText } from './describe.js';
import type { TraceStep } from './types.js';

/** The node a step happens at (a client's own steps have none: clients are not search nodes). */
const nodeOf = (e: TraceEvent): number | undefined => {
  if (e.type === 'deliver' || e.type === 'drop' || e.type === 'duplicate') return typeof e.to === 'number' ? e.to : undefined;
  return 'node' in e && typeof e.node === 'number' ? e.node : undefined;
};

export function counterexampleSteps(trace: readonly TraceEvent[]): TraceStep[] {
  const sent = new Map<number, WireMessage>();
  const steps: TraceStep[] = [];
  let current: { step: TraceStep; outputs: Map<string, number[]>; decided: string[] } | null = null;
  const close = () => {
    if (!current) return;
    const outs = [...current.outputs].map(([label, to]) => `${label} to ${to.map((n) => `S${n}`).join(', ')}`);
    const tail = [...(outs.length ? [`sends ${outs.join('; ')}`] : []), ...current.decided];
    if (tail.length) current.step.text += ` → ${tail.join(', ')}`;
    steps.push(current.step);
    current = null;
  };
  for (const e of trace) {
    if (e.type === 'send') sent.set(e.id, e.msg);
    if (e.type === 'meta' || !(e.t >= 1)) continue;
    if (current && current.step.n === e.t) {
      if (e.type === 'send') {
        const label = messageText(e.msg);
        const to = current.outputs.get(label) ?? [];
        if (typeof e.to !== 'number') continue;
        to.push(e.to);
        current.outputs.set(label, to);
      } else if (e.type === 'decide') current.decided.push(`decides ${JSON.stringify(e.value)}`);
      else if (e.type === 'error') current.decided.push(e.message);
      continue;
    }
    const text = describeEvent(e, sent);
    if (text === null) continue;
    close();
    current = { step: { n: e.t, seq: e.seq, ...(nodeOf(e) !== undefined ? { node: nodeOf(e) } : {}), text }, outputs: new Map(), decided: [] };
  }
  close();
  return steps;
}
