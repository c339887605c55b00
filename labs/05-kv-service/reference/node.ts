/**
 * The reference Multi-Paxos service node (docs/multi-paxos-api.md, "The whole node"): a replica of a
 * key-value store, a lock service or the command log, built from the three multi-decree roles of
 * lab 04 (the reference ones, or a student's). Every node is acceptor, proposer and learner; the
 * lowest id the heartbeat failure detector does not suspect leads.
 *
 * - Clients: a non-leader redirects a client to the leader it believes in (ids only go down along
 *   redirects, so they never loop); a request handed to it directly is forwarded. The leader batches
 *   waiting commands into one slot's value (at most `maxBatch`), keeps at most α slots in flight and
 *   skips phase 1 while it stays leader.
 * - Every replica applies chosen slots in slot order, executing each (client, seq) at most once
 *   (a bounded table); the node that applied a request it was asked for replies.
 * - Stable storage: the acceptor's promise and votes, the highest round used, a snapshot of the state
 *   machine. Every `snapshotEvery` applied slots a snapshot is saved; once every replica says (in its
 *   heartbeat) that its saved snapshot covers a slot, the log and the votes up to there are dropped.
 * - Catch-up: a replica behind a peer's heartbeat fetches the chosen slots it lacks from that peer
 *   (and a snapshot, if it is behind the log's start).
 * - A message to itself is handled at once (in the same step), not sent over the network.
 */
import { DEFAULT_ALPHA, encodeBatch, decodeBatch, FailureDetector, quorumSize, RetransmitTimer, roundOwner, SERVICE_MACHINES } from '@paxlab/sdk';
import type {
  ClientRequest,
  LogCommand,
  MultiAcceptMsg,
  MultiAcceptorClass,
  MultiAcceptorRole,
  MultiClusterConfig,
  MultiLearnMsg,
  MultiLearnerClass,
  MultiLearnerRole,
  MultiNodeView,
  MultiPrepareMsg,
  MultiPromiseMsg,
  MultiProposerClass,
  MultiProposerRole,
  NodeContext,
  NodeId,
  PaxosNode,
  Round,
  ServiceNodeOptions,
  Slot,
  SlotView,
  Value,
} from '@paxlab/sdk';
import { Acceptor } from '../../04-multi-paxos/reference/acceptor.js';
import { Learner } from '../../04-multi-paxos/reference/learner.js';
import { Proposer } from '../../04-multi-paxos/reference/proposer.js';
import { callRole } from '../../paxos-node/guard.js';
import { ClientTable } from './client-table.js';
import { loadDurable, type ServiceDurable } from './durable.js';
import type { ChosenMsg, FetchMsg, ForwardMsg, HeartbeatMsg, ServiceNodeMsg, SnapshotData } from './messages.js';
import { anything, isAcceptList, isDecision, isMultiAccept, isMultiLearn, isMultiPrepare, isMultiPromise } from './role-checks.js';
import { createMachine, type Outcome, type StateMachine } from './state-machines.js';

export type { ServiceNodeMsg, HeartbeatMsg, FetchMsg, ChosenMsg, ForwardMsg, SnapshotData } from './messages.js';

/** Timer settings, in ms (virtual under simulation); the single-decree node's, for the same reasons. */
export interface ServiceNodeTiming {
  heartbeatMs: number;
  /** A node that hears no majority doubles its heartbeat period up to this. */
  maxHeartbeatMs: number;
  suspectMs: number;
  suspectGrowMs: number;
  /** Bounds of the adaptive retransmission timeout (labs/sdk/retransmit-timer.ts). */
  retryMs: number;
  maxRetryMs: number;
  /** Random extra fraction of the timeout, which breaks duelling leaders. */
  retryJitter: number;
  /** Resends of one ACCEPT before the leader starts a higher round. */
  maxAcceptResends: number;
  /** Most chosen slots in one catch-up answer. */
  fetchBatch: number;
}

export const DEFAULT_SERVICE_TIMING: Readonly<ServiceNodeTiming> = Object.freeze({
  heartbeatMs: 20,
  maxHeartbeatMs: 400,
  suspectMs: 80,
  suspectGrowMs: 20,
  retryMs: 60,
  maxRetryMs: 1000,
  retryJitter: 0.5,
  maxAcceptResends: 3,
  fetchBatch: 64,
});

/** The role classes a node is built from; each defaults to the reference one (lab 04). */
export interface MultiRoles {
  Acceptor?: MultiAcceptorClass;
  Proposer?: MultiProposerClass;
  Learner?: MultiLearnerClass;
}

export interface MultiPaxosNodeOptions extends Partial<ServiceNodeOptions> {
  roles?: MultiRoles;
  timing?: Partial<ServiceNodeTiming>;
}

export const DEFAULT_SERVICE_OPTIONS: Readonly<Required<ServiceNodeOptions>> = Object.freeze({
  machine: 'kv',
  alpha: DEFAULT_ALPHA,
  maxBatch: 64,
  snapshotEvery: 16,
  maxClients: 1024,
});

