// Bug: a client that retries a request executed already gets it proposed again, at a new log position, instead of its answer.
// expect-rule: chapter-4.wait-for-learn
// expect-rule: chapter.no-answer
/**
 * Chapter 4 — a crash and a takeover. S1 leads: it numbers each new request and sends S2 the ACCEPT
 * (one at a time, again and again until S2's LEARN confirms it), and executes and answers only after
 * that LEARN (WaitForLearn). S2 executes ACCEPTs in order and confirms them. Each server suspects the
 * other after a silence; a server whose peer is suspected carries on alone (single-server mode).
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
/** "I am alive." */
export interface HeartbeatMsg {
  kind: 'heartbeat';
}
export type Msg = AcceptMsg | LearnMsg | HeartbeatMsg;

const LEADER: NodeId = 1;
const RETRANSMIT = 'retransmit';
const RETRANSMIT_MS = 30;
const HEARTBEAT = 'heartbeat';
const HEARTBEAT_MS = 10;
/** Silence after which the peer is taken for crashed. */
const SUSPECT = 'suspect';
const SUSPECT_MS = 150;

export class Node implements PaxosNode<Msg> {
  private readonly state = new ServiceState();
  /** How many commands this server executed: the log position of the last one. */
  private executed = 0;
  /** How many log positions the leader handed out (ACCEPTs numbered so far). */
  private proposed = 0;
  /** S2: ACCEPTs that arrived before their turn, by seq. */
  private readonly early = new Map<number, AcceptMsg>();
  /** The leader: ACCEPTs the peer has not confirmed, oldest first. Only the first is out. */
  private readonly outbox: AcceptMsg[] = [];
  /** True once the peer is suspected: this server carries on alone. */
  private alone = false;

  constructor(private readonly ctx: NodeContext<Msg>) {}

  private get peer(): NodeId {
    return this.ctx.nodes.find((n) => n !== this.ctx.id)!;
  }

  private get leading(): boolean {
    return this.ctx.id === LEADER || this.alone;
  }

  onStart(): void {
    this.ctx.setTimer(HEARTBEAT, HEARTBEAT_MS);
    this.ctx.setTimer(SUSPECT, SUSPECT_MS);
  }

  onMessage(from: NodeId, msg: Msg): void {
    // Any message shows the peer is alive.
    if (!this.alone) this.ctx.setTimer(SUSPECT, SUSPECT_MS);
    if (msg.kind === 'accept') this.onAccept(from, msg);
    else if (msg.kind === 'learn') this.onLearn(msg);
  }

  onTimer(name: string): void {
    if (name === RETRANSMIT && this.outbox.length > 0 && !this.alone) this.sendFirst();
    else if (name === HEARTBEAT) {
      this.ctx.send(this.peer, { kind: 'heartbeat' });
      this.ctx.setTimer(HEARTBEAT, HEARTBEAT_MS);
    } else if (name === SUSPECT) this.peerDown();
  }

  /** ✎ The handler of this chapter: a client's request reaches this server. */
  onClientRequest(r: ClientRequest): void {
    if (!this.leading) return this.ctx.redirect(r.id, LEADER);
    if (this.outbox.some((a) => a.req === r.id)) return; // its LEARN is awaited already
    if (this.alone) return this.ctx.reply(r.id, this.executeAlone(r.id, r.value));
    this.propose(r.id, r.value);
  }

  onAccept(from: NodeId, msg: AcceptMsg): void {
    if (msg.seq > this.executed) {
      this.early.set(msg.seq, msg);
      for (let next = this.early.get(this.executed + 1); next; next = this.early.get(this.executed + 1)) {
        this.early.delete(next.seq);
        this.execute(next.req, next.val);
      }
    }
    this.proposed = Math.max(this.proposed, this.executed);
    this.ctx.send(from, { kind: 'learn', seq: this.executed });
  }

  onLearn(msg: LearnMsg): void {
    const before = this.outbox[0];
    while (this.outbox.length > 0 && this.outbox[0].seq <= msg.seq) this.confirmed(this.outbox.shift()!);
    if (this.outbox.length === 0) this.ctx.cancelTimer(RETRANSMIT);
    else if (this.outbox[0] !== before) this.sendFirst();
  }

  snapshot(): unknown {
    return { log: [...this.state.log], executed: this.executed, outbox: this.outbox.map((a) => a.seq), alone: this.alone };
  }

  /** Give the request the next log position; its ACCEPT goes out when those before it are confirmed. */
  private propose(req: string, val: string): void {
    this.outbox.push({ kind: 'accept', seq: ++this.proposed, req, val });
    if (this.outbox.length === 1) this.sendFirst();
  }

  /** The peer confirmed ACCEPT `a`: a command not executed yet is executed now, and its client answered. */
  private confirmed(a: AcceptMsg): void {
    if (a.seq > this.executed) this.ctx.reply(a.req, this.execute(a.req, a.val));
  }

  /** The peer is taken for crashed: whatever waits for its LEARN is executed now, alone. */
  private peerDown(): void {
    this.alone = true;
    this.ctx.cancelTimer(RETRANSMIT);
    for (const a of this.outbox.splice(0)) this.confirmed(a);
    this.proposed = Math.max(this.proposed, this.executed);
  }

  private executeAlone(req: string, val: string): string {
    const result = this.execute(req, val);
    this.proposed = Math.max(this.proposed, this.executed);
    return result;
  }

  /** Send the oldest unconfirmed ACCEPT to the peer and wait for its LEARN. */
  private sendFirst(): void {
    this.ctx.send(this.peer, this.outbox[0]);
    this.ctx.setTimer(RETRANSMIT, RETRANSMIT_MS);
  }

  /** Run a command on this server's state and return its answer. */
  private execute(req: string, val: string): string {
    const repeat = this.state.has(req);
    const result = this.state.apply(req, val);
    if (!repeat) this.ctx.decide(val, ++this.executed);
    return result;
  }
}
