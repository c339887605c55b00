import type { ClientRequest, NodeContext, NodeId, PaxosNode, PaxosNodeClass, Value } from '@paxlab/sdk';
import type { ClientId, DropReason, NetworkConfig, Participant, TraceEvent, WireMessage } from '../trace/events.js';
import { ClientGroup, type ClientPlan, type ClientRecord, type ClientTiming, isAnswerMessage, isRequestMessage, type AnswerMessage } from '../clients/index.js';
import { TraceRecorder } from '../trace/recorder.js';
import { NetworkModel } from '../net/network-model.js';
import { Rng } from '../net/rng.js';
import { type FaultAction, type FaultSchedule, validateFaultSchedule } from '../faults/schedule.js';
import { EventQueue } from './event-queue.js';
import { MemoryStorage } from './memory-storage.js';

export interface SimulationOptions {
  /** How many nodes (ids 1..n) or the exact ids. */
  nodes: number | NodeId[];
  nodeClass: PaxosNodeClass<any>;
  seed: number;
  network?: Partial<NetworkConfig>;
  schedule?: FaultSchedule;
  title?: string;
  protocol?: string;
  /** Client sessions (format /2): they start at time 0 and send through the simulated network. */
  clients?: { plan: ClientPlan; timing?: Partial<ClientTiming> };
  /**
   * A scripted run (a chapter's pinned execution, electron/engine/pinned): nothing happens unless
   * the caller says so. See {@link ScriptedRun}.
   */
  scripted?: ScriptedRun;
}

/**
 * Scripted mode. Every message (between nodes, and between clients and nodes) is held once sent
 * until the caller releases it (`releaseHeld`), duplicates it (`duplicateHeld`) or drops it; a node's
 * timers are only armed, and fire when the caller says (`fireTimer`); the clock moves only with
 * `advanceTime`. The caller hosts the client sessions: their messages go through `clientSend` and
 * `recordClient`, answers delivered to a client come back to `onClientAnswer`. Each node's start is
 * recorded as a `start` event and each timer with `after` and `at`, as a real cluster records them,
 * so the same script gives the same trace on both.
 */
export interface ScriptedRun {
  /** The run's client ids and the model their history is judged by, for the meta line. */
  clients?: ClientId[];
  model?: 'kv' | 'lock' | 'log';
  workload?: string;
  onClientAnswer?: (client: ClientId, from: NodeId, msg: AnswerMessage) => void;
}

/** One copy of a message the scripted network holds. */
export interface HeldCopy {
  id: number;
  copy: number;
  from: Participant;
  to: Participant;
  msg: WireMessage;
}

/** When `runUntil` stops; the first condition met wins. */
export interface StopCondition {
  /** Every live node has decided and no scheduled action (fault, request) is still to come. */
  allDecided?: boolean;
  /** No message is in flight and no scheduled action is still to come (timers may remain). */
  quiescent?: boolean;
  /** Virtual time bound: stop before anything due later than this. */
  timeMs?: number;
  /** Stop after this many queue items (deliveries, timers, actions) were processed by this call. */
  maxEvents?: number;
  /** Every client session has finished its workload (and its final reads). */
  clientsDone?: boolean;
}

export type StopReason = 'all-decided' | 'quiescent' | 'time' | 'max-events' | 'idle' | 'clients-done';

export interface RunResult {
  reason: StopReason;
  /** Queue items processed by this call. */
  steps: number;
  /** Virtual time at the end. */
  timeMs: number;
}

const DELIVER = 0;
const TIMER = 1;
const ACTION = 2;
const CLIENT_TIMER = 3;

type Item =
  | { kind: typeof DELIVER; t: number; order: number; id: number; from: Participant; to: Participant; copy: number; msg: WireMessage; inc: number }
  | { kind: typeof TIMER; t: number; order: number; node: NodeId; name: string; gen: number }
  | { kind: typeof ACTION; t: number; order: number; action: FaultAction }
  | { kind: typeof CLIENT_TIMER; t: number; order: number; client: ClientId; gen: number };