const HEARTBEAT = 'heartbeat';
const RETRY = 'retry';
const MAX_PROBES = 16;
/** Slots listed in a snapshot() view at most (the newest). */
const VIEW_SLOTS = 256;

interface InFlight {
  acc: MultiAcceptMsg;
  /** The request ids the value carries. */
  ids: string[];
  sentAt: number;
  resends: number;
}

interface Probe {
  sentAt: number;
  answered: Set<NodeId>;
}

export class MultiPaxosNode implements PaxosNode<ServiceNodeMsg> {
  protected readonly n: number;
  protected readonly quorum: number;
  protected readonly options: Required<ServiceNodeOptions>;
  protected readonly timing: ServiceNodeTiming;
  protected readonly classes: Required<MultiRoles>;
  protected config!: MultiClusterConfig;
  protected acceptor!: MultiAcceptorRole;
  protected proposer!: MultiProposerRole;
  protected learner!: MultiLearnerRole;

  // ---- replicated state ----
  protected durable!: ServiceDurable;
  /** The acceptor's votes as its outputs showed them: slot → [vrnd, vval]. */
  protected votes = new Map<Slot, [Round, Value]>();
  /** Chosen values of slots after `compacted` (applied ones too: lagging peers fetch them). */
  protected log = new Map<Slot, Value>();
  protected maxChosen: Slot = 0;
  protected machine!: StateMachine;
  protected clients!: ClientTable;
  protected applied: Slot = 0;
  /** The slot of the snapshot on stable storage. */
  protected snapSlot: Slot = 0;

  // ---- peers ----
  protected fd!: FailureDetector;
  protected leader!: NodeId;
  protected rto!: RetransmitTimer;
  protected beatEvery = 0;
  protected readonly peerDurable = new Map<NodeId, Slot>();
  protected readonly peerDecided = new Map<NodeId, Slot>();
  protected lastFetchAt = -Infinity;
  /** The highest round seen anywhere: a new round must beat it. */
  protected maxSeen: Round = 0;

  // ---- leading ----
  protected crnd: Round = 0;
  protected active = false;
  protected readonly promisers = new Set<NodeId>();
  protected queue: LogCommand[] = [];
  protected readonly queuedIds = new Set<string>();
  /** Request id → the slot it was proposed in (while that slot is in flight). */
  protected readonly assigned = new Map<string, Slot>();
  protected inflight = new Map<Slot, InFlight>();
  /** The proposer refused the last value (window full); asked again only after a slot is decided. */
  protected windowFull = false;
  protected readonly probes = new Map<string, Probe>();

  // ---- clients this node answers ----
  protected readonly waiting = new Map<string, ClientRequest>();
  /** Each client's latest request id: an older one still waiting is given up. */
  protected readonly waitingOf = new Map<string, string>();
  protected retryArmed = false;
  protected retryAt = 0;

  /** Messages to itself, handled in the same step. */
  protected readonly local: ServiceNodeMsg[] = [];
  protected draining = false;

  constructor(
    protected readonly ctx: NodeContext<ServiceNodeMsg>,
    options: MultiPaxosNodeOptions = {},
  ) {
    this.n = ctx.nodes.length;
    this.quorum = quorumSize({ nodes: [...ctx.nodes] });
    const { roles, timing, ...rest } = options;
    this.options = { ...DEFAULT_SERVICE_OPTIONS, ...definedOnly(rest) };
    if (!SERVICE_MACHINES.includes(this.options.machine)) throw new RangeError(`machine must be one of ${SERVICE_MACHINES.join(', ')}, got ${JSON.stringify(this.options.machine)}`);
    for (const k of ['alpha', 'maxBatch', 'snapshotEvery', 'maxClients'] as const) {
      if (!Number.isInteger(this.options[k]) || this.options[k] < 1) throw new RangeError(`${k} must be an integer >= 1, got ${JSON.stringify(this.options[k])}`);
    }
    this.timing = { ...DEFAULT_SERVICE_TIMING, ...timing };
    this.timing.maxRetryMs = Math.max(this.timing.maxRetryMs, this.timing.retryMs);
    this.timing.maxHeartbeatMs = Math.max(this.timing.maxHeartbeatMs, this.timing.heartbeatMs);
    this.classes = { Acceptor: roles?.Acceptor ?? Acceptor, Proposer: roles?.Proposer ?? Proposer, Learner: roles?.Learner ?? Learner };
  }

  // ---- the PaxosNode entry points ----------------------------------------------------------------

  onStart(): void {
    this.step(() => {
      const { state, snapshot, problem } = loadDurable(this.ctx.storage);
      if (problem) this.report(problem);
      this.durable = state;
      this.votes = new Map(state.votes.map(([slot, vrnd, vval]) => [slot, [vrnd, vval]]));
      this.machine = createMachine(this.options.machine);
      this.clients = new ClientTable(this.options.maxClients);
      this.restoreSnapshot(snapshot);
      this.snapSlot = this.applied;
      this.maxSeen = Math.max(state.rnd, state.round);
      this.rebuildRoles();
      this.fd = new FailureDetector(this.ctx.id, this.ctx.nodes, this.ctx.now(), this.timing.suspectMs, this.timing.suspectGrowMs);
      this.rto = new RetransmitTimer(this.timing.retryMs, this.timing.maxRetryMs);
      this.beatEvery = this.timing.heartbeatMs;
      this.leader = this.fd.leader();
      // The first heartbeat goes out when the timer fires: peers expect none before then.
      this.ctx.setTimer(HEARTBEAT, this.beatEvery);
      if (this.leader === this.ctx.id) this.startRound();
    });
  }

