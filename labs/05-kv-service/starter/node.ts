// Lab kv-service: a replicated key-value store (and lock service) on Multi-Paxos.
// Read instructions.md first. Every node of the cluster runs this class; the graders run it in a
// simulated cluster with clients, crashes and partitions, and judge what the clients saw.
import type { ClientRequest, NodeContext, NodeId, PaxosNode, ServiceNodeOptions } from '@paxlab/sdk';

/** The messages your nodes send each other: define your own (each needs a string `kind`). */
type Msg = { kind: string; [field: string]: unknown };

export class Node implements PaxosNode<Msg> {
  constructor(
    private readonly ctx: NodeContext<Msg>,
    private readonly options: ServiceNodeOptions,
  ) {}

  /** The node starts (or restarts: read ctx.storage.load() for what you saved before the crash). */
  onStart(): void {
    // TODO: restore the acceptor's promise and votes, the highest round used and the latest
    // snapshot from stable storage; start the heartbeat timer; lead if no lower id is alive.
    void this.options.machine;
  }

  /** A message from another node (or from this one). */
  onMessage(_from: NodeId, _msg: Msg): void {
    // TODO: PREPARE / PROMISE / ACCEPT / LEARN with slots, heartbeats, catch-up.
  }

  /** A timer set with ctx.setTimer fired. */
  onTimer(_name: string): void {
    // TODO: heartbeats and the failure detector; resend ACCEPTs whose LEARNs did not come back.
  }

  /** A client's request: `value` is the operation as JSON (labs/sdk/service.ts, parseServiceOp). */
  onClientRequest(_request: ClientRequest): void {
    // TODO: the leader puts the command in the next free slot; a follower redirects the client
    // (ctx.redirect) to the leader. Reply (ctx.reply) only once the command's slot is chosen and
    // applied, with the result of your own state machine.
  }
}