interface Slot {
  id: NodeId;
  up: boolean;
  /** Incarnation: bumped at every crash, so timers and messages of an old life are recognized. */
  inc: number;
  node: PaxosNode<any> | null;
  timers: Map<string, number>;
  storage: MemoryStorage;
  rng: Rng;
}

/**
 * Many nodes in one process on virtual time: a priority queue of deliveries, timers and scheduled
 * actions, the shared NetworkModel deciding each message's fate from a seeded Rng, and a full trace.
 * The same options and calls give the same trace, byte for byte. Node handler exceptions become
 * `error` events; the simulation carries on.
 */
export class Simulation {
  readonly nodes: readonly NodeId[];
  readonly network: NetworkModel;
  private readonly recorder: TraceRecorder;
  private readonly queue = new EventQueue<Item>();
  private readonly slots = new Map<NodeId, Slot>();
  private readonly netRng: Rng;
  private readonly nodeClass: PaxosNodeClass<any>;
  private readonly decided = new Map<NodeId, Value>();
  private time = 0;
  private nextMsgId = 1;
  private nextTimerGen = 1;
  private nextRequest = 1;
  private inFlight = 0;
  private pendingActions = 0;
  private liveUndecided = 0;
  /** The client sessions, when the run has clients. */
  readonly clients: ClientGroup | null = null;
  private readonly clientTimers = new Map<ClientId, number>();
  /** Requests that came from client sessions: their answers go back over the network. */
  private readonly clientOf = new Map<string, ClientId>();
  /** Scripted mode: the options, and the message copies held until released, in send order. */
  private readonly scripted: ScriptedRun | null;
  private readonly heldCopies: HeldCopy[] = [];
  private readonly nextCopy = new Map<number, number>();
  /** Scripted mode: deliveries and client requests each node handled in its current life. */
  private readonly inputs = new Map<NodeId, number>();

  constructor(opts: SimulationOptions) {
    this.nodes = normalizeNodes(opts.nodes);
    this.nodeClass = opts.nodeClass;
    this.scripted = opts.scripted ?? null;
    if (this.scripted && (opts.schedule?.length || opts.clients)) throw new RangeError('a scripted simulation takes no fault schedule and hosts no client sessions: the script says what happens');
    this.network = new NetworkModel(opts.network);
    const master = new Rng(opts.seed);
    this.netRng = master.fork();
    for (const id of this.nodes) {
      this.slots.set(id, { id, up: true, inc: 0, node: null, timers: new Map(), storage: new MemoryStorage(), rng: master.fork() });
    }
    this.recorder = new TraceRecorder({
      source: 'sim',
      nodes: [...this.nodes],
      seed: opts.seed,
      network: { ...this.network.config },
      ...(opts.protocol !== undefined ? { protocol: opts.protocol } : {}),
      ...(opts.title !== undefined ? { title: opts.title } : {}),
      ...(opts.clients ? { clients: opts.clients.plan.clients.map((c) => c.id), model: opts.clients.plan.model, workload: opts.clients.plan.text } : {}),
      ...(this.scripted?.clients?.length ? { clients: [...this.scripted.clients] } : {}),
      ...(this.scripted?.model ? { model: this.scripted.model } : {}),
      ...(this.scripted?.workload ? { workload: this.scripted.workload } : {}),
    });
    for (const a of validateFaultSchedule(opts.schedule ?? [], this.nodes)) this.scheduleAction(a);
    for (const slot of this.slots.values()) this.boot(slot);
    this.countLiveUndecided();
    if (opts.clients) {
      this.clients = new ClientGroup(opts.clients.plan, this.clientHost(), opts.clients.timing);
      this.clients.start();
    }
  }

  /** End the clients' run: operations still outstanding are recorded as `info`. */
  endClients(reason?: string): void {
    this.clients?.finish(reason);
  }

  /** Every event so far, meta first. */
  get trace(): TraceEvent[] {
    return this.recorder.events;
  }

  /** Virtual time now, in ms. */
  get now(): number {
    return this.time;
  }

  /** Follow events as they are recorded; returns the unsubscribe function. */
  subscribe(listener: (e: TraceEvent) => void): () => void {
    return this.recorder.subscribe(listener);
  }

