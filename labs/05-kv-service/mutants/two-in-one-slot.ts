// Bug: after a leader change, the new leader gives new commands the first undecided slot, although it also re-proposes that slot's reported value.
// expect-rule: kv-service.log.agreement
import type { MultiAcceptMsg, MultiPromiseMsg, NodeContext } from '@paxlab/sdk';
import { Proposer } from '../../04-multi-paxos/reference/proposer.js';
import { MultiPaxosNode, type MultiPaxosNodeOptions, type ServiceNodeMsg } from '../reference/node.js';

class OverlappingProposer extends Proposer {
  override handlePromise(msg: MultiPromiseMsg): MultiAcceptMsg[] {
    const accepts = super.handlePromise(msg);
    if (this.active) this.next = this.firstUndecided; // should be past the highest reported slot
    return accepts;
  }
}

export class Node extends MultiPaxosNode {
  constructor(ctx: NodeContext<ServiceNodeMsg>, options: MultiPaxosNodeOptions = {}) {
    super(ctx, { ...options, roles: { ...options.roles, Proposer: OverlappingProposer } });
  }
}
