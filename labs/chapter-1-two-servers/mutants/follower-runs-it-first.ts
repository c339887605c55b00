// Bug: S2 executes the request before sending its client to the leader.
// expect-rule: chapter-1.one-order
// expect-rule: chapter.divergent-replicas
/**
 * Chapter 1 — two servers. S1 is the leader: only S1 executes a client's request and answers it,
 * then tells S2 to execute it too (an ACCEPT). S2 sends its clients to S1. Both servers execute the
 * same commands in the same order.
 */
import { ServiceState, type ClientRequest, type NodeContext, type NodeId, type PaxosNode } from '@paxlab/sdk';

/** "Execute this request too": the command `val` of request `req`. */
export interface AcceptMsg {
  kind: 'accept';
  req: string;
  val: string;
}

const LEADER: NodeId = 1;

export class Node implements PaxosNode<AcceptMsg> {
  private readonly state = new ServiceState();
  /** How many commands this server executed: the log position of the last one. */
  private executed = 0;

  constructor(private readonly ctx: NodeContext<AcceptMsg>) {}

  onStart(): void {}

  onMessage(_from: NodeId, msg: AcceptMsg): void {
    if (msg.kind === 'accept') this.execute(msg.req, msg.val);
  }

  onTimer(_name: string): void {}

  /** ✎ The handler of this chapter: a client's request reaches this server. */
  onClientRequest(r: ClientRequest): void {
    if (this.ctx.id !== LEADER) {
      this.execute(r.id, r.value);
      return this.ctx.redirect(r.id, LEADER);
    }
    const result = this.execute(r.id, r.value);
    this.ctx.reply(r.id, result);
    for (const other of this.ctx.nodes) if (other !== this.ctx.id) this.ctx.send(other, { kind: 'accept', req: r.id, val: r.value });
  }

  snapshot(): unknown {
    return { log: [...this.state.log], executed: this.executed };
  }

  /** Run a command on this server's state (a request run before changes nothing) and return its answer. */
  private execute(req: string, val: string): string {
    const repeat = this.state.has(req);
    const result = this.state.apply(req, val);
    if (!repeat) this.ctx.decide(val, ++this.executed);
    return result;
  }
}
