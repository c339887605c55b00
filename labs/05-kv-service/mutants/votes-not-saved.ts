// Bug: saves the promised round but not its votes before answering an ACCEPT, so a restarted acceptor has forgotten what it voted for.
// expect-rule: kv-service.log.agreement
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override save(): boolean {
    const votes = this.votes;
    this.votes = new Map(); // the votes stay in memory only
    try {
      return super.save();
    } finally {
      this.votes = votes;
    }
  }
}
