// Bug: a server that takes over does not wait for the others' logs before it leads.
// expect-rule: chapter-5.majority
// expect-rule: chapter.divergent-replicas
/**
 * Chapter 5 — three servers, and progress only in a majority. The leader (the lowest server nobody
 * suspects) numbers each request and sends the ACCEPT to the others, one at a time; the others
 * execute ACCEPTs in order and confirm with a LEARN. The leader executes and answers once enough
 * servers confirmed: itself and one more, a majority of three. A server that takes over first asks
 * the others for their logs (SYNC) and, once enough answered, adopts what they executed.
 */
import { ServiceState, type ClientRequest, type NodeContext, type NodeId, type PaxosNode } from '@paxlab/sdk';

/** "Execute request `req` (command `val`) as command number `seq` of the log." */
export interface AcceptMsg {
  kind: 'accept';
  seq: number;
  req: string;
  val: string;
}
/** "I have executed the log up to command `seq`." */
export interface LearnMsg {
  kind: 'learn';
  seq: number;
}
/** A new leader asks: "what have you executed?" */
export interface SyncMsg {
  kind: 'sync';
}
/** "Here is every command I executed, in order." */
export interface StateMsg {
  kind: 'state';
  log: Array<{ req: string; val: string }>;
}
export interface HeartbeatMsg {
  kind: 'heartbeat';
}
export type Msg = AcceptMsg | LearnMsg | SyncMsg | StateMsg | HeartbeatMsg;

const RETRANSMIT = 'retransmit';
const RETRANSMIT_MS = 30;
const HEARTBEAT = 'heartbeat';
const HEARTBEAT_MS = 10;
/** `suspect:<id>` fires after this much silence from server <id>. */
const SUSPECT_MS = 150;

export class Node implements PaxosNode<Msg> {
  private readonly state = new ServiceState();
  /** Every command this server executed, in order: command number i is log[i - 1]. */
  private readonly log: Array<{ req: string; val: string }> = [];
  private readonly suspected = new Set<NodeId>();
  /** Followers: ACCEPTs that arrived before their turn, by seq. */
  private readonly early = new Map<number, AcceptMsg>();
  /** Leading and done taking over: new requests may be proposed. */
  private active: boolean;
  /** Taking over: who answered the SYNC so far. */
  private synced: Set<NodeId> | null = null;
  /** Requests that came while taking over. */
  private readonly waiting: ClientRequest[] = [];
  /** Log positions handed out (ACCEPTs numbered so far). */
  private proposed = 0;
  /** ACCEPTs not confirmed by enough servers, oldest first; only the first is out. */
  private readonly outbox: AcceptMsg[] = [];
  /** Who confirmed the first ACCEPT of the outbox. */
  private readonly votes = new Set<NodeId>();

  constructor(private readonly ctx: NodeContext<Msg>) {
    // The first leader starts with everyone's log empty: nothing to take over.
    this.active = ctx.id === this.leader();
  }

  private get executed(): number {
    return this.log.length;
  }

  /** The lowest server this one does not suspect (itself included). */
  private leader(): NodeId {
    return this.ctx.nodes.find((n) => n === this.ctx.id || !this.suspected.has(n))!;
  }

  private peers(): NodeId[] {
    return this.ctx.nodes.filter((n) => n !== this.ctx.id);
  }

  /** ✎ The method of this chapter: have enough servers answered (besides this one) for the leader to act? */
  enough(answered: ReadonlySet<NodeId>): boolean {
    return answered.size + 1 >= Math.floor(this.ctx.nodes.length / 2) + 1;
  }

  onStart(): void {
    this.ctx.setTimer(HEARTBEAT, HEARTBEAT_MS);
    for (const p of this.peers()) this.ctx.setTimer(`suspect:${p}`, SUSPECT_MS);
  }

  onMessage(from: NodeId, msg: Msg): void {
    this.ctx.setTimer(`suspect:${from}`, SUSPECT_MS);
    if (this.suspected.delete(from)) this.leaderChanged();
    switch (msg.kind) {
      case 'accept':
        return this.onAccept(from, msg);
      case 'learn':
        return this.onLearn(from, msg);
      case 'sync':
        return this.ctx.send(from, { kind: 'state', log: this.log.map((e) => ({ ...e })) });
      case 'state':
        return this.onState(from, msg);
      case 'heartbeat':
        return;
    }
  }

