// Bug: a new leader ignores the slots and votes its promises report, and fills its window with new commands from the first undecided slot.
// expect-rule: kv-service.log.agreement
// expect-rule: kv-service.log.chosen-invariant
import type { MultiAcceptMsg, MultiPromiseMsg, NodeContext } from '@paxlab/sdk';
import { quorumSize } from '@paxlab/sdk';
import { Proposer } from '../../04-multi-paxos/reference/proposer.js';
import { MultiPaxosNode, type MultiPaxosNodeOptions, type ServiceNodeMsg } from '../reference/node.js';

class ForgetfulProposer extends Proposer {
  override handlePromise(msg: MultiPromiseMsg): MultiAcceptMsg[] {
    if (msg.rnd !== this.crnd || this.active || this.promises.has(msg.from)) return [];
    this.promises.set(msg.from, msg);
    if (this.promises.size < quorumSize(this.config)) return [];
    this.active = true;
    this.next = this.firstUndecided; // the votes in msg.votes are never looked at
    return [];
  }
}

export class Node extends MultiPaxosNode {
  constructor(ctx: NodeContext<ServiceNodeMsg>, options: MultiPaxosNodeOptions = {}) {
    super(ctx, { ...options, roles: { ...options.roles, Proposer: ForgetfulProposer } });
  }
}
