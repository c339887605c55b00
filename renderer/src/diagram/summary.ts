/**
 * What the trace says about the cluster at the playhead: which nodes are down, who decided what,
 * which links are cut, whether the network is partitioned, and the likely leader (the node that
 * started the highest round, as in the lecture: the proposer with the highest prepare).
 */
import type { NetworkConfig } from '../api/types.js';
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

export function summarize(idx: TraceIndex, limit: number): TraceSummary {
  const s: TraceSummary = { down: new Set(), decided: new Map(), cut: new Set(), partition: null, leader: null, network: null, errors: 0 };
  let highest = -1;
  const n = Math.min(limit, idx.length);
  for (let i = 0; i < n; i++) {
    const e = idx.events[i];
    switch (e.type) {
      case 'meta':
        s.network = e.network ?? s.network;
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
        if (crnd > highest) {
          highest = crnd;
          s.leader = e.from;
        }
        break;
      }
      default:
        break;
    }
  }
  if (s.leader !== null && s.down.has(s.leader)) s.leader = null;
  return s;
}
