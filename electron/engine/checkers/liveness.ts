/**
 * Liveness under eventual synchrony: once the faults of a schedule are over, the network healed and a
 * majority of nodes up, every live node must decide within a bound. Paxos promises nothing while
 * faults go on, so a schedule that never ends (or ends partitioned, or with a minority up) is not
 * judged.
 */
import type { NodeId } from '@paxlab/sdk';
import type { MetaEvent, TraceEvent } from '../trace/events.js';
import { fail, pass, type CheckResult } from './types.js';

export interface LivenessOptions {
  /** Virtual (or wall-clock) ms after the last fault within which every live node must decide. */
  boundMs: number;
  /** The nodes; by default those of the meta event. */
  nodes?: NodeId[];
}

const FAULT_TYPES = new Set(['crash', 'restart', 'partition', 'heal', 'link', 'net']);

export function checkLiveness(trace: TraceEvent[], opts: LivenessOptions): CheckResult {
  const meta = trace.find((e): e is MetaEvent => e.type === 'meta');
  const nodes = opts.nodes ?? meta?.nodes ?? [];
  const down = new Set<NodeId>();
  const cut = new Set<string>();
  let partitioned = false;
  let lastFault: TraceEvent | null = null;
  for (const e of trace) {
    if (!FAULT_TYPES.has(e.type)) continue;
    lastFault = e;
    if (e.type === 'crash') down.add(e.node);
    else if (e.type === 'restart') down.delete(e.node);
    else if (e.type === 'partition') partitioned = e.groups.length > 1;
    else if (e.type === 'heal') {
      partitioned = false;
      cut.clear();
    } else if (e.type === 'link') {
      const key = e.a < e.b ? `${e.a}-${e.b}` : `${e.b}-${e.a}`;
      if (e.up) cut.delete(key);
      else cut.add(key);
    }
  }
  const live = nodes.filter((n) => !down.has(n));
  const majority = Math.floor(nodes.length / 2) + 1;
  if (partitioned || cut.size > 0) return pass('liveness', 'not judged: the schedule ends with the network still split');
  if (live.length < majority) return pass('liveness', `not judged: only ${live.length} of ${nodes.length} nodes are up at the end`);

  const stableFrom = lastFault?.t ?? 0;
  const deadline = stableFrom + opts.boundMs;
  const decided = new Set<NodeId>();
  for (const e of trace) if (e.type === 'decide' && e.t <= deadline) decided.add(e.node);
  const missing = live.filter((n) => !decided.has(n));
  if (missing.length === 0) {
    return pass('liveness', `every live node decided within ${opts.boundMs} ms of the last fault (t=${stableFrom})`);
  }
  const end = trace.length > 0 ? trace[trace.length - 1].t : 0;
  return fail(
    'liveness',
    `node${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not decide within ${opts.boundMs} ms after the last fault ` +
      `(t=${stableFrom}${end < deadline ? `; the run ended at t=${end}` : ''})`,
    lastFault ? [lastFault] : [],
  );
}
