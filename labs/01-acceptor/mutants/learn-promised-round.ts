// Bug: the learn reports the round promised before the ACCEPT, not the ACCEPT's round.
// expect-rule: acceptor.accept.at-least
// expect-rule: search.learner-safety
import { NO_ROUND } from '@paxlab/sdk';
import type { AcceptMsg, AcceptorRole, ClusterConfig, LearnMsg, NodeId, PrepareMsg, PromiseMsg, Round, Value } from '@paxlab/sdk';

/** The reference acceptor with one bug (see the first line). */
export class Acceptor implements AcceptorRole {
  rnd: Round = NO_ROUND;
  vrnd: Round = NO_ROUND;
  vval: Value | null = null;

  constructor(
    readonly id: NodeId,
    readonly config: ClusterConfig,
  ) {}

  handlePrepare(msg: PrepareMsg): PromiseMsg | null {
    if (msg.crnd <= this.rnd) return null;
    this.rnd = msg.crnd;
    return { kind: 'promise', to: msg.from, from: this.id, rnd: msg.crnd, vrnd: this.vrnd, vval: this.vval };
  }

  handleAccept(msg: AcceptMsg): LearnMsg | null {
    if (msg.rnd < this.rnd) return null;
    const promised = this.rnd;
    this.rnd = msg.rnd;
    this.vrnd = msg.rnd;
    this.vval = msg.val;
    return { kind: 'learn', from: this.id, rnd: promised, val: msg.val };
  }
}
