import type {
  AcceptMsg,
  ClusterConfig,
  LearnMsg,
  NodeId,
  PrepareMsg,
  PromiseMsg,
  Value,
} from './messages.js';

/**
 * The acceptor of docs/student-api.md. State: `rnd` (highest round promised), `vrnd` and `vval` (the last
 * vote). Handlers are synchronous, deterministic, never mutate their argument and return a fresh
 * object or `null` for "no output".
 */
export interface AcceptorRole {
  /** Promise `msg.crnd` if it is higher than any round promised so far; otherwise `null`. */
  handlePrepare(msg: PrepareMsg): PromiseMsg | null;
  /** Vote for `msg.val` if `msg.rnd` is at least the promised round; otherwise `null`. */
  handleAccept(msg: AcceptMsg): LearnMsg | null;
}

/** The proposer of docs/student-api.md. */
export interface ProposerRole {
  /** Move to the next round this node owns and return its PREPARE. */
  startRound(): PrepareMsg;
  /** Remember the client's value; return an ACCEPT if phase 1 already allows one. */
  propose(val: Value): AcceptMsg | null;
  /** Collect a PROMISE; return an ACCEPT when it completes the quorum. */
  handlePromise(msg: PromiseMsg): AcceptMsg | null;
}

/** The learner of docs/student-api.md. */
export interface LearnerRole {
  /** Tally a LEARN; return the value the first time a quorum of one round agrees. */
  handleLearn(msg: LearnMsg): Value | null;
}

/** Every role class is constructed with the node's id and the cluster configuration. */
export type RoleConstructor<R> = new (id: NodeId, config: ClusterConfig) => R;
export type AcceptorClass = RoleConstructor<AcceptorRole>;
export type ProposerClass = RoleConstructor<ProposerRole>;
export type LearnerClass = RoleConstructor<LearnerRole>;
