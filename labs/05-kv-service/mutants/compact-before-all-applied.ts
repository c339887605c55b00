// Bug: drops its log up to its own snapshot without waiting until every replica has a snapshot covering it; a peer asking for dropped slots gets nothing.
// expect-rule: kv-service.log.whole-log
import type { NodeId, Slot } from '@paxlab/sdk';
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override maybeTruncate(): void {
    const upTo = this.snapSlot; // the peers' snapshots are not consulted
    if (upTo <= this.durable.compacted) return;
    this.durable.compacted = upTo;
    for (const slot of this.votes.keys()) if (slot <= upTo) this.votes.delete(slot);
    for (const slot of this.log.keys()) if (slot <= upTo) this.log.delete(slot);
    this.save();
  }

  protected override sendChosen(to: NodeId, slot: Slot): void {
    super.sendChosen(to, Math.max(slot, this.durable.compacted + 1));
  }
}
