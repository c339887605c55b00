import { quorumSize } from '@paxlab/sdk';
import type { Decision, MultiClusterConfig, MultiLearnMsg, MultiLearnerRole, NodeId, Round, Slot } from '@paxlab/sdk';

/** Reference multi-decree learner: docs/multi-paxos-api.md, rule by rule. */
export class Learner implements MultiLearnerRole {
  /** Per undecided slot, the distinct senders of each round. */
  tallies = new Map<Slot, Map<Round, Set<NodeId>>>();
  /** Slots already reported (any order). */
  decided = new Set<Slot>();

  constructor(
    readonly id: NodeId,
    readonly config: MultiClusterConfig,
  ) {}

  handleLearn(msg: MultiLearnMsg): Decision | null {
    if (this.decided.has(msg.slot)) return null;
    let rounds = this.tallies.get(msg.slot);
    if (!rounds) this.tallies.set(msg.slot, (rounds = new Map()));
    let senders = rounds.get(msg.rnd);
    if (!senders) rounds.set(msg.rnd, (senders = new Set()));
    if (senders.has(msg.from)) return null;
    senders.add(msg.from);
    if (senders.size < quorumSize(this.config)) return null;
    this.decided.add(msg.slot);
    this.tallies.delete(msg.slot);
    return { slot: msg.slot, val: msg.val };
  }

  truncate(below: Slot): void {
    for (const slot of this.tallies.keys()) if (slot < below) this.tallies.delete(slot);
    for (const slot of this.decided) if (slot < below) this.decided.delete(slot);
  }
}
