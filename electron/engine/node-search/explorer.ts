/**
 * The node-level state-space search (DSLabs-style), breadth first. A global state is every node's
 * state and stable storage (ids from the NodeMachine), its armed timers and the fires it has left,
 * the decisions per slot, the clients' history so far, each client's session, and the network; it
 * is packed into a short run of 32-bit words and remembered as a 64-bit fingerprint (search/state-set.ts).
 * Actions: deliver a message (to a node or a client), duplicate or drop one (multiset network,
 * bounded), fire a timer (bounded per node), a client invokes its next operation or resends it to
 * the next node (bounded). Invariants are checked at every new state (agreement per slot at each
 * decision, linearizability of the history so far, exactly-once once the clients are done); the
 * goal must be reachable. BFS: the first violation has a shortest path, replayed into a trace.
 * Pure apart from the machine: the same machine and config give the same report on any machine.
 */
import type { NodeId } from '@paxlab/sdk';
import { decodeResult, encodeRequest } from '../clients/index.js';
import { buildHistory, checkExactlyOnce, checkLinearizability, exactlyOnceText, linearizabilityText, type HistoryEvent, type Op } from '../history/index.js';
import type { NodeEffect } from '../realm/realm-node.js';
import { normalizeNetwork } from '../net/network-model.js';
import { StateSet } from '../search/state-set.js';
import { TraceRecorder } from '../trace/recorder.js';
import type { TraceEvent, WireMessage } from '../trace/events.js';
import type { NodeSearchConfig } from './config.js';
import { NodeStateBudgetError, type NodeInput, type NodeMachine } from './machine.js';

export interface NodeSearchViolation {
  checker: string;
  rule: string;
  message: string;
  depth: number;
  trace: TraceEvent[];
  events?: number[];
}

export interface NodeSearchReport {
  verdict: 'ok' | 'violation' | 'goal-unreached' | 'error';
  statesExplored: number;
  depthReached: number;
  /** Every path of up to this many steps was explored. */
  completeDepth: number;
  exhausted: boolean;
  stoppedBy?: 'depth' | 'states' | 'node-states';
  /** One deterministic line: what the search covered. */
  extent: string;
  violation?: NodeSearchViolation;
  goalReached?: { name: string; description: string; depth: number };
  goalMissed?: string;
  error?: string;
  nodeStates: number;
  /** Statistics only (never part of a verdict). */
  elapsedMs: number;
  statesPerSecond: number;
}

interface Msg {
  from: NodeId | string;
  to: NodeId | string;
  msg: WireMessage;
  key: string;
}

interface Client {
  id: string;
  ops: Op[];
}

/** An action: kind and two operands. */
const DELIVER = 0, DUP = 1, DROP = 2, TIMER = 3, INVOKE = 4, RETRY = 5;
/** The most messages in the network at once (a node that floods stops the search here). */
const MAX_NETWORK = 4096;

class Interner<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<string, number>();
  intern(key: string, make: () => T): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(make());
      this.ids.set(key, id);
    }
    return id;
  }
}

type Decisions = ReadonlyMap<number, string>;

/** A violation found while applying a step (carries what the report needs). */
class Found {
  constructor(
    readonly checker: string,
    readonly rule: string,
    readonly message: string,
  ) {}
}

