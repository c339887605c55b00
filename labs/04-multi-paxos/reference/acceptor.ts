import { NO_ROUND } from '@paxlab/sdk';
import type { MultiAcceptMsg, MultiAcceptorRole, MultiClusterConfig, MultiLearnMsg, MultiPrepareMsg, MultiPromiseMsg, NodeId, Round, Slot, SlotVote } from '@paxlab/sdk';

/** Reference multi-decree acceptor: docs/multi-paxos-api.md, rule by rule. */
export class Acceptor implements MultiAcceptorRole {
  /** The one promised round, for every slot of the log. */
  rnd: Round = NO_ROUND;
  /** The last vote per slot. */
  votes = new Map<Slot, { vrnd: Round; vval: string }>();

  constructor(
    readonly id: NodeId,
    readonly config: MultiClusterConfig,
  ) {}

  handlePrepare(msg: MultiPrepareMsg): MultiPromiseMsg | null {
    if (msg.crnd <= this.rnd) return null;
    this.rnd = msg.crnd;
    const votes: SlotVote[] = [];
    for (const [slot, v] of this.votes) if (slot >= msg.slot) votes.push({ slot, vrnd: v.vrnd, vval: v.vval });
    votes.sort((a, b) => a.slot - b.slot);
    return { kind: 'promise', to: msg.from, from: this.id, rnd: msg.crnd, slot: msg.slot, votes };
  }

  handleAccept(msg: MultiAcceptMsg): MultiLearnMsg | null {
    if (msg.rnd < this.rnd) return null;
    this.rnd = msg.rnd;
    this.votes.set(msg.slot, { vrnd: msg.rnd, vval: msg.val });
    return { kind: 'learn', from: this.id, slot: msg.slot, rnd: msg.rnd, val: msg.val };
  }

  truncate(below: Slot): void {
    for (const slot of this.votes.keys()) if (slot < below) this.votes.delete(slot);
  }
}
