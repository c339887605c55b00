/**
 * The supervisor of a real cluster: starts the hub and the control channel, spawns one OS process
 * per node (Electron's Node or plain node, with ELECTRON_RUN_AS_NODE=1), and gives the caller the
 * levers of the playground: client requests, crash/restart/stop, partitions, links, network
 * settings, snapshots, fault schedules, and the live trace. No node outlives it: shutdown kills
 * them all, so do the exit and signal hooks, and each node exits on its own when the supervisor dies.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { NodeId, Value } from '@paxlab/sdk';
import { validateFaultSchedule } from '../faults/index.js';
import type { FaultSchedule } from '../faults/index.js';
import { normalizeNetwork } from '../net/network-model.js';
import type { NetworkConfig, TraceEvent } from '../trace/events.js';
import { TraceRecorder } from '../trace/recorder.js';
import { ControlServer } from './control-channel.js';
import type { FromNode, NodeSnapshot } from './control-channel.js';
import { Hub, type HubGate } from './hub.js';
import { DURABILITY_LEVELS, NODE_CONFIG_ENV } from './node-config.js';
import type { Durability, NodeProcessConfig, NodeProgram } from './node-config.js';
import { defaultNodeScript } from './node-script.js';
import { killAllOnExit } from './exit-hooks.js';
import { ownedTempDir } from '../temp/owned-temp-dir.js';
import { boundTrace, checkTraceBound } from './trace-bound.js';
import { ClientGroup, type ClientHost, type ClientPlan, type ClientTiming } from '../clients/index.js';

export type { NodeSnapshot } from './control-channel.js';
export type { Durability, NodeProgram } from './node-config.js';

export interface ClusterOptions {
  /** Number of nodes; their ids are 1..nodes. */
  nodes: number;
  /** Seeds the network's faults and the nodes' random(). Default 1. */
  seed?: number;
  network?: Partial<NetworkConfig>;
  /** What each node runs: SingleDecreeNode by default, with student roles or another node class. */
  nodeProgram?: NodeProgram;
  /** Where the nodes' stable storage files go; a temporary folder (removed at shutdown) by default. */
  storageDir?: string;
  /**
   * What the nodes' stable storage survives: `process` (default) — a node's crash (SIGKILL), the
   * lab's crash and restart; `fsync` — also a power loss, at the price of a disk flush per save.
   */
  durability?: Durability;
  /** How to run a node: `process.execPath` by default (node, or Electron's own Node). */
  nodeCommand?: { execPath: string; env?: Record<string, string>; script?: string };
  /** A node whose control heartbeat stays silent this long is killed as hung. Default 2000 ms. */
  hangTimeoutMs?: number;
  /** A node that has not started this long after its spawn is killed. Default 15000 ms (slow machines). */
  startTimeoutMs?: number;
  /** Free-form title for the trace's meta line. */
  title?: string;
  /**
   * Keep at most this many trace events (the meta line included), discarding the oldest tenth at a
   * time; `decisions()` still knows every decision. Unlimited by default (CLI runs, tests).
   */
  maxTraceEvents?: number;
  /**
   * Client sessions (docs/history.md), hosted here: their requests and the nodes' answers go through
   * the hub, so the network's faults apply to them. They start with `startClients()`.
   */
  clients?: { plan: ClientPlan; timing?: Partial<ClientTiming> };
  /**
   * Nodes that run a program of their own (any language) speaking only the data plane of
   * docs/wire-protocol.md: `command args…` gets the configuration in PAXLAB_NODE_CONFIG, as every
   * node does. Such a node is up once the hub welcomes it; it has no control channel, so it is never
   * killed as hung.
   */
  externalNodes?: Record<number, { command: string; args?: string[] }>;
  /** The trace's `meta.protocol`; `single-decree` by default. */
  protocol?: string;
  /**
   * Scripted mode (a chapter's pinned execution, electron/engine/pinned): the hub holds every
   * message for `gate` until the script releases it, nodes start when the script boots them
   * (`scriptedHub.boot`) and fire timers only when it says; the script hosts the client sessions
   * (the meta line lists `clients`). Use the levers of `scriptedHub`, `crash` and `restart`.
   */
  scripted?: { gate: HubGate; clients?: string[]; model?: 'kv' | 'lock' | 'log'; workload?: string };
}

