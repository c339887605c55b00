// Bug: keeps no at-most-once table: a retried command is proposed and executed again, and a retry is never answered from memory.
// expect-rule: kv-service.history.linearizable
import type { LogCommand } from '@paxlab/sdk';
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override execute(c: LogCommand): void {
    const outcome = this.machine.execute(c.value, c.client ?? c.id); // every copy in the log runs
    this.assigned.delete(c.id);
    const w = this.waiting.get(c.id);
    if (!w) return;
    this.waiting.delete(c.id);
    this.answer(w.id, outcome);
  }
}