  /** The first value each node decided. */
  decisions(): Map<NodeId, Value> {
    return new Map(this.decided);
  }

  /** Nodes that are up. */
  live(): NodeId[] {
    return this.nodes.filter((n) => this.slot(n).up);
  }

  isUp(node: NodeId): boolean {
    return this.slot(node).up;
  }

  /** The node's own view of its state (`snapshot()`), or undefined if it is down or has none. */
  snapshot(node: NodeId): unknown {
    const s = this.slot(node);
    if (!s.node?.snapshot) return undefined;
    try {
      return s.node.snapshot();
    } catch (err) {
      return { error: `snapshot threw: ${errorText(err)}` };
    }
  }

  /** The node's stable storage as saved JSON text (undefined if it never saved). */
  storedState(node: NodeId): string | undefined {
    return this.slot(node).storage.raw;
  }

  /** Submit a client request now, or at `atMs` if that is later. Returns the request id. */
  clientRequest(node: NodeId, value: Value, atMs?: number, id?: string): string {
    this.slot(node);
    const rid = id ?? `c${this.nextRequest++}`;
    if (atMs !== undefined && atMs > this.time) this.scheduleAction({ at: atMs, action: 'request', node, value, id: rid });
    else this.request(node, value, rid);
    return rid;
  }

  crash(node: NodeId): void {
    const s = this.slot(node);
    if (!s.up) throw new RangeError(`node ${node} is already down`);
    this.recorder.recordOwned({ type: 'crash', t: this.time, node });
    s.up = false;
    s.node = null;
    s.timers.clear();
    s.inc++;
    this.network.setDown(node, true);
    this.countLiveUndecided();
  }

  restart(node: NodeId): void {
    const s = this.slot(node);
    if (s.up) throw new RangeError(`node ${node} is up; crash it before restarting it`);
    this.recorder.recordOwned({ type: 'restart', t: this.time, node });
    s.up = true;
    this.network.setDown(node, false);
    this.boot(s);
    this.countLiveUndecided();
  }

  partition(groups: NodeId[][]): void {
    const clean = validateFaultSchedule([{ at: 0, action: 'partition', groups }], this.nodes)[0] as { groups: NodeId[][] };
    this.network.partition(clean.groups);
    this.recorder.recordOwned({ type: 'partition', t: this.time, groups: clean.groups });
  }

  /** End the partition and restore every cut link. */
  heal(): void {
    this.network.heal();
    this.recorder.recordOwned({ type: 'heal', t: this.time });
  }

  setLink(a: NodeId, b: NodeId, up: boolean): void {
    this.slot(a);
    this.slot(b);
    this.network.setLink(a, b, up);
    this.recorder.recordOwned({ type: 'link', t: this.time, a, b, up });
  }

  setNetwork(cfg: Partial<NetworkConfig>): void {
    const network = this.network.setConfig(cfg);
    this.recorder.recordOwned({ type: 'net', t: this.time, network: { ...network } });
  }

  /** Process the next queue item. False when there is nothing left to do. */
  step(): boolean {
    const item = this.queue.pop();
    if (!item) return false;
    this.process(item);
    return true;
  }

  runUntil(stop: StopCondition): RunResult {
    const { allDecided, quiescent, timeMs, maxEvents, clientsDone } = stop;
    let steps = 0;
    const done = (reason: StopReason): RunResult => ({ reason, steps, timeMs: this.time });
    for (;;) {
      if (allDecided && this.liveUndecided === 0 && this.pendingActions === 0) return done('all-decided');
      if (quiescent && this.inFlight === 0 && this.pendingActions === 0) return done('quiescent');
      if (clientsDone && this.clients?.done) return done('clients-done');
      if (maxEvents !== undefined && steps >= maxEvents) return done('max-events');
      const next = this.queue.peek();
      if (!next) {
        // Nothing can happen before the bound: the clock moves on to it.
        if (timeMs !== undefined && timeMs > this.time) this.time = timeMs;
        return done('idle');
      }
      if (timeMs !== undefined && next.t > timeMs) {
        if (timeMs > this.time) this.time = timeMs;
        return done('time');
      }
      this.process(this.queue.pop()!);
      steps++;
    }
  }