type ExitReason = 'crash' | 'stop' | 'hang' | 'shutdown';

interface NodeProc {
  child: ChildProcess;
  exited: Promise<void>;
  hasExited: boolean;
  expected: ExitReason | null;
  /** Why the node said it cannot run, if it did (its program does not load, its config is bad). */
  fatal?: string;
  /** Why the supervisor gave up on it (hung, did not start in time), if it did. */
  lostWhy?: string;
  started: boolean;
  /** Stopped with SIGSTOP (pause) and not yet continued: it cannot answer, and is not hung. */
  paused: boolean;
  /** A program of its own on the data plane only (no control channel). */
  external: boolean;
  lastBeat: number;
  /** Settled when the node reports it started (connected to the hub, onStart done), or failed when it dies first. */
  up: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };
}

/**
 * The parent's environment minus what only costs a node process time: NODE_EXTRA_CA_CERTS makes
 * Node parse a certificate bundle at boot (about 90 ms of CPU per process on our machines), and a
 * node speaks no TLS.
 */
function nodeEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

const HEARTBEAT_MS = 200;
/** The log lines a pause and a resume leave in the trace. */
export const PAUSED_TEXT = 'paused by the supervisor (SIGSTOP)';
export const RESUMED_TEXT = 'resumed by the supervisor (SIGCONT)';
const EXIT_WAIT_MS = 2000;
const SNAPSHOT_TIMEOUT_MS = 2000;

/**
 * Start a cluster; `await cluster.ready` before using it. A node lost during start-up (killed, died,
 * too slow) is reported — an error event, {@link Cluster.startFailures} — and the cluster goes on
 * with the others; `ready` rejects when a node says its program cannot run (a module that does not
 * load fails on every node alike) or when no node started at all.
 */
export function startCluster(opts: ClusterOptions): Cluster {
  return new Cluster(opts);
}

