/** Node identifiers are 1..n, unique in the cluster. */
export type NodeId = number;
/** A proposal number. {@link NO_ROUND} means "none yet". */
export type Round = number;
/** The round number that means "none yet". */
export const NO_ROUND: Round = 0;
/** An opaque client command. */
export type Value = string;

/** The cluster as a role sees it: n = nodes.length, quorum = floor(n/2) + 1. */
export interface ClusterConfig {
  nodes: NodeId[];
}

/** Phase 1a: a proposer asks acceptors to promise round `crnd`. */
export interface PrepareMsg {
  kind: 'prepare';
  from: NodeId;
  crnd: Round;
}

/** Phase 1b: an acceptor promises round `rnd` and reports its last vote `(vrnd, vval)`. */
export interface PromiseMsg {
  kind: 'promise';
  to: NodeId;
  from: NodeId;
  rnd: Round;
  vrnd: Round;
  vval: Value | null;
}

/** Phase 2a: a proposer asks acceptors to vote for `val` in round `rnd`. */
export interface AcceptMsg {
  kind: 'accept';
  from: NodeId;
  rnd: Round;
  val: Value;
}

/** Phase 2b: an acceptor announces that it voted for `val` in round `rnd`. */
export interface LearnMsg {
  kind: 'learn';
  from: NodeId;
  rnd: Round;
  val: Value;
}

/** Any single-decree Paxos message. */
export type PaxosMsg = PrepareMsg | PromiseMsg | AcceptMsg | LearnMsg;

/** The message kinds of single-decree Paxos, in protocol order. */
export const PAXOS_MSG_KINDS = ['prepare', 'promise', 'accept', 'learn'] as const;
