// Bug: applies each slot as soon as it is chosen, in the order slots are decided, not in slot order.
// expect-rule: kv-service.history.linearizable
import type { Slot, Value } from '@paxlab/sdk';
import { decodeBatch } from '@paxlab/sdk';
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  private done = new Set<Slot>();

  protected override chosen(slot: Slot, val: Value): void {
    if (!this.log.has(slot) && !this.done.has(slot) && slot > this.applied) {
      this.done.add(slot);
      for (const c of decodeBatch(val) ?? []) this.execute(c); // whatever is still undecided below
    }
    super.chosen(slot, val);
  }

  protected override applyReady(): void {
    for (let val = this.log.get(this.applied + 1); val !== undefined; val = this.log.get(this.applied + 1)) this.applied++;
    if (this.applied - this.snapSlot >= this.options.snapshotEvery) this.takeSnapshot();
  }
}
