import type {
  AcceptMsg,
  AcceptorClass,
  AcceptorRole,
  ClientRequest,
  ClusterConfig,
  LearnMsg,
  LearnerClass,
  LearnerRole,
  NodeContext,
  NodeId,
  PaxosNode,
  PrepareMsg,
  PromiseMsg,
  ProposerClass,
  ProposerRole,
  Value,
} from '@paxlab/sdk';
import { Acceptor } from '../01-acceptor/reference/acceptor.js';
import { Proposer } from '../02-proposer/reference/proposer.js';
import { Learner } from '../03-learner/reference/learner.js';
import { type DurableState, loadDurable } from './durable.js';
import { FailureDetector } from './failure-detector.js';
import { callRole, isAccept, isLearn, isPrepare, isPromise, isValue } from './guard.js';
import type { ForwardMsg, HeartbeatMsg, NodeMsg } from './messages.js';
import { RetransmitTimer } from './retransmit-timer.js';

export type { NodeMsg, HeartbeatMsg, ForwardMsg } from './messages.js';

/** Timer settings of the node, in milliseconds (virtual under simulation). */
export interface NodeTiming {
  /** Heartbeat period (while this node hears a majority). */
  heartbeatMs: number;
  /** Longest heartbeat period: a node that hears no majority doubles its period up to this. */
  maxHeartbeatMs: number;
  /** Silence after which a peer is suspected (initially). */
  suspectMs: number;
  /** How much a peer's timeout grows after each false suspicion of it. */
  suspectGrowMs: number;
  /**
   * Shortest retransmission timeout of the leader (prepare/accept) and of forwarded requests. The
   * timeout in force adapts to the observed round trip and doubles after each retry that got no
   * answer (retransmit-timer.ts), between `retryMs` and `maxRetryMs`.
   */
  retryMs: number;
  /** Longest retransmission timeout (the bound of the backoff). */
  maxRetryMs: number;
  /** Random extra fraction of `retryMs` (0.5 → up to +50%), which breaks duelling proposers. */
  retryJitter: number;
  /** How often one accept is resent before the leader gives up on its round and starts a higher one. */
  maxAcceptResends: number;
  /** How often a leader without a client value reruns a phase 1 that got no quorum (then it waits for a value). */
  maxIdleRounds: number;
}

/**
 * Tuned for both the simulator and 5 real processes on 2 cores: a leader is suspected only after 4
 * heartbeats in a row go missing (0.3^4 ≈ 1% under 30% loss), and each false suspicion makes that
 * peer's timeout longer, so loss does not make the leader flap. The retransmission timeout starts
 * at 60 ms and follows the round trip up to 1 s, which covers every delay the app offers (up to
 * 200 ms each way); a minority's beats slow down to 400 ms.
 */
export const DEFAULT_NODE_TIMING: Readonly<NodeTiming> = Object.freeze({
  heartbeatMs: 20,
  maxHeartbeatMs: 400,
  suspectMs: 80,
  suspectGrowMs: 20,
  retryMs: 60,
  maxRetryMs: 1000,
  retryJitter: 0.5,
  maxAcceptResends: 3,
  maxIdleRounds: 3,
});

/** The role classes a node is assembled from; each defaults to the reference implementation. */
export interface NodeRoles {
  Acceptor?: AcceptorClass;
  Proposer?: ProposerClass;
  Learner?: LearnerClass;
}

const HEARTBEAT = 'heartbeat';
const RETRY = 'retry';
/** Round-trip probes kept at once (the rounds and accepts still waiting for a quorum of answers). */
const MAX_PROBES = 8;

/** A request sent to all, waiting for a quorum of answers: the time that takes is one RTT sample. */
interface Probe {
  sentAt: number;
  answered: Set<NodeId>;
}

/**
 * A whole single-decree Paxos node: acceptor, proposer and learner at once, with a heartbeat failure
 * detector electing the lowest unsuspected id as leader, forwarding of client requests to the leader,
 * retransmission, stable storage and recovery. Only the leader proposes; learns go all-to-all.
 */
