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

/**
 * The smallest round owned by node `id` (of `config`'s n nodes) that is greater than `above`: `id`
 * itself when `above` is below it. With 3 nodes, node 2 above 6 is 8; above 0 it is 2.
 */
export function ownedRoundAbove(id: NodeId, config: ClusterConfig, above: Round): Round {
  const n = config.nodes.length;
  if (above < id) return id;
  return id + (Math.floor((above - id) / n) + 1) * n;
}
