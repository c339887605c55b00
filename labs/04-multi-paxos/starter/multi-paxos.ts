import { FIRST_SLOT, NO_ROUND, NOOP, ownedRoundAbove, quorumSize } from '@paxlab/sdk';
import type {
  Decision,
  MultiAcceptMsg,
  MultiAcceptorRole,
  MultiClusterConfig,
  MultiLearnMsg,
  MultiLearnerRole,
  MultiPrepareMsg,
  MultiPromiseMsg,
  MultiProposerRole,
  NodeId,
  Round,
  Slot,
  Value,
} from '@paxlab/sdk';

// Your Multi-Paxos roles: one module, three classes. Read instructions.md first. Every handler
// returns what to send (null or [] for nothing); never change the message you are given, and always
// return new objects. These helpers are there for you:
void [FIRST_SLOT, NOOP, ownedRoundAbove, quorumSize];

/** The acceptor: ONE promised round for the whole log, and a vote per slot. */
export class Acceptor implements MultiAcceptorRole {
  rnd: Round = NO_ROUND;
  /** The last vote in each slot. */
  votes = new Map<Slot, { vrnd: Round; vval: Value }>();

  constructor(
    readonly id: NodeId,
    readonly config: MultiClusterConfig,
  ) {}

  handlePrepare(msg: MultiPrepareMsg): MultiPromiseMsg | null {
    // TODO: promise msg.crnd if it is higher than rnd, with every vote at or above msg.slot.
    void msg;
    return null;
  }

  handleAccept(msg: MultiAcceptMsg): MultiLearnMsg | null {
    // TODO: vote for msg.val in msg.slot unless a higher round was promised.
    void msg;
    return null;
  }
}

/** The proposer: a round, the first undecided slot, and (once phase 1 succeeded) a window of slots. */
export class Proposer implements MultiProposerRole {
  crnd: Round = NO_ROUND;

  constructor(
    readonly id: NodeId,
    readonly config: MultiClusterConfig,
  ) {}

  startRound(above: Round): MultiPrepareMsg {
    // TODO: a new round above crnd and above, for every slot from the first undecided one.
    void above;
    return { kind: 'prepare', from: this.id, crnd: this.crnd, slot: this.config.firstSlot ?? FIRST_SLOT };
  }

  handlePromise(msg: MultiPromiseMsg): MultiAcceptMsg[] {
    // TODO: count the promise; at a quorum, finish every slot the promises report (and fill holes).
    void msg;
    return [];
  }

  propose(val: Value): MultiAcceptMsg | null {
    // TODO: once active, give val the next free slot of the window.
    void val;
    return null;
  }

  decided(slot: Slot): void {
    // TODO: slot is chosen; the first undecided slot (and the window) may move.
    void slot;
  }
}

/** The learner: LEARNs counted per slot, per round and per sender; slots decide in any order. */
export class Learner implements MultiLearnerRole {
  constructor(
    readonly id: NodeId,
    readonly config: MultiClusterConfig,
  ) {}

  handleLearn(msg: MultiLearnMsg): Decision | null {
    // TODO: the first time a round of msg.slot has LEARNs from a quorum, return { slot, val }.
    void msg;
    return null;
  }
}
