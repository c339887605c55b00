/**
 * What a "linearizable" badge does not say: linearizability judges only the answers a history has,
 * and an operation without one may take effect at any point or never, so a run in which nothing
 * was answered is trivially linearizable. The history view says so beside the badge, so a student
 * whose test failed on `complete` does not read the badge as a pass.
 */
import type { HistoryOpView } from '../api/types.js';
import { plural } from './plural.js';

export function unansweredNote(ops: readonly Pick<HistoryOpView, 'status'>[]): string | null {
  const open = ops.filter((o) => o.status === 'info').length;
  if (open === 0) return null;
  if (open === ops.length) return `no operation was answered: every one may have taken effect or not, so any history fits`;
  return `${plural(open, 'operation')} of ${ops.length} got no answer: each may have taken effect or not`;
}
