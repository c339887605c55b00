/**
 * Chapter 0 — one server. It executes every request in the order requests arrive and answers with
 * the result. It reads its stable storage when it starts — but nothing ever writes it.
 */
import { ServiceState, type ClientRequest, type NodeContext, type NodeId, type PaxosNode, type ServiceSnapshot } from '@paxlab/sdk';

/** What the server keeps in stable storage. */
interface Saved {
  state: ServiceSnapshot;
  /** How many commands it executed: the log position of the last one. */
  executed: number;
}

export class Node implements PaxosNode<never> {
  private state = new ServiceState();
  private executed = 0;

  constructor(private readonly ctx: NodeContext<never>) {}

  onStart(): void {
    const saved = this.ctx.storage.load<Saved>();
    this.state = new ServiceState(saved?.state);
    this.executed = saved?.executed ?? 0;
  }

  onMessage(_from: NodeId, _msg: never): void {}

  onTimer(_name: string): void {}

  /** ✎ The handler of this chapter: execute a client's request and answer it. */
  onClientRequest(r: ClientRequest): void {
    const repeat = this.state.has(r.id);
    const result = this.state.apply(r.id, r.value);
    if (!repeat) this.ctx.decide(r.value, ++this.executed);
    this.ctx.reply(r.id, result);
  }

  snapshot(): unknown {
    return { log: [...this.state.log], executed: this.executed };
  }
}
