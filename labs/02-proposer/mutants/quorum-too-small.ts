// Bug: uses floor(n/2) as the quorum, one promise short of a majority.
// expect-rule: proposer.promise.below-quorum
// expect-rule: search.chosen-invariant
import { NO_ROUND, quorumSize } from '@paxlab/sdk';
import type { AcceptMsg, ClusterConfig, NodeId, PrepareMsg, PromiseMsg, ProposerRole, Round, Value } from '@paxlab/sdk';

/** The reference proposer with one bug (see the first line). */
export class Proposer implements ProposerRole {
  crnd: Round = NO_ROUND;
  /** Promises collected for `crnd`, by sender, until the quorum is fixed. */
  promises = new Map<NodeId, PromiseMsg>();
  /** True once a quorum of promises for `crnd` arrived; the quorum is then frozen. */
  quorumReached = false;
  /** The value phase 1 imposes (highest vrnd in the quorum), or null when the quorum was free. */
  constrainedValue: Value | null = null;
  clientValue: Value | null = null;
  acceptSent = false;

  constructor(
    readonly id: NodeId,
    readonly config: ClusterConfig,
  ) {}

  startRound(): PrepareMsg {
    this.crnd = this.crnd === NO_ROUND ? this.id : this.crnd + this.config.nodes.length;
    this.promises = new Map();
    this.quorumReached = false;
    this.constrainedValue = null;
    this.acceptSent = false;
    return { kind: 'prepare', from: this.id, crnd: this.crnd };
  }

  propose(val: Value): AcceptMsg | null {
    this.clientValue = val;
    if (!this.quorumReached || this.constrainedValue !== null || this.acceptSent) return null;
    return this.sendAccept(val);
  }

  handlePromise(msg: PromiseMsg): AcceptMsg | null {
    if (msg.rnd !== this.crnd || this.quorumReached || this.promises.has(msg.from)) return null;
    this.promises.set(msg.from, msg);
    if (this.promises.size < Math.floor(this.config.nodes.length / 2)) return null;
    this.quorumReached = true;
    let highest: PromiseMsg | null = null;
    for (const p of this.promises.values()) {
      if (p.vrnd !== NO_ROUND && (highest === null || p.vrnd > highest.vrnd)) highest = p;
    }
    this.constrainedValue = highest ? highest.vval : null;
    const val = this.constrainedValue ?? this.clientValue;
    if (val === null || this.acceptSent) return null;
    return this.sendAccept(val);
  }

  private sendAccept(val: Value): AcceptMsg {
    this.acceptSent = true;
    return { kind: 'accept', from: this.id, rnd: this.crnd, val };
  }
}
