import type { NodeId } from './messages.js';

/**
 * An eventually-perfect failure detector: a peer is suspected once nothing was heard from it for its
 * timeout; hearing from a suspected peer clears the suspicion and lengthens that peer's timeout, so
 * false suspicions (a slow or lossy link) die out instead of making the leader flap forever.
 * A peer that says how long it will stay silent (a heartbeat announcing its period, as the
 * reference nodes' heartbeats do) gets at least four such periods before it is suspected: a node
 * that slows its beats down (in a minority) is not taken for dead by those that still hear it.
 *
 * Pure and clock-free: the caller passes the time. Shared by the reference single-decree node
 * (labs/paxos-node) and the reference Multi-Paxos node (labs/05-kv-service), and free for any
 * whole-node lab to use.
 */
export class FailureDetector {
  private lastHeard = new Map<NodeId, number>();
  private timeout = new Map<NodeId, number>();
  private suspects = new Set<NodeId>();
  /** The heartbeat period each peer last announced. */
  private announced = new Map<NodeId, number>();

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

  /**
   * Something arrived from `peer` (with `periodMs`, the time until its next heartbeat, when it said
   * so). Returns true when that cleared a suspicion.
   */
  heard(peer: NodeId, now: number, periodMs?: number): boolean {
    if (!this.lastHeard.has(peer)) return false;
    this.lastHeard.set(peer, now);
    if (periodMs !== undefined && Number.isFinite(periodMs) && periodMs > 0) this.announced.set(peer, periodMs);
    if (!this.suspects.delete(peer)) return false;
    this.timeout.set(peer, (this.timeout.get(peer) ?? this.suspectMs) + this.growMs);
    return true;
  }

  /** Suspect every peer silent for longer than its timeout. Returns true when the set grew. */
  check(now: number): boolean {
    let changed = false;
    for (const [peer, at] of this.lastHeard) {
      if (!this.suspects.has(peer) && now - at > this.silenceAllowed(peer)) {
        this.suspects.add(peer);
        changed = true;
      }
    }
    return changed;
  }

  private silenceAllowed(peer: NodeId): number {
    return Math.max(this.timeout.get(peer) ?? this.suspectMs, 4 * (this.announced.get(peer) ?? 0));
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
