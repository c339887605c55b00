// Bug: a new round keeps the proposer active: after losing leadership it skips phase 1.
// expect-rule: multi-paxos.proposer.propose.inactive
// expect-rule: scenario.complete
import { FIRST_SLOT, NO_ROUND, NOOP, ownedRoundAbove, quorumSize } from '@paxlab/sdk';
import type { Decision, MultiAcceptMsg, MultiAcceptorRole, MultiClusterConfig, MultiLearnMsg, MultiLearnerRole, MultiPrepareMsg, MultiPromiseMsg, MultiProposerRole, NodeId, Round, Slot, SlotVote, Value } from '@paxlab/sdk';

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

/** Reference multi-decree proposer: docs/multi-paxos-api.md, rule by rule. */
export class Proposer implements MultiProposerRole {
  crnd: Round = NO_ROUND;
  /** Promises gathered for `crnd`, by sender, until the quorum is reached. */
  promises = new Map<NodeId, MultiPromiseMsg>();
  /** Phase 1 of `crnd` succeeded: new values go out without a PREPARE. */
  active = false;
  /** The lowest slot not known to be decided. */
  firstUndecided: Slot;
  /** Slots known decided above `firstUndecided` (decided out of order). */
  decidedAbove = new Set<Slot>();
  /** The slot the next client value gets (while active). */
  next: Slot;

  constructor(
    readonly id: NodeId,
    readonly config: MultiClusterConfig,
  ) {
    this.firstUndecided = config.firstSlot ?? FIRST_SLOT;
    this.next = this.firstUndecided;
  }

  startRound(above: Round): MultiPrepareMsg {
    this.crnd = ownedRoundAbove(this.id, this.config, Math.max(this.crnd, above));
    this.promises = new Map();
    return { kind: 'prepare', from: this.id, crnd: this.crnd, slot: this.firstUndecided };
  }

  handlePromise(msg: MultiPromiseMsg): MultiAcceptMsg[] {
    if (msg.rnd !== this.crnd || this.active || this.promises.has(msg.from)) return [];
    this.promises.set(msg.from, msg);
    if (this.promises.size < quorumSize(this.config)) return [];
    this.active = true;
    // Per slot, the vote of the highest round among the quorum's promises.
    const best = new Map<Slot, { vrnd: Round; vval: Value }>();
    let highest = 0;
    for (const p of this.promises.values()) {
      for (const v of p.votes) {
        const b = best.get(v.slot);
        if (!b || v.vrnd > b.vrnd) best.set(v.slot, { vrnd: v.vrnd, vval: v.vval });
        if (v.slot > highest) highest = v.slot;
      }
    }
    const accepts: MultiAcceptMsg[] = [];
    for (let slot = this.firstUndecided; slot <= highest; slot++) {
      if (this.decidedAbove.has(slot)) continue;
      accepts.push({ kind: 'accept', from: this.id, slot, rnd: this.crnd, val: best.get(slot)?.vval ?? NOOP });
    }
    this.next = Math.max(this.firstUndecided, highest + 1);
    return accepts;
  }

  propose(val: Value): MultiAcceptMsg | null {
    if (!this.active) return null;
    let slot = Math.max(this.next, this.firstUndecided);
    while (this.decidedAbove.has(slot)) slot++;
    if (slot >= this.firstUndecided + this.config.alpha) return null;
    this.next = slot + 1;
    return { kind: 'accept', from: this.id, slot, rnd: this.crnd, val };
  }

  decided(slot: Slot): void {
    if (slot < this.firstUndecided) return;
    this.decidedAbove.add(slot);
    while (this.decidedAbove.delete(this.firstUndecided)) this.firstUndecided++;
  }
}

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
