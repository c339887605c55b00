// Bug: uses floor(n/2) as the quorum.
// expect-rule: learner.below-quorum
// expect-rule: search.learner-safety
import { quorumSize } from '@paxlab/sdk';
import type { ClusterConfig, LearnMsg, LearnerRole, NodeId, Round, Value } from '@paxlab/sdk';

/** The reference learner with one bug (see the first line). */
export class Learner implements LearnerRole {
  /** Distinct senders per round. */
  votes = new Map<Round, Set<NodeId>>();
  learned: Value | null = null;

  constructor(
    readonly id: NodeId,
    readonly config: ClusterConfig,
  ) {}

  handleLearn(msg: LearnMsg): Value | null {
    if (this.learned !== null) return null;
    let senders = this.votes.get(msg.rnd);
    if (!senders) this.votes.set(msg.rnd, (senders = new Set()));
    if (senders.has(msg.from)) return null;
    senders.add(msg.from);
    if (senders.size < Math.floor(this.config.nodes.length / 2)) return null;
    this.learned = msg.val;
    return msg.val;
  }
}
