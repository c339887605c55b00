import { NO_ROUND } from '@paxlab/sdk';
import type { AcceptMsg, AcceptorRole, ClusterConfig, LearnMsg, NodeId, PrepareMsg, PromiseMsg, Round, Value } from '@paxlab/sdk';

/**
 * Your acceptor. Read instructions.md, then fill in the two handlers. Each one returns the reply to
 * send, or null for "no reply". Never change the message you are given; always build a new one.
 */
export class Acceptor implements AcceptorRole {
  /** The highest round promised so far. */
  rnd: Round = NO_ROUND;
  /** The round of the last vote (the last ACCEPT taken). */
  vrnd: Round = NO_ROUND;
  /** The value of the last vote. */
  vval: Value | null = null;

  constructor(
    readonly id: NodeId,
    readonly config: ClusterConfig,
  ) {}

  handlePrepare(msg: PrepareMsg): PromiseMsg | null {
    // TODO: promise msg.crnd if it is higher than anything promised so far.
    void msg;
    return null;
  }

  handleAccept(msg: AcceptMsg): LearnMsg | null {
    // TODO: vote for msg.val unless a higher round was promised.
    void msg;
    return null;
  }
}
