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

export type { NodeMsg, HeartbeatMsg, ForwardMsg } from './messages.js';

/** Timer settings of the node, in milliseconds (virtual under simulation). */
export interface NodeTiming {
  /** Heartbeat period. */
  heartbeatMs: number;
  /** Silence after which a peer is suspected (initially). */
  suspectMs: number;
  /** How much a peer's timeout grows after each false suspicion of it. */
  suspectGrowMs: number;
  /** Retransmission period of the leader (prepare/accept) and of forwarded requests. */
  retryMs: number;
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
 * peer's timeout longer, so loss does not make the leader flap.
 */
export const DEFAULT_NODE_TIMING: Readonly<NodeTiming> = Object.freeze({
  heartbeatMs: 20,
  suspectMs: 80,
  suspectGrowMs: 20,
  retryMs: 60,
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

  constructor(
    private readonly ctx: NodeContext<NodeMsg>,
    roles: NodeRoles = {},
    timing: Partial<NodeTiming> = {},
  ) {
    this.config = { nodes: [...ctx.nodes] };
    this.timing = { ...DEFAULT_NODE_TIMING, ...timing };
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
    this.leader = this.fd.leader();
    // A decided node stays silent and only answers undecided peers (see onHeartbeat).
    if (this.decided !== null) return;
    this.beat();
    this.ctx.setTimer(HEARTBEAT, this.timing.heartbeatMs);
    // A node that starts as leader runs phase 1 at once, so a client value finds the promises ready.
    if (this.leader === this.ctx.id) this.newRound();
    else this.armRetry();
  }

  onMessage(from: NodeId, msg: NodeMsg): void {
    if (typeof msg !== 'object' || msg === null || typeof (msg as { kind?: unknown }).kind !== 'string') {
      this.report(`ignored a malformed message from ${from}`);
      return;
    }
    if (from !== this.ctx.id && this.fd.heard(from, this.ctx.now())) this.leaderMayHaveChanged();
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
      this.beat();
      if (this.fd.check(this.ctx.now())) this.leaderMayHaveChanged();
      this.ctx.setTimer(HEARTBEAT, this.timing.heartbeatMs);
    } else if (name === RETRY) {
      this.retry();
      this.armRetry();
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
    else this.forward(request);
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
    if (!this.save() || !prep) return;
    this.leading = true;
    this.round = prep.crnd;
    this.promisers.clear();
    this.acceptOut = null;
    this.acceptResends = 0;
    this.ctx.broadcast(prep);
    const proposal = this.proposal;
    const acc = proposal === null ? null : callRole('proposer.propose', () => this.proposer.propose(proposal), isAccept, this.report);
    if (acc) this.sendAccept(acc);
    this.armRetry();
  }

  private sendAccept(acc: AcceptMsg): void {
    this.acceptOut = acc;
    this.acceptResends = 0;
    this.ctx.broadcast(acc);
    this.armRetry();
  }

  /** The retransmission timer: push the round forward, resend the accept, or re-forward requests. */
  private retry(): void {
    if (this.leader !== this.ctx.id) {
      for (const r of this.pending) this.forward(r);
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
        this.newRound();
      }
      return;
    }
    if (this.leading && acc && this.acceptResends < this.timing.maxAcceptResends && this.maxSeen <= acc.rnd) {
      this.acceptResends++;
      this.ctx.broadcast(acc);
    } else {
      // Phase 1 got no quorum, or the accept keeps failing: a higher round.
      this.newRound();
    }
  }

  // ---- learner ---------------------------------------------------------------------------------

  private onLearn(msg: LearnMsg): void {
    if (this.decided !== null) return;
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
    } else {
      for (const r of this.pending) this.forward(r);
    }
  }

  private forward(r: ClientRequest): void {
    this.ctx.send(this.leader, { kind: 'forward', from: this.ctx.id, request: r.id, value: r.value });
  }

  private beat(): void {
    this.ctx.broadcast(this.heartbeat(), { includeSelf: false });
  }

  private heartbeat(): HeartbeatMsg {
    return { kind: 'heartbeat', from: this.ctx.id, decided: this.decided };
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
    const { retryMs, retryJitter } = this.timing;
    this.ctx.setTimer(RETRY, Math.round(retryMs * (1 + retryJitter * this.ctx.random())));
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
