/**
 * Drives one PaxosNode inside a node process: builds its NodeContext over the hub connection, real
 * timers and file storage, and calls its handlers one at a time. A handler that throws is reported
 * to the hub as an error event and the node keeps running, as it would in the simulator.
 */
import { inspect } from 'node:util';
import type { ClientRequest, NodeContext, NodeId, PaxosNode, Value } from '@paxlab/sdk';
import { Rng } from '../engine/net/rng.js';
import type { NodeSnapshot } from '../engine/cluster/control-channel.js';
import type { NodeProcessConfig } from '../engine/cluster/node-config.js';
import type { WireMessage } from '../engine/trace/events.js';
import type { HubConnection } from './hub-connection.js';
import type { FileStorage } from './storage.js';

export type NodeFactory = (ctx: NodeContext<WireMessage>) => PaxosNode<WireMessage>;

export class NodeRuntime {
  private node: PaxosNode<WireMessage> | null = null;
  /**
   * The node's clock, `ctx.now()`: the time of the event being handled — the local time at start
   * and when a timer fires, the hub's time of a delivery — never going back. Reported to the hub
   * (start, timer frames) or taken from it (deliveries), so a replay sees the same times.
   */
  private clock = 0;
  /** Deliveries and client requests handled so far: a timer frame says how many came before it. */
  private inputs = 0;
  /** Armed timers; in scripted mode without a handle: they fire when the hub says (`fire`). */
  private readonly timers = new Map<string, { handle: NodeJS.Timeout | null; at: number }>();
  private readonly scripted: boolean;
  private readonly clockOffset: number;
  private readonly rng: Rng;
  private readonly nodeSet: Set<NodeId>;

  constructor(
    private readonly cfg: NodeProcessConfig,
    private readonly hub: HubConnection,
    private readonly storage: FileStorage,
  ) {
    this.clockOffset = performance.timeOrigin - cfg.t0;
    this.rng = new Rng((cfg.seed * 1000 + cfg.node) | 0);
    this.nodeSet = new Set(cfg.nodes);
    this.scripted = cfg.scripted === true;
  }

  /** Local time since the cluster started. */
  private localNow(): number {
    return performance.now() + this.clockOffset;
  }

  now(): number {
    return this.clock;
  }

  private advance(to: number): void {
    if (to > this.clock) this.clock = to;
  }

  get started(): boolean {
    return this.node !== null;
  }

  /** Construct the node and call `onStart`. */
  start(factory: NodeFactory): void {
    this.advance(this.localNow());
    const at = this.clock;
    this.dispatch('constructor', () => {
      this.hub.send({ type: 'started', at });
      this.node = factory(this.context());
    });
    if (this.node) this.dispatch('onStart', () => this.node!.onStart());
    this.handled();
  }

  /** A delivery; `t` is the hub's time of it (the node's clock while handling it). */
  deliver(from: NodeId, msg: WireMessage, t?: number): void {
    if (!this.node) return this.handled();
    this.advance(t ?? this.localNow());
    this.inputs++;
    this.dispatch('onMessage', () => this.node!.onMessage(from, msg));
    this.handled();
  }

  clientRequest(request: ClientRequest, t?: number): void {
    if (!this.node) return this.handled();
    this.advance(t ?? this.localNow());
    this.inputs++;
    this.dispatch('onClientRequest', () => this.node!.onClientRequest(request));
    this.handled();
  }

  /** Scripted mode: the hub fires the armed timer `name`. */
  fire(name: string): void {
    const t = this.timers.get(name);
    if (!this.node || !t) {
      this.hub.send({ type: 'error', message: `the script fired timer '${name}', which is not armed` });
    } else {
      this.timers.delete(name);
      this.onTimerDue(name);
    }
    this.handled();
  }

  /** Scripted mode: tell the hub this step is over (its frames all went before this one). */
  private handled(): void {
    if (this.scripted) this.hub.send({ type: 'handled' });
  }

  /** Disarm every timer (the node is stopping). */
  stop(): void {
    for (const t of this.timers.values()) if (t.handle) clearTimeout(t.handle);
    this.timers.clear();
  }

