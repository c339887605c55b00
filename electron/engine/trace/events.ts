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

/** A client of the run: `c1`, `c2`, … (format /2). Nodes are numbers, clients strings. */
export type ClientId = string;
/** Who sends and receives messages: a node, or (format /2) a client. */
export type Participant = NodeId | ClientId;

/** The format a writer writes; a reader also accepts `paxlab-trace/1` (no clients). */
export const TRACE_FORMAT = 'paxlab-trace/2';
export const TRACE_FORMATS = ['paxlab-trace/1', 'paxlab-trace/2'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Whether `p` is a client id (`c1`, …) rather than a node id. */
export function isClientId(p: unknown): p is ClientId {
  return typeof p === 'string' && /^c[1-9][0-9]*$/.test(p);
}

interface Base {
  seq: number;
  t: number;
  lc: number;
}

/** The first line of every trace: what ran, with which nodes, under which seed and network. */
export interface MetaEvent extends Base {
  type: 'meta';
  format: TraceFormat;
  source: 'sim' | 'cluster' | 'replay' | 'search' | 'import';
  nodes: NodeId[];
  /** The clients of the run (format /2), `c1`…`ck`. */
  clients?: ClientId[];
  /** The service model the clients' history is judged by (format /2). */
  model?: 'kv' | 'lock' | 'log';
  /** The clients' workload, as `paxlab run --workload` writes it (format /2). */
  workload?: string;
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
  from: Participant;
  to: Participant;
  msg: WireMessage;
}

/** The network handed message `id` (or a duplicate of it) to its addressee. */
export interface DeliverEvent extends Base {
  type: 'deliver';
  id: number;
  from: Participant;
  to: Participant;
  msg: WireMessage;
  /** 0 for the original, 1.. for duplicates. */
  copy: number;
}

export type DropReason = 'loss' | 'partition' | 'link-cut' | 'crashed' | 'down';

/** The network lost message `id` (or one copy of it). */
export interface DropEvent extends Base {
  type: 'drop';
  id: number;
  from: Participant;
  to: Participant;
  reason: DropReason;
  copy: number;
}

/** The network made an extra copy of message `id`. */
export interface DuplicateEvent extends Base {
  type: 'duplicate';
  id: number;
  from: Participant;
  to: Participant;
  copy: number;
}

/** The network holds copy `copy` of message `id` back for `ms` milliseconds (this reorders). */
export interface DelayEvent extends Base {
  type: 'delay';
  id: number;
  from: Participant;
  to: Participant;
  copy: number;
  ms: number;
}

/** A node's timer fired. */
export interface TimerEvent extends Base {
  type: 'timer';
  node: NodeId;
  name: string;
  /** Real cluster: how many messages and client requests this node process had handled before it. */
  after?: number;
  /** Real cluster: the node's clock when it fired (`ctx.now()` in its handler). */
  at?: number;
}

/** Real cluster: a node process ran `onStart` at its clock `at` (the first thing it handled). */
export interface StartEvent extends Base {
  type: 'start';
  node: NodeId;
  at: number;
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

// ---- the clients' history (format /2, docs/history.md) ----

/** Client `client` began operation `op` as request `request`, sending it first to `node`. */
export interface InvokeEvent extends Base {
  type: 'invoke';
  client: ClientId;
  request: string;
  op: { f: string; [field: string]: unknown };
  node: NodeId;
}

/** The operation took effect and returned `result` (answered by `node`). */
export interface OkEvent extends Base {
  type: 'ok';
  client: ClientId;
  request: string;
  result: unknown;
  node: NodeId;
}

/** The operation definitely did not take effect (the service said so). */
export interface FailEvent extends Base {
  type: 'fail';
  client: ClientId;
  request: string;
  reason: string;
  node?: NodeId;
}

/** Nobody knows whether the operation took effect (timeouts, the run ended): it may, later, or never. */
export interface InfoEvent extends Base {
  type: 'info';
  client: ClientId;
  request: string;
  reason: string;
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
  | StartEvent
  | CrashEvent
  | RestartEvent
  | PartitionEvent
  | HealEvent
  | LinkEvent
  | NetConfigEvent
  | DecideEvent
  | ClientRequestEvent
  | ClientReplyEvent
  | InvokeEvent
  | OkEvent
  | FailEvent
  | InfoEvent
  | ErrorEvent
  | LogEvent;

export type TraceEventType = TraceEvent['type'];

/** The history events among a trace's events. */
export type HistoryTraceEvent = InvokeEvent | OkEvent | FailEvent | InfoEvent;
export const HISTORY_EVENT_TYPES = ['invoke', 'ok', 'fail', 'info'] as const;

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
  /** Loss of client requests (client → node) instead of `loss`; absent: `loss`. */
  requestLoss?: number;
  /** Loss of answers to clients (node → client) instead of `loss`; absent: `loss`. */
  replyLoss?: number;
}

export const DEFAULT_NETWORK: NetworkConfig = { loss: 0, dup: 0, minDelayMs: 1, maxDelayMs: 5 };
