/**
 * The Multi-Paxos API (docs/multi-paxos-api.md): the three roles with slots, and what a whole
 * replicated-service node exchanges with PaxLab. The single-decree types (messages.ts, roles.ts) are
 * untouched; these live beside them under names of their own (`Multi…`).
 *
 * A replicated log is a sequence of slots 1, 2, 3, …; each slot is one instance of Paxos that
 * chooses one value. Unlike single-decree, an acceptor keeps ONE promised round for the whole log
 * and a vote per slot, a PREPARE covers every slot from the proposer's first undecided one on, and a
 * leader whose phase 1 succeeded sends ACCEPTs for new slots without another phase 1.
 */
import type { ClusterConfig, NodeId, Round, Value } from './messages.js';

/** A position in the replicated log: 1, 2, 3, … */
export type Slot = number;
/** The first slot of every log. */
export const FIRST_SLOT: Slot = 1;
/** The value a leader proposes to fill a hole (a slot below its highest known vote that nobody voted in). */
export const NOOP: Value = 'no-op';
/** The window of the reference node (α): slots a leader may have in flight beyond its first undecided one. */
export const DEFAULT_ALPHA = 4;

/**
 * The cluster as a Multi-Paxos role sees it: the nodes (n = nodes.length, quorum floor(n/2) + 1),
 * the window α, and the first slot the log still holds (1 unless the node restarted from a snapshot:
 * every slot below it is decided and applied, and the roles never hear of it).
 */
export interface MultiClusterConfig extends ClusterConfig {
  alpha: number;
  firstSlot?: Slot;
}

/** Phase 1a: make me leader in round `crnd` for every slot from `slot` on. */
export interface MultiPrepareMsg {
  kind: 'prepare';
  from: NodeId;
  crnd: Round;
  slot: Slot;
}

/** One acceptor's last vote in one slot. */
export interface SlotVote {
  slot: Slot;
  vrnd: Round;
  vval: Value;
}

/** Phase 1b: a promise of round `rnd` for the whole log, with every vote at or above `slot`, by slot. */
export interface MultiPromiseMsg {
  kind: 'promise';
  to: NodeId;
  from: NodeId;
  rnd: Round;
  slot: Slot;
  votes: SlotVote[];
}

/** Phase 2a: vote for `val` in slot `slot`, round `rnd`. */
export interface MultiAcceptMsg {
  kind: 'accept';
  from: NodeId;
  slot: Slot;
  rnd: Round;
  val: Value;
}

/** Phase 2b: this acceptor voted for `val` in slot `slot`, round `rnd` (sent to every learner). */
export interface MultiLearnMsg {
  kind: 'learn';
  from: NodeId;
  slot: Slot;
  rnd: Round;
  val: Value;
}

export type MultiPaxosMsg = MultiPrepareMsg | MultiPromiseMsg | MultiAcceptMsg | MultiLearnMsg;
export const MULTI_MSG_KINDS = ['prepare', 'promise', 'accept', 'learn'] as const;

/** What a learner reports once a slot is chosen. */
export interface Decision {
  slot: Slot;
  val: Value;
}

/**
 * The multi-decree acceptor. State: `rnd` (the one promised round, initially NO_ROUND) and, per slot,
 * the last vote `(vrnd, vval)`.
 */
export interface MultiAcceptorRole {
  /** Promise `msg.crnd` if it is higher than `rnd`, reporting every vote at or above `msg.slot`; otherwise `null`. */
  handlePrepare(msg: MultiPrepareMsg): MultiPromiseMsg | null;
  /** Vote for `msg.val` in `msg.slot` if `msg.rnd` is at least `rnd`; otherwise `null`. */
  handleAccept(msg: MultiAcceptMsg): MultiLearnMsg | null;
  /** Optional: every slot below `below` is applied by every replica; the votes for them may go. */
  truncate?(below: Slot): void;
}

/**
 * The multi-decree proposer: a round `crnd`, the first undecided slot, and, once phase 1 of `crnd`
 * succeeded (the proposer is *active*), the next free slot, in a window of at most α slots.
 */
export interface MultiProposerRole {
  /** A new round above `crnd` and `above`, for every slot from the first undecided one: its PREPARE. */
  startRound(above: Round): MultiPrepareMsg;
  /** Gather a promise; the one that completes the quorum returns the ACCEPTs that finish earlier rounds' slots. */
  handlePromise(msg: MultiPromiseMsg): MultiAcceptMsg[];
  /** A value for the next free slot of the window, or `null` (not active, or the window is full). */
  propose(val: Value): MultiAcceptMsg | null;
  /** Slot `slot` is decided (in any order): the first undecided slot may move, and the window with it. */
  decided(slot: Slot): void;
}

/** The multi-decree learner: LEARNs counted per slot and round, slots decided in any order. */
export interface MultiLearnerRole {
  /** Tally a LEARN; the first time a slot has a quorum in one round, return that slot and value. */
  handleLearn(msg: MultiLearnMsg): Decision | null;
  /** Optional: every slot below `below` is applied by every replica; the tallies for them may go. */
  truncate?(below: Slot): void;
}

