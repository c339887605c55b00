/**
 * Turns the handler calls of a failed role test into trace events, so the renderer can draw the
 * failing run with the same space-time diagram as a cluster: each input message arrives at the
 * student's node, each output leaves it, a learned value is a decision, and the failing call ends
 * with an error event saying what was expected.
 */
import type { TraceEvent } from '../trace/events.js';

/** One replayed handler call: what went in, what the reference returned, what the student's did. */
export interface ReplayStep {
  method: string;
  input: unknown;
  expected?: unknown;
  actual?: unknown;
}

type Msg = { kind: string; from?: number; to?: number; [k: string]: unknown };

const isMsg = (v: unknown): v is Msg => typeof v === 'object' && v !== null && typeof (v as Msg).kind === 'string';

function studentIdOf(steps: ReplayStep[]): number {
  for (const s of steps) for (const out of [s.expected, s.actual]) if (isMsg(out) && typeof out.from === 'number') return out.from;
  for (const s of steps) if (isMsg(s.input) && s.input.kind === 'promise' && typeof s.input.to === 'number') return s.input.to;
  return 1;
}

export function roleStepsToTrace(steps: ReplayStep[], failure?: { message: string }): TraceEvent[] {
  const me = studentIdOf(steps);
  const ids = new Set<number>([me]);
  for (const s of steps) for (const v of [s.input, s.expected, s.actual]) {
    if (isMsg(v)) for (const k of ['from', 'to'] as const) if (typeof v[k] === 'number') ids.add(v[k] as number);
  }
  for (let i = 1; ids.size < 3; i++) ids.add(i);
  const nodes = [...ids].sort((a, b) => a - b);
  const others = nodes.filter((n) => n !== me);

  const events: TraceEvent[] = [];
  let seq = 0;
  let lc = 0;
  let msgId = 0;
  const push = (e: Record<string, unknown>) => events.push({ ...e, seq: seq++, t: seq, lc: ++lc } as unknown as TraceEvent);
  push({ type: 'meta', format: 'paxlab-trace/1', source: 'replay', nodes, title: 'failing test' });

  steps.forEach((s, i) => {
    const last = i === steps.length - 1;
    if (isMsg(s.input)) {
      const from = typeof s.input.from === 'number' && s.input.from !== me ? s.input.from : (others[0] ?? me);
      const id = msgId++;
      push({ type: 'send', id, from, to: me, msg: s.input });
      push({ type: 'deliver', id, from, to: me, msg: s.input, copy: 0 });
    } else if (s.method === 'propose' && typeof s.input === 'string') {
      push({ type: 'client-request', node: me, request: `step-${i + 1}`, value: s.input });
    }
    const out = s.actual;
    if (isMsg(out)) {
      const targets = typeof out.to === 'number' ? [out.to] : others;
      for (const to of targets) push({ type: 'send', id: msgId++, from: me, to, msg: out });
    } else if (typeof out === 'string') {
      push({ type: 'decide', node: me, value: out, slot: 0 });
    }
    if (last && failure) push({ type: 'error', node: me, message: failure.message });
  });
  return events;
}