export class Cluster {
  readonly nodes: NodeId[];
  readonly seed: number;
  /** Resolves when the hub, the control channel and every node are up. */
  readonly ready: Promise<void>;
  readonly token = randomBytes(24).toString('base64url');
  private readonly recorder: TraceRecorder;
  private hub: Hub | null = null;
  private control: ControlServer | null = null;
  private readonly procs = new Map<NodeId, NodeProc>();
  /** The folder of the nodes' stable storage files. */
  readonly storageDir: string;
  private readonly ownsStorage: boolean;
  private readonly decided = new Map<NodeId, Value>();
  private readonly snapshotWaiters = new Map<number, (s: NodeSnapshot) => void>();
  private nextSnapshotReq = 1;
  private nextRequestId = 1;
  private readonly t0 = performance.timeOrigin + performance.now();
  private hangTimer: NodeJS.Timeout | null = null;
  private shuttingDown: Promise<void> | null = null;
  private readonly releaseExitHook: () => void;
  private readonly script: string;
  private readonly lostAtStart: Array<{ node: NodeId; reason: string }> = [];
  /** The client sessions, when the cluster has clients. */
  readonly clients: ClientGroup | null = null;
  private readonly clientTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: ClusterOptions) {
    if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > 15) {
      throw new RangeError(`a cluster has 1 to 15 nodes, got ${String(opts.nodes)}`);
    }
    if (opts.durability !== undefined && !DURABILITY_LEVELS.includes(opts.durability)) {
      throw new RangeError(`durability must be one of ${DURABILITY_LEVELS.join(', ')}, got ${String(opts.durability)}`);
    }
    if (opts.maxTraceEvents !== undefined) checkTraceBound(opts.maxTraceEvents);
    this.nodes = Array.from({ length: opts.nodes }, (_, i) => i + 1);
    this.seed = opts.seed ?? 1;
    const network = normalizeNetwork(opts.network ?? {});
    const plan = opts.clients?.plan;
    this.recorder = new TraceRecorder({
      source: 'cluster',
      nodes: this.nodes,
      seed: this.seed,
      network,
      protocol: opts.protocol ?? opts.nodeProgram?.protocol ?? 'single-decree',
      ...(opts.title ? { title: opts.title } : {}),
      ...(plan ? { clients: plan.clients.map((c) => c.id), model: plan.model, workload: plan.text } : {}),
      ...(opts.scripted?.clients?.length ? { clients: [...opts.scripted.clients] } : {}),
      ...(opts.scripted?.model ? { model: opts.scripted.model } : {}),
      ...(opts.scripted?.workload ? { workload: opts.scripted.workload } : {}),
    });
    if (plan) this.clients = new ClientGroup(plan, this.clientHost(), opts.clients?.timing);
    this.script = opts.nodeCommand?.script ?? defaultNodeScript();
    this.ownsStorage = !opts.storageDir;
    this.storageDir = opts.storageDir ?? ownedTempDir('paxlab-store-');
    mkdirSync(this.storageDir, { recursive: true });
    this.releaseExitHook = killAllOnExit(() => this.killAllSync());
    // Decisions are kept apart from the trace, so a bounded trace never forgets one.
    this.recorder.subscribe((e) => {
      if (e.type === 'decide' && e.slot === 0 && !this.decided.has(e.node)) this.decided.set(e.node, e.value);
    });
    if (opts.maxTraceEvents !== undefined) boundTrace(this.recorder, opts.maxTraceEvents);
    this.ready = this.boot(network);
    // A failed start is reported through `ready`; do not also crash the process as unhandled.
    this.ready.catch(() => {});
  }

  // ---- what the caller reads ----

  /**
   * Every event so far, or with `maxTraceEvents` the meta line and the newest ones (the live array:
   * copy it to keep a snapshot). seq grows by one per event, but after a discard it is not the index.
   */
  get trace(): TraceEvent[] {
    return this.recorder.events;
  }

  /** How many events `maxTraceEvents` has discarded so far (0 when unbounded). */
  get discardedEvents(): number {
    return this.recorder.discarded;
  }

  /** Call `listener` for each new event; returns the unsubscribe function. */
  subscribe(listener: (event: TraceEvent) => void): () => void {
    return this.recorder.subscribe(listener);
  }

  /** The nodes lost during start-up, and why; the cluster went on without them. */
  startFailures(): Array<{ node: NodeId; reason: string }> {
    return this.lostAtStart.map((f) => ({ ...f }));
  }

  /** The first value each node decided (slot 0). */
  decisions(): Map<NodeId, Value> {
    return new Map(this.decided);
  }

  /** The private folder of the control channel's socket (removed at shutdown). */
  get controlDir(): string | undefined {
    return this.control?.address.socketRoot;
  }

  get hubPort(): number {
    return this.requireHub().port;
  }

  /** Scripted mode: the hub, for the script's levers (releaseHeld, duplicateHeld, fireTimer, boot). */
  get scriptedHub(): Hub {
    if (!this.opts.scripted) throw new Error('this cluster is not scripted (ClusterOptions.scripted)');
    return this.requireHub();
  }

  get network(): NetworkConfig {
    return { ...this.requireHub().model.config };
  }

  /** The file holding `node`'s stable storage. */
  storageFile(node: NodeId): string {
    return path.join(this.storageDir, `node-${node}.journal`);
  }

  isRunning(node: NodeId): boolean {
    const p = this.procs.get(node);
    return !!p && !p.hasExited && p.expected === null;
  }

  liveNodes(): NodeId[] {
    return this.nodes.filter((n) => this.isRunning(n));
  }

  pid(node: NodeId): number | undefined {
    const p = this.procs.get(node);
    return p && !p.hasExited ? p.child.pid : undefined;
  }

  /**
   * Resolve once `predicate(this)` holds; it is checked now, after every event and every 50 ms.
   * Rejects after `timeoutMs`.
   */
  waitFor(predicate: (cluster: Cluster) => boolean, timeoutMs: number): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this)) return;
        finish();
        resolve();
      };
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        unsubscribe();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the cluster`));
      }, timeoutMs);
      // Some conditions change without an event (a process exits, a schedule ends): poll as well.
      const poll = setInterval(check, 50);
      const unsubscribe = this.recorder.subscribe(check);
    });
  }

  // ---- clients ----

  /** Start the client sessions (after `ready`). */
  startClients(): void {
    if (!this.clients) throw new Error('this cluster has no clients (ClusterOptions.clients)');
    this.requireHub();
    this.clients.start();
  }

  /** Resolves when every client session is done (or after `timeoutMs`, then false). */
  waitForClients(timeoutMs: number): Promise<boolean> {
    const group = this.clients;
    if (!group) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      group.whenDone(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** End the clients' run: operations still outstanding are recorded as `info`. */
  endClients(reason?: string): void {
    for (const t of this.clientTimers.values()) clearTimeout(t);
    this.clientTimers.clear();
    this.clients?.finish(reason);
  }

  private clientHost(): ClientHost {
    return {
      nodes: this.nodes,
      send: (client, node, msg) => this.hub?.clientSend(client, node, msg),
      setTimer: (client, delayMs) => {
        clearTimeout(this.clientTimers.get(client));
        const timer = setTimeout(() => {
          this.clientTimers.delete(client);
          if (!this.shuttingDown) this.clients?.onTimer(client);
        }, delayMs);
        this.clientTimers.set(client, timer);
      },
      cancelTimer: (client) => {
        clearTimeout(this.clientTimers.get(client));
        this.clientTimers.delete(client);
      },
      record: (e) => this.hub?.record(e as never),
    };
  }

  // ---- levers ----

  /** Send a client request for `value` to `node`; returns the request id. */
  clientRequest(node: NodeId, value: Value, id?: string): string {
    this.checkNode(node);
    const requestId = id ?? `r${this.nextRequestId++}`;
    this.requireHub().clientRequest(node, requestId, String(value));
    return requestId;
  }

  /** Kill `node` with SIGKILL: its volatile state is lost, its stable storage stays. */
  async crash(node: NodeId): Promise<void> {
    this.checkNode(node);
    const p = this.procs.get(node);
    if (!p || p.hasExited || p.expected) return;
    p.expected = 'crash';
    p.child.kill('SIGKILL');
    p.paused = false;
    await this.gone(node, p);
    this.requireHub().record({ type: 'crash', node });
  }

  // ---- pause and resume (SIGSTOP / SIGCONT) ----
  // A paused node keeps its connections and its state but runs nothing: what reaches it waits in
  // its socket, and it handles all of it once continued, late, as after a long stall of the machine.

  /** Pause `node` with SIGSTOP. Not on Windows, which has no such signal. */
  pause(node: NodeId): void {
    this.checkNode(node);
    const p = this.procs.get(node);
    if (!p || p.hasExited || p.expected || p.paused) return;
    if (process.platform === 'win32') throw new Error('pausing a node needs SIGSTOP, which Windows does not have');
    p.child.kill('SIGSTOP');
    p.paused = true;
    this.requireHub().record({ type: 'log', node, text: PAUSED_TEXT });
  }

  /** Continue a paused `node` with SIGCONT. */
  resume(node: NodeId): void {
    this.checkNode(node);
    const p = this.procs.get(node);
    if (!p || p.hasExited || !p.paused) return;
    p.child.kill('SIGCONT');
    p.paused = false;
    // Its control heartbeats stopped with it: the hang detector starts counting afresh.
    p.lastBeat = performance.now();
    this.requireHub().record({ type: 'log', node, text: RESUMED_TEXT });
  }

  isPaused(node: NodeId): boolean {
    return this.procs.get(node)?.paused === true;
  }

  /** Stop `node` gracefully (SIGKILL if it does not leave in time). */
  async stop(node: NodeId): Promise<void> {
    this.checkNode(node);
    const p = this.procs.get(node);
    if (!p || p.hasExited || p.expected) return;
    if (p.paused) this.resume(node);
    p.expected = 'stop';
    if (!this.control?.send(node, { type: 'stop' })) p.child.kill('SIGKILL');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), EXIT_WAIT_MS);
    await this.gone(node, p);
    clearTimeout(timer);
    const hub = this.requireHub();
    hub.record({ type: 'log', node, text: 'stopped by the supervisor' });
    hub.record({ type: 'crash', node });
  }

  /** Start a fresh process for a crashed or stopped `node`; resolves when it is up. */
  async restart(node: NodeId): Promise<void> {
    this.checkNode(node);
    if (this.shuttingDown) throw new Error('the cluster is shutting down');
    const p = this.procs.get(node);
    if (p && !p.hasExited) throw new Error(`node ${node} is running; crash or stop it before a restart`);
    const hub = this.requireHub();
    hub.record({ type: 'restart', node });
    hub.setDown(node, false);
    await this.spawnNode(node).up.promise;
  }

  partition(groups: NodeId[][]): void {
    groups.flat().forEach((n) => this.checkNode(n));
    this.requireHub().partition(groups);
  }

  heal(): void {
    this.requireHub().heal();
  }

  setLink(a: NodeId, b: NodeId, up: boolean): void {
    this.checkNode(a);
    this.checkNode(b);
    this.requireHub().setLink(a, b, up);
  }

  setNetwork(config: Partial<NetworkConfig>): NetworkConfig {
    return this.requireHub().setNetwork(config);
  }

  /** Ask `node` for its state, stable storage and armed timers. */
  snapshot(node: NodeId): Promise<NodeSnapshot> {
    this.checkNode(node);
    if (this.isPaused(node)) return Promise.reject(new Error(`node ${node} is paused`));
    const req = this.nextSnapshotReq++;
    if (!this.control?.send(node, { type: 'snapshot', req })) {
      return Promise.reject(new Error(`node ${node} is not running`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.snapshotWaiters.delete(req);
        reject(new Error(`node ${node} did not answer a snapshot request within ${SNAPSHOT_TIMEOUT_MS} ms`));
      }, SNAPSHOT_TIMEOUT_MS);
      this.snapshotWaiters.set(req, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  /**
   * Play a fault schedule on real time: each entry's `at` counts from this call. Resolves after the
   * last entry ran; rejects (and stops) on an invalid schedule or a failed action.
   */
  async runSchedule(schedule: FaultSchedule): Promise<void> {
    const entries = validateFaultSchedule(schedule, this.nodes);
    const start = performance.now();
    for (const e of entries) {
      const wait = e.at - (performance.now() - start);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.shuttingDown) return;
      switch (e.action) {
        case 'crash':
          await this.crash(e.node);
          break;
        case 'restart':
          if (!this.isRunning(e.node)) await this.restart(e.node);
          break;
        case 'partition':
          this.partition(e.groups);
          break;
        case 'heal':
          this.heal();
          break;
        case 'link':
          this.setLink(e.a, e.b, e.up);
          break;
        case 'net':
          this.setNetwork(e.network);
          break;
        case 'request':
          this.clientRequest(e.node, e.value, e.id);
          break;
      }
    }
  }

  /** Kill every node and close everything. Idempotent. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.doShutdown();
    return this.shuttingDown;
  }

  // ---- internals ----

  private async boot(network: NetworkConfig): Promise<void> {
    const [hub, control] = await Promise.all([
      Hub.listen({
        nodes: this.nodes,
        token: this.token,
        seed: this.seed,
        recorder: this.recorder,
        network,
        t0: this.t0,
        onClientAnswer: (client, from, msg) => this.clients?.onAnswer(client, from, msg),
        ...(this.opts.scripted ? { gate: this.opts.scripted.gate } : {}),
      }),
      ControlServer.open({ onMessage: (m) => this.onControl(m), onDisconnect: () => {} }),
    ]);
    this.hub = hub;
    this.control = control;
    if (this.shuttingDown) {
      await this.closeChannels();
      throw new Error('the cluster was shut down while starting');
    }
    this.hangTimer = setInterval(() => this.killHung(), HEARTBEAT_MS);
    this.hangTimer.unref();
    const started = await Promise.allSettled(this.nodes.map((n) => this.spawnNode(n).up.promise));
    const failed = this.nodes.filter((_, i) => started[i].status === 'rejected');
    const reason = (n: NodeId) => ((started[this.nodes.indexOf(n)] as PromiseRejectedResult).reason as Error).message;
    // A node that reports its program cannot run speaks for every node (they all run it); no node
    // up means there is no cluster. Otherwise the lost ones are reported and the rest go on.
    const fatal = failed.find((n) => this.procs.get(n)?.fatal !== undefined);
    if (fatal !== undefined || (failed.length > 0 && failed.length === this.nodes.length)) {
      await this.shutdown();
      throw new Error(reason(fatal ?? failed[0]));
    }
    for (const node of failed) {
      this.lostAtStart.push({ node, reason: reason(node) });
      this.requireHub().record({ type: 'error', node, message: `node ${node} was lost during start-up (${reason(node)}); the cluster goes on without it` });
    }
  }

  private spawnNode(node: NodeId): NodeProc {
    const hub = this.requireHub();
    const control = this.control!;
    const cfg: NodeProcessConfig = {
      node,
      nodes: this.nodes,
      hub: { host: hub.host, port: hub.port },
      token: this.token,
      control: control.address,
      storageFile: this.storageFile(node),
      durability: this.opts.durability ?? 'process',
      t0: this.t0,
      heartbeatMs: HEARTBEAT_MS,
      seed: this.seed,
      program: this.opts.nodeProgram ?? {},
      ...(this.opts.scripted ? { scripted: true } : {}),
    };
    const cmd = this.opts.nodeCommand;
    const external = this.opts.externalNodes?.[node];
    const [file, args] = external ? [external.command, external.args ?? []] : [cmd?.execPath ?? process.execPath, [this.script, '--paxlab-node', String(node)]];
    const child = spawn(file, args, {
      env: { ...nodeEnvironment(process.env), ELECTRON_RUN_AS_NODE: '1', ...cmd?.env, [NODE_CONFIG_ENV]: JSON.stringify(cfg) },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    const p: NodeProc = {
      child,
      hasExited: false,
      exited: new Promise((r) => child.once('exit', () => r())),
      expected: null,
      started: false,
      paused: false,
      external: !!external,
      lastBeat: performance.now(),
      up: { promise, resolve, reject },
    };
    this.procs.set(node, p);
    if (external) {
      // Up once the hub has welcomed it: that is all a data-plane-only node can say.
      const onConnected = (n: NodeId) => {
        if (n !== node || p.hasExited) return;
        hub.off('connected', onConnected);
        p.started = true;
        p.up.resolve();
      };
      hub.on('connected', onConnected);
      child.once('exit', () => hub.off('connected', onConnected));
    }
    this.captureOutput(node, child);
    child.stdin?.on('error', () => {});
    child.once('error', (err) => {
      p.hasExited = true;
      hub.record({ type: 'error', node, message: `cannot start node ${node}: ${err.message}` });
      p.up.reject(new Error(`cannot start node ${node}: ${err.message}`));
    });
    child.once('exit', (code, signal) => this.onExit(node, p, code, signal));
    return p;
  }

  private captureOutput(node: NodeId, child: ChildProcess): void {
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue;
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line) this.hub?.record({ type: 'log', node, text: `${name}: ${line}` });
      });
      stream.on('end', () => {
        if (partial) this.hub?.record({ type: 'log', node, text: `${name}: ${partial}` });
        partial = '';
      });
    }
  }

  private onExit(node: NodeId, p: NodeProc, code: number | null, signal: NodeJS.Signals | null): void {
    p.hasExited = true;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    p.up.reject(
      new Error(p.fatal ? `node ${node} could not start: ${p.fatal}` : p.lostWhy ? `node ${node} ${p.lostWhy}` : `node ${node} exited (${how}) before it was up`),
    );
    if (p.expected || this.shuttingDown || !this.hub) return;
    // Nobody asked it to go: it failed on its own (a bad module, a runtime error, a kill from outside).
    p.expected = 'crash';
    this.hub.setDown(node, true);
    this.hub.record({ type: 'error', node, message: `node ${node} exited unexpectedly (${how})` });
    this.hub.record({ type: 'crash', node });
  }

  /** Wait until `node`'s process exited and the hub has read all it sent, then mark it down. */
  private async gone(node: NodeId, p: NodeProc): Promise<void> {
    await p.exited;
    const hub = this.requireHub();
    if (hub.isConnected(node)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 500);
        function done() {
          clearTimeout(timer);
          hub.off('disconnected', onDisc);
          resolve();
        }
        const onDisc = (n: NodeId) => n === node && done();
        hub.on('disconnected', onDisc);
      });
      hub.disconnect(node);
    }
    hub.setDown(node, true);
  }

  private onControl(msg: FromNode): void {
    const p = this.procs.get(msg.node);
    switch (msg.type) {
      case 'hello':
        if (p) p.lastBeat = performance.now();
        this.control?.send(msg.node, { type: 'start' });
        return;
      case 'started':
        if (!p || p.hasExited) return;
        p.started = true;
        p.lastBeat = performance.now();
        p.up.resolve();
        return;
      case 'heartbeat':
        if (p) p.lastBeat = performance.now();
        return;
      case 'snapshot':
        this.snapshotWaiters.get(msg.req)?.(msg.snapshot);
        this.snapshotWaiters.delete(msg.req);
        return;
      case 'log':
        this.hub?.record({ type: 'log', node: msg.node, text: msg.text });
        return;
      case 'fatal':
        if (p) p.fatal = msg.message;
        this.hub?.record({ type: 'error', node: msg.node, message: msg.message });
        return;
    }
  }

  private killHung(): void {
    const hangLimit = this.opts.hangTimeoutMs ?? 2000;
    const startLimit = this.opts.startTimeoutMs ?? 15_000;
    const now = performance.now();
    for (const [node, p] of this.procs) {
      const silent = now - p.lastBeat;
      if ((p.external && p.started) || p.paused) continue;
      if (p.hasExited || p.expected || silent < (p.started ? hangLimit : startLimit)) continue;
      p.expected = 'hang';
      p.child.kill('SIGKILL');
      const hub = this.requireHub();
      const why = p.started ? `hung (no heartbeat for ${Math.round(silent)} ms)` : `did not start within ${Math.round(silent)} ms`;
      p.lostWhy = why;
      hub.record({ type: 'error', node, message: `node ${node} ${why} and was killed` });
      void this.gone(node, p).then(() => hub.record({ type: 'crash', node }));
    }
  }

  private async doShutdown(): Promise<void> {
    if (this.hangTimer) clearInterval(this.hangTimer);
    for (const t of this.clientTimers.values()) clearTimeout(t);
    this.clientTimers.clear();
    for (const p of this.procs.values()) {
      if (!p.hasExited) {
        p.expected ??= 'shutdown';
        p.child.kill('SIGKILL');
      }
    }
    await Promise.all(
      [...this.procs.values()].map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, EXIT_WAIT_MS))])),
    );
    await this.closeChannels();
    this.releaseExitHook();
    if (this.ownsStorage) rmSync(this.storageDir, { recursive: true, force: true });
  }

  private async closeChannels(): Promise<void> {
    this.control?.close();
    await this.hub?.close();
  }

  /** For the process exit hook: no awaiting possible there. */
  private killAllSync(): void {
    for (const p of this.procs.values()) if (!p.hasExited) p.child.kill('SIGKILL');
    this.control?.close();
    if (this.ownsStorage) rmSync(this.storageDir, { recursive: true, force: true });
  }

  private requireHub(): Hub {
    if (!this.hub) throw new Error('the cluster is not ready yet (await cluster.ready)');
    return this.hub;
  }

  private checkNode(node: NodeId): void {
    if (!this.nodes.includes(node)) throw new RangeError(`node ${String(node)} is not in this cluster (nodes ${this.nodes.join(', ')})`);
  }
}