  // ---- scripted mode (ScriptedRun) ---------------------------------------------------------------

  /** The message copies held now, in the order they were sent (copies of one message by copy). */
  held(): readonly HeldCopy[] {
    return this.heldCopies;
  }

  /** The timers `node` has armed now, by name. */
  armedTimers(node: NodeId): string[] {
    return [...this.slot(node).timers.keys()].sort();
  }

  /**
   * Let a held copy go: delivered now, or dropped for `reason`. The caller decides (electron/engine/
   * pinned decides for both harnesses alike); a copy for a node that is down is dropped as crashed.
   */
  releaseHeld(id: number, copy: number, fate: { deliver: true } | { deliver: false; reason: DropReason }): void {
    const i = this.heldCopies.findIndex((h) => h.id === id && h.copy === copy);
    if (i < 0) throw new RangeError(`no held copy ${copy} of message ${id}`);
    const [h] = this.heldCopies.splice(i, 1);
    if (!fate.deliver) {
      this.recorder.recordOwned({ type: 'drop', t: this.time, id, from: h.from, to: h.to, reason: fate.reason, copy });
      return;
    }
    const inc = typeof h.to === 'number' ? this.slot(h.to).inc : 0;
    this.deliver({ kind: DELIVER, t: this.time, order: 0, id, from: h.from, to: h.to, copy, msg: h.msg, inc });
  }

  /** The network makes another copy of held message `id` (recorded as a `duplicate`); it is held too. */
  duplicateHeld(id: number): number {
    const copies = this.heldCopies.filter((h) => h.id === id);
    if (copies.length === 0) throw new RangeError(`message ${id} is not held`);
    const first = copies[0];
    const copy = this.nextCopy.get(id) ?? 1;
    this.nextCopy.set(id, copy + 1);
    this.recorder.recordOwned({ type: 'duplicate', t: this.time, id, from: first.from, to: first.to, copy });
    this.heldCopies.push({ ...first, copy });
    return copy;
  }

  /** Fire `node`'s armed timer `name` now. */
  fireTimer(node: NodeId, name: string): void {
    const s = this.slot(node);
    if (s.node === null || !s.timers.has(name)) throw new RangeError(`node ${node} has no armed timer '${name}'`);
    s.timers.delete(name);
    this.recorder.recordOwned({ type: 'timer', t: this.time, node, name, after: this.inputs.get(node) ?? 0, at: this.time });
    const n = s.node;
    try {
      n.onTimer(name);
    } catch (err) {
      this.nodeError(node, 'onTimer', err);
    }
  }

  /** A message from a client session the caller hosts (scripted mode). */
  clientSend(client: ClientId, node: NodeId, msg: WireMessage): void {
    this.route(client, node, { ...msg }, this.slot(node).inc);
  }

  /** A history event of a client session the caller hosts, stamped now. */
  recordClient(e: ClientRecord): void {
    this.recorder.recordOwned({ ...e, t: this.time } as never);
  }

