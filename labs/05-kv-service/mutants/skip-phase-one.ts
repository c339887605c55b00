// Bug: a node that becomes leader skips phase 1: it proposes in a fresh round at once, without waiting for promises.
// expect-rule: kv-service.log.agreement
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override startRound(): void {
    super.startRound();
    if (this.crnd === 0) return;
    // Pretend a quorum promised: the proposer goes active with no votes to adopt.
    for (const peer of this.ctx.nodes) this.proposer.handlePromise({ kind: 'promise', to: this.ctx.id, from: peer, rnd: this.crnd, slot: this.applied + 1, votes: [] });
    this.active = true;
    this.tryPropose();
  }
}