  onMessage(from: NodeId, msg: ServiceNodeMsg): void {
    if (typeof msg !== 'object' || msg === null || typeof (msg as { kind?: unknown }).kind !== 'string') {
      this.report(`ignored a malformed message from ${from}`);
      return;
    }
    this.step(() => {
      const period = msg.kind === 'heartbeat' && typeof msg.every === 'number' ? msg.every : undefined;
      if (from !== this.ctx.id && this.fd.heard(from, this.ctx.now(), period)) {
        this.leaderMayHaveChanged();
        this.beatFasterIfMajority();
      }
      this.handle(from, msg);
    });
  }

  onTimer(name: string): void {
    this.step(() => {
      if (name === HEARTBEAT) this.onHeartbeatTimer();
      else if (name === RETRY) {
        this.retryArmed = false;
        this.retry();
      }
    });
  }

  onClientRequest(request: ClientRequest): void {
    this.step(() => this.onRequest(request));
  }

  snapshot(): MultiNodeView {
    let known = Math.max(this.maxChosen, this.applied);
    for (const slot of this.votes.keys()) if (slot > known) known = slot;
    for (const slot of this.inflight.keys()) if (slot > known) known = slot;
    const from = Math.max(this.durable.compacted + 1, known - VIEW_SLOTS + 1);
    const slots: SlotView[] = [];
    for (let slot = from; slot <= known; slot++) {
      const chosen = this.log.get(slot);
      const vote = this.votes.get(slot);
      const value = chosen ?? vote?.[1];
      const view: SlotView = { slot, state: slot <= this.applied ? 'applied' : chosen !== undefined ? 'chosen' : vote ? 'accepted' : 'empty' };
      if (vote) view.vrnd = vote[0];
      if (value !== undefined) {
        view.value = value;
        view.commands = decodeBatch(value)?.length ?? 0;
      }
      slots.push(view);
    }
    const leading = this.leader === this.ctx.id;
    return {
      protocol: 'multi-paxos',
      node: this.ctx.id,
      leader: this.leader,
      active: leading && this.active,
      rnd: this.durable.rnd,
      crnd: this.crnd,
      compacted: this.durable.compacted,
      snapshotSlot: this.snapSlot,
      applied: this.applied,
      firstUndecided: this.applied + 1,
      window: leading && this.active ? { from: this.applied + 1, alpha: this.options.alpha, inFlight: [...this.inflight.keys()].sort((a, b) => a - b) } : null,
      slots,
      omitted: Math.max(0, from - this.durable.compacted - 1),
      machine: { kind: this.options.machine, state: this.machine.view() },
      clients: this.clients.size,
      queued: this.queue.length,
      waiting: this.waiting.size,
    };
  }

  // ---- one step: the handler, then the messages it sent to itself -------------------------------

  protected step(fn: () => void): void {
    fn();
    if (this.draining) return;
    this.draining = true;
    try {
      for (let m = this.local.shift(); m; m = this.local.shift()) this.handle(this.ctx.id, m);
    } finally {
      this.draining = false;
    }
  }

  protected handle(from: NodeId, msg: ServiceNodeMsg): void {
    switch (msg.kind) {
      case 'prepare':
        return isMultiPrepare(msg) ? this.onPrepare(msg) : this.report(`ignored a malformed prepare from ${from}`);
      case 'promise':
        return isMultiPromise(msg) ? this.onPromise(msg) : this.report(`ignored a malformed promise from ${from}`);
      case 'accept':
        return isMultiAccept(msg) ? this.onAccept(msg) : this.report(`ignored a malformed accept from ${from}`);
      case 'learn':
        return isMultiLearn(msg) ? this.onLearn(msg) : this.report(`ignored a malformed learn from ${from}`);
      case 'heartbeat':
        return this.onHeartbeat(from, msg);
      case 'fetch':
        return this.onFetch(from, msg);
      case 'chosen':
        return this.onChosen(from, msg);
      case 'forward':
        return this.onForward(msg);
      default:
        this.report(`ignored a message of unknown kind ${JSON.stringify((msg as { kind: unknown }).kind)} from ${from}`);
    }
  }

  protected sendTo(to: NodeId, msg: ServiceNodeMsg): void {
    if (to === this.ctx.id) this.local.push(msg);
    else this.ctx.send(to, msg);
  }

  protected toAll(msg: ServiceNodeMsg): void {
    this.ctx.broadcast(msg, { includeSelf: false });
    this.local.push(msg);
  }