  /** Move the virtual clock forward (scripted mode has no other clock). */
  advanceTime(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advanceTime(${ms}): time only moves forward`);
    this.time += ms;
  }

  // ---- the event loop --------------------------------------------------------------------------

  private process(item: Item): void {
    this.time = item.t;
    switch (item.kind) {
      case DELIVER:
        this.inFlight--;
        return this.deliver(item);
      case TIMER: {
        const s = this.slots.get(item.node)!;
        if (s.node === null || s.timers.get(item.name) !== item.gen) return; // cancelled, re-armed or crashed
        s.timers.delete(item.name);
        this.recorder.recordOwned({ type: 'timer', t: this.time, node: item.node, name: item.name });
        const node = s.node;
        try {
          node.onTimer(item.name);
        } catch (err) {
          this.nodeError(item.node, 'onTimer', err);
        }
        return;
      }
      case ACTION:
        this.pendingActions--;
        return this.act(item.action);
      case CLIENT_TIMER:
        if (this.clientTimers.get(item.client) !== item.gen) return;
        this.clientTimers.delete(item.client);
        return this.clients?.onTimer(item.client);
    }
  }

  private deliver(d: Extract<Item, { kind: typeof DELIVER }>): void {
    if (typeof d.to === 'string') {
      this.recorder.recordOwned({ type: 'deliver', t: this.time, id: d.id, from: d.from, to: d.to, msg: d.msg, copy: d.copy });
      if (typeof d.from === 'number' && isAnswerMessage(d.msg)) {
        this.clients?.onAnswer(d.to, d.from, d.msg as AnswerMessage);
        this.scripted?.onClientAnswer?.(d.to, d.from, d.msg as AnswerMessage);
      }
      return;
    }
    const s = this.slots.get(d.to)!;
    if (!s.up || s.inc !== d.inc || s.node === null) {
      this.recorder.recordOwned({ type: 'drop', t: this.time, id: d.id, from: d.from, to: d.to, reason: 'crashed', copy: d.copy });
      return;
    }
    // A partition or cut that began while the message was in flight stops it too.
    const blocked = this.network.blocked(d.from, d.to);
    if (blocked) {
      this.recorder.recordOwned({ type: 'drop', t: this.time, id: d.id, from: d.from, to: d.to, reason: blocked, copy: d.copy });
      return;
    }
    this.recorder.recordOwned({ type: 'deliver', t: this.time, id: d.id, from: d.from, to: d.to, msg: d.msg, copy: d.copy });
    if (this.scripted) this.inputs.set(d.to, (this.inputs.get(d.to) ?? 0) + 1);
    const node = s.node;
    if (typeof d.from === 'string') {
      // A client's request: the node sees it as onClientRequest.
      if (!isRequestMessage(d.msg)) return;
      const m = d.msg;
      this.clientOf.set(m.request, m.client);
      try {
        node.onClientRequest({ id: m.request, value: m.value, client: m.client, seq: m.seq });
      } catch (err) {
        this.nodeError(d.to, 'onClientRequest', err);
      }
      return;
    }
    try {
      node.onMessage(d.from, { ...d.msg });
    } catch (err) {
      this.nodeError(d.to, 'onMessage', err);
    }
  }

  private act(a: FaultAction): void {
    try {
      switch (a.action) {
        case 'crash':
          return this.crash(a.node);
        case 'restart':
          return this.restart(a.node);
        case 'partition':
          return this.partition(a.groups);
        case 'heal':
          return this.heal();
        case 'link':
          return this.setLink(a.a, a.b, a.up);
        case 'net':
          return this.setNetwork(a.network);
        case 'request':
          return this.request(a.node, a.value, a.id ?? `c${this.nextRequest++}`);
      }
    } catch (err) {
      // A schedule entry that does not apply now (restart of a live node, …) is reported, not fatal.
      this.recorder.recordOwned({ type: 'error', t: this.time, message: `schedule ${a.action} at ${a.at} ms: ${errorText(err)}` });
    }
  }

  private scheduleAction(action: FaultAction): void {
    this.pendingActions++;
    this.queue.push({ kind: ACTION, t: Math.max(action.at, this.time), order: 0, action });
  }

  private request(node: NodeId, value: Value, id: string): void {
    const s = this.slot(node);
    this.recorder.recordOwned({ type: 'client-request', t: this.time, node, request: id, value });
    if (s.node === null) {
      this.recorder.recordOwned({ type: 'error', t: this.time, node, message: `client request ${id} lost: node ${node} is down` });
      return;
    }
    const req: ClientRequest = { id, value };
    if (this.scripted) this.inputs.set(node, (this.inputs.get(node) ?? 0) + 1);
    const n = s.node;
    try {
      n.onClientRequest(req);
    } catch (err) {
      this.nodeError(node, 'onClientRequest', err);
    }
  }

  // ---- nodes and their contexts ----------------------------------------------------------------

  /** Construct a fresh instance (same storage) and call onStart. */
  private boot(s: Slot): void {
    if (this.scripted) {
      // As a node process reports its start: before the constructor, so onStart's sends follow it.
      this.inputs.set(s.id, 0);
      this.recorder.recordOwned({ type: 'start', t: this.time, node: s.id, at: this.time });
    }
    const ctx = this.contextFor(s, s.inc);
    try {
      s.node = new this.nodeClass(ctx);
    } catch (err) {
      s.node = null;
      this.nodeError(s.id, 'constructor', err);
      return;
    }
    const node = s.node;
    try {
      node.onStart();
    } catch (err) {
      this.nodeError(s.id, 'onStart', err);
    }
  }

  private contextFor(s: Slot, inc: number): NodeContext<WireMessage> {
    const sim = this;
    const id = s.id;
    const alive = () => s.inc === inc && s.up;
    return {
      id,
      nodes: this.nodes,
      storage: s.storage,
      send(to, msg) {
        if (alive()) sim.send(id, to, msg);
      },
      broadcast(msg, options) {
        if (!alive()) return;
        const self = options?.includeSelf !== false;
        for (const to of sim.nodes) if (self || to !== id) sim.send(id, to, msg);
      },
      setTimer(name, delayMs) {
        if (!alive()) return;
        if (typeof delayMs !== 'number' || !(delayMs >= 0) || !Number.isFinite(delayMs)) {
          sim.recorder.recordOwned({ type: 'error', t: sim.time, node: id, message: `setTimer('${name}', ${String(delayMs)}): the delay must be a number of ms >= 0` });
          return;
        }
        const gen = sim.nextTimerGen++;
        s.timers.set(name, gen);
        // Scripted: armed only; it fires when the script says (fireTimer).
        if (!sim.scripted) sim.queue.push({ kind: TIMER, t: sim.time + delayMs, order: 0, node: id, name, gen });
      },
      cancelTimer(name) {
        if (alive()) s.timers.delete(name);
      },
      now: () => sim.time,
      random: () => s.rng.next(),
      decide(value, slot = 0) {
        if (alive()) sim.decide(id, value, slot);
      },
      reply(requestId, result) {
        if (alive()) sim.answer(id, String(requestId), { kind: 'reply', request: String(requestId), result: String(result) });
      },
      redirect(requestId, to) {
        if (alive()) sim.answer(id, String(requestId), { kind: 'redirect', request: String(requestId), leader: to });
      },
      reject(requestId, reason) {
        if (alive()) sim.answer(id, String(requestId), { kind: 'reject', request: String(requestId), reason: String(reason) });
      },
      log(...parts) {
        if (alive()) sim.recorder.recordOwned({ type: 'log', t: sim.time, node: id, text: parts.map(logText).join(' ') });
      },
    };
  }

  /**
   * A node answered a request: to a client session over the network; for a request handed to the
   * node directly, a `client-reply` (a redirect or a reject has nobody to act on it: a log line).
   */
  private answer(node: NodeId, request: string, msg: AnswerMessage): void {
    const client = this.clientOf.get(request);
    if (client !== undefined) return this.route(node, client, msg as unknown as WireMessage, 0);
    if (msg.kind === 'reply') this.recorder.recordOwned({ type: 'client-reply', t: this.time, node, request, result: msg.result });
    else this.recorder.recordOwned({ type: 'log', t: this.time, node, text: msg.kind === 'redirect' ? `redirect ${request} to node ${msg.leader}` : `reject ${request}: ${msg.reason}` });
  }

  private clientHost(): import('../clients/index.js').ClientHost {
    const sim = this;
    return {
      nodes: this.nodes,
      send: (client, node, msg) => sim.route(client, node, msg as unknown as WireMessage, sim.slots.get(node)!.inc),
      setTimer(client, delayMs) {
        const gen = sim.nextTimerGen++;
        sim.clientTimers.set(client, gen);
        sim.queue.push({ kind: CLIENT_TIMER, t: sim.time + delayMs, order: 0, client, gen });
      },
      cancelTimer: (client) => void sim.clientTimers.delete(client),
      record: (e) => void sim.recorder.recordOwned({ ...e, t: sim.time } as never),
    };
  }

  private send(from: NodeId, to: NodeId, msg: WireMessage): void {
    if (!this.slots.has(to)) {
      this.recorder.recordOwned({ type: 'error', t: this.time, node: from, message: `send to unknown node ${String(to)}` });
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.kind !== 'string') {
      this.recorder.recordOwned({ type: 'error', t: this.time, node: from, message: `sent a non-message (an object with a string 'kind' is required): ${logText(msg)}` });
      return;
    }
    // The trace keeps its own copy, so a sender that mutates its object afterwards cannot rewrite history.
    this.route(from, to, { ...msg }, this.slots.get(to)!.inc);
  }

  /** Record the send of `m` and schedule each copy's fate. */
  private route(from: Participant, to: Participant, m: WireMessage, inc: number): void {
    const id = this.nextMsgId++;
    const t = this.time;
    this.recorder.recordOwned({ type: 'send', t, id, from, to, msg: m });
    if (this.scripted) {
      // Scripted: blocked now (a down addressee, a partition, a cut link) is dropped as always;
      // anything else waits for the script. No random draw.
      const blocked = this.network.blocked(from, to);
      if (blocked) this.recorder.recordOwned({ type: 'drop', t, id, from, to, reason: blocked, copy: 0 });
      else this.heldCopies.push({ id, copy: 0, from, to, msg: m });
      return;
    }
    const minDelay = this.network.config.minDelayMs;
    for (const f of this.network.route(from, to, this.netRng)) {
      if (f.copy > 0) this.recorder.recordOwned({ type: 'duplicate', t, id, from, to, copy: f.copy });
      if (!f.deliver) {
        this.recorder.recordOwned({ type: 'drop', t, id, from, to, reason: f.reason, copy: f.copy });
        continue;
      }
      if (f.delayMs > minDelay) this.recorder.recordOwned({ type: 'delay', t, id, from, to, copy: f.copy, ms: f.delayMs });
      this.inFlight++;
      this.queue.push({ kind: DELIVER, t: t + f.delayMs, order: 0, id, from, to, copy: f.copy, msg: m, inc });
    }
  }

  private decide(node: NodeId, value: Value, slot: number): void {
    this.recorder.recordOwned({ type: 'decide', t: this.time, node, value, slot });
    if (slot !== 0) return;
    const before = this.decided.get(node);
    if (before === undefined) {
      this.decided.set(node, value);
      this.countLiveUndecided();
    } else if (before !== value) {
      this.recorder.recordOwned({ type: 'error', t: this.time, node, message: `node ${node} decided ${JSON.stringify(value)} after deciding ${JSON.stringify(before)}` });
    }
  }

  private nodeError(node: NodeId, where: string, err: unknown): void {
    this.recorder.recordOwned({ type: 'error', t: this.time, node, message: `${where} threw: ${errorText(err)}` });
  }

  private countLiveUndecided(): void {
    let n = 0;
    for (const s of this.slots.values()) if (s.up && !this.decided.has(s.id)) n++;
    this.liveUndecided = n;
  }

  private slot(node: NodeId): Slot {
    const s = this.slots.get(node);
    if (!s) throw new RangeError(`no node ${String(node)} in this simulation (nodes: ${this.nodes.join(', ')})`);
    return s;
  }
}

function normalizeNodes(nodes: number | NodeId[]): NodeId[] {
  const ids = typeof nodes === 'number' ? Array.from({ length: nodes }, (_, i) => i + 1) : [...nodes];
  if (ids.length === 0) throw new RangeError('a simulation needs at least one node');
  for (const id of ids) if (!Number.isInteger(id) || id < 1) throw new RangeError(`node ids are integers >= 1, got ${String(id)}`);
  if (new Set(ids).size !== ids.length) throw new RangeError('node ids must be unique');
  return Object.freeze(ids.sort((a, b) => a - b)) as NodeId[];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function logText(p: unknown): string {
  if (typeof p === 'string') return p;
  try {
    return JSON.stringify(p) ?? String(p);
  } catch {
    return String(p);
  }
}
