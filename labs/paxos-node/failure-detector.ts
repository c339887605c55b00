import type { NodeId } from '@paxlab/sdk';

/**
 * An eventually-perfect failure detector: a peer is suspected once nothing was heard from it for its
 * timeout; hearing from a suspected peer clears the suspicion and lengthens that peer's timeout, so
 * false suspicions (a slow or lossy link) die out instead of making the leader flap forever.
 */
export class FailureDetector {
  private lastHeard = new Map<NodeId, number>();
  private timeout = new Map<NodeId, number>();
  private suspects = new Set<NodeId>();

  constructor(
    private readonly self: NodeId,
    private readonly nodes: readonly NodeId[],
    now: number,
    private readonly suspectMs: number,
    private readonly growMs: number,
  ) {
    for (const n of nodes) {
      if (n === self) continue;
      this.lastHeard.set(n, now);
      this.timeout.set(n, suspectMs);
    }
  }

  /** Something arrived from `peer`. Returns true when that cleared a suspicion. */
  heard(peer: NodeId, now: number): boolean {
    if (!this.lastHeard.has(peer)) return false;
    this.lastHeard.set(peer, now);
    if (!this.suspects.delete(peer)) return false;
    this.timeout.set(peer, (this.timeout.get(peer) ?? this.suspectMs) + this.growMs);
    return true;
  }

  /** Suspect every peer silent for longer than its timeout. Returns true when the set grew. */
  check(now: number): boolean {
    let changed = false;
    for (const [peer, at] of this.lastHeard) {
      if (!this.suspects.has(peer) && now - at > (this.timeout.get(peer) ?? this.suspectMs)) {
        this.suspects.add(peer);
        changed = true;
      }
    }
    return changed;
  }

  /** The lowest-id node not suspected (this node never suspects itself). */
  leader(): NodeId {
    for (const n of this.nodes) if (n === this.self || !this.suspects.has(n)) return n;
    return this.self;
  }

  suspected(): NodeId[] {
    return [...this.suspects].sort((a, b) => a - b);
  }

  timeouts(): Record<number, number> {
    return Object.fromEntries(this.timeout);
  }
}
