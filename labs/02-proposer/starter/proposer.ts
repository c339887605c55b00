import { NO_ROUND } from '@paxlab/sdk';
import type { AcceptMsg, ClusterConfig, NodeId, PrepareMsg, PromiseMsg, ProposerRole, Round, Value } from '@paxlab/sdk';

/**
 * Your proposer. Read instructions.md. startRound() begins phase 1; handlePromise() collects the
 * answers; propose() hands you the client's value. Return the message to send, or null.
 */
export class Proposer implements ProposerRole {
  /** The current round. */
  crnd: Round = NO_ROUND;

  constructor(
    readonly id: NodeId,
    readonly config: ClusterConfig,
  ) {}

  startRound(): PrepareMsg {
    // TODO: move crnd to the next round this node owns, and forget the old round.
    return { kind: 'prepare', from: this.id, crnd: this.crnd };
  }

  propose(val: Value): AcceptMsg | null {
    // TODO: remember the client's value; send an accept if phase 1 already allows it.
    void val;
    return null;
  }

  handlePromise(msg: PromiseMsg): AcceptMsg | null {
    // TODO: collect promises for crnd; at a quorum, choose the value and send the accept.
    void msg;
    return null;
  }
}
