/**
 * The node-level state-space search (DSLabs-style), breadth first. A global state is every node's
 * state and stable storage (ids from the NodeMachine), its armed timers and the fires it has left,
 * the decisions per slot, the clients' history so far, each client's session, and the network; it
 * is packed into a short run of 32-bit words and remembered as a 64-bit fingerprint in a
 * search/state-set.ts table: the fixed words hashed in order, the network (a multiset of message
 * ids) by sums kept up to date as messages come and go (state-buffer.ts).
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
import { StateBuffer } from './state-buffer.js';
import { TraceRecorder } from '../trace/recorder.js';
import type { TraceEvent, WireMessage } from '../trace/events.js';
import type { NodeSearchConfig } from './config.js';
import { NodeStateBudgetError, type NodeInput, type NodeMachine, type NodeStep } from './machine.js';

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

  /** The state being built (edited in place; see state-buffer.ts). */
  const S = new StateBuffer(NET);
  const netAdd = (id: number) => S.add(id, cfg.network === 'set');

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

  const flood = () => new Found('flood', 'node.flood', `more than ${MAX_NETWORK} messages in the network at once: a node keeps sending`);
  const addMsgId = (id: number) => {
    netAdd(id);
    traceSend(id);
    if (S.netLength > MAX_NETWORK) throw flood();
  };

  const clientOf = (request: string): number => clients.findIndex((c) => request.startsWith(`${c.id}:`));
  const answerOf = (e: NodeEffect & { op: 'reply' | 'redirect' | 'reject' }) =>
    (e.op === 'reply' ? { kind: 'reply', request: e.id, result: e.result } : e.op === 'redirect' ? { kind: 'redirect', request: e.id, leader: e.to } : { kind: 'reject', request: e.id, reason: e.reason }) as unknown as WireMessage;

  /**
   * What the explorer remembers of one node step (the machine memoizes steps, so one step object
   * comes back for every state where that node is in that state and gets that input): the ids of
   * the messages it sends, of the answers it sends to clients, and its effect on the armed timers.
   * Each is computed the first time it is needed, where the search needed it before, so messages
   * are interned in the same order as without these caches.
   */
  interface StepInfo {
    step: NodeStep;
    node: NodeId;
    sent: number[] | null;
    /** Per effect: the interned answer message, -2 when the answer is for no client of the search, -1 not yet known. */
    answers: Int32Array;
    /** The armed timers after the step, by the armed timers before it. */
    timersAfter: Map<number, number>;
    /** The decisions after a decide effect (by effect index), by the decisions before it. */
    decided: Map<number, Map<number, number>>;
  }
  const infos = new WeakMap<NodeStep, StepInfo>();
  const infoOf = (node: NodeId, step: NodeStep): StepInfo => {
    let info = infos.get(step);
    if (!info) {
      info = { step, node, sent: null, answers: new Int32Array(step.effects.length).fill(-1), timersAfter: new Map(), decided: new Map() };
      infos.set(step, info);
    }
    return info;
  };
  const sentOf = (info: StepInfo): number[] => {
    if (info.sent) return info.sent;
    const sent: number[] = [];
    const node = info.node;
    for (const e of info.step.effects as NodeEffect[]) {
      if (e.op === 'send') sent.push(internMsg(node, e.to, e.msg as WireMessage));
      else if (e.op === 'broadcast') for (const to of nodeIds) if (e.self || to !== node) sent.push(internMsg(node, to, e.msg as WireMessage));
    }
    info.sent = sent;
    return sent;
  };
  /** The answer message of effect `i` (a reply, redirect or reject), or -2 when it is for no client here. */
  const answerId = (info: StepInfo, i: number): number => {
    let id = info.answers[i];
    if (id === -1) {
      const e = info.step.effects[i] as NodeEffect & { op: 'reply' | 'redirect' | 'reject' };
      const c = clientOf(e.id);
      id = c < 0 ? -2 : internMsg(info.node, clients[c].id, answerOf(e));
      info.answers[i] = id;
    }
    return id;
  };

  /**
   * The step of `node` in its current state on an input, through a cache keyed by small integers
   * (node state and node, then input and stable storage) in front of the machine's own memo.
   * `input` code: 2·message id for a delivery, 2·timer-name id + 1 for a timer.
   */
  const stepCache: Array<Map<number, StepInfo> | undefined> = [];
  const STORED_LIMIT = 1 << 22;
  const stepOf = (node: NodeId, state: number, stored: number, code: number, makeInput: () => NodeInput, inputKey: () => string): StepInfo => {
    if (stored >= STORED_LIMIT) return infoOf(node, machine.step(node, state, stored, makeInput(), inputKey()));
    const slot = state * 8 + node;
    let byInput = stepCache[slot];
    if (!byInput) stepCache[slot] = byInput = new Map();
    const key = code * STORED_LIMIT + stored;
    let info = byInput.get(key);
    if (!info) {
      info = infoOf(node, machine.step(node, state, stored, makeInput(), inputKey()));
      byInput.set(key, info);
    }
    return info;
  };
  const messageInput = (m: Msg): NodeInput => {
    if (typeof m.from === 'string') {
      const r = m.msg as unknown as { request: string; client: string; seq: number; value: string };
      return { type: 'request', request: { id: r.request, value: r.value, client: r.client, seq: r.seq } };
    }
    return { type: 'message', from: m.from, msg: m.msg as Record<string, unknown> };
  };
  const deliveryStep = (node: NodeId, state: number, stored: number, id: number): StepInfo =>
    stepOf(node, state, stored, 2 * id, () => messageInput(msgs.values[id]), () => `m${id}`);

  /** Apply a node step's outcome to the scratch state. */
  const applyStep = (node: NodeId, info: StepInfo) => {
    const step = info.step;
    const base = NODE + 4 * (node - 1);
    if (step.failure) {
      record({ type: 'error', node, message: step.failure.message });
      throw new Found(step.failure.checker, step.failure.rule, step.failure.message);
    }
    S.w[base] = step.state;
    S.w[base + 1] = step.stored;
    const timersBefore = S.w[base + 2];
    let timersChanged = false;
    const sent = sentOf(info);
    for (const id of sent) {
      netAdd(id);
      traceSend(id);
    }
    if (S.netLength > MAX_NETWORK) throw flood();
    const effects = step.effects as NodeEffect[];
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i];
      switch (e.op) {
        case 'send':
        case 'broadcast':
          break;
        case 'setTimer':
        case 'cancelTimer':
          timersChanged = true;
          break;
        case 'decide': {
          const value = String(e.value);
          record({ type: 'decide', node, value, slot: e.slot });
          const decBefore = S.w[DEC];
          let byDec = info.decided.get(i);
          const known = byDec?.get(decBefore);
          if (known !== undefined) {
            S.w[DEC] = known;
            break;
          }
          const dec = decisions.values[decBefore];
          const before = dec.get(e.slot);
          if (before === undefined) {
            const next = new Map(dec).set(e.slot, value);
            const key = [...next].sort((a, b) => a[0] - b[0]).map(([sl, v]) => `${sl}=${JSON.stringify(v)}`).join(',');
            S.w[DEC] = decisions.intern(key, () => next);
            if (!byDec) info.decided.set(i, (byDec = new Map()));
            byDec.set(decBefore, S.w[DEC]);
          } else if (before !== value && cfg.invariants.includes('agreement')) {
            throw new Found('agreement', 'node-search.agreement', `node ${node} decided ${JSON.stringify(value)} in slot ${e.slot}, where ${JSON.stringify(before)} was decided before`);
          }
          break;
        }
        case 'reply':
        case 'redirect':
        case 'reject': {
          const id = answerId(info, i);
          if (id >= 0) addMsgId(id);
          break;
        }
        case 'log':
          record({ type: 'log', node, text: e.text });
          break;
      }
    }
    if (timersChanged) {
      let after = info.timersAfter.get(timersBefore);
      if (after === undefined) {
        let timers = timerSets.values[timersBefore];
        let changed = false;
        for (const e of effects) {
          if (e.op === 'setTimer' && !timers.includes(e.name)) {
            timers = [...timers, e.name].sort();
            changed = true;
          } else if (e.op === 'cancelTimer' && timers.includes(e.name)) {
            timers = timers.filter((t) => t !== e.name);
            changed = true;
          }
        }
        const list = timers;
        after = changed ? timerSets.intern(list.join('\u0000'), () => list) : timersBefore;
        info.timersAfter.set(timersBefore, after);
      }
      S.w[base + 2] = after;
    }
  };

  /** The history after appending an event, by history and event code (the event is a function of both). */
  const historyNext = new Map<number, Map<number, number>>();
  const pushHistory = (code: number, make: () => HistoryEvent) => {
    const from = S.w[HIST];
    let byCode = historyNext.get(from);
    const known = rec ? undefined : byCode?.get(code);
    if (known !== undefined) {
      S.w[HIST] = known;
      return;
    }
    const e = make();
    const h = [...histories.values[from], { ...e, seq: histories.values[from].length + 1 }];
    S.w[HIST] = histories.intern(JSON.stringify(h), () => h);
    if (!byCode) historyNext.set(from, (byCode = new Map()));
    byCode.set(code, S.w[HIST]);
    record({ ...e });
  };

  /** Request messages, by (client, seq, node). */
  const requestIds = new Map<number, number>();
  const sendRequest = (c: number, node: NodeId) => {
    const cb = CLI + 4 * c;
    const seq = S.w[cb];
    S.w[cb + 3] = node;
    // A redirect names the node itself: only a node of the search is a cache key.
    const cacheable = Number.isInteger(node) && node >= 1 && node <= n;
    const key = (c * 1024 + seq) * 8 + node;
    let id = cacheable ? requestIds.get(key) : undefined;
    if (id === undefined) {
      const op = clients[c].ops[seq - 1];
      id = internMsg(clients[c].id, node, { kind: 'request', request: `${clients[c].id}:${seq}`, client: clients[c].id, seq, value: encodeRequest(op) } as unknown as WireMessage);
      if (cacheable) requestIds.set(key, id);
    }
    addMsgId(id);
  };

  /** The timer set without one timer, by (timer set, timer name). */
  const timerFired = new Map<number, number>();

  /** Builds the successor of `words` by action (kind, a, b) in the scratch buffer; throws Found on a violation. */
  const successor = (words: Int32Array, kind: number, a: number, b: number, sum1?: number, sum2?: number): void => {
    S.load(words, sum1, sum2);
    switch (kind) {
      case DELIVER:
      case DROP: {
        if (cfg.network === 'multiset' || kind === DROP) S.remove(a);
        if (kind === DROP) {
          S.w[DROPS]--;
          record({ type: 'drop', id: traceIds.get(a) ?? 0, from: msgs.values[a].from, to: msgs.values[a].to, reason: 'search' });
          break;
        }
        traceDeliver(a);
        const m = msgs.values[a];
        if (typeof m.to === 'number') {
          const base = NODE + 4 * (m.to - 1);
          applyStep(m.to, deliveryStep(m.to, S.w[base], S.w[base + 1], a));
        } else {
          // An answer reaches a client: it counts only for the operation it is waiting for.
          const c = clientIndex.get(m.to)!;
          const cb = CLI + 4 * c;
          const ans = m.msg as unknown as { kind: string; request: string; result?: string; leader?: number; reason?: string };
          if (S.w[cb + 1] !== 1 || ans.request !== `${clients[c].id}:${S.w[cb]}`) break;
          if (ans.kind === 'redirect') {
            if (S.w[cb + 2] >= cfg.clientRetries) break;
            S.w[cb + 2]++;
            sendRequest(c, ans.leader as NodeId);
            break;
          }
          S.w[cb + 1] = 0;
          S.w[cb + 2] = 0;
          const op = clients[c].ops[S.w[cb] - 1];
          if (ans.kind === 'reply') pushHistory(2 * a, () => ({ type: 'ok', seq: 0, client: clients[c].id, request: ans.request, result: decodeResult(op, ans.result ?? ''), node: m.from as number }));
          else pushHistory(2 * a, () => ({ type: 'fail', seq: 0, client: clients[c].id, request: ans.request, reason: ans.reason ?? '', node: m.from as number }));
        }
        break;
      }
      case DUP:
        S.add(a, false);
        S.w[DUPS]--;
        record({ type: 'duplicate', id: traceIds.get(a) ?? 0, from: msgs.values[a].from, to: msgs.values[a].to, copy: 1 });
        break;
      case TIMER: {
        const base = NODE + 4 * (a - 1);
        const name = timerNames.values[b];
        const fkey = S.w[base + 2] * 65536 + b;
        let after = timerFired.get(fkey);
        if (after === undefined || b >= 65536) {
          const timers = timerSets.values[S.w[base + 2]].filter((t) => t !== name);
          after = timerSets.intern(timers.join('\u0000'), () => timers);
          if (b < 65536) timerFired.set(fkey, after);
        }
        S.w[base + 2] = after;
        S.w[base + 3]--;
        record({ type: 'timer', node: a, name });
        applyStep(a, stepOf(a, S.w[base], S.w[base + 1], 2 * b + 1, () => ({ type: 'timer', name }), () => `t${name}`));
        break;
      }
      case INVOKE: {
        const cb = CLI + 4 * a;
        S.w[cb]++;
        S.w[cb + 1] = 1;
        S.w[cb + 2] = 0;
        const target = S.w[cb + 3];
        const seq = S.w[cb];
        pushHistory(2 * ((a * 1024 + seq) * 8 + target) + 1, () => ({ type: 'invoke', seq: 0, client: clients[a].id, request: `${clients[a].id}:${seq}`, op: clients[a].ops[seq - 1], node: target }));
        sendRequest(a, target);
        break;
      }
      case RETRY: {
        const cb = CLI + 4 * a;
        S.w[cb + 2]++;
        const next = (S.w[cb + 3] % n) + 1;
        sendRequest(a, next);
        break;
      }
    }
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
    S.clear();
    for (const node of nodeIds) {
      const base = NODE + 4 * (node - 1);
      S.w[base + 2] = EMPTY_TIMERS;
      S.w[base + 3] = cfg.timers.maxFires;
      applyStep(node, infoOf(node, machine.boot(node, 0)));
    }
    S.w[DEC] = EMPTY_DEC;
    S.w[HIST] = EMPTY_HIST;
    clients.forEach((_, i) => {
      S.w[CLI + 4 * i + 3] = cfg.clientsStartAt ?? (i % n) + 1;
    });
    S.w[DUPS] = cfg.maxDuplicates;
    S.w[DROPS] = cfg.maxDrops;
    return S.packed();
  };

  /** The timers of a timer set that may fire (cfg.timers.only), as timer-name ids, by timer set. */
  const firable = new Map<number, number[]>();
  const firableOf = (set: number): number[] => {
    let ids = firable.get(set);
    if (!ids) {
      ids = [];
      for (const name of timerSets.values[set]) {
        if (cfg.timers.only && !cfg.timers.only.includes(name)) continue;
        ids.push(timerNames.intern(name, () => name));
      }
      firable.set(set, ids);
    }
    return ids;
  };
  /** The actions enabled in a state, as triples (kind, a, b) in `acts`; returns how many. */
  let acts = new Int32Array(3 * 256);
  const actionsOf = (words: Int32Array): number => {
    const len = words[NET];
    const most = 3 * (3 * len + 2 * k + nodeIds.length * 32);
    if (most > acts.length) acts = new Int32Array(most);
    let c = 0;
    const put = (kind: number, a: number, b: number) => {
      if (c + 3 > acts.length) {
        const bigger = new Int32Array(2 * acts.length);
        bigger.set(acts);
        acts = bigger;
      }
      acts[c++] = kind;
      acts[c++] = a;
      acts[c++] = b;
    };
    for (let i = 0; i < len; i++) {
      const id = words[NET + 1 + i];
      if (i > 0 && words[NET + i] === id) continue;
      put(DELIVER, id, 0);
      if (cfg.network === 'multiset') {
        if (words[DUPS] > 0) put(DUP, id, 0);
        if (words[DROPS] > 0) put(DROP, id, 0);
      }
    }
    for (const node of nodeIds) {
      const base = NODE + 4 * (node - 1);
      if (words[base + 3] <= 0) continue;
      for (const name of firableOf(words[base + 2])) put(TIMER, node, name);
    }
    for (let i = 0; i < k; i++) {
      const cb = CLI + 4 * i;
      if (words[cb + 1] === 0 && words[cb] < clients[i].ops.length) put(INVOKE, i, 0);
      if (words[cb + 1] === 1 && words[cb + 2] < cfg.clientRetries) put(RETRY, i, 0);
    }
    return c / 3;
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
      const info = deliveryStep(m.to, w[base], w[base + 1], id);
      const step = info.step;
      if (step.failure || step.state !== w[base] || step.stored !== w[base + 1]) return false;
      return changesNothing(w, m.to, info);
    }
    const c = clientIndex.get(m.to)!;
    const cb = CLI + 4 * c;
    const ans = m.msg as unknown as { request: string };
    return w[cb + 1] !== 1 || ans.request !== `${clients[c].id}:${w[cb]}`;
  };
  /** Whether a step's effects are all already there: messages in the (set) network, timers armed, decisions made. */
  const changesNothing = (w: Int32Array, node: NodeId, info: StepInfo): boolean => {
    const base = NODE + 4 * (node - 1);
    const timers = timerSets.values[w[base + 2]];
    const dec = decisions.values[w[DEC]];
    const effects = info.step.effects;
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i];
      if (e.op === 'setTimer' && !timers.includes(e.name)) return false;
      if (e.op === 'cancelTimer' && timers.includes(e.name)) return false;
      if (e.op === 'decide' && dec.get(e.slot) !== String(e.value)) return false;
      if (e.op === 'reply' || e.op === 'redirect' || e.op === 'reject') {
        const id = answerId(info, i);
        if (id >= 0 && !StateBuffer.holds(w, NET, id)) return false;
      }
    }
    for (const id of sentOf(info)) if (!StateBuffer.holds(w, NET, id)) return false;
    return true;
  };
  const clientIndex = new Map(clients.map((c, i) => [c.id, i] as const));

  // ---- BFS ----
  const seen = new StateSet();
  const parents: number[] = [];
  /** The action that reached each state, as triples (kind, a, b). */
  const actions: number[] = [];
  let violation: { found: Found; index: number; depth: number } | null = null;
  let goal: { index: number; depth: number; description: string } | null = null;
  let stoppedBy: NodeSearchReport['stoppedBy'];
  let depth = 0;
  let completeDepth = 0;
  let error: string | undefined;

  const replay = (index: number, tail?: [number, number, number]): TraceEvent[] => {
    const path: Array<[number, number, number]> = [];
    for (let i = index; i > 0; i = parents[i]) path.push([actions[3 * i], actions[3 * i + 1], actions[3 * i + 2]]);
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
        successor(w, kind, a, b);
        w = S.packed();
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
  // The BFS level being expanded: each state's words, its index and its network's sums (state-buffer.ts).
  let frontier: Int32Array[] = [];
  let frontierIndex: number[] = [];
  let frontierSums: number[] = [];
  if (initial) {
    S.load(initial);
    S.fingerprint();
    seen.add(S.h1, S.h2);
    frontierSums = [S.sum1, S.sum2];
    parents.push(-1);
    actions.push(0, 0, 0);
    frontier = [initial];
    frontierIndex = [0];
    const g = goalOf(initial);
    if (g) goal = { index: 0, depth: 0, description: g };
  }
  let failingTail: [number, number, number] | undefined;
  outer: while (frontier.length > 0 && !violation && !error) {
    if (cfg.maxDepth !== undefined && depth >= cfg.maxDepth) {
      stoppedBy = 'depth';
      break;
    }
    const next: Int32Array[] = [];
    const nextIndex: number[] = [];
    const nextSums: number[] = [];
    for (let f = 0; f < frontier.length; f++) {
      const w = frontier[f];
      const i = frontierIndex[f];
      const sum1 = frontierSums[2 * f], sum2 = frontierSums[2 * f + 1];
      const count = actionsOf(w);
      for (let j = 0; j < count; j++) {
        const kind = acts[3 * j], a = acts[3 * j + 1], b = acts[3 * j + 2];
        if (kind === DELIVER && cfg.network === 'set' && selfLoop(w, a)) continue;
        try {
          successor(w, kind, a, b, sum1, sum2);
        } catch (e) {
          if (e instanceof Found) {
            violation = { found: e, index: i, depth: depth + 1 };
            failingTail = [kind, a, b];
            break outer;
          }
          if (e instanceof NodeStateBudgetError) {
            stoppedBy = 'node-states';
            error = undefined;
            break outer;
          }
          throw e;
        }
        S.fingerprint();
        if (!seen.add(S.h1, S.h2)) continue;
        const succ = S.packed();
        const index = parents.length;
        parents.push(i);
        actions.push(kind, a, b);
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
        next.push(succ);
        nextIndex.push(index);
        nextSums.push(S.sum1, S.sum2);
      }
      if (parents.length % 10_000 === 0) hooks.onProgress?.(parents.length);
    }
    depth++;
    completeDepth = depth;
    frontier = next;
    frontierIndex = nextIndex;
    frontierSums = nextSums;
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
