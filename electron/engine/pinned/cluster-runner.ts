/**
 * A pinned execution on a real cluster: one OS process per node, real TCP through the hub, which
 * in scripted mode holds every message until the script releases it; nodes start when the script
 * boots them (in order), fire timers only when it says, and report the end of every step they
 * handle, so the driver goes in lockstep: one action, wait until its node is done, the next.
 *
 * The only limit here is the harness's own (a node that does not finish a step in `stepTimeoutMs`,
 * a cluster that does not start): it is reported as that, never as the protocol's fault.
 */
import type { NodeId } from '@paxlab/sdk';
import { startCluster, type Cluster, type NodeProgram } from '../cluster/supervisor.js';
import type { HeldMessage, HubGate } from '../cluster/hub.js';
import { ScriptedClients } from './clients.js';
import { type PinnedAction, PinnedStepError, pinnedActions } from './core.js';
import { type PinnedRun, type PinnedStepEvents, nextSeq, scriptModel } from './run.js';
import type { PinnedScript } from './script.js';

export interface PinnedClusterOptions {
  title?: string;
  seed?: number;
  /** How long one node may take to handle one step (wall-clock; the harness's limit). Default 15 s. */
  stepTimeoutMs?: number;
  /** How to run a node process (ClusterOptions.nodeCommand). */
  nodeCommand?: { execPath: string; env?: Record<string, string>; script?: string };
}

/** The harness itself failed (a node did not start or answer in time): not the protocol's fault. */
export class PinnedHarnessError extends Error {
  override name = 'PinnedHarnessError';
}

/** The hub's side of the script: what it holds, which timers each node armed, the nodes' step reports. */
class Gate implements HubGate {
  readonly heldCopies: HeldMessage[] = [];
  readonly timers = new Map<NodeId, Set<string>>();
  readonly connectedNodes = new Set<NodeId>();
  private readonly waiting = new Map<NodeId, Array<{ resolve: () => void; reject: (e: Error) => void }>>();
  private readonly early = new Map<NodeId, number>();
  private readonly onConnect = new Map<NodeId, Array<() => void>>();
  clients: ScriptedClients | null = null;

  hold(m: HeldMessage): void {
    this.heldCopies.push(m);
  }

  nodeReport(node: NodeId, r: { type: 'timer-set' | 'timer-cancel'; name: string } | { type: 'handled' }): void {
    if (r.type === 'handled') {
      const w = this.waiting.get(node)?.shift();
      if (w) w.resolve();
      else this.early.set(node, (this.early.get(node) ?? 0) + 1);
      return;
    }
    let set = this.timers.get(node);
    if (!set) this.timers.set(node, (set = new Set()));
    if (r.type === 'timer-set') set.add(r.name);
    else set.delete(r.name);
  }

  connected(node: NodeId): void {
    this.connectedNodes.add(node);
    for (const f of this.onConnect.get(node)?.splice(0) ?? []) f();
  }

  answer(client: string, from: NodeId, msg: Parameters<NonNullable<HubGate['answer']>>[2]): void {
    this.clients?.answer(client, from, msg);
  }

