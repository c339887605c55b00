// Bug: S2 answers only new ACCEPTs: when a LEARN is lost, the retransmitted ACCEPT gets no LEARN.
// expect-rule: chapter-3.retransmit
// expect-rule: chapter.nothing-executed
/**
 * Chapter 3 — messages get lost. S1, the leader, executes each new request, answers its client and
 * sends S2 a numbered ACCEPT; S2 executes ACCEPTs in order and confirms with a LEARN. S1 keeps one
 * ACCEPT out at a time, and sends it again when its timer fires until the LEARN comes (RetransAccept).
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
export type Msg = AcceptMsg | LearnMsg;

const LEADER: NodeId = 1;
const RETRANSMIT = 'retransmit';
const RETRANSMIT_MS = 30;

export class Node implements PaxosNode<Msg> {
  private readonly state = new ServiceState();
  /** How many commands this server executed: the log position of the last one. */
  private executed = 0;
  /** S2: ACCEPTs that arrived before their turn, by seq. */
  private readonly early = new Map<number, AcceptMsg>();
  /** The leader: ACCEPTs S2 has not confirmed, oldest first. Only the first is out. */
  private readonly outbox: AcceptMsg[] = [];

  constructor(private readonly ctx: NodeContext<Msg>) {}

  onStart(): void {}

  onMessage(_from: NodeId, msg: Msg): void {
    if (msg.kind === 'accept') this.onAccept(msg);
    else if (msg.kind === 'learn') this.onLearn(msg);
  }

  /** ✎ The handler of this chapter: the leader's retransmission timer fired. */
  onTimer(name: string): void {
    if (name === RETRANSMIT && this.outbox.length > 0) this.sendFirst();
  }

  onClientRequest(r: ClientRequest): void {
    if (this.ctx.id !== LEADER) return this.ctx.redirect(r.id, LEADER);
    if (this.state.has(r.id)) return this.ctx.reply(r.id, this.state.apply(r.id, r.value));
    const result = this.execute(r.id, r.value);
    this.ctx.reply(r.id, result);
    this.outbox.push({ kind: 'accept', seq: this.executed, req: r.id, val: r.value });
    // No new ACCEPT before the LEARN of the one that is out.
    if (this.outbox.length === 1) this.sendFirst();
  }

  onAccept(msg: AcceptMsg): void {
    if (msg.seq > this.executed) {
      this.early.set(msg.seq, msg);
      for (let next = this.early.get(this.executed + 1); next; next = this.early.get(this.executed + 1)) {
        this.early.delete(next.seq);
        this.execute(next.req, next.val);
      }
    }
    else return;
    this.ctx.send(LEADER, { kind: 'learn', seq: this.executed });
  }

  onLearn(msg: LearnMsg): void {
    const before = this.outbox[0];
    while (this.outbox.length > 0 && this.outbox[0].seq <= msg.seq) this.outbox.shift();
    if (this.outbox.length === 0) this.ctx.cancelTimer(RETRANSMIT);
    else if (this.outbox[0] !== before) this.sendFirst();
  }

  snapshot(): unknown {
    return { log: [...this.state.log], executed: this.executed, outbox: this.outbox.map((a) => a.seq) };
  }

  /** Send the oldest unconfirmed ACCEPT to S2 and wait for its LEARN. */
  private sendFirst(): void {
    for (const other of this.ctx.nodes) if (other !== this.ctx.id) this.ctx.send(other, this.outbox[0]);
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