  onTimer(name: string): void {
    if (name === HEARTBEAT) {
      for (const p of this.peers()) this.ctx.send(p, { kind: 'heartbeat' });
      this.ctx.setTimer(HEARTBEAT, HEARTBEAT_MS);
    } else if (name === RETRANSMIT) {
      this.retransmit();
    } else if (name.startsWith('suspect:')) {
      this.suspected.add(Number(name.slice('suspect:'.length)));
      this.leaderChanged();
      // Fewer servers to wait for (the naive rule): what waited may go on now.
      this.syncedEnough();
      this.confirmIfEnough();
    }
  }

  onClientRequest(r: ClientRequest): void {
    const leader = this.leader();
    if (leader !== this.ctx.id) return this.ctx.redirect(r.id, leader);
    if (this.state.has(r.id)) return this.ctx.reply(r.id, this.state.apply(r.id, r.value));
    if (this.outbox.some((a) => a.req === r.id) || this.waiting.some((w) => w.id === r.id)) return;
    if (!this.active) {
      this.waiting.push(r);
      return;
    }
    this.outbox.push({ kind: 'accept', seq: ++this.proposed, req: r.id, val: r.value });
    if (this.outbox.length === 1) this.sendFirst();
  }

  snapshot(): unknown {
    return { log: this.log.map((e) => e.val), leader: this.leader(), active: this.active, suspected: [...this.suspected], outbox: this.outbox.map((a) => a.seq) };
  }

  // ---- followers ----

  private onAccept(from: NodeId, msg: AcceptMsg): void {
    if (msg.seq > this.executed) {
      this.early.set(msg.seq, msg);
      for (let next = this.early.get(this.executed + 1); next; next = this.early.get(this.executed + 1)) {
        this.early.delete(next.seq);
        this.execute(next.req, next.val);
      }
    }
    this.ctx.send(from, { kind: 'learn', seq: this.executed });
  }

  // ---- the leader ----

  private leaderChanged(): void {
    const leads = this.leader() === this.ctx.id;
    if (leads && !this.active && this.synced === null) {
      // Taking over: first learn what the others executed.
      this.synced = new Set();
      for (const p of this.peers()) this.ctx.send(p, { kind: 'sync' });
      this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
      this.syncedEnough();
    } else if (!leads && (this.active || this.synced)) {
      // Someone lower is back: stop leading. Clients ask again and are sent there.
      this.active = false;
      this.synced = null;
      this.outbox.length = 0;
      this.votes.clear();
      this.waiting.length = 0;
    }
  }

  private onState(from: NodeId, msg: StateMsg): void {
    if (!this.synced) return;
    // Adopt what another server executed beyond this one's log.
    for (let i = this.executed; i < msg.log.length; i++) this.execute(msg.log[i].req, msg.log[i].val);
    this.synced.add(from);
    this.syncedEnough();
  }

  private syncedEnough(): void {
    if (!this.synced) return;
    this.synced = null;
    this.active = true;
    this.proposed = this.executed;
    this.ctx.cancelTimer(RETRANSMIT);
    for (const r of this.waiting.splice(0)) this.onClientRequest(r);
  }

  private onLearn(from: NodeId, msg: LearnMsg): void {
    const first = this.outbox[0];
    if (first && msg.seq >= first.seq) {
      this.votes.add(from);
      this.confirmIfEnough();
    } else if (msg.seq < this.executed) {
      // This server is behind: send what it misses (a few at a time).
      for (let s = msg.seq + 1; s <= this.executed && s <= msg.seq + 8; s++) this.ctx.send(from, { kind: 'accept', seq: s, ...this.log[s - 1] });
    }
  }

  private confirmIfEnough(): void {
    while (this.active && this.outbox.length > 0 && this.enough(this.votes)) {
      const a = this.outbox.shift()!;
      this.votes.clear();
      if (a.seq > this.executed) this.ctx.reply(a.req, this.execute(a.req, a.val));
      if (this.outbox.length > 0) this.sendFirst();
      else this.ctx.cancelTimer(RETRANSMIT);
    }
  }

  private sendFirst(): void {
    for (const p of this.peers()) this.ctx.send(p, this.outbox[0]);
    this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
    this.confirmIfEnough();
  }

  private retransmit(): void {
    if (this.synced) {
      for (const p of this.peers()) if (!this.synced.has(p)) this.ctx.send(p, { kind: 'sync' });
      this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
    } else if (this.active && this.outbox.length > 0) {
      for (const p of this.peers()) if (!this.votes.has(p)) this.ctx.send(p, this.outbox[0]);
      this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
    }
  }

  /** Run a command on this server's state, as command number executed + 1, and return its answer. */
  private execute(req: string, val: string): string {
    const result = this.state.apply(req, val);
    this.log.push({ req, val });
    this.ctx.decide(val, this.log.length);
    return result;
  }
}
