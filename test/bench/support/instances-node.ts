/**
 * A benchmark harness, not product code: one node program hosting many independent single-decree
 * Paxos instances, each the reference SingleDecreeNode unchanged, told apart by an `instance` field
 * on their messages. A single-decree node decides once per process, so this is how the benchmark
 * times decisions on warm processes, as it times the bare relay's round trips after a warm-up.
 *
 * - Instance 0 keeps the reference timing and is never given a value: its heartbeats and failure
 *   detector load the cluster as a single-decree cluster's do.
 * - Instances 1, 2, … never time out (the benchmark injects no faults), so they all follow node 1,
 *   the leader every failure detector starts with. Instance k+1 starts when instance k decides, so
 *   its phase 1 has run by the time its client request comes, as in the single-decree cluster.
 * - Every save still goes to the node's journal file, so a decision costs the same writes as a
 *   single-decree one. Nothing is loaded back: the benchmark never restarts a node.
 * - A client request names its instance in its id: `instance-<k>`.
 */
import type { ClientRequest, NodeContext, NodeId, PaxosNode, StableStorage, Value } from '@paxlab/sdk';
import { SingleDecreeNode } from '../../../labs/paxos-node/node.js';
import type { NodeMsg, NodeTiming } from '../../../labs/paxos-node/node.js';

type Tagged = NodeMsg & { instance: number };

/** Instances 1.. never suspect anyone and never heartbeat after their first beat. */
const QUIET: Partial<NodeTiming> = { heartbeatMs: 1e9, suspectMs: 2e9 };

export class Node implements PaxosNode<Tagged> {
  private readonly instances = new Map<number, SingleDecreeNode>();

  constructor(private readonly ctx: NodeContext<Tagged>) {}

  onStart(): void {
    this.instance(0);
    this.instance(1);
  }

  onMessage(from: NodeId, msg: Tagged): void {
    const { instance, ...inner } = msg;
    if (Number.isSafeInteger(instance) && instance >= 0) this.instance(instance).onMessage(from, inner as NodeMsg);
  }

  onTimer(name: string): void {
    const colon = name.indexOf(':');
    this.instances.get(Number(name.slice(0, colon)))?.onTimer(name.slice(colon + 1));
  }

  onClientRequest(request: ClientRequest): void {
    const k = Number(/^instance-(\d+)$/.exec(request.id)?.[1]);
    if (k > 0) this.instance(k).onClientRequest(request);
  }

  /** Instance `k`, started on first use. */
  private instance(k: number): SingleDecreeNode {
    let node = this.instances.get(k);
    if (!node) {
      node = new SingleDecreeNode(this.contextFor(k), {}, k === 0 ? {} : QUIET);
      this.instances.set(k, node);
      node.onStart();
    }
    return node;
  }

  private contextFor(k: number): NodeContext<NodeMsg> {
    const ctx = this.ctx;
    const storage: StableStorage = {
      load: () => undefined,
      save: (state: unknown) => ctx.storage.save({ instance: k, state }),
    };
    return {
      id: ctx.id,
      nodes: ctx.nodes,
      send: (to, msg) => ctx.send(to, { ...msg, instance: k }),
      broadcast: (msg, options) => ctx.broadcast({ ...msg, instance: k }, options),
      setTimer: (name, ms) => ctx.setTimer(`${k}:${name}`, ms),
      cancelTimer: (name) => ctx.cancelTimer(`${k}:${name}`),
      now: () => ctx.now(),
      random: () => ctx.random(),
      decide: (value: Value) => {
        ctx.decide(value, k);
        if (k > 0) this.instance(k + 1);
      },
      reply: (request, result) => ctx.reply(request, result),
      redirect: (request, to) => ctx.redirect(request, to),
      reject: (request, reason) => ctx.reject(request, reason),
      storage,
      log: (...parts) => ctx.log(`[instance ${k}]`, ...parts),
    };
  }
}
