import type { ClusterConfig, LearnMsg, LearnerRole, NodeId, Value } from '@paxlab/sdk';

/**
 * Your learner. Read instructions.md. Count LEARNs per round by distinct sender and return the
 * value the first time one round reaches a quorum; return null otherwise.
 */
export class Learner implements LearnerRole {
  constructor(
    readonly id: NodeId,
    readonly config: ClusterConfig,
  ) {}

  handleLearn(msg: LearnMsg): Value | null {
    // TODO: tally msg and decide.
    void msg;
    return null;
  }
}
