import type { ClusterConfig, NodeId, Round } from './messages.js';

/** The size of a majority quorum of `config`: floor(n/2) + 1. */
export function quorumSize(config: ClusterConfig): number {
  return Math.floor(config.nodes.length / 2) + 1;
}

/**
 * The next round owned by node `id` after `current`. Node i of n owns rounds i, i+n, i+2n, …
 * (docs/student-api.md); from NO_ROUND the first owned round is `id` itself.
 */
export function nextOwnedRound(id: NodeId, config: ClusterConfig, current: Round): Round {
  const n = config.nodes.length;
  if (current <= 0) return id;
  return current + n;
}

/** The node that owns round `rnd` in a cluster of `n` nodes with ids 1..n. */
export function roundOwner(rnd: Round, n: number): NodeId {
  const r = rnd % n;
  return r === 0 ? n : r;
}