export class SingleDecreeNode implements PaxosNode<NodeMsg> {
  private readonly config: ClusterConfig;
  private readonly timing: NodeTiming;
  private readonly classes: Required<NodeRoles>;
  private acceptor!: AcceptorRole;
  private proposer!: ProposerRole;
  private learner!: LearnerRole;
  private durable!: DurableState;
  private fd!: FailureDetector;
  private leader!: NodeId;
  private decided: Value | null = null;
  /** Requests clients sent to this node, answered when the decision is known. */
  private pending: ClientRequest[] = [];
  /** The value this node proposes when it leads: the first client value it heard of. */
  private proposal: Value | null = null;
  /** True while this node, as leader, runs a round of its own. */
  private leading = false;
  private acceptOut: AcceptMsg | null = null;
  private acceptResends = 0;
  /** The round this node leads, the distinct promises it got for it, and phase 1 reruns without a value. */
  private round = 0;
  private readonly promisers = new Set<NodeId>();
  private idleRounds = 0;
  /** The highest round seen in any prepare/promise/accept: a new round must beat it. */
  private maxSeen = 0;
  /** The retransmission timeout, fed by round trips (prepare → promises, accept → learns). */
  private rto!: RetransmitTimer;
  /** Outstanding round-trip probes: `p<round>` for a prepare, `a<round>` for an accept. */
  private readonly probes = new Map<string, Probe>();
  /** The current heartbeat period: `heartbeatMs`, doubled at each beat while no majority is heard. */
  private beatEvery = 0;

  constructor(
    private readonly ctx: NodeContext<NodeMsg>,
    roles: NodeRoles = {},
    timing: Partial<NodeTiming> = {},
  ) {
    this.config = { nodes: [...ctx.nodes] };
    this.timing = { ...DEFAULT_NODE_TIMING, ...timing };
    this.timing.maxRetryMs = Math.max(this.timing.maxRetryMs, this.timing.retryMs);
    this.timing.maxHeartbeatMs = Math.max(this.timing.maxHeartbeatMs, this.timing.heartbeatMs);
    this.classes = {
      Acceptor: roles.Acceptor ?? Acceptor,
      Proposer: roles.Proposer ?? Proposer,
      Learner: roles.Learner ?? Learner,
    };
  }

  onStart(): void {
    const { state, problem } = loadDurable(this.ctx.storage);
    if (problem) this.report(problem);
    this.durable = state;
    this.rebuildRoles();
    this.decided = state.decided;
    this.fd = new FailureDetector(this.ctx.id, this.ctx.nodes, this.ctx.now(), this.timing.suspectMs, this.timing.suspectGrowMs);
    this.rto = new RetransmitTimer(this.timing.retryMs, this.timing.maxRetryMs);
    this.beatEvery = this.timing.heartbeatMs;
    this.leader = this.fd.leader();
    // A decided node stays silent and only answers undecided peers (see onHeartbeat).
    if (this.decided !== null) return;
    this.beat();
    this.ctx.setTimer(HEARTBEAT, this.beatEvery);
    // A node that starts as leader runs phase 1 at once, so a client value finds the promises ready.
    if (this.leader === this.ctx.id) this.newRound();
  }

  onMessage(from: NodeId, msg: NodeMsg): void {
    if (typeof msg !== 'object' || msg === null || typeof (msg as { kind?: unknown }).kind !== 'string') {
      this.report(`ignored a malformed message from ${from}`);
      return;
    }
    const period = msg.kind === 'heartbeat' && typeof msg.every === 'number' ? msg.every : undefined;
    if (from !== this.ctx.id && this.fd.heard(from, this.ctx.now(), period)) {
      this.leaderMayHaveChanged();
      this.beatFasterIfMajority();
    }
    switch (msg.kind) {
      case 'prepare':
        if (isPrepare(msg)) return this.onPrepare(from, msg);
        break;
      case 'accept':
        if (isAccept(msg)) return this.onAccept(msg);
        break;
      case 'promise':
        if (isPromise(msg)) return this.onPromise(msg);
        break;
      case 'learn':
        if (isLearn(msg)) return this.onLearn(msg);
        break;
      case 'heartbeat':
        if (msg.decided === null || typeof msg.decided === 'string') return this.onHeartbeat(from, msg);
        break;
      case 'forward':
        if (typeof msg.request === 'string' && typeof msg.value === 'string') return this.onForward(from, msg);
        break;
    }
    this.report(`ignored an invalid ${String((msg as { kind: unknown }).kind)} message from ${from}`);
  }

  onTimer(name: string): void {
    if (this.decided !== null) return;
    if (name === HEARTBEAT) {
      if (this.fd.check(this.ctx.now())) this.leaderMayHaveChanged();
      // Without a majority nothing this node says can get a value chosen: beat ever more slowly
      // (bounded), so an idle minority stays quiet instead of flooding its side of the cut.
      this.beatEvery = this.hearsMajority() ? this.timing.heartbeatMs : Math.min(this.beatEvery * 2, this.timing.maxHeartbeatMs);
      this.beat();
      this.ctx.setTimer(HEARTBEAT, this.beatEvery);
    } else if (name === RETRY) {
      this.retry();
    }
  }

