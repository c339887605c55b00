import type { MultiPaxosMsg, NodeId, Round, Slot, Value } from '@paxlab/sdk';

/**
 * Failure-detector beat, and what a replica tells its peers about itself: `rnd`, its acceptor's
 * promised round (a leader that sees a higher one knows it was overtaken); `decided`, the slot up to
 * which it knows every slot chosen (a peer behind it fetches the rest); `durable`, the slot of its
 * last snapshot on stable storage (the log is truncated below the lowest of these); `every`, the
 * time until its next beat (a node that hears no majority beats more slowly and says so).
 */
export interface HeartbeatMsg {
  kind: 'heartbeat';
  from: NodeId;
  rnd: Round;
  decided: Slot;
  durable: Slot;
  every?: number;
}

/** Catch-up: send me the chosen slots from `slot` on. */
export interface FetchMsg {
  kind: 'fetch';
  from: NodeId;
  slot: Slot;
}

/** A replica's snapshot: the state machine and the at-most-once table after applying `slot`. */
export interface SnapshotData {
  slot: Slot;
  machine: unknown;
  clients: unknown;
}

/** Catch-up answer: chosen slots (and, when the asker is behind the log's start, a snapshot first). */
export interface ChosenMsg {
  kind: 'chosen';
  from: NodeId;
  entries: Array<{ slot: Slot; val: Value }>;
  snapshot?: SnapshotData;
}

/** A request handed to a non-leader directly (no client session to redirect), passed to the leader. */
export interface ForwardMsg {
  kind: 'forward';
  from: NodeId;
  id: string;
  value: Value;
}

export type ServiceNodeMsg = MultiPaxosMsg | HeartbeatMsg | FetchMsg | ChosenMsg | ForwardMsg;
export const SERVICE_NODE_MSG_KINDS = ['prepare', 'promise', 'accept', 'learn', 'heartbeat', 'fetch', 'chosen', 'forward'] as const;
