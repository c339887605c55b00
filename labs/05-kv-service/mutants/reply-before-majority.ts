// Bug: the learner takes the first LEARN of a slot as its decision, so a node applies and replies before a majority voted.
// expect-rule: kv-service.log.agreement
import type { Decision, MultiLearnMsg } from '@paxlab/sdk';
import { Learner } from '../../04-multi-paxos/reference/learner.js';
import { MultiPaxosNode, type MultiPaxosNodeOptions } from '../reference/node.js';
import type { NodeContext } from '@paxlab/sdk';
import type { ServiceNodeMsg } from '../reference/node.js';

class HastyLearner extends Learner {
  override handleLearn(msg: MultiLearnMsg): Decision | null {
    if (this.decided.has(msg.slot)) return null;
    this.decided.add(msg.slot); // one LEARN is not a quorum
    return { slot: msg.slot, val: msg.val };
  }
}

export class Node extends MultiPaxosNode {
  constructor(ctx: NodeContext<ServiceNodeMsg>, options: MultiPaxosNodeOptions = {}) {
    super(ctx, { ...options, roles: { ...options.roles, Learner: HastyLearner } });
  }
}