  onClientRequest(request: ClientRequest): void {
    if (typeof request?.id !== 'string' || typeof request.value !== 'string') {
      this.report('ignored a malformed client request');
      return;
    }
    if (this.decided !== null) {
      this.answer(request, this.decided);
      return;
    }
    this.pending.push({ id: request.id, value: request.value });
    this.proposal ??= request.value;
    if (this.leader === this.ctx.id) this.offer();
    else {
      this.forward(request);
      this.armRetry();
    }
  }

  snapshot(): unknown {
    const a = this.acceptor as unknown as Record<string, unknown> | undefined;
    const readable = (v: unknown) => (typeof v === 'number' || typeof v === 'string' || v === null ? v : undefined);
    return {
      id: this.ctx.id,
      leader: this.leader,
      suspected: this.fd?.suspected() ?? [],
      decided: this.decided,
      proposal: this.proposal,
      pendingRequests: this.pending.length,
      crnd: readable((this.proposer as unknown as Record<string, unknown> | undefined)?.crnd),
      acceptor: a ? { rnd: readable(a.rnd), vrnd: readable(a.vrnd), vval: readable(a.vval) } : undefined,
      storedInputs: this.durable?.inputs.length ?? 0,
      roundsStarted: this.durable?.rounds ?? 0,
      retransmitMs: this.rto?.rtoMs,
      smoothedRttMs: this.rto?.smoothedMs ?? null,
      heartbeatMs: this.beatEvery,
    };
  }

  // ---- acceptor --------------------------------------------------------------------------------

  private onPrepare(from: NodeId, msg: PrepareMsg): void {
    this.seen(msg.crnd);
    const out = callRole('acceptor.handlePrepare', () => this.acceptor.handlePrepare({ ...msg }), isPromise, this.report);
    // Persist before the promise leaves: a promise must survive a crash.
    if (!this.persistInput({ ...msg })) return;
    if (out) this.ctx.send(from, out);
  }

  private onAccept(msg: AcceptMsg): void {
    this.seen(msg.rnd);
    const out = callRole('acceptor.handleAccept', () => this.acceptor.handleAccept({ ...msg }), isLearn, this.report);
    if (!this.persistInput({ ...msg })) return;
    if (out) this.ctx.broadcast(out);
  }

  // ---- proposer --------------------------------------------------------------------------------

  private onPromise(msg: PromiseMsg): void {
    this.seen(msg.rnd);
    this.answered(`p${msg.rnd}`, msg.from);
    if (msg.rnd === this.round) this.promisers.add(msg.from);
    const out = callRole('proposer.handlePromise', () => this.proposer.handlePromise({ ...msg }), isAccept, this.report);
    if (out) this.sendAccept(out);
  }

  /**
   * The leader has a client value (`proposal`): propose it in the round this node already leads —
   * when phase 1 of that round reached a quorum with no value in it, the accept leaves at once — or
   * start a round.
   */
  private offer(): void {
    // A round someone else has since overtaken cannot get a value chosen: start a higher one.
    if (!this.leading || this.maxSeen > this.round) return this.newRound();
    const proposal = this.proposal!;
    const acc = callRole('proposer.propose', () => this.proposer.propose(proposal), isAccept, this.report);
    if (acc) this.sendAccept(acc);
    // No quorum of promises yet: if none comes in time, the retry starts a higher round.
    else this.armRetry();
  }

  /**
   * Start a round above every round seen, as leader, and propose `proposal` in it. Without a client
   * value yet, this is phase 1 only, run ahead (as a distinguished proposer does): the promises
   * gathered then let the value go straight to phase 2 when it comes.
   */
  private newRound(): void {
    if (this.decided !== null) return;
    let prep: PrepareMsg | null = null;
    let calls = 0;
    do {
      prep = callRole('proposer.startRound', () => this.proposer.startRound(), isPrepare, this.report);
      calls++;
    } while (prep && prep.crnd <= this.maxSeen && calls < 1000);
    this.durable.rounds += calls;
    if (!this.save() || !prep) {
      // Try again later (a storage hiccup may pass); the backoff keeps a broken proposer cheap.
      this.rto.timedOut();
      this.armRetry();
      return;
    }
    this.leading = true;
    this.round = prep.crnd;
    this.promisers.clear();
    this.acceptOut = null;
    this.acceptResends = 0;
    this.ctx.broadcast(prep);
    this.probe(`p${prep.crnd}`);
    const proposal = this.proposal;
    const acc = proposal === null ? null : callRole('proposer.propose', () => this.proposer.propose(proposal), isAccept, this.report);
    if (acc) this.sendAccept(acc);
    this.armRetry();
  }