  // ---- acceptor ----------------------------------------------------------------------------------

  protected onPrepare(msg: MultiPrepareMsg): void {
    this.seen(msg.crnd);
    if (msg.slot <= this.durable.compacted && msg.from !== this.ctx.id) {
      // The proposer starts below the log's start (it lost its storage): it gets a snapshot first
      // and prepares again above it; the votes it would need are gone.
      this.sendChosen(msg.from, msg.slot);
      return;
    }
    const p = callRole('acceptor.handlePrepare', () => this.acceptor.handlePrepare({ ...msg }), isMultiPromise, this.reporter);
    if (!p) return;
    this.durable.rnd = Math.max(this.durable.rnd, p.rnd);
    if (!this.save()) return;
    this.sendTo(msg.from, JSON.parse(JSON.stringify(p)) as MultiPromiseMsg);
  }

  protected onAccept(msg: MultiAcceptMsg): void {
    this.seen(msg.rnd);
    if (msg.slot <= this.durable.compacted) return;
    const l = callRole('acceptor.handleAccept', () => this.acceptor.handleAccept({ ...msg }), isMultiLearn, this.reporter);
    if (!l) return;
    this.durable.rnd = Math.max(this.durable.rnd, l.rnd);
    this.votes.set(l.slot, [l.rnd, l.val]);
    if (!this.save()) return;
    this.toAll(l);
  }

  // ---- learner -----------------------------------------------------------------------------------

  protected onLearn(msg: MultiLearnMsg): void {
    this.seen(msg.rnd);
    this.answered(`a${msg.slot}`, msg.from);
    if (msg.slot <= this.applied || this.log.has(msg.slot)) return;
    const d = callRole('learner.handleLearn', () => this.learner.handleLearn({ ...msg }), isDecision, this.reporter);
    if (d) this.chosen(d.slot, d.val);
  }

  /** Slot `slot` is chosen with `val` (a learner's quorum, or a peer that knows). */
  protected chosen(slot: Slot, val: Value): void {
    if (slot <= this.applied || this.log.has(slot)) return;
    this.log.set(slot, val);
    if (slot > this.maxChosen) this.maxChosen = slot;
    this.windowFull = false;
    this.ctx.decide(val, slot);
    callRole('proposer.decided', () => this.proposer.decided(slot), anything, this.reporter);
    const mine = this.inflight.get(slot);
    if (mine) {
      this.inflight.delete(slot);
      // Another value won the slot: its commands go back to the queue.
      if (mine.acc.val !== val) this.requeue(mine.ids);
    }
    this.applyReady();
    this.tryPropose();
  }

  /** Apply every chosen slot that follows the applied ones, in slot order. */
  protected applyReady(): void {
    for (let val = this.log.get(this.applied + 1); val !== undefined; val = this.log.get(this.applied + 1)) {
      this.applied++;
      const commands = decodeBatch(val);
      if (commands === null) this.report(`slot ${this.applied} holds a value that is not a batch of commands; nothing applied`);
      else for (const c of commands) this.execute(c);
    }
    if (this.applied - this.snapSlot >= this.options.snapshotEvery) this.takeSnapshot();
  }

  /** Run one command at most once per (client, seq); answer it if this node was asked for it. */
  protected execute(c: LogCommand): void {
    const [key, seq] = clientKey(c);
    const entry = this.clients.get(key);
    let outcome: Outcome | null;
    if (entry && entry.seq >= seq) outcome = entry.seq === seq ? entry.outcome : null;
    else {
      outcome = this.machine.execute(c.value, c.client ?? c.id);
      this.clients.record(key, seq, outcome);
    }
    this.assigned.delete(c.id);
    const w = this.waiting.get(c.id);
    if (!w) return;
    this.waiting.delete(c.id);
    if (outcome) this.answer(w.id, outcome);
  }

  protected answer(id: string, outcome: Outcome): void {
    if (outcome.ok) this.ctx.reply(id, outcome.result);
    else this.ctx.reject(id, outcome.reason);
  }

  protected executedAlready(c: LogCommand): boolean {
    const [key, seq] = clientKey(c);
    const entry = this.clients.get(key);
    return !!entry && entry.seq >= seq;
  }

  // ---- clients -----------------------------------------------------------------------------------

