// Bug: the leader sends each ACCEPT once and never again, so a slot whose ACCEPTs or LEARNs were lost stays undecided.
// expect-rule: kv-service.log.whole-log
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override retry(): void {
    if (this.leader === this.ctx.id && this.active && this.maxSeen <= this.crnd) return; // no resend, no new round
    super.retry();
  }
}