  snapshot(): NodeSnapshot {
    let state: unknown = null;
    if (this.node?.snapshot) {
      try {
        // Round-trip through JSON: the snapshot crosses a process boundary.
        state = JSON.parse(JSON.stringify(this.node.snapshot()) ?? 'null');
      } catch (err) {
        state = { error: `snapshot() failed: ${(err as Error).message}` };
      }
    }
    const timers: Record<string, number> = {};
    for (const [name, t] of this.timers) timers[name] = Math.round(t.at);
    return { node: this.cfg.node, pid: process.pid, state, storage: this.storage.peek(), timers };
  }

  /** Run one handler with its sends coalesced; report (never rethrow) what it throws. */
  private dispatch(where: string, fn: () => void): void {
    this.hub.batch(() => {
      try {
        fn();
      } catch (err) {
        this.hub.send({ type: 'error', message: `${where} threw: ${describe(err)}` });
      }
    });
  }

  private context(): NodeContext<WireMessage> {
    const cfg = this.cfg;
    /** The message's JSON text, or a TypeError the dispatch reports. */
    const serialize = (msg: WireMessage): string => {
      if (!msg || typeof msg !== 'object' || typeof msg.kind !== 'string') {
        throw new TypeError('send: a message must be an object with a string kind');
      }
      const json = JSON.stringify(msg) as string | undefined;
      if (json === undefined || json[0] !== '{') throw new TypeError('send: a message must serialize to a JSON object');
      return json;
    };
    return {
      id: cfg.node,
      nodes: Object.freeze([...cfg.nodes]),
      send: (to, msg) => {
        if (!this.nodeSet.has(to)) throw new RangeError(`send to unknown node ${String(to)}`);
        this.hub.sendMessage(to, serialize(msg));
      },
      broadcast: (msg, options) => {
        const json = serialize(msg);
        for (const to of cfg.nodes) if (to !== cfg.node || options?.includeSelf !== false) this.hub.sendMessage(to, json);
      },
      setTimer: (name, delayMs) => this.setTimer(name, delayMs),
      cancelTimer: (name) => {
        const t = this.timers.get(name);
        if (t?.handle) clearTimeout(t.handle);
        if (t && this.scripted) this.hub.send({ type: 'timer-cancel', name });
        this.timers.delete(name);
      },
      now: () => this.now(),
      random: () => this.rng.next(),
      decide: (value: Value, slot = 0) => {
        if (typeof value !== 'string') throw new TypeError('decide: the value must be a string');
        this.hub.send({ type: 'decide', value, slot });
      },
      reply: (request: string, result: Value) => this.hub.send({ type: 'reply', request: String(request), result: String(result) }),
      redirect: (request: string, to: NodeId) => {
        if (!this.nodeSet.has(to)) throw new RangeError(`redirect to unknown node ${String(to)}`);
        this.hub.send({ type: 'redirect', request: String(request), to });
      },
      reject: (request: string, reason: string) => this.hub.send({ type: 'refuse', request: String(request), reason: String(reason) }),
      storage: this.storage,
      log: (...parts: unknown[]) => this.hub.send({ type: 'log', text: parts.map(show).join(' ') }),
    };
  }

  private setTimer(name: string, delayMs: number): void {
    if (typeof name !== 'string') throw new TypeError('setTimer: the name must be a string');
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new RangeError(`setTimer(${name}): bad delay ${String(delayMs)}`);
    const old = this.timers.get(name);
    if (old?.handle) clearTimeout(old.handle);
    if (this.scripted) {
      // Armed only: it fires when the script says (a `fire` frame).
      this.timers.set(name, { handle: null, at: this.now() + delayMs });
      this.hub.send({ type: 'timer-set', name });
      return;
    }
    const handle = setTimeout(() => {
      this.timers.delete(name);
      this.onTimerDue(name);
    }, delayMs);
    this.timers.set(name, { handle, at: this.now() + delayMs });
  }

  private onTimerDue(name: string): void {
    if (!this.node) return;
    this.advance(this.localNow());
    const at = this.clock;
    this.dispatch('onTimer', () => {
      this.hub.send({ type: 'timer', name, after: this.inputs, at });
      this.node!.onTimer(name);
    });
  }
}

function show(part: unknown): string {
  return typeof part === 'string' ? part : inspect(part, { depth: 4, breakLength: Infinity });
}

/** An error's message and the first frames of its stack: enough to find the line. */
export function describe(err: unknown): string {
  if (err instanceof Error) return (err.stack ?? `${err.name}: ${err.message}`).split('\n').slice(0, 4).join('\n');
  return String(err);
}