  protected onRequest(r: ClientRequest): void {
    if (typeof r?.id !== 'string' || typeof r.value !== 'string') {
      this.report('ignored a malformed client request');
      return;
    }
    const cmd: LogCommand = r.client !== undefined && r.seq !== undefined ? { id: r.id, client: r.client, seq: r.seq, value: r.value } : { id: r.id, value: r.value };
    const [key, seq] = clientKey(cmd);
    const entry = this.clients.get(key);
    if (entry && entry.seq >= seq) {
      // Executed already (a retry): the remembered answer, never a second execution.
      if (entry.seq === seq) this.answer(r.id, entry.outcome);
      return;
    }
    if (cmd.client !== undefined) {
      // A client has one request outstanding: one of its that still waits here is given up.
      const older = this.waitingOf.get(cmd.client);
      if (older !== undefined && older !== r.id) this.waiting.delete(older);
      this.waitingOf.delete(cmd.client);
      this.waitingOf.set(cmd.client, r.id);
      if (this.waitingOf.size > this.options.maxClients) this.waitingOf.delete(this.waitingOf.keys().next().value!);
    }
    if (this.leader === this.ctx.id) {
      this.waiting.set(r.id, r);
      this.enqueue(cmd);
      this.tryPropose();
    } else if (cmd.client !== undefined) {
      // A node cut off from the majority does not redirect: the leader it knows is likely cut off
      // with it. Its silence sends the client on to another node.
      if (this.hearsMajority()) this.ctx.redirect(r.id, this.leader);
    } else {
      this.waiting.set(r.id, r);
      this.forward(cmd);
      this.armRetry();
    }
  }

  protected onForward(msg: ForwardMsg): void {
    if (this.leader !== this.ctx.id || typeof msg.id !== 'string' || typeof msg.value !== 'string') return;
    const cmd: LogCommand = { id: msg.id, value: msg.value };
    if (this.executedAlready(cmd)) return;
    this.enqueue(cmd);
    this.tryPropose();
  }

  protected forward(c: LogCommand): void {
    this.ctx.send(this.leader, { kind: 'forward', from: this.ctx.id, id: c.id, value: c.value });
  }

  protected enqueue(c: LogCommand): void {
    if (this.queuedIds.has(c.id) || this.assigned.has(c.id)) return;
    this.queue.push(c);
    this.queuedIds.add(c.id);
  }

  /** Commands of a slot another value won (or a round that ended) go back to the front of the queue. */
  protected requeue(ids: string[]): void {
    const back: LogCommand[] = [];
    for (const id of ids) {
      this.assigned.delete(id);
      const w = this.waiting.get(id);
      if (!w || this.queuedIds.has(id)) continue;
      const c: LogCommand = w.client !== undefined && w.seq !== undefined ? { id, client: w.client, seq: w.seq, value: w.value } : { id, value: w.value };
      if (this.executedAlready(c)) continue;
      back.push(c);
      this.queuedIds.add(id);
    }
    this.queue = [...back, ...this.queue];
  }

  // ---- proposer (the leader) ---------------------------------------------------------------------

  /** Phase 1 of a round above every round seen, for every slot from the first undecided one. */
  protected startRound(): void {
    this.active = false;
    this.windowFull = false;
    this.promisers.clear();
    const prep = callRole('proposer.startRound', () => this.proposer.startRound(this.maxSeen), isMultiPrepare, this.reporter);
    if (!prep) return this.backOff();
    this.durable.round = Math.max(this.durable.round, prep.crnd);
    if (!this.save()) return this.backOff();
    this.crnd = prep.crnd;
    this.seen(prep.crnd);
    this.probe(`p${prep.crnd}`);
    this.toAll({ ...prep });
    this.armRetry();
  }

  protected onPromise(msg: MultiPromiseMsg): void {
    this.seen(msg.rnd);
    if (this.leader !== this.ctx.id || msg.rnd !== this.crnd || this.active) return;
    this.answered(`p${msg.rnd}`, msg.from);
    const accepts = callRole('proposer.handlePromise', () => this.proposer.handlePromise(JSON.parse(JSON.stringify(msg)) as MultiPromiseMsg), isAcceptList, this.reporter) ?? [];
    this.promisers.add(msg.from);
    if (this.promisers.size < this.quorum) {
      if (accepts.length) this.report('proposer.handlePromise returned accepts before a quorum of promises');
      return;
    }
    this.active = true;
    this.windowFull = false;
    // The slots of earlier rounds that no promise reported are lost: their commands go back.
    const old = this.inflight;
    this.inflight = new Map();
    const now = this.ctx.now();
    for (const a of accepts) {
      const acc = { ...a };
      const ids = (decodeBatch(acc.val) ?? []).map((c) => c.id);
      this.inflight.set(acc.slot, { acc, ids, sentAt: now, resends: 0 });
    }
    const carried = new Set([...this.inflight.values()].flatMap((f) => f.ids));
    this.requeue([...old.values()].flatMap((f) => f.ids).filter((id) => !carried.has(id)));
    for (const f of this.inflight.values()) {
      for (const id of f.ids) {
        this.assigned.set(id, f.acc.slot);
        if (this.queuedIds.delete(id)) this.queue = this.queue.filter((c) => c.id !== id);
      }
    }
    for (const f of this.inflight.values()) this.sendAccept(f.acc);
    this.tryPropose();
  }