  private sendAccept(acc: AcceptMsg): void {
    this.acceptOut = acc;
    this.acceptResends = 0;
    this.ctx.broadcast(acc);
    this.probe(`a${acc.rnd}`);
    this.armRetry();
  }

  /**
   * The retransmission timer fired with no answer in time: push the round forward, resend the
   * accept, or re-forward requests, and wait twice as long next time (until a round trip is
   * measured again). Re-armed only while there is something to retransmit.
   */
  private retry(): void {
    if (this.leader !== this.ctx.id) {
      if (this.pending.length === 0) return;
      this.rto.timedOut();
      for (const r of this.pending) this.forward(r);
      this.armRetry();
      return;
    }
    const acc = this.acceptOut;
    if (this.proposal === null && acc === null) {
      // Idle (no value, no accept out): rerun a phase 1 that got no quorum or was overtaken, a few
      // times, so a value that comes later still finds promises ready; then wait for the value.
      const quorum = Math.floor(this.ctx.nodes.length / 2) + 1;
      const stale = this.promisers.size < quorum || this.maxSeen > this.round;
      if (this.leading && stale && this.idleRounds < this.timing.maxIdleRounds) {
        this.idleRounds++;
        this.rto.timedOut();
        this.newRound();
      }
      return;
    }
    this.rto.timedOut();
    if (this.leading && acc && this.acceptResends < this.timing.maxAcceptResends && this.maxSeen <= acc.rnd) {
      this.acceptResends++;
      // Karn's rule: an answer to a resent accept does not say which copy it answers.
      this.probes.delete(`a${acc.rnd}`);
      this.ctx.broadcast(acc);
      this.armRetry();
    } else {
      // Phase 1 got no quorum, or the accept keeps failing: a higher round.
      this.newRound();
    }
  }

  // ---- learner ---------------------------------------------------------------------------------

  private onLearn(msg: LearnMsg): void {
    if (this.decided !== null) return;
    this.answered(`a${msg.rnd}`, msg.from);
    const v = callRole('learner.handleLearn', () => this.learner.handleLearn({ ...msg }), isValue, this.report);
    if (v !== null) this.decide(v);
  }

  private decide(value: Value): void {
    if (this.decided !== null) return;
    this.decided = value;
    this.ctx.decide(value);
    for (const r of this.pending) this.answer(r, value);
    this.pending = [];
    // Saved after the decision is announced: the value is chosen whatever happens to this node, and
    // a node that restarts without this note learns it again from a decided peer's heartbeat.
    this.durable.decided = value;
    this.save();
    this.leading = false;
    this.ctx.cancelTimer(RETRY);
    this.ctx.cancelTimer(HEARTBEAT);
  }

  /**
   * A single-decree service executes one command: the chosen one. Its client hears the command log,
   * which is that one command; every other client hears that its command was not executed and never
   * will be (docs/history.md: the log model judges both truthfully).
   */
  private answer(r: ClientRequest, decided: Value): void {
    if (r.value === decided) this.ctx.reply(r.id, decided);
    else this.ctx.reject(r.id, `not chosen: this single-decree service executed ${JSON.stringify(decided)}`);
  }

  // ---- failure detection, leadership, forwarding -----------------------------------------------

  private onHeartbeat(from: NodeId, msg: HeartbeatMsg): void {
    if (msg.decided !== null) {
      // Only a chosen value is ever carried here, so adopting it is safe.
      this.decide(msg.decided);
    } else if (this.decided !== null && from !== this.ctx.id) {
      this.ctx.send(from, this.heartbeat());
    }
  }

  private onForward(from: NodeId, msg: ForwardMsg): void {
    if (this.decided !== null) {
      this.ctx.send(from, this.heartbeat());
      return;
    }
    this.proposal ??= msg.value;
    if (this.leader === this.ctx.id) this.offer();
  }

  private leaderMayHaveChanged(): void {
    const next = this.fd.leader();
    if (next === this.leader) return;
    this.leader = next;
    this.ctx.log(`leader is now ${next}`);
    this.leading = false;
    this.acceptOut = null;
    if (this.decided !== null) return;
    if (next === this.ctx.id) {
      this.idleRounds = 0;
      this.newRound();
    } else if (this.pending.length > 0) {
      for (const r of this.pending) this.forward(r);
      this.armRetry();
    }
  }

