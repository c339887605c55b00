import type { NodeId, PaxosMsg, Value } from '@paxlab/sdk';

/**
 * Failure-detector beat. `decided` carries the decided value once there is one, so a node that missed
 * the learns (partitioned, restarted) still learns the chosen value. `every` is the sender's time
 * until its next beat (ms): a node that hears no majority beats more and more slowly, and says so,
 * so that the peers that still hear it do not suspect it.
 */
export interface HeartbeatMsg {
  kind: 'heartbeat';
  from: NodeId;
  decided: Value | null;
  every?: number;
}

/** A client request that reached a non-leader, passed on to the node it believes is the leader. */
export interface ForwardMsg {
  kind: 'forward';
  from: NodeId;
  request: string;
  value: Value;
}

/** Every message a single-decree node sends: the four Paxos messages plus the node's own. */
export type NodeMsg = PaxosMsg | HeartbeatMsg | ForwardMsg;

export const NODE_MSG_KINDS = ['prepare', 'promise', 'accept', 'learn', 'heartbeat', 'forward'] as const;
