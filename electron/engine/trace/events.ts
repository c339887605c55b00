/**
 * The one event format for everything observable in PaxLab (docs/trace-format.md).
 *
 * A trace is a sequence of events, written as JSON lines: one `meta` line first, then events in the
 * order they happened. Every event carries
 * - `seq`: its position in the trace (0, 1, 2, …), a total order;
 * - `t`: milliseconds since the run started (virtual under simulation, wall-clock in a real cluster);
 * - `lc`: a Lamport clock value: a node's events tick its own clock, a deliver takes
 *   max(receiver's clock, the send's lc) + 1, and network-wide events (partition, heal, config)
 *   take one more than the highest clock seen.
 */
import type { NodeId, Value } from '@paxlab/sdk';

/** The JSON messages nodes exchange; the trace treats them as opaque objects with a `kind`. */
export type WireMessage = { kind: string; [field: string]: unknown };

interface Base {
  seq: number;
  t: number;
  lc: number;
}

/** The first line of every trace: what ran, with which nodes, under which seed and network. */
export interface MetaEvent extends Base {
  type: 'meta';
  format: 'paxlab-trace/1';
  source: 'sim' | 'cluster' | 'replay' | 'search' | 'import';
  nodes: NodeId[];
  seed?: number;
  protocol?: string;
  network?: NetworkConfig;
  /** Free-form description (scenario name, lab id, …). */
  title?: string;
}

/** A node handed a message to the network. `id` names the message for the rest of the trace. */
export interface SendEvent extends Base {
  type: 'send';
  id: number;
  from: NodeId;
  to: NodeId;
  msg: WireMessage;
}

/** The network handed message `id` (or a duplicate of it) to its addressee. */
export interface DeliverEvent extends Base {
  type: 'deliver';
  id: number;
  from: NodeId;
  to: NodeId;
  msg: WireMessage;
  /** 0 for the original, 1.. for duplicates. */
  copy: number;
}

export type DropReason = 'loss' | 'partition' | 'link-cut' | 'crashed' | 'down';

/** The network lost message `id` (or one copy of it). */
export interface DropEvent extends Base {
  type: 'drop';
  id: number;
  from: NodeId;
  to: NodeId;
  reason: DropReason;
  copy: number;
}

/** The network made an extra copy of message `id`. */
export interface DuplicateEvent extends Base {
  type: 'duplicate';
  id: number;
  from: NodeId;
  to: NodeId;
  copy: number;
}

/** The network holds copy `copy` of message `id` back for `ms` milliseconds (this reorders). */
export interface DelayEvent extends Base {
  type: 'delay';
  id: number;
  from: NodeId;
  to: NodeId;
  copy: number;
  ms: number;
}

/** A node's timer fired. */
export interface TimerEvent extends Base {
  type: 'timer';
  node: NodeId;
  name: string;
}

export interface CrashEvent extends Base {
  type: 'crash';
  node: NodeId;
}

export interface RestartEvent extends Base {
  type: 'restart';
  node: NodeId;
}

/** The network was split into groups; messages between groups are dropped until `heal`. */
export interface PartitionEvent extends Base {
  type: 'partition';
  groups: NodeId[][];
}

export interface HealEvent extends Base {
  type: 'heal';
}

/** A single link was cut or restored (both directions). */
export interface LinkEvent extends Base {
  type: 'link';
  a: NodeId;
  b: NodeId;
  up: boolean;
}

/** The network's fault settings changed. */
export interface NetConfigEvent extends Base {
  type: 'net';
  network: NetworkConfig;
}

/** A node decided `value` (in `slot`, 0 for single-decree). */
export interface DecideEvent extends Base {
  type: 'decide';
  node: NodeId;
  value: Value;
  slot: number;
}

export interface ClientRequestEvent extends Base {
  type: 'client-request';
  node: NodeId;
  request: string;
  value: Value;
}

export interface ClientReplyEvent extends Base {
  type: 'client-reply';
  node: NodeId;
  request: string;
  result: Value;
}

/** A node or the harness failed: a handler threw, returned garbage, a process died. */
export interface ErrorEvent extends Base {
  type: 'error';
  node?: NodeId;
  message: string;
}

export interface LogEvent extends Base {
  type: 'log';
  node: NodeId;
  text: string;
}

export type TraceEvent =
  | MetaEvent
  | SendEvent
  | DeliverEvent
  | DropEvent
  | DuplicateEvent
  | DelayEvent
  | TimerEvent
  | CrashEvent
  | RestartEvent
  | PartitionEvent
  | HealEvent
  | LinkEvent
  | NetConfigEvent
  | DecideEvent
  | ClientRequestEvent
  | ClientReplyEvent
  | ErrorEvent
  | LogEvent;

export type TraceEventType = TraceEvent['type'];

/** An event before the recorder stamps `seq` and `lc` on it. */
export type UnstampedEvent = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'seq' | 'lc'> : never) : never;

/**
 * The network's fault settings, the same in the simulator and the real hub. Probabilities are per
 * message copy; delays are uniform in [minDelayMs, maxDelayMs], which also reorders.
 */
export interface NetworkConfig {
  loss: number;
  dup: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_NETWORK: NetworkConfig = { loss: 0, dup: 0, minDelayMs: 1, maxDelayMs: 5 };
