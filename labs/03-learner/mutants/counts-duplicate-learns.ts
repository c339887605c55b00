// Bug: counts every learn, so a repeated learn from one acceptor makes a false quorum.
// expect-rule: learner.duplicate
// expect-rule: search.learner-safety
import { quorumSize } from '@paxlab/sdk';
import type { ClusterConfig, LearnMsg, LearnerRole, NodeId, Round, Value } from '@paxlab/sdk';

/** The reference learner with one bug (see the first line). */
export class Learner implements LearnerRole {
  /** Distinct senders per round. */
  votes = new Map<Round, NodeId[]>();
  learned: Value | null = null;

  constructor(
    readonly id: NodeId,
    readonly config: ClusterConfig,
  ) {}

  handleLearn(msg: LearnMsg): Value | null {
    if (this.learned !== null) return null;
    let senders = this.votes.get(msg.rnd);
    if (!senders) this.votes.set(msg.rnd, (senders = []));
    senders.push(msg.from);
    if (senders.length < quorumSize(this.config)) return null;
    this.learned = msg.val;
    return msg.val;
  }
}
