// Bug: waits for the ACCEPT numbered `executed` instead of `executed + 1`, so nothing is ever executed.
// expect-rule: chapter-2.in-order
// expect-rule: chapter.nothing-executed
/**
 * Chapter 2 — a leader orders the requests. S1 executes each new request, answers its client and
 * sends S2 an ACCEPT numbered with its log position (`seq`). S2 executes the ACCEPTs in that order,
 * whatever order the network brings them in: an early one waits for those before it.
 */
import { ServiceState, type ClientRequest, type NodeContext, type NodeId, type PaxosNode } from '@paxlab/sdk';

/** "Execute request `req` (command `val`) as command number `seq` of the log." */
export interface AcceptMsg {
  kind: 'accept';
  seq: number;
  req: string;
  val: string;
}

const LEADER: NodeId = 1;

export class Node implements PaxosNode<AcceptMsg> {
  private readonly state = new ServiceState();
  /** How many commands this server executed: the log position of the last one. */
  private executed = 0;
  /** ACCEPTs that arrived before their turn, by seq. */
  private readonly early = new Map<number, AcceptMsg>();

  constructor(private readonly ctx: NodeContext<AcceptMsg>) {}

  onStart(): void {}

  onMessage(_from: NodeId, msg: AcceptMsg): void {
    if (msg.kind === 'accept') this.onAccept(msg);
  }

  onTimer(_name: string): void {}

  onClientRequest(r: ClientRequest): void {
    if (this.ctx.id !== LEADER) return this.ctx.redirect(r.id, LEADER);
    // A request executed before (a client's retry, a duplicate): the same answer again.
    if (this.state.has(r.id)) return this.ctx.reply(r.id, this.state.apply(r.id, r.value));
    const result = this.execute(r.id, r.value);
    this.ctx.reply(r.id, result);
    const accept: AcceptMsg = { kind: 'accept', seq: this.executed, req: r.id, val: r.value };
    for (const other of this.ctx.nodes) if (other !== this.ctx.id) this.ctx.send(other, accept);
  }

  /** ✎ The handler of this chapter: an ACCEPT from the leader reaches S2. */
  onAccept(msg: AcceptMsg): void {
    if (msg.seq <= this.executed) return; // executed already: a duplicate
    this.early.set(msg.seq, msg);
    for (let next = this.early.get(this.executed); next; next = this.early.get(this.executed)) {
      this.early.delete(next.seq);
      this.execute(next.req, next.val);
    }
  }

  snapshot(): unknown {
    return { log: [...this.state.log], executed: this.executed, early: [...this.early.keys()] };
  }

  /** Run a command on this server's state and return its answer. */
  private execute(req: string, val: string): string {
    const repeat = this.state.has(req);
    const result = this.state.apply(req, val);
    if (!repeat) this.ctx.decide(val, ++this.executed);
    return result;
  }
}
