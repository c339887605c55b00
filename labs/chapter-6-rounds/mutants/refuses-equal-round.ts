// Bug: ignores an ACCEPT of the very round it promised: no new leader can ever get a command accepted.
// expect-rule: chapter-6.ignore-old-rounds
// expect-rule: chapter.script
/**
 * Chapter 6 — explicit leader change, with rounds: server i owns rounds i, i+n, i+2n, … A server that
 * takes over picks a round above every round it has seen and sends PREPARE; a server PROMISEs it,
 * ignores ACCEPTs from older rounds from then on, and reports what it executed. With a majority of
 * promises, the new leader adopts what was executed and goes on from there. Each ACCEPT, with the
 * leader's own vote, makes a majority of three: a server executes what it accepts, in order.
 */
import { ServiceState, type ClientRequest, type NodeContext, type NodeId, type PaxosNode } from '@paxlab/sdk';

/** A log entry: request `req`, command `val`. */
export interface Entry {
  req: string;
  val: string;
}
/** "I want to lead in round `rnd`." */
export interface PrepareMsg {
  kind: 'prepare';
  rnd: number;
}
/**
 * "I promise round `rnd`: I will ignore ACCEPTs from older rounds. I executed `log`; beyond it I
 * accepted `accepted` (for each position, the round I accepted it in: `vrnd`)."
 */
export interface PromiseMsg {
  kind: 'promise';
  rnd: number;
  log: Entry[];
  accepted: Array<Entry & { slot: number; vrnd: number }>;
}
/** "In round `rnd`, log position `slot` holds request `req` (command `val`)." */
export interface AcceptMsg extends Entry {
  kind: 'accept';
  rnd: number;
  slot: number;
}
/** "I accepted `val` for position `slot` in round `rnd`; I have executed the log up to `executed`." */
export interface LearnMsg {
  kind: 'learn';
  rnd: number;
  slot: number;
  val: string;
  executed: number;
}
/** The leader to a server that is behind: "log position `slot` is chosen, it holds `req` (`val`)." */
export interface CommitMsg extends Entry {
  kind: 'commit';
  slot: number;
}
/** "I am alive, and the highest round I know is `rnd`." */
export interface HeartbeatMsg {
  kind: 'heartbeat';
  rnd: number;
}
export type Msg = PrepareMsg | PromiseMsg | AcceptMsg | LearnMsg | CommitMsg | HeartbeatMsg;

const RETRANSMIT = 'retransmit';
const RETRANSMIT_MS = 30;
const HEARTBEAT = 'heartbeat';
const HEARTBEAT_MS = 10;
/** `suspect:<id>` fires after this much silence from server <id>. */
const SUSPECT_MS = 150;

export class Node implements PaxosNode<Msg> {
  private readonly state = new ServiceState();
  /** Every command this server executed, in order: position i is log[i - 1]. */
  private readonly log: Entry[] = [];
  /** Positions known to be chosen but waiting for those before them to be executed. */
  private readonly learned = new Map<number, Entry>();
  /** The highest round promised (or accepted). */
  private rnd = 0;
  /** What this server accepted beyond its log, per position, and in which round. */
  private readonly votes = new Map<number, Entry & { vrnd: number }>();
  private readonly suspected = new Set<NodeId>();
  /** Leading: 'preparing' (phase 1 of round crnd) or 'active' (proposing in crnd). */
  private phase: 'idle' | 'preparing' | 'active' = 'idle';
  private crnd = 0;
  private readonly promises = new Map<NodeId, PromiseMsg>();
  /** Log positions handed out in crnd. */
  private proposed = 0;
  /** ACCEPTs of crnd not confirmed by a majority, by position; only the first is out. */
  private readonly outbox: AcceptMsg[] = [];
  /** Who confirmed the first ACCEPT of the outbox. */
  private readonly confirmedBy = new Set<NodeId>();
  /** Requests clients asked this server to execute, answered when executed here. */
  private readonly asked = new Set<string>();
  /** Requests that came while this server was preparing. */
  private readonly waiting: ClientRequest[] = [];

  constructor(private readonly ctx: NodeContext<Msg>) {}

  private get executed(): number {
    return this.log.length;
  }

  private get quorum(): number {
    return Math.floor(this.ctx.nodes.length / 2) + 1;
  }

  /** The lowest server this one does not suspect (itself included). */
  private leader(): NodeId {
    return this.ctx.nodes.find((n) => n === this.ctx.id || !this.suspected.has(n))!;
  }

  private peers(): NodeId[] {
    return this.ctx.nodes.filter((n) => n !== this.ctx.id);
  }

