import { FIRST_SLOT, NO_ROUND, NOOP, ownedRoundAbove, quorumSize } from '@paxlab/sdk';
import type { MultiAcceptMsg, MultiClusterConfig, MultiPrepareMsg, MultiPromiseMsg, MultiProposerRole, NodeId, Round, Slot, Value } from '@paxlab/sdk';

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
    this.active = false;
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