  private forward(r: ClientRequest): void {
    this.ctx.send(this.leader, { kind: 'forward', from: this.ctx.id, request: r.id, value: r.value });
  }

  private beat(): void {
    this.ctx.broadcast({ ...this.heartbeat(), every: this.beatEvery }, { includeSelf: false });
  }

  private heartbeat(): HeartbeatMsg {
    return { kind: 'heartbeat', from: this.ctx.id, decided: this.decided };
  }

  /** This node and the peers it does not suspect make a majority. */
  private hearsMajority(): boolean {
    const n = this.ctx.nodes.length;
    return n - this.fd.suspected().length >= Math.floor(n / 2) + 1;
  }

  /** A suspicion cleared: back to the normal heartbeat period once a majority is heard again. */
  private beatFasterIfMajority(): void {
    if (this.decided !== null || this.beatEvery === this.timing.heartbeatMs || !this.hearsMajority()) return;
    this.beatEvery = this.timing.heartbeatMs;
    this.beat();
    this.ctx.setTimer(HEARTBEAT, this.beatEvery);
  }

  // ---- round trips -----------------------------------------------------------------------------

  /** A request just went to every node: time how long a quorum of answers takes. */
  private probe(key: string): void {
    this.probes.delete(key);
    this.probes.set(key, { sentAt: this.ctx.now(), answered: new Set() });
    // Oldest first in a Map: forget the oldest beyond the bound.
    while (this.probes.size > MAX_PROBES) this.probes.delete(this.probes.keys().next().value!);
  }

  /** `from` answered probe `key`; the answer that completes a quorum is one round-trip sample. */
  private answered(key: string, from: NodeId): void {
    const p = this.probes.get(key);
    if (!p) return;
    p.answered.add(from);
    if (p.answered.size < Math.floor(this.ctx.nodes.length / 2) + 1) return;
    this.probes.delete(key);
    this.rto.sample(this.ctx.now() - p.sentAt);
  }

  // ---- storage and recovery --------------------------------------------------------------------

  /** Fresh roles, brought to the saved state by replaying the saved calls (outputs discarded). */
  private rebuildRoles(): void {
    const { id } = this.ctx;
    const make = <R>(what: string, C: new (id: NodeId, c: ClusterConfig) => R): R => {
      try {
        return new C(id, { nodes: [...this.config.nodes] });
      } catch (err) {
        this.report(`${what} constructor threw: ${err instanceof Error ? err.message : String(err)}`);
        return {} as R;
      }
    };
    this.acceptor = make('Acceptor', this.classes.Acceptor);
    this.proposer = make('Proposer', this.classes.Proposer);
    this.learner = make('Learner', this.classes.Learner);
    const any = (o: unknown): o is unknown => true;
    for (const m of this.durable.inputs) {
      this.seen(m.kind === 'prepare' ? m.crnd : m.rnd);
      if (m.kind === 'prepare') callRole('replay acceptor.handlePrepare', () => this.acceptor.handlePrepare({ ...m }), any, this.report);
      else callRole('replay acceptor.handleAccept', () => this.acceptor.handleAccept({ ...m }), any, this.report);
    }
    for (let i = 0; i < this.durable.rounds; i++) {
      callRole('replay proposer.startRound', () => this.proposer.startRound(), any, this.report);
    }
  }

  private persistInput(m: PrepareMsg | AcceptMsg): boolean {
    this.durable.inputs.push(m);
    return this.save();
  }

  private save(): boolean {
    try {
      this.ctx.storage.save(this.durable);
      return true;
    } catch (err) {
      this.report(`stable storage failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  private armRetry(): void {
    if (this.decided !== null) return;
    this.ctx.setTimer(RETRY, Math.round(this.rto.rtoMs * (1 + this.timing.retryJitter * this.ctx.random())));
  }

  private seen(rnd: number): void {
    if (rnd > this.maxSeen) this.maxSeen = rnd;
  }

  private readonly report = (why: string): void => {
    this.ctx.log(why);
  };
}

/** Node classes are looked up as `Node` by the harnesses. */
export { SingleDecreeNode as Node };

/** A `PaxosNodeClass` (constructor of one argument) that builds nodes from these roles and timings. */
export function nodeClassWithRoles(roles: NodeRoles = {}, timing: Partial<NodeTiming> = {}): new (ctx: NodeContext<NodeMsg>) => SingleDecreeNode {
  return class extends SingleDecreeNode {
    constructor(ctx: NodeContext<NodeMsg>) {
      super(ctx, roles, timing);
    }
  };
}
