// Bug: counts a PROMISE that arrives twice from the same acceptor twice toward the majority.
// expect-rule: chapter-9.safe-value
// expect-rule: chapter.different-value-chosen
/**
 * Chapter 9 — Paxos: the mechanism of the chapters before, for one log position. Every server is
 * an acceptor, a proposer and a learner (the roles of the student API, docs/student-api.md). A
 * server with a client's command runs a round: PREPARE, then, with a majority of PROMISEs, an
 * ACCEPT for the value the promises make safe — the one accepted in the highest round, or its own
 * when none was accepted; acceptors vote and tell everyone (LEARN); a majority of LEARNs of one
 * round decides. The service executes one command: the chosen one.
 */
import {
  NO_ROUND,
  encodeLog,
  nextOwnedRound,
  quorumSize,
  type AcceptMsg,
  type ClientRequest,
  type ClusterConfig,
  type LearnMsg,
  type NodeContext,
  type NodeId,
  type PaxosMsg,
  type PaxosNode,
  type PrepareMsg,
  type PromiseMsg,
  type Round,
  type Value,
} from '@paxlab/sdk';

export class Acceptor {
  rnd: Round = NO_ROUND;
  vrnd: Round = NO_ROUND;
  vval: Value | null = null;

  constructor(
    private readonly id: NodeId,
    _config: ClusterConfig,
  ) {}

  handlePrepare(msg: PrepareMsg): PromiseMsg | null {
    if (msg.crnd <= this.rnd) return null;
    this.rnd = msg.crnd;
    return { kind: 'promise', to: msg.from, from: this.id, rnd: msg.crnd, vrnd: this.vrnd, vval: this.vval };
  }

  handleAccept(msg: AcceptMsg): LearnMsg | null {
    if (msg.rnd < this.rnd) return null;
    this.rnd = this.vrnd = msg.rnd;
    this.vval = msg.val;
    return { kind: 'learn', from: this.id, rnd: msg.rnd, val: msg.val };
  }
}

export class Proposer {
  crnd: Round = NO_ROUND;
  private value: Value | null = null;
  private readonly promised = new Map<NodeId, PromiseMsg>();
  private quorumReached = false;
  private acceptSent = false;
  private count = 0;

  constructor(
    private readonly id: NodeId,
    private readonly config: ClusterConfig,
  ) {}

  startRound(): PrepareMsg {
    this.crnd = nextOwnedRound(this.id, this.config, this.crnd);
    this.promised.clear();
    this.count = 0;
    this.quorumReached = false;
    this.acceptSent = false;
    return { kind: 'prepare', from: this.id, crnd: this.crnd };
  }

  propose(val: Value): AcceptMsg | null {
    this.value = val;
    if (!this.quorumReached || this.acceptSent) return null;
    if ([...this.promised.values()].some((p) => p.vrnd !== NO_ROUND)) return null;
    this.acceptSent = true;
    return { kind: 'accept', from: this.id, rnd: this.crnd, val };
  }

  /** ✎ The handler of this chapter: a PROMISE for this proposer's round. */
  handlePromise(msg: PromiseMsg): AcceptMsg | null {
    if (msg.rnd !== this.crnd || this.quorumReached) return null;
    this.count++;
    if (!this.promised.has(msg.from) || msg.vrnd !== NO_ROUND) this.promised.set(msg.from, msg);
    if (this.count < quorumSize(this.config)) return null;
    this.quorumReached = true;
    // The value accepted in the highest round is the only one that may have been chosen.
    let best: PromiseMsg | null = null;
    for (const p of this.promised.values()) if (p.vrnd !== NO_ROUND && (!best || p.vrnd > best.vrnd)) best = p;
    const val = best ? best.vval : this.value;
    if (val === null || this.acceptSent) return null;
    this.acceptSent = true;
    return { kind: 'accept', from: this.id, rnd: this.crnd, val };
  }
}

export class Learner {
  private readonly votes = new Map<Round, Set<NodeId>>();
  private done = false;

  constructor(
    _id: NodeId,
    private readonly config: ClusterConfig,
  ) {}

  handleLearn(msg: LearnMsg): Value | null {
    if (this.done) return null;
    let voters = this.votes.get(msg.rnd);
    if (!voters) this.votes.set(msg.rnd, (voters = new Set()));
    voters.add(msg.from);
    if (voters.size < quorumSize(this.config)) return null;
    this.done = true;
    return msg.val;
  }
}

const RETRY = 'retry';
const RETRY_MS = 40;

/** One server: the three roles, client requests, and a retry timer that starts a higher round. */
export class Node implements PaxosNode<PaxosMsg> {
  private readonly acceptor: Acceptor;
  private readonly proposer: Proposer;
  private readonly learner: Learner;
  private decided: Value | null = null;
  private readonly pending: ClientRequest[] = [];
  private proposing = false;

  constructor(private readonly ctx: NodeContext<PaxosMsg>) {
    const config = { nodes: [...ctx.nodes] };
    this.acceptor = new Acceptor(ctx.id, config);
    this.proposer = new Proposer(ctx.id, config);
    this.learner = new Learner(ctx.id, config);
  }

  onStart(): void {}

  onMessage(_from: NodeId, msg: PaxosMsg): void {
    switch (msg.kind) {
      case 'prepare': {
        const out = this.acceptor.handlePrepare(msg);
        if (out) this.ctx.send(out.to, out);
        return;
      }
      case 'promise': {
        const out = this.proposer.handlePromise(msg);
        if (out) this.ctx.broadcast(out);
        return;
      }
      case 'accept': {
        const out = this.acceptor.handleAccept(msg);
        if (out) this.ctx.broadcast(out);
        return;
      }
      case 'learn': {
        const v = this.learner.handleLearn(msg);
        if (v !== null) this.decide(v);
        return;
      }
    }
  }

  onTimer(name: string): void {
    if (name !== RETRY || this.decided !== null) return;
    this.ctx.broadcast(this.proposer.startRound());
    this.ctx.setTimer(RETRY, RETRY_MS * (1 + this.ctx.random()));
  }

  onClientRequest(r: ClientRequest): void {
    if (this.decided !== null) return this.answer(r);
    if (!this.pending.some((p) => p.id === r.id)) this.pending.push(r);
    const acc = this.proposer.propose(this.pending[0].value);
    if (acc) this.ctx.broadcast(acc);
    if (!this.proposing) {
      this.proposing = true;
      this.ctx.broadcast(this.proposer.startRound());
      this.ctx.setTimer(RETRY, RETRY_MS * (1 + this.ctx.random()));
    }
  }

  snapshot(): unknown {
    return { decided: this.decided, crnd: this.proposer.crnd, rnd: this.acceptor.rnd, vrnd: this.acceptor.vrnd, vval: this.acceptor.vval };
  }

  private decide(v: Value): void {
    this.decided = v;
    this.ctx.decide(v);
    this.ctx.cancelTimer(RETRY);
    for (const r of this.pending.splice(0)) this.answer(r);
  }

  /** The chosen command was executed for its client; any other command never will be. */
  private answer(r: ClientRequest): void {
    if (r.value === this.decided) this.ctx.reply(r.id, encodeLog([this.decided]));
    else this.ctx.reject(r.id, 'not chosen');
  }
}