  onStart(): void {
    this.ctx.setTimer(HEARTBEAT, HEARTBEAT_MS);
    for (const p of this.peers()) this.ctx.setTimer(`suspect:${p}`, SUSPECT_MS);
    if (this.leader() === this.ctx.id) this.startRound();
  }

  onMessage(from: NodeId, msg: Msg): void {
    this.ctx.setTimer(`suspect:${from}`, SUSPECT_MS);
    if (this.suspected.delete(from)) this.leaderChanged();
    switch (msg.kind) {
      case 'prepare':
        return this.onPrepare(from, msg);
      case 'promise':
        return this.onPromise(from, msg);
      case 'accept':
        return this.onAccept(from, msg);
      case 'learn':
        return this.onLearn(from, msg);
      case 'commit':
        return this.learn(msg.slot, { req: msg.req, val: msg.val });
      case 'heartbeat':
        return this.superseded(msg.rnd);
    }
  }

  onTimer(name: string): void {
    if (name === HEARTBEAT) {
      for (const p of this.peers()) this.ctx.send(p, { kind: 'heartbeat', rnd: this.rnd });
      this.ctx.setTimer(HEARTBEAT, HEARTBEAT_MS);
    } else if (name === RETRANSMIT) {
      this.retransmit();
    } else if (name.startsWith('suspect:')) {
      this.suspected.add(Number(name.slice('suspect:'.length)));
      this.leaderChanged();
    }
  }

  onClientRequest(r: ClientRequest): void {
    const leader = this.leader();
    if (this.phase === 'idle' && leader !== this.ctx.id) return this.ctx.redirect(r.id, leader);
    if (this.state.has(r.id)) return this.ctx.reply(r.id, this.state.apply(r.id, r.value));
    this.asked.add(r.id);
    if (this.phase !== 'active') {
      if (!this.waiting.some((w) => w.id === r.id)) this.waiting.push(r);
      if (this.phase === 'idle') this.startRound();
      return;
    }
    if (this.outbox.some((a) => a.req === r.id)) return;
    this.propose({ req: r.id, val: r.value });
  }

  snapshot(): unknown {
    return { log: this.log.map((e) => e.val), rnd: this.rnd, phase: this.phase, crnd: this.crnd, leader: this.leader(), suspected: [...this.suspected], outbox: this.outbox.map((a) => a.slot) };
  }

  // ---- every server: promises, votes, learning --------------------------------------------------

  private onPrepare(from: NodeId, msg: PrepareMsg): void {
    if (msg.rnd < this.rnd) return;
    this.superseded(msg.rnd);
    this.rnd = msg.rnd;
    const accepted = [...this.votes].filter(([slot]) => slot > this.executed).map(([slot, v]) => ({ slot, ...v }));
    this.ctx.send(from, { kind: 'promise', rnd: msg.rnd, log: this.log.map((e) => ({ ...e })), accepted });
  }

  onAccept(from: NodeId, msg: AcceptMsg): void {
    if (msg.rnd <= this.rnd) return; // promised a newer leader: this one is old
    this.superseded(msg.rnd);
    this.rnd = Math.max(this.rnd, msg.rnd);
    if (msg.slot > this.executed) {
      this.votes.set(msg.slot, { req: msg.req, val: msg.val, vrnd: msg.rnd });
      // The leader's vote and this one make a majority of three: the value is chosen.
      this.learn(msg.slot, { req: msg.req, val: msg.val });
    }
    this.ctx.send(from, { kind: 'learn', rnd: msg.rnd, slot: msg.slot, val: msg.val, executed: this.executed });
  }

  /** Position `slot` is chosen: execute it, and whatever it was waiting for, in order. */
  private learn(slot: number, e: Entry): void {
    if (slot <= this.executed) return;
    this.learned.set(slot, e);
    for (let next = this.learned.get(this.executed + 1); next; next = this.learned.get(this.executed + 1)) {
      this.learned.delete(this.executed + 1);
      this.votes.delete(this.executed + 1);
      const result = this.state.apply(next.req, next.val);
      this.log.push({ ...next });
      this.ctx.decide(next.val, this.log.length);
      if (this.asked.delete(next.req)) this.ctx.reply(next.req, result);
    }
  }

  // ---- the leader -------------------------------------------------------------------------------

  /** Who is suspected changed: a server that is now the one to lead takes over. (A leader goes on until a higher round overtakes it.) */
  private leaderChanged(): void {
    if (this.leader() === this.ctx.id && this.phase === 'idle') this.startRound();
  }