  /** As leader with phase 1 done: batch waiting commands into the next free slots of the window. */
  protected tryPropose(): void {
    // A full window stays full until a slot is decided or a new phase 1 ends: no need to ask.
    if (this.leader !== this.ctx.id || !this.active || this.maxSeen > this.crnd || this.windowFull) return;
    while (this.queue.length > 0) {
      const batch: LogCommand[] = [];
      while (this.queue.length > 0 && batch.length < this.options.maxBatch) {
        const c = this.queue.shift()!;
        this.queuedIds.delete(c.id);
        if (!this.executedAlready(c) && !this.assigned.has(c.id)) batch.push(c);
      }
      if (batch.length === 0) break;
      const val = encodeBatch(batch);
      const acc = callRole('proposer.propose', () => this.proposer.propose(val), isMultiAccept, this.reporter);
      if (!acc) {
        // The window is full (or the proposer is not active): the batch waits for a slot to decide.
        this.queue = [...batch, ...this.queue];
        for (const c of batch) this.queuedIds.add(c.id);
        this.windowFull = true;
        break;
      }
      const ids = batch.map((c) => c.id);
      for (const id of ids) this.assigned.set(id, acc.slot);
      this.inflight.set(acc.slot, { acc, ids, sentAt: this.ctx.now(), resends: 0 });
      this.sendAccept(acc);
    }
  }

  protected sendAccept(acc: MultiAcceptMsg): void {
    this.probe(`a${acc.slot}`);
    this.toAll(acc);
    this.armRetry();
  }

  /**
   * The retransmission timer fired. A leader whose phase 1 has no quorum, or who was overtaken by a
   * higher round, runs a new round; one whose ACCEPTs got no quorum of LEARNs in time sends them
   * again (a few times, then a new round). A follower re-forwards the requests handed to it.
   */
  protected retry(): void {
    const now = this.ctx.now();
    if (this.leader === this.ctx.id) {
      if (!this.active || this.maxSeen > this.crnd) {
        this.rto.timedOut();
        this.startRound();
        return;
      }
      let resent = false;
      for (const [slot, f] of this.inflight) {
        if (now - f.sentAt < this.rto.rtoMs) continue;
        if (f.resends >= this.timing.maxAcceptResends) {
          this.rto.timedOut();
          this.startRound();
          return;
        }
        f.resends++;
        f.sentAt = now;
        resent = true;
        // Karn's rule: an answer to a resent accept does not say which copy it answers.
        this.probes.delete(`a${slot}`);
        this.ctx.broadcast(f.acc, { includeSelf: false });
      }
      if (resent) this.rto.timedOut();
      if (this.inflight.size > 0) this.armRetry();
      return;
    }
    const direct = [...this.waiting.values()].filter((r) => r.client === undefined);
    if (direct.length === 0) return;
    this.rto.timedOut();
    for (const r of direct) this.forward({ id: r.id, value: r.value });
    this.armRetry();
  }

  protected backOff(): void {
    this.rto.timedOut();
    this.armRetry();
  }

  /**
   * Arm the retransmission timer for `baseMs` (the retransmission timeout by default) plus jitter,
   * unless it is armed to fire sooner: a busy leader must not push it back forever.
   */
  protected armRetry(baseMs = this.rto.rtoMs): void {
    const at = this.ctx.now() + Math.round(baseMs * (1 + this.timing.retryJitter * this.ctx.random()));
    if (this.retryArmed && this.retryAt <= at) return;
    this.retryArmed = true;
    this.retryAt = at;
    this.ctx.setTimer(RETRY, at - this.ctx.now());
  }

  /**
   * A round seen in any message. A leader overtaken by it runs a higher round soon (after the
   * shortest retransmission timeout and its jitter, which keeps two leaders from overtaking each
   * other in lockstep), whatever backoff its retransmissions were in.
   */
  protected seen(rnd: Round): void {
    if (rnd <= this.maxSeen) return;
    this.maxSeen = rnd;
    if (this.leader === this.ctx.id && rnd > this.crnd) {
      this.active = false;
      this.armRetry(this.timing.retryMs);
    }
  }

  // ---- failure detection, leadership -------------------------------------------------------------

  protected onHeartbeatTimer(): void {
    if (this.fd.check(this.ctx.now())) this.leaderMayHaveChanged();
    this.beatEvery = this.hearsMajority() ? this.timing.heartbeatMs : Math.min(this.timing.maxHeartbeatMs, this.beatEvery * 2);
    this.beat();
    this.ctx.setTimer(HEARTBEAT, this.beatEvery);
  }

  protected onHeartbeat(from: NodeId, msg: HeartbeatMsg): void {
    if (typeof msg.rnd !== 'number' || typeof msg.decided !== 'number' || typeof msg.durable !== 'number') return;
    this.seen(msg.rnd);
    if (msg.durable > (this.peerDurable.get(from) ?? 0)) {
      this.peerDurable.set(from, msg.durable);
      this.maybeTruncate();
    }
    this.peerDecided.set(from, msg.decided);
    if (msg.decided > this.applied) this.fetchFrom(from);
  }

  protected leaderMayHaveChanged(): void {
    const next = this.fd.leader();
    if (next === this.leader) return;
    const was = this.leader;
    this.leader = next;
    this.ctx.log(`leader is now ${next}`);
    if (next === this.ctx.id) {
      // Requests waiting here go into the new round's slots once phase 1 is done.
      for (const r of this.waiting.values()) this.enqueue(r.client !== undefined && r.seq !== undefined ? { id: r.id, client: r.client, seq: r.seq, value: r.value } : { id: r.id, value: r.value });
      this.startRound();
      return;
    }
    if (was === this.ctx.id) this.stopLeading();
    else for (const r of this.waiting.values()) if (r.client === undefined) this.forward({ id: r.id, value: r.value });
  }