export type MultiRoleConstructor<R> = new (id: NodeId, config: MultiClusterConfig) => R;
export type MultiAcceptorClass = MultiRoleConstructor<MultiAcceptorRole>;
export type MultiProposerClass = MultiRoleConstructor<MultiProposerRole>;
export type MultiLearnerClass = MultiRoleConstructor<MultiLearnerRole>;

// ---- the replicated service ---------------------------------------------------------------------

/** The state machines a service node applies its log to (the history models of the same names). */
export type ServiceMachine = 'kv' | 'lock' | 'log';
export const SERVICE_MACHINES: readonly ServiceMachine[] = ['kv', 'lock', 'log'];

/**
 * What a whole service node is constructed with, after its context: `new Node(ctx, options)`.
 * `machine` is required of every node; the rest tunes the reference node and may be ignored.
 */
export interface ServiceNodeOptions {
  machine: ServiceMachine;
  /** The leader's window (α). */
  alpha?: number;
  /** Most client commands in one slot. */
  maxBatch?: number;
  /** Take a snapshot of the state machine every this many applied slots. */
  snapshotEvery?: number;
  /** Most clients the at-most-once table remembers (the least recently executed one is forgotten first). */
  maxClients?: number;
}

/** One client command in a slot: the request's id, who sent it (client, seq) when known, and its value. */
export interface LogCommand {
  id: string;
  client?: string;
  seq?: number;
  value: Value;
}

/**
 * A slot's value in a service log: the JSON text of the list of commands it carries (several per
 * slot: batching), or NOOP. `[{"id":"c1:3","client":"c1","seq":3,"value":"…"}]`.
 */
export function encodeBatch(commands: readonly LogCommand[]): Value {
  return JSON.stringify(
    commands.map((c) => (c.client !== undefined && c.seq !== undefined ? { id: c.id, client: c.client, seq: c.seq, value: c.value } : { id: c.id, value: c.value })),
  );
}

/** The commands of a slot's value: [] for NOOP, null when the value is not a batch. */
export function decodeBatch(val: Value): LogCommand[] | null {
  if (val === NOOP) return [];
  if (!val.startsWith('[')) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(val);
  } catch {
    return null;
  }
  if (!Array.isArray(raw)) return null;
  const out: LogCommand[] = [];
  for (const c of raw) {
    if (typeof c !== 'object' || c === null) return null;
    const r = c as Record<string, unknown>;
    if (typeof r.id !== 'string' || typeof r.value !== 'string') return null;
    const cmd: LogCommand = { id: r.id, value: r.value };
    if (typeof r.client === 'string' && typeof r.seq === 'number') {
      cmd.client = r.client;
      cmd.seq = r.seq;
    }
    out.push(cmd);
  }
  return out;
}

// ---- what a node shows the playground -------------------------------------------------------------

/** A slot as one replica knows it. */
export type SlotState = 'empty' | 'accepted' | 'chosen' | 'applied';

export interface SlotView {
  slot: Slot;
  state: SlotState;
  /** The round of this replica's vote, when it voted. */
  vrnd?: Round;
  /** The value voted for or chosen (`no-op` or a batch). */
  value?: Value;
  /** How many client commands the value carries. */
  commands?: number;
}

/**
 * The `snapshot()` of a Multi-Paxos service node, for the playground's log view. Slots below
 * `compacted + 1` are gone from the log (they live in the state machine's snapshot); `slots` lists
 * the rest, from `compacted + 1` to the highest slot this replica knows of (the newest `maxSlots`
 * of them, with `omitted` saying how many older ones were left out).
 */
export interface MultiNodeView {
  protocol: 'multi-paxos';
  node: NodeId;
  /** The node this one believes leads (the lowest it does not suspect). */
  leader: NodeId;
  /** This node leads and its phase 1 succeeded: it sends ACCEPTs without PREPAREs. */
  active: boolean;
  /** The acceptor's promised round. */
  rnd: Round;
  /** The proposer's round (NO_ROUND when it never led). */
  crnd: Round;
  /** Slots up to here are truncated from the log (in the snapshot); 0 when nothing is. */
  compacted: Slot;
  /** The slot of the last snapshot saved on stable storage. */
  snapshotSlot: Slot;
  /** The highest slot applied to the state machine. */
  applied: Slot;
  /** The lowest slot this replica does not know to be chosen. */
  firstUndecided: Slot;
  /** The leader's window, [from, from + alpha), and the slots of it in flight; null on a follower. */
  window: { from: Slot; alpha: number; inFlight: Slot[] } | null;
  slots: SlotView[];
  omitted: number;
  machine: { kind: ServiceMachine; state: unknown };
  /** Clients in the at-most-once table. */
  clients: number;
  /** Client commands waiting for a slot (leader) or for their reply. */
  queued: number;
  waiting: number;
}
