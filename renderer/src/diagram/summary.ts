/**
 * What the trace says about the cluster at the playhead: which nodes are down, who decided what,
 * which links are cut, whether the network is partitioned, and the likely leader (the node that
 * started the highest round, as in the lecture: the proposer with the highest prepare).
 */
import type { NetworkConfig, TraceEvent } from '../api/types.js';
import type { TraceIndex } from './trace-index.js';

export interface TraceSummary {
  down: Set<number>;
  decided: Map<number, string>;
  cut: Set<string>;
  partition: number[][] | null;
  leader: number | null;
  network: NetworkConfig | null;
  errors: number;
}

export const linkKey = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

/**
 * What discarded events (cut from the front of a bounded live trace) left behind: summarize starts
 * from it, so a decision, a crash or a partition outlives the events that recorded it.
 */
export interface SummaryBase {
  summary: TraceSummary;
  /** The highest prepare round seen, for the leader. */
  highest: number;
}

export function emptySummaryBase(): SummaryBase {
  return { summary: { down: new Set(), decided: new Map(), cut: new Set(), partition: null, leader: null, network: null, errors: 0 }, highest: -1 };
}

function copyBase(b: SummaryBase): SummaryBase {
  const s = b.summary;
  return { summary: { ...s, down: new Set(s.down), decided: new Map(s.decided), cut: new Set(s.cut) }, highest: b.highest };
}

/** Apply `events` (in trace order) to `base`, in place. */
export function foldIntoBase(base: SummaryBase, events: Iterable<TraceEvent>): void {
  for (const e of events) step(base, e);
}

export function summarize(idx: TraceIndex, limit: number, base: SummaryBase = emptySummaryBase()): TraceSummary {
  const state = copyBase(base);
  const n = Math.min(limit, idx.length);
  for (let i = 0; i < n; i++) step(state, idx.events[i]);
  const s = state.summary;
  if (s.leader !== null && s.down.has(s.leader)) s.leader = null;
  return s;
}

function step(state: SummaryBase, e: TraceEvent): void {
  const s = state.summary;
  switch (e.type) {
    case 'meta':
      // The meta line stays first in a bounded trace: a 'net' event already folded in is newer.
      s.network = s.network ?? e.network ?? null;
      break;
    case 'crash':
      s.down.add(e.node);
      break;
    case 'restart':
      s.down.delete(e.node);
      break;
    case 'decide':
      s.decided.set(e.node, e.value);
      break;
    case 'link':
      if (e.up) s.cut.delete(linkKey(e.a, e.b));
      else s.cut.add(linkKey(e.a, e.b));
      break;
    case 'partition':
      s.partition = e.groups;
      break;
    case 'heal':
      s.partition = null;
      s.cut.clear();
      break;
    case 'net':
      s.network = e.network;
      break;
    case 'error':
      s.errors++;
      break;
    case 'send': {
      const crnd = e.msg.kind === 'prepare' ? Number(e.msg.crnd) : NaN;
      if (crnd > state.highest && typeof e.from === 'number') {
        state.highest = crnd;
        s.leader = e.from;
      }
      break;
    }
    default:
      break;
  }
}