export function runNodeSearch(machine: NodeMachine, cfg: NodeSearchConfig, hooks: { onProgress?(states: number): void } = {}): NodeSearchReport {
  const started = performance.now();
  const n = cfg.nodes;
  const nodeIds: NodeId[] = Array.from({ length: n }, (_, i) => i + 1);
  const clients: Client[] = cfg.clients;
  const k = clients.length;
  const msgs = new Interner<Msg>();
  const timerSets = new Interner<string[]>();
  const decisions = new Interner<Decisions>();
  const histories = new Interner<HistoryEvent[]>();
  const timerNames = new Interner<string>();
  const EMPTY_TIMERS = timerSets.intern('', () => []);
  const EMPTY_DEC = decisions.intern('', () => new Map());
  const EMPTY_HIST = histories.intern('[]', () => []);
  const linCache = new Map<number, Found | null>();

  // Layout: per node [state, stored, timers, fires]; decisions; history; per client [next, outstanding, attempts, target]; dups; drops; netLen; net…
  const NODE = 0, DEC = 4 * n, HIST = DEC + 1, CLI = HIST + 1, DUPS = CLI + 4 * k, DROPS = DUPS + 1, NET = DROPS + 1;

  const internMsg = (from: NodeId | string, to: NodeId | string, msg: WireMessage): number => {
    const json = JSON.stringify(msg);
    const key = `${from}>${to}:${json}`;
    return msgs.intern(key, () => ({ from, to, msg, key: json }));
  };

  /** A mutable unpacked state: the fixed words, and the network as a sorted list of message ids. */
  interface S {
    w: Int32Array;
    net: number[];
  }
  const unpack = (words: Int32Array): S => {
    const len = words[NET];
    const net = new Array<number>(len);
    for (let i = 0; i < len; i++) net[i] = words[NET + 1 + i];
    return { w: words.slice(0, NET), net };
  };
  const pack = (s: S): Int32Array => {
    const out = new Int32Array(NET + 1 + s.net.length);
    out.set(s.w, 0);
    out[NET] = s.net.length;
    for (let i = 0; i < s.net.length; i++) out[NET + 1 + i] = s.net[i];
    return out;
  };
  /** Insert a message id, keeping the list sorted (a set network holds each message once). */
  const netAdd = (s: S, id: number) => {
    const net = s.net;
    let lo = 0;
    let hi = net.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (net[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    if (cfg.network === 'set' && net[lo] === id) return;
    net.splice(lo, 0, id);
  };

  // ---- recording a path as a trace (only while replaying a counterexample or a goal path) ----
  let rec: TraceRecorder | null = null;
  let recT = 0;
  const traceIds = new Map<number, number>();
  const copies = new Map<number, number>();
  let nextTraceId = 1;
  const record = (e: Record<string, unknown>) => rec?.recordOwned({ ...e, t: recT } as never);
  const traceSend = (id: number) => {
    if (!rec) return;
    const m = msgs.values[id];
    if (cfg.network === 'set' && traceIds.has(id)) return;
    const tid = nextTraceId++;
    traceIds.set(id, tid);
    copies.set(tid, 0);
    record({ type: 'send', id: tid, from: m.from, to: m.to, msg: m.msg });
  };
  const traceDeliver = (id: number) => {
    if (!rec) return;
    const m = msgs.values[id];
    const tid = traceIds.get(id) ?? 0;
    const copy = copies.get(tid) ?? 0;
    if (copy > 0 && cfg.network === 'set') record({ type: 'duplicate', id: tid, from: m.from, to: m.to, copy });
    copies.set(tid, copy + 1);
    record({ type: 'deliver', id: tid, from: m.from, to: m.to, msg: m.msg, copy });
  };

  const addMsg = (s: S, from: NodeId | string, to: NodeId | string, msg: WireMessage) => {
    const id = internMsg(from, to, msg);
    netAdd(s, id);
    traceSend(id);
    if (s.net.length > MAX_NETWORK) throw new Found('flood', 'node.flood', `more than ${MAX_NETWORK} messages in the network at once: a node keeps sending`);
  };

  const sentIds = new WeakMap<object, number[]>();
  const clientOf = (request: string): number => clients.findIndex((c) => request.startsWith(`${c.id}:`));

  /** Apply a node step's outcome to the state. */
  const applyStep = (s: S, node: NodeId, step: ReturnType<NodeMachine['step']>) => {
    const base = NODE + 4 * (node - 1);
    if (step.failure) {
      record({ type: 'error', node, message: step.failure.message });
      throw new Found(step.failure.checker, step.failure.rule, step.failure.message);
    }
    s.w[base] = step.state;
    s.w[base + 1] = step.stored;
    let timers = timerSets.values[s.w[base + 2]];
    let timersChanged = false;
    // A memoized step sends the same messages every time: intern them once.
    let sent = sentIds.get(step);
    if (!sent) {
      sent = [];
      for (const e of step.effects as NodeEffect[]) {
        if (e.op === 'send') sent.push(internMsg(node, e.to, e.msg as WireMessage));
        else if (e.op === 'broadcast') for (const to of nodeIds) if (e.self || to !== node) sent.push(internMsg(node, to, e.msg as WireMessage));
      }
      sentIds.set(step, sent);
    }
    for (const id of sent) {
      netAdd(s, id);
      traceSend(id);
    }
    if (s.net.length > MAX_NETWORK) throw new Found('flood', 'node.flood', `more than ${MAX_NETWORK} messages in the network at once: a node keeps sending`);
    for (const e of step.effects as NodeEffect[]) {
      switch (e.op) {
        case 'send':
        case 'broadcast':
          break;
        case 'setTimer':
          if (!timers.includes(e.name)) {
            timers = [...timers, e.name].sort();
            timersChanged = true;
          }
          break;
        case 'cancelTimer':
          if (timers.includes(e.name)) {
            timers = timers.filter((t) => t !== e.name);
            timersChanged = true;
          }
          break;
        case 'decide': {
          const value = String(e.value);
          record({ type: 'decide', node, value, slot: e.slot });
          const dec = decisions.values[s.w[DEC]];
          const before = dec.get(e.slot);
          if (before === undefined) {
            const next = new Map(dec).set(e.slot, value);
            const key = [...next].sort((a, b) => a[0] - b[0]).map(([sl, v]) => `${sl}=${JSON.stringify(v)}`).join(',');
            s.w[DEC] = decisions.intern(key, () => next);
          } else if (before !== value && cfg.invariants.includes('agreement')) {
            throw new Found('agreement', 'node-search.agreement', `node ${node} decided ${JSON.stringify(value)} in slot ${e.slot}, where ${JSON.stringify(before)} was decided before`);
          }
          break;
        }
        case 'reply':
        case 'redirect':
        case 'reject': {
          const c = clientOf(e.id);
          if (c < 0) break;
          const msg = e.op === 'reply' ? { kind: 'reply', request: e.id, result: e.result } : e.op === 'redirect' ? { kind: 'redirect', request: e.id, leader: e.to } : { kind: 'reject', request: e.id, reason: e.reason };
          addMsg(s, node, clients[c].id, msg as WireMessage);
          break;
        }
        case 'log':
          record({ type: 'log', node, text: e.text });
          break;
      }
    }
    if (timersChanged) s.w[base + 2] = timerSets.intern(timers.join('\u0000'), () => timers);
  };

  const pushHistory = (s: S, e: HistoryEvent) => {
    const h = [...histories.values[s.w[HIST]], { ...e, seq: histories.values[s.w[HIST]].length + 1 }];
    s.w[HIST] = histories.intern(JSON.stringify(h), () => h);
    record({ ...e });
  };

  const sendRequest = (s: S, c: number, node: NodeId) => {
    const cb = CLI + 4 * c;
    const seq = s.w[cb];
    const op = clients[c].ops[seq - 1];
    s.w[cb + 3] = node;
    addMsg(s, clients[c].id, node, { kind: 'request', request: `${clients[c].id}:${seq}`, client: clients[c].id, seq, value: encodeRequest(op) } as unknown as WireMessage);
  };

  /** The successor of `words` by action (kind, a, b); throws Found on a violation. */
  const successor = (words: Int32Array, kind: number, a: number, b: number): Int32Array => {
    const s = unpack(words);
    switch (kind) {
      case DELIVER:
      case DROP: {
        if (cfg.network === 'multiset' || kind === DROP) s.net.splice(s.net.indexOf(a), 1);
        if (kind === DROP) {
          s.w[DROPS]--;
          record({ type: 'drop', id: traceIds.get(a) ?? 0, from: msgs.values[a].from, to: msgs.values[a].to, reason: 'search' });
          break;
        }
        traceDeliver(a);
        const m = msgs.values[a];
        if (typeof m.to === 'number') {
          const base = NODE + 4 * (m.to - 1);
          let input: NodeInput;
          if (typeof m.from === 'string') {
            const r = m.msg as unknown as { request: string; client: string; seq: number; value: string };
            input = { type: 'request', request: { id: r.request, value: r.value, client: r.client, seq: r.seq } };
          } else input = { type: 'message', from: m.from, msg: m.msg as Record<string, unknown> };
          applyStep(s, m.to, machine.step(m.to, s.w[base], s.w[base + 1], input, `m${a}`));
        } else {
          // An answer reaches a client: it counts only for the operation it is waiting for.
          const c = clients.findIndex((x) => x.id === m.to);
          const cb = CLI + 4 * c;
          const ans = m.msg as unknown as { kind: string; request: string; result?: string; leader?: number; reason?: string };
          if (s.w[cb + 1] !== 1 || ans.request !== `${clients[c].id}:${s.w[cb]}`) break;
          const op = clients[c].ops[s.w[cb] - 1];
          if (ans.kind === 'redirect') {
            if (s.w[cb + 2] >= cfg.clientRetries) break;
            s.w[cb + 2]++;
            sendRequest(s, c, ans.leader as NodeId);
            break;
          }
          s.w[cb + 1] = 0;
          s.w[cb + 2] = 0;
          if (ans.kind === 'reply') pushHistory(s, { type: 'ok', seq: 0, client: clients[c].id, request: ans.request, result: decodeResult(op, ans.result ?? ''), node: m.from as number });
          else pushHistory(s, { type: 'fail', seq: 0, client: clients[c].id, request: ans.request, reason: ans.reason ?? '', node: m.from as number });
        }
        break;
      }
      case DUP:
        s.net.splice(s.net.indexOf(a), 0, a);
        s.w[DUPS]--;
        record({ type: 'duplicate', id: traceIds.get(a) ?? 0, from: msgs.values[a].from, to: msgs.values[a].to, copy: 1 });
        break;
      case TIMER: {
        const base = NODE + 4 * (a - 1);
        const name = timerNames.values[b];
        const timers = timerSets.values[s.w[base + 2]].filter((t) => t !== name);
        s.w[base + 2] = timerSets.intern(timers.join('\u0000'), () => timers);
        s.w[base + 3]--;
        record({ type: 'timer', node: a, name });
        applyStep(s, a, machine.step(a, s.w[base], s.w[base + 1], { type: 'timer', name }, `t${name}`));
        break;
      }
      case INVOKE: {
        const cb = CLI + 4 * a;
        s.w[cb]++;
        s.w[cb + 1] = 1;
        s.w[cb + 2] = 0;
        const target = s.w[cb + 3];
        pushHistory(s, { type: 'invoke', seq: 0, client: clients[a].id, request: `${clients[a].id}:${s.w[cb]}`, op: clients[a].ops[s.w[cb] - 1], node: target });
        sendRequest(s, a, target);
        break;
      }
      case RETRY: {
        const cb = CLI + 4 * a;
        s.w[cb + 2]++;
        const next = (s.w[cb + 3] % n) + 1;
        sendRequest(s, a, next);
        break;
      }
    }
    return pack(s);
  };

  /** Invariants over the history of a new state. */
  const judgeHistory = (words: Int32Array): Found | null => {
    const h = words[HIST];
    if (!linCache.has(h)) {
      let found: Found | null = null;
      const events = histories.values[h];
      if (cfg.invariants.includes('linearizable') && events.length > 0) {
        const r = checkLinearizability(buildHistory(events), { model: cfg.model });
        if (r.verdict === 'illegal') found = new Found('linearizable', 'node-search.linearizable', linearizabilityText(r).trim().replace(/\n\s*/g, '; '));
      }
      if (!found && cfg.invariants.includes('exactly-once') && allDone(words)) {
        const r = checkExactlyOnce(buildHistory(events));
        if (!r.ok) found = new Found('exactly-once', 'node-search.exactly-once', exactlyOnceText(r).trim().replace(/\n\s*/g, '; '));
      }
      linCache.set(h, found);
    }
    return linCache.get(h)!;
  };
  const allDone = (words: Int32Array) => clients.every((c, i) => words[CLI + 4 * i] === c.ops.length && words[CLI + 4 * i + 1] === 0);

  const goalOf = (words: Int32Array): string | null => {
    switch (cfg.goal) {
      case 'none':
        return null;
      case 'decided':
        return decisions.values[words[DEC]].size > 0 ? `slot ${[...decisions.values[words[DEC]].keys()][0]} is decided` : null;
      case 'reply': {
        const ok = histories.values[words[HIST]].find((e) => e.type === 'ok');
        return ok ? `${ok.client}'s ${ok.request} completed` : null;
      }
      case 'all-replied':
        return k > 0 && allDone(words) && histories.values[words[HIST]].every((e) => e.type !== 'fail') ? `every client's operations completed (${clients.map((c) => `${c.id}: ${c.ops.length}`).join(', ')})` : null;
    }
  };

  // ---- the initial state ----
  const init = (): Int32Array => {
    const s: S = { w: new Int32Array(NET), net: [] };
    for (const node of nodeIds) {
      const base = NODE + 4 * (node - 1);
      s.w[base + 2] = EMPTY_TIMERS;
      s.w[base + 3] = cfg.timers.maxFires;
      applyStep(s, node, machine.boot(node, 0));
    }
    s.w[DEC] = EMPTY_DEC;
    s.w[HIST] = EMPTY_HIST;
    clients.forEach((_, i) => {
      s.w[CLI + 4 * i + 3] = cfg.clientsStartAt ?? (i % n) + 1;
    });
    s.w[DUPS] = cfg.maxDuplicates;
    s.w[DROPS] = cfg.maxDrops;
    return pack(s);
  };

  const actionsOf = (words: Int32Array): Array<[number, number, number]> => {
    const out: Array<[number, number, number]> = [];
    const len = words[NET];
    for (let i = 0; i < len; i++) {
      const id = words[NET + 1 + i];
      if (i > 0 && words[NET + i] === id) continue;
      out.push([DELIVER, id, 0]);
      if (cfg.network === 'multiset') {
        if (words[DUPS] > 0) out.push([DUP, id, 0]);
        if (words[DROPS] > 0) out.push([DROP, id, 0]);
      }
    }
    for (const node of nodeIds) {
      const base = NODE + 4 * (node - 1);
      if (words[base + 3] <= 0) continue;
      for (const name of timerSets.values[words[base + 2]]) {
        if (cfg.timers.only && !cfg.timers.only.includes(name)) continue;
        out.push([TIMER, node, timerNames.intern(name, () => name)]);
      }
    }
    clients.forEach((c, i) => {
      const cb = CLI + 4 * i;
      if (words[cb + 1] === 0 && words[cb] < c.ops.length) out.push([INVOKE, i, 0]);
      if (words[cb + 1] === 1 && words[cb + 2] < cfg.clientRetries) out.push([RETRY, i, 0]);
    });
    return out;
  };

  /**
   * Whether delivering message `id` (which stays in a set network) leaves the state as it is: a node
   * whose step changes nothing and does nothing, or an answer its client is not waiting for. Most
   * deliveries are such; skipping them before building a successor is what keeps the search fast.
   */
  const selfLoop = (w: Int32Array, id: number): boolean => {
    const m = msgs.values[id];
    if (typeof m.to === 'number') {
      const base = NODE + 4 * (m.to - 1);
      const input: NodeInput =
        typeof m.from === 'string'
          ? (() => {
              const r = m.msg as unknown as { request: string; client: string; seq: number; value: string };
              return { type: 'request' as const, request: { id: r.request, value: r.value, client: r.client, seq: r.seq } };
            })()
          : { type: 'message', from: m.from, msg: m.msg as Record<string, unknown> };
      const step = machine.step(m.to, w[base], w[base + 1], input, `m${id}`);
      if (step.failure || step.state !== w[base] || step.stored !== w[base + 1]) return false;
      return changesNothing(w, m.to, step);
    }
    const c = clientIndex.get(m.to)!;
    const cb = CLI + 4 * c;
    const ans = m.msg as unknown as { request: string };
    return w[cb + 1] !== 1 || ans.request !== `${clients[c].id}:${w[cb]}`;
  };
  /** Whether a step's effects are all already there: messages in the (set) network, timers armed, decisions made. */
  const changesNothing = (w: Int32Array, node: NodeId, step: ReturnType<NodeMachine['step']>): boolean => {
    const base = NODE + 4 * (node - 1);
    const timers = timerSets.values[w[base + 2]];
    const dec = decisions.values[w[DEC]];
    for (const e of step.effects) {
      if (e.op === 'setTimer' && !timers.includes(e.name)) return false;
      if (e.op === 'cancelTimer' && timers.includes(e.name)) return false;
      if (e.op === 'decide' && dec.get(e.slot) !== String(e.value)) return false;
      if (e.op === 'reply' || e.op === 'redirect' || e.op === 'reject') {
        const c = clientOf(e.id);
        if (c >= 0) {
          const msg = e.op === 'reply' ? { kind: 'reply', request: e.id, result: e.result } : e.op === 'redirect' ? { kind: 'redirect', request: e.id, leader: e.to } : { kind: 'reject', request: e.id, reason: e.reason };
          if (!inNet(w, internMsg(node, clients[c].id, msg as WireMessage))) return false;
        }
      }
    }
    let sent = sentIds.get(step);
    if (!sent) {
      sent = [];
      for (const e of step.effects) {
        if (e.op === 'send') sent.push(internMsg(node, e.to, e.msg as WireMessage));
        else if (e.op === 'broadcast') for (const to of nodeIds) if (e.self || to !== node) sent.push(internMsg(node, to, e.msg as WireMessage));
      }
      sentIds.set(step, sent);
    }
    for (const id of sent) if (!inNet(w, id)) return false;
    return true;
  };
  /** Binary search of the sorted network words. */
  const inNet = (w: Int32Array, id: number): boolean => {
    let lo = NET + 1;
    let hi = NET + w[NET];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid] === id) return true;
      if (w[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  const clientIndex = new Map(clients.map((c, i) => [c.id, i] as const));

  // ---- BFS ----
  const seen = new StateSet();
  const parents: number[] = [];
  const actions: Array<[number, number, number]> = [];
  let violation: { found: Found; index: number; depth: number } | null = null;
  let goal: { index: number; depth: number; description: string } | null = null;
  let stoppedBy: NodeSearchReport['stoppedBy'];
  let depth = 0;
  let completeDepth = 0;
  let error: string | undefined;

  const replay = (index: number, tail?: [number, number, number]): TraceEvent[] => {
    const path: Array<[number, number, number]> = [];
    for (let i = index; i > 0; i = parents[i]) path.push(actions[i]);
    path.reverse();
    if (tail) path.push(tail);
    rec = new TraceRecorder({ source: 'search', nodes: nodeIds, seed: 0, network: normalizeNetwork({}), protocol: 'node-search', title: 'node search counterexample', ...(k ? { clients: clients.map((c) => c.id), model: cfg.model } : {}) } as never);
    traceIds.clear();
    copies.clear();
    nextTraceId = 1;
    recT = 0;
    try {
      let w = init();
      for (const [kind, a, b] of path) {
        recT++;
        w = successor(w, kind, a, b);
      }
    } catch (e) {
      if (!(e instanceof Found)) throw e;
    }
    const out = rec.events;
    rec = null;
    return out;
  };

  let initial: Int32Array | null = null;
  try {
    initial = init();
  } catch (e) {
    if (e instanceof Found) violation = { found: e, index: 0, depth: 0 };
    else if (e instanceof NodeStateBudgetError) error = e.message;
    else throw e;
  }
  let frontier: Array<{ w: Int32Array; i: number }> = [];
  if (initial) {
    seen.addWords(initial, 0, initial.length);
    parents.push(-1);
    actions.push([0, 0, 0]);
    frontier = [{ w: initial, i: 0 }];
    const g = goalOf(initial);
    if (g) goal = { index: 0, depth: 0, description: g };
  }
  let failingTail: [number, number, number] | undefined;
  outer: while (frontier.length > 0 && !violation && !error) {
    if (cfg.maxDepth !== undefined && depth >= cfg.maxDepth) {
      stoppedBy = 'depth';
      break;
    }
    const next: typeof frontier = [];
    for (const { w, i } of frontier) {
      for (const act of actionsOf(w)) {
        if (act[0] === DELIVER && cfg.network === 'set' && selfLoop(w, act[1])) continue;
        let succ: Int32Array;
        try {
          succ = successor(w, act[0], act[1], act[2]);
        } catch (e) {
          if (e instanceof Found) {
            violation = { found: e, index: i, depth: depth + 1 };
            failingTail = act;
            break outer;
          }
          if (e instanceof NodeStateBudgetError) {
            stoppedBy = 'node-states';
            error = undefined;
            break outer;
          }
          throw e;
        }
        if (!seen.addWords(succ, 0, succ.length)) continue;
        const index = parents.length;
        parents.push(i);
        actions.push(act);
        const bad = judgeHistory(succ);
        if (bad) {
          violation = { found: bad, index, depth: depth + 1 };
          break outer;
        }
        if (!goal) {
          const g = goalOf(succ);
          if (g) goal = { index, depth: depth + 1, description: g };
        }
        if (parents.length >= cfg.maxStates) {
          stoppedBy = 'states';
          break outer;
        }
        next.push({ w: succ, i: index });
      }
      if (parents.length % 10_000 === 0) hooks.onProgress?.(parents.length);
    }
    depth++;
    completeDepth = depth;
    frontier = next;
  }
  const exhausted = !violation && !stoppedBy && !error && frontier.length === 0;
  const elapsedMs = Math.round(performance.now() - started);
  const statesExplored = parents.length;
  const extent = exhausted
    ? `exhaustive: ${statesExplored} states, every order of deliveries, timer fires and client steps within the bounds`
    : stoppedBy === 'depth'
      ? `every path of up to ${cfg.maxDepth} steps: ${statesExplored} states`
      : `no violation in the first ${statesExplored} states, not exhaustive (every path of up to ${completeDepth} steps)`;
  const base = {
    statesExplored,
    depthReached: depth,
    completeDepth,
    exhausted,
    ...(stoppedBy ? { stoppedBy } : {}),
    nodeStates: machine.counts.states,
    elapsedMs,
    statesPerSecond: elapsedMs > 0 ? Math.round((statesExplored * 1000) / elapsedMs) : statesExplored,
  };
  if (error) return { ...base, verdict: 'error', extent, error };
  if (violation) {
    const trace = replay(violation.index, failingTail);
    return {
      ...base,
      verdict: 'violation',
      extent: `violation after ${violation.depth} steps (${statesExplored} states explored)`,
      violation: { checker: violation.found.checker, rule: violation.found.rule, message: violation.found.message, depth: violation.depth, trace },
      ...(goal ? { goalReached: { name: cfg.goal, description: goal.description, depth: goal.depth } } : {}),
    };
  }
  if (cfg.goal !== 'none' && !goal) {
    // Within a budget, the goal only fails if no path of the explored depth reached it.
    return { ...base, verdict: 'goal-unreached', extent, goalMissed: goalMissedText(cfg, exhausted, completeDepth, statesExplored) };
  }
  return { ...base, verdict: 'ok', extent, ...(goal ? { goalReached: { name: cfg.goal, description: goal.description, depth: goal.depth } } : {}) };
}

function goalMissedText(cfg: NodeSearchConfig, exhausted: boolean, depth: number, states: number): string {
  const what = cfg.goal === 'decided' ? 'a slot is decided' : cfg.goal === 'reply' ? 'a client operation completes' : "every client's operations complete";
  return exhausted ? `no order of deliveries, timer fires and client steps lets ${what} (${states} states, exhaustive)` : `no path of up to ${depth} steps (the first ${states} states) lets ${what}`;
}
