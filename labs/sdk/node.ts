import type { NodeId, Value } from './messages.js';

/**
 * A client command submitted to a node. `id` names the request and comes back in the answer.
 *
 * A request from a client session (docs/history.md) also says who sent it: `client` (`c1`, …) and
 * the client's sequence number `seq` (1, 2, …); `id` is then `<client>:<seq>` and stays the same
 * when the client retries the request at another node, so a service that remembers the last `seq`
 * it executed per client executes each request at most once. A request handed to a node directly
 * (the playground's Send button, `paxlab run --propose`) has neither.
 */
export interface ClientRequest {
  id: string;
  value: Value;
  client?: string;
  seq?: number;
}

/**
 * Stable storage of one node: survives crash and restart, unlike the node object itself. Writes are
 * synchronous and durable when `save` returns (the real cluster writes a file the node's crash
 * cannot take back, and flushes it to disk too when the cluster asks for power-loss durability; the
 * simulator keeps a copy outside the node).
 */
export interface StableStorage {
  /** The last saved state, or `undefined` if this node never saved. */
  load<T = unknown>(): T | undefined;
  /** Replace the saved state. The value must be JSON-serializable. */
  save(state: unknown): void;
}

/**
 * Everything a node may use to act on the world. The harness (trace replay, simulator or real
 * process) provides it; a node must not do I/O of its own, read clocks or use Math.random.
 *
 * @typeParam M - the node's message type (any JSON-serializable object with a `kind`)
 */
export interface NodeContext<M = unknown> {
  /** This node's id, 1..n. */
  readonly id: NodeId;
  /** All node ids of the cluster, this one included, ascending. */
  readonly nodes: readonly NodeId[];
  /** Send `msg` to node `to` (the network may lose, duplicate, delay or reorder it). */
  send(to: NodeId, msg: M): void;
  /** Send `msg` to every node; to this node too unless `includeSelf` is false. */
  broadcast(msg: M, options?: { includeSelf?: boolean }): void;
  /**
   * Arm the timer `name` to fire after `delayMs` milliseconds (virtual under simulation). Arming a
   * timer that is already armed re-arms it.
   */
  setTimer(name: string, delayMs: number): void;
  /** Disarm the timer `name`; no effect if it is not armed. */
  cancelTimer(name: string): void;
  /**
   * Milliseconds since the cluster started: the time of the event being handled (virtual under
   * simulation; on a real cluster the hub's time of the delivery, or the time a timer fired), so
   * the same inputs give the same times when a run is replayed.
   */
  now(): number;
  /** A number in [0, 1); seeded and reproducible under simulation. */
  random(): number;
  /** Report that this node decided `value` (in `slot` for multi-decree protocols, default 0). */
  decide(value: Value, slot?: number): void;
  /** Answer a client request: it was executed, and this is its result. */
  reply(requestId: string, result: Value): void;
  /** Answer a client request: it was not executed here; the client should ask node `to` (the leader). */
  redirect(requestId: string, to: NodeId): void;
  /**
   * Answer a client request: it was not executed and never will be (a single-decree service whose
   * one value went to another command, a lock service that refuses). The client records a `fail`.
   */
  reject(requestId: string, reason: string): void;
  /** This node's stable storage. */
  readonly storage: StableStorage;
  /** Write a line to this node's log (shown in the trace and the app). */
  log(...parts: unknown[]): void;
}

/**
 * A whole Paxos node. The harness constructs a fresh instance at start and at every restart (volatile
 * state is lost; only `ctx.storage` survives), then calls `onStart` once before anything else.
 *
 * @typeParam M - the node's message type
 */
export interface PaxosNode<M = unknown> {
  /** Called once after (re)start. Read stable storage and arm timers here. */
  onStart(): void;
  /** A message from node `from` arrived. */
  onMessage(from: NodeId, msg: M): void;
  /** The timer `name` fired. */
  onTimer(name: string): void;
  /** A client submitted a request to this node. */
  onClientRequest(request: ClientRequest): void;
  /** Optional: a JSON-serializable view of the node's state for the inspector. */
  snapshot?(): unknown;
}

/** The constructor every node class exports (as `Node` or the module's default). */
export type PaxosNodeClass<M = unknown> = new (ctx: NodeContext<M>) => PaxosNode<M>;
