// Bug: applies a value when its acceptor votes for it (on the ACCEPT), before it is chosen.
// expect-rule: kv-service.log.agreement
import type { MultiAcceptMsg } from '@paxlab/sdk';
import { MultiPaxosNode } from '../reference/node.js';

/** The reference node, but a vote counts as a decision. */
export class Node extends MultiPaxosNode {
  protected override onAccept(msg: MultiAcceptMsg): void {
    super.onAccept(msg);
    if (this.votes.get(msg.slot)?.[0] === msg.rnd) this.chosen(msg.slot, msg.val); // a vote is not a choice
  }
}