  /** No longer the leader: its clients are sent to the new one; nothing stays queued here. */
  protected stopLeading(): void {
    this.active = false;
    this.queue = [];
    this.queuedIds.clear();
    this.assigned.clear();
    this.inflight.clear();
    for (const r of [...this.waiting.values()]) {
      if (r.client !== undefined) {
        this.waiting.delete(r.id);
        this.ctx.redirect(r.id, this.leader);
      } else this.forward({ id: r.id, value: r.value });
    }
  }

  protected beat(): void {
    const hb: HeartbeatMsg = { kind: 'heartbeat', from: this.ctx.id, rnd: this.durable.rnd, decided: this.applied, durable: this.snapSlot, every: this.beatEvery };
    this.ctx.broadcast(hb, { includeSelf: false });
  }

  protected hearsMajority(): boolean {
    return this.n - this.fd.suspected().length >= this.quorum;
  }

  /**
   * A suspicion cleared and a majority is heard again: back to the normal heartbeat period, and a
   * leader whose phase 1 was stuck without a majority tries again now, not after its backoff.
   */
  protected beatFasterIfMajority(): void {
    if (this.beatEvery === this.timing.heartbeatMs || !this.hearsMajority()) return;
    this.beatEvery = this.timing.heartbeatMs;
    this.beat();
    this.ctx.setTimer(HEARTBEAT, this.beatEvery);
    if (this.leader === this.ctx.id && !this.active) this.armRetry(0);
  }

  // ---- catch-up ----------------------------------------------------------------------------------

  protected fetchFrom(peer: NodeId): void {
    const now = this.ctx.now();
    if (now - this.lastFetchAt < this.rto.rtoMs) return;
    this.lastFetchAt = now;
    this.ctx.send(peer, { kind: 'fetch', from: this.ctx.id, slot: this.applied + 1 });
  }

  protected onFetch(from: NodeId, msg: FetchMsg): void {
    if (typeof msg.slot !== 'number' || from === this.ctx.id) return;
    this.sendChosen(from, msg.slot);
  }

  /** Chosen slots from `slot` on (a snapshot first when `slot` is truncated already). */
  protected sendChosen(to: NodeId, slot: Slot): void {
    const out: ChosenMsg = { kind: 'chosen', from: this.ctx.id, entries: [] };
    let start = slot;
    if (slot <= this.durable.compacted) {
      out.snapshot = this.currentSnapshot();
      start = this.applied + 1;
    }
    for (let s = start; s <= this.maxChosen && out.entries.length < this.timing.fetchBatch; s++) {
      const val = this.log.get(s);
      if (val !== undefined) out.entries.push({ slot: s, val });
    }
    if (out.entries.length > 0 || out.snapshot) this.ctx.send(to, out);
  }

  protected onChosen(from: NodeId, msg: ChosenMsg): void {
    if (!Array.isArray(msg.entries)) return;
    if (msg.snapshot && typeof msg.snapshot.slot === 'number' && msg.snapshot.slot > this.applied) this.installSnapshot(msg.snapshot);
    for (const e of msg.entries) if (e && typeof e.slot === 'number' && e.slot >= 1 && typeof e.val === 'string') this.chosen(e.slot, e.val);
    // A full answer: more may follow at once.
    if ((this.peerDecided.get(from) ?? 0) > this.applied && msg.entries.length >= this.timing.fetchBatch) {
      this.lastFetchAt = -Infinity;
      this.fetchFrom(from);
    }
  }

  // ---- snapshots and compaction ------------------------------------------------------------------

  protected currentSnapshot(): SnapshotData {
    return { slot: this.applied, machine: this.machine.snapshot(), clients: this.clients.snapshot() };
  }

  protected restoreSnapshot(s: SnapshotData): boolean {
    if (s.slot === 0) return true;
    if (!this.machine.restore(s.machine) || !this.clients.restore(s.clients)) {
      this.report(`a snapshot of slot ${s.slot} does not fit the ${this.options.machine} state machine; ignored`);
      return false;
    }
    this.applied = s.slot;
    return true;
  }

  protected takeSnapshot(): void {
    this.durable.snapshot = JSON.stringify(this.currentSnapshot());
    if (!this.save()) return;
    this.snapSlot = this.applied;
    this.maybeTruncate();
  }

  /** A peer's snapshot, for a replica behind the log's start: the roles start afresh after it. */
  protected installSnapshot(s: SnapshotData): void {
    if (!this.restoreSnapshot(s)) return;
    for (const slot of this.log.keys()) if (slot <= s.slot) this.log.delete(slot);
    this.durable.snapshot = JSON.stringify(s);
    if (this.save()) this.snapSlot = s.slot;
    this.rebuildRoles();
    this.active = false;
    this.windowFull = false;
    this.applyReady();
    if (this.leader === this.ctx.id) this.startRound();
  }

