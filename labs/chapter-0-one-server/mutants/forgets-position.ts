// Bug: reloads the state but not the count of executed commands, so log positions start over after a restart.
// expect-rule: chapter-0.durable
// expect-rule: chapter.divergent-replicas
/**
 * Chapter 0 — one server. It executes every request in the order requests arrive and answers with
 * the result; it keeps its state in stable storage, so a crash and a restart lose nothing.
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
    this.executed = 0;
  }

  onMessage(_from: NodeId, _msg: never): void {}

  onTimer(_name: string): void {}

  /** ✎ The handler of this chapter: execute a client's request and answer it. */
  onClientRequest(r: ClientRequest): void {
    const repeat = this.state.has(r.id);
    const result = this.state.apply(r.id, r.value);
    if (!repeat) this.ctx.decide(r.value, ++this.executed);
    // Stable storage before the answer: what a client was told survives a crash.
    this.ctx.storage.save({ state: this.state.save(), executed: this.executed } satisfies Saved);
    this.ctx.reply(r.id, result);
  }

  snapshot(): unknown {
    return { log: [...this.state.log], executed: this.executed };
  }
}