  /** Resolves at `node`'s next step report. Register before writing the frame that causes it. */
  handled(node: NodeId, timeoutMs: number, what: string): Promise<void> {
    const early = this.early.get(node) ?? 0;
    if (early > 0) {
      this.early.set(node, early - 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new PinnedHarnessError(`S${node} did not finish ${what} within ${timeoutMs} ms`)), timeoutMs);
      let list = this.waiting.get(node);
      if (!list) this.waiting.set(node, (list = []));
      list.push({
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** `node`'s process is gone while the script waited for it: those waits end now, with `why`. */
  lost(node: NodeId, why: string): void {
    for (const w of this.waiting.get(node)?.splice(0) ?? []) w.reject(new PinnedHarnessError(why));
  }

  whenConnected(node: NodeId, timeoutMs: number): Promise<void> {
    if (this.connectedNodes.has(node)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new PinnedHarnessError(`S${node} did not connect to the hub within ${timeoutMs} ms`)), timeoutMs);
      let list = this.onConnect.get(node);
      if (!list) this.onConnect.set(node, (list = []));
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  remove(m: { id: number; copy: number }): void {
    const i = this.heldCopies.findIndex((h) => h.id === m.id && h.copy === m.copy);
    if (i >= 0) this.heldCopies.splice(i, 1);
  }
}

/** Run `script` on real node processes running `program`. Shuts the cluster down before it returns. */
export async function runPinnedCluster(script: PinnedScript, program: NodeProgram, opts: PinnedClusterOptions = {}): Promise<PinnedRun> {
  const stepMs = opts.stepTimeoutMs ?? 15_000;
  const gate = new Gate();
  const model = scriptModel(script);
  const cluster: Cluster = startCluster({
    nodes: script.nodes,
    seed: opts.seed ?? 1,
    nodeProgram: program,
    protocol: 'pinned',
    title: opts.title ?? `${script.title} (pinned execution ${script.name})`,
    scripted: { gate, clients: Object.keys(script.clients ?? {}), ...(model ? { model } : {}) },
    ...(opts.nodeCommand ? { nodeCommand: opts.nodeCommand } : {}),
  });
  // A node process that dies or hangs while the script waits for it ends the wait at once.
  const lastError = new Map<NodeId, string>();
  const unsubscribe = cluster.subscribe((e) => {
    if (e.type === 'error' && e.node !== undefined) lastError.set(e.node, e.message);
    else if (e.type === 'crash') gate.lost(e.node, `S${e.node} stopped while the script waited for it${lastError.has(e.node) ? `: ${lastError.get(e.node)}` : ''}`);
  });
  try {
    const ready = cluster.ready;
    const nodes = Array.from({ length: script.nodes }, (_, i) => i + 1);
    // Boot in order, each after the one before finished its onStart: the same order as the simulator.
    await Promise.race([Promise.all(nodes.map((n) => gate.whenConnected(n, 30_000))), ready.then(() => new Promise(() => {}))]);
    const hub = cluster.scriptedHub;
    for (const n of nodes) {
      const done = gate.handled(n, stepMs, 'starting');
      hub.boot(n);
      await done;
    }
    await ready;
    const clients = new ScriptedClients(script.clients ?? {}, cluster.nodes, {
      send: (c, node, msg) => hub.clientSend(c, node, msg),
      record: (e) => hub.record(e as never),
    });
    gate.clients = clients;
    const view = {
      held: () => gate.heldCopies,
      armed: (node: NodeId) => [...(gate.timers.get(node) ?? [])].sort(),
      isUp: (node: NodeId) => cluster.isRunning(node),
      client: (id: string) => clients.view(id),
    };
    const steps: PinnedStepEvents[] = [];
    const close = () => {
      const last = steps[steps.length - 1];
      if (last) last.to = nextSeq(cluster.trace);
    };
    const apply = async (a: PinnedAction): Promise<void> => {
      switch (a.act) {
        case 'step':
          close();
          steps.push({ index: a.index, ...(script.steps[a.index].label ? { label: script.steps[a.index].label } : {}), from: nextSeq(cluster.trace), to: nextSeq(cluster.trace) });
          return;
        case 'release': {
          gate.remove(a.m);
          const toNode = a.fate.deliver && typeof a.m.to === 'number' ? a.m.to : null;
          const done = toNode !== null ? gate.handled(toNode, stepMs, `handling message #${a.m.id}`) : null;
          hub.releaseHeld(a.m, a.fate);
          if (done) await done;
          return;
        }
        case 'duplicate':
          hub.duplicateHeld(a.m, a.copy);
          gate.hold({ ...a.m, copy: a.copy });
          return;
        case 'fire': {
          gate.timers.get(a.node)?.delete(a.name);
          const done = gate.handled(a.node, stepMs, `timer ${a.name}`);
          hub.fireTimer(a.node, a.name);
          return done;
        }
        case 'invoke':
          return clients.invoke(a.client);
        case 'timeout':
          return clients.timeout(a.client);
        case 'crash':
          await cluster.crash(a.node);
          gate.timers.get(a.node)?.clear();
          gate.connectedNodes.delete(a.node);
          return;
        case 'restart': {
          const restarted = cluster.restart(a.node);
          await gate.whenConnected(a.node, 30_000);
          const done = gate.handled(a.node, stepMs, 'restarting');
          hub.boot(a.node);
          await done;
          await restarted;
          return;
        }
        case 'partition':
          return cluster.partition(a.groups);
        case 'heal':
          return cluster.heal();
        case 'link':
          return cluster.setLink(a.a, a.b, a.up);
      }
    };
    let error: PinnedRun['error'];
    try {
      for (const a of pinnedActions(script, view)) await apply(a);
    } catch (err) {
      if (!(err instanceof PinnedStepError)) throw err;
      error = { step: err.step, message: err.message };
    }
    close();
    clients.finish();
    return { script, source: 'cluster', trace: [...cluster.trace], steps, ...(error ? { error } : {}) };
  } finally {
    unsubscribe();
    await cluster.shutdown();
  }
}