  /** Truncate the log up to the lowest slot every replica has in a saved snapshot. */
  protected maybeTruncate(): void {
    let upTo = this.snapSlot;
    for (const peer of this.ctx.nodes) if (peer !== this.ctx.id) upTo = Math.min(upTo, this.peerDurable.get(peer) ?? 0);
    if (upTo <= this.durable.compacted) return;
    this.durable.compacted = upTo;
    for (const slot of this.votes.keys()) if (slot <= upTo) this.votes.delete(slot);
    for (const slot of this.log.keys()) if (slot <= upTo) this.log.delete(slot);
    const below = upTo + 1;
    if (this.acceptor.truncate) callRole('acceptor.truncate', () => this.acceptor.truncate!(below), anything, this.reporter);
    if (this.learner.truncate) callRole('learner.truncate', () => this.learner.truncate!(below), anything, this.reporter);
    this.save();
  }

  // ---- storage and recovery ----------------------------------------------------------------------

  /**
   * Fresh roles: the acceptor brought to the saved promise and votes by replaying them (votes in
   * round order, then the promise), the proposer and learner starting at the first slot not in the
   * snapshot. Outputs of the replay are discarded.
   */
  protected rebuildRoles(): void {
    this.config = { nodes: [...this.ctx.nodes], alpha: this.options.alpha, firstSlot: this.applied + 1 };
    const make = <R>(what: string, C: new (id: NodeId, c: MultiClusterConfig) => R): R => {
      try {
        return new C(this.ctx.id, { ...this.config, nodes: [...this.config.nodes] });
      } catch (err) {
        this.roleFault(`${what} constructor threw: ${err instanceof Error ? err.message : String(err)}`);
        return {} as R;
      }
    };
    this.acceptor = make('Acceptor', this.classes.Acceptor);
    this.proposer = make('Proposer', this.classes.Proposer);
    this.learner = make('Learner', this.classes.Learner);
    const votes = [...this.votes].sort((a, b) => a[1][0] - b[1][0] || a[0] - b[0]);
    let highest = 0;
    for (const [slot, [vrnd, vval]] of votes) {
      const m: MultiAcceptMsg = { kind: 'accept', from: roundOwner(vrnd, this.n), slot, rnd: vrnd, val: vval };
      callRole('replay acceptor.handleAccept', () => this.acceptor.handleAccept(m), anything, this.reporter);
      highest = vrnd;
    }
    if (this.durable.rnd > highest) {
      const m: MultiPrepareMsg = { kind: 'prepare', from: roundOwner(this.durable.rnd, this.n), crnd: this.durable.rnd, slot: this.durable.compacted + 1 };
      callRole('replay acceptor.handlePrepare', () => this.acceptor.handlePrepare(m), anything, this.reporter);
    }
  }

  protected save(): boolean {
    this.durable.votes = [...this.votes].map(([slot, [vrnd, vval]]) => [slot, vrnd, vval]);
    try {
      this.ctx.storage.save(this.durable);
      return true;
    } catch (err) {
      this.report(`stable storage failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  // ---- round trips -------------------------------------------------------------------------------

  protected probe(key: string): void {
    this.probes.delete(key);
    this.probes.set(key, { sentAt: this.ctx.now(), answered: new Set() });
    while (this.probes.size > MAX_PROBES) this.probes.delete(this.probes.keys().next().value!);
  }

  protected answered(key: string, from: NodeId): void {
    const p = this.probes.get(key);
    if (!p) return;
    p.answered.add(from);
    if (p.answered.size < this.quorum) return;
    this.probes.delete(key);
    this.rto.sample(this.ctx.now() - p.sentAt);
  }

  protected report(why: string): void {
    this.ctx.log(why);
  }

  /**
   * A role threw or returned garbage: reported, and the node goes on without that output (a
   * student's role in the playground must not take its node down). Lab 04's grader overrides it.
   */
  protected roleFault(why: string): void {
    this.report(why);
  }

  /** `roleFault` as a callback for callRole; a getter, so that the node's state holds no function (the search copies it). */
  protected get reporter(): (why: string) => void {
    return (why) => this.roleFault(why);
  }
}

/** The at-most-once key of a command: its client and seq, or (handed to a node directly) its id. */
export function clientKey(c: LogCommand): [string, number] {
  return c.client !== undefined && c.seq !== undefined ? [c.client, c.seq] : [`#${c.id}`, 1];
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Node classes are looked up as `Node` by the harnesses; its second argument is the options. */
export { MultiPaxosNode as Node };

/** A `PaxosNodeClass` (one-argument constructor) for these options: what the simulator takes. */
export function multiPaxosNodeClass(options: MultiPaxosNodeOptions = {}): new (ctx: NodeContext<ServiceNodeMsg>) => MultiPaxosNode {
  return class extends MultiPaxosNode {
    constructor(ctx: NodeContext<ServiceNodeMsg>) {
      super(ctx, options);
    }
  };
}
