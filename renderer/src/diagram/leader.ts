/**
 * Which node the playground crowns: the leader most live nodes name in their snapshots, counting
 * only snapshots taken since the voter's last crash or restart, and never a node that is down
 * (the others may not have noticed yet). With no such vote, the trace's own guess.
 */
export interface LeaderVote {
  node: number;
  up: boolean;
  /** The leader the node's state names, if any. */
  leader: unknown;
  /** The trace's newest seq when the snapshot was asked for. */
  takenAtSeq: number;
}

export function chooseLeader(votes: Iterable<LeaderVote>, down: ReadonlySet<number>, lastLifeSeq: ReadonlyMap<number, number>, fallback: number | null): number | null {
  const count = new Map<number, number>();
  for (const v of votes) {
    if (!v.up || down.has(v.node) || typeof v.leader !== 'number' || down.has(v.leader)) continue;
    if (v.takenAtSeq < (lastLifeSeq.get(v.node) ?? -1)) continue;
    count.set(v.leader, (count.get(v.leader) ?? 0) + 1);
  }
  let best: number | null = null;
  for (const [n, c] of count) if (best === null || c > (count.get(best) ?? 0)) best = n;
  if (best !== null) return best;
  return fallback !== null && !down.has(fallback) ? fallback : null;
}