  /** Someone knows a round above the one this server leads: it no longer leads. */
  private superseded(rnd: number): void {
    if (this.phase !== 'idle' && rnd > this.crnd) {
      this.stepDown();
      // Still the one to lead here: try again (in a higher round) when the timer fires.
      if (this.leader() === this.ctx.id) this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS * (1 + this.ctx.random()));
    }
  }

  private stepDown(): void {
    this.phase = 'idle';
    this.outbox.length = 0;
    this.confirmedBy.clear();
    this.promises.clear();
    this.ctx.cancelTimer(RETRANSMIT);
  }

  private startRound(): void {
    // The lowest round of this server's (id, id + n, id + 2n, …) above every round seen.
    let r = this.ctx.id;
    while (r <= Math.max(this.rnd, this.crnd)) r += this.ctx.nodes.length;
    this.crnd = r;
    this.rnd = this.crnd;
    this.phase = 'preparing';
    this.promises.clear();
    this.outbox.length = 0;
    this.confirmedBy.clear();
    // This server's own promise.
    const accepted = [...this.votes].filter(([slot]) => slot > this.executed).map(([slot, v]) => ({ slot, ...v }));
    this.promises.set(this.ctx.id, { kind: 'promise', rnd: this.crnd, log: this.log.map((e) => ({ ...e })), accepted });
    for (const p of this.peers()) this.ctx.send(p, { kind: 'prepare', rnd: this.crnd });
    this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
    this.promisedEnough();
  }

  /** ✎ The handler of this chapter: a PROMISE for the round this server prepares reaches it. */
  onPromise(from: NodeId, msg: PromiseMsg): void {
    if (this.phase !== 'preparing' || msg.rnd !== this.crnd) return;
    this.promises.set(from, msg);
    if (this.promises.size < this.quorum) return;
    // What the majority executed is chosen: execute it here too.
    for (const p of this.promises.values()) p.log.forEach((e, i) => this.learn(i + 1, e));
    this.promisedEnough();
  }

  /** Phase 1 is done once a majority promised: propose `again` first, then what clients wait for. */
  private promisedEnough(again: Array<Entry & { slot: number }> = []): void {
    if (this.phase !== 'preparing' || this.promises.size < this.quorum) return;
    this.phase = 'active';
    this.proposed = this.executed;
    this.ctx.cancelTimer(RETRANSMIT);
    for (const e of again) {
      // Each in the position it was accepted for.
      this.proposed = Math.max(this.proposed, e.slot - 1);
      this.propose(e);
    }
    for (const r of this.waiting.splice(0)) if (!this.state.has(r.id)) this.propose({ req: r.id, val: r.value });
  }

  private propose(e: Entry): void {
    this.outbox.push({ kind: 'accept', rnd: this.crnd, slot: ++this.proposed, req: e.req, val: e.val });
    if (this.outbox.length === 1) this.sendFirst();
  }

  private sendFirst(): void {
    const a = this.outbox[0];
    // The leader votes for what it proposes.
    this.votes.set(a.slot, { req: a.req, val: a.val, vrnd: a.rnd });
    this.confirmedBy.clear();
    for (const p of this.peers()) this.ctx.send(p, a);
    this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
  }

  private onLearn(from: NodeId, msg: LearnMsg): void {
    const first = this.outbox[0];
    if (this.phase === 'active' && first && msg.rnd === this.crnd && msg.slot === first.slot) {
      this.confirmedBy.add(from);
      if (this.confirmedBy.size + 1 >= this.quorum) {
        this.outbox.shift();
        this.learn(first.slot, { req: first.req, val: first.val });
        if (this.outbox.length > 0) this.sendFirst();
        else this.ctx.cancelTimer(RETRANSMIT);
      }
    }
    // A server that is behind gets the chosen positions it misses (a few at a time).
    if (this.phase === 'active' && msg.executed < this.executed) {
      for (let s = msg.executed + 1; s <= this.executed && s <= msg.executed + 8; s++) this.ctx.send(from, { kind: 'commit', slot: s, ...this.log[s - 1] });
    }
  }

  private retransmit(): void {
    if (this.phase === 'idle') {
      if (this.leader() === this.ctx.id) this.startRound();
    } else if (this.phase === 'preparing') {
      for (const p of this.peers()) if (!this.promises.has(p)) this.ctx.send(p, { kind: 'prepare', rnd: this.crnd });
      this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
    } else if (this.outbox.length > 0) {
      for (const p of this.peers()) if (!this.confirmedBy.has(p)) this.ctx.send(p, this.outbox[0]);
      this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
    }
  }
}
