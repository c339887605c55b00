/**
 * Histories for the checker's tests and benchmark: made from a sequential execution of a model (so
 * they are linearizable by construction) with random overlapping intervals around each operation's
 * linearization point, and with anomalies injected on purpose.
 */
import { ILLEGAL, MODELS, type HistoryEvent, type ModelName, type Op, type Operation } from '../../electron/engine/history/index.js';

/** A small seeded generator (mulberry32), so a history is a function of its seed. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

export interface GenOptions {
  model: ModelName;
  clients: number;
  ops: number;
  keys?: number;
  /** Chance that an operation ends with an unknown outcome (it still took effect). */
  info?: number;
  /** Chance that an operation failed (did not take effect). */
  fail?: number;
  /** How far intervals stretch around their point, in points (more = more concurrency). */
  spread?: number;
}

/** Omit that distributes over a union (the built-in one collapses it). */
export type Timed = Array<{ t: number; e: HistoryEvent extends infer E ? (E extends HistoryEvent ? Omit<E, 'seq'> : never) : never }>;

let unique = 0;
const fresh = (tag: string) => `[${tag}${++unique}]`;

function randomOp(r: Rand, model: ModelName, keys: number, state: Map<string, unknown>): Op {
  const key = `k${r.int(keys)}`;
  if (model === 'log') return { f: 'exec', value: fresh('m') };
  if (model === 'lock') return r.next() < 0.5 ? { f: 'acquire', key } : { f: 'release', key };
  const x = r.next();
  if (x < 0.35) return { f: 'get', key };
  if (x < 0.6) return { f: 'put', key, value: fresh('p') };
  if (x < 0.8) return { f: 'append', key, value: fresh('a') };
  const cur = (state.get(key) as string | null | undefined) ?? null;
  return { f: 'cas', key, from: r.next() < 0.6 ? cur : fresh('x'), to: fresh('c') };
}

/**
 * A linearizable history: ops executed one after the other by the model; op i takes effect at time
 * 10·i, its interval is stretched around that point without overlapping its client's other ops.
 */
export function sequentialHistory(seed: number, o: GenOptions): HistoryEvent[] {
  const r = new Rand(seed);
  const model = MODELS[o.model];
  const keys = o.keys ?? 1;
  const spread = o.spread ?? 3;
  const state = new Map<string, unknown>();
  const lastRet = new Array<number>(o.clients).fill(-Infinity);
  const timed: Timed = [];
  for (let i = 0; i < o.ops; i++) {
    const point = 10 * (i + 1);
    // A client whose previous op has ended before this point.
    const free = [...Array(o.clients).keys()].filter((c) => lastRet[c] < point);
    if (free.length === 0) continue;
    const c = r.pick(free);
    const client = `c${c + 1}`;
    const op = randomOp(r, o.model, keys, state);
    const request = `${client}:${i + 1}`;
    const key = model.partitionKey({ op } as Operation);
    const fails = r.next() < (o.fail ?? 0);
    const info = !fails && r.next() < (o.info ?? 0);
    const before = state.has(key) ? state.get(key) : model.init();
    const probe = { index: i, client, request, op, call: 0, ret: 0, status: 'info' } as Operation;
    let result: unknown;
    if (!fails) {
      const after = model.step(before, probe);
      if (after === ILLEGAL) throw new Error('an info step cannot be illegal');
      result = resultOf(o.model, op, before, after, client);
      state.set(key, after);
    }
    // Strictly after the client's previous op, never after its own point.
    const call = Math.max((lastRet[c] + point) / 2, point - r.next() * 10 * spread);
    const ret = point + r.next() * 10 * spread;
    timed.push({ t: call, e: { type: 'invoke', client, request, op } });
    if (fails) timed.push({ t: ret, e: { type: 'fail', client, request, reason: 'not executed' } });
    else if (info) timed.push({ t: ret, e: { type: 'info', client, request, reason: 'timeout' } });
    else timed.push({ t: ret, e: { type: 'ok', client, request, result } });
    // An unknown outcome leaves the client free at once (the run moves on); the op may land later.
    lastRet[c] = ret;
  }
  return numbered(timed);
}

function resultOf(model: ModelName, op: Op, before: unknown, after: unknown, client: string): unknown {
  switch (op.f) {
    case 'get':
      return before;
    case 'put':
    case 'append':
      return null;
    case 'cas':
      return before === op.from;
    case 'acquire':
      return before === null && after === client;
    case 'release':
      return before === client;
    case 'exec':
      return MODELS[model].stateView(after);
  }
}

/** Events sorted by time, numbered 0, 1, 2, … as a trace's seq. */
export function numbered(timed: Timed): HistoryEvent[] {
  return timed
    .map((x, k) => ({ ...x, k }))
    .sort((a, b) => a.t - b.t || a.k - b.k)
    .map((x, seq) => ({ ...x.e, seq, t: x.t }) as HistoryEvent);
}

export type Anomaly = 'stale-read' | 'lost-write' | 'duplicated-append' | 'lock-held-twice' | 'log-duplicate' | 'log-views';

/**
 * The same history with one anomaly in it, in the middle of the run: on a key of its own (so nothing
 * else can explain it away), by clients of its own, interleaved in time with the other operations.
 */
export function injectAnomaly(events: HistoryEvent[], anomaly: Anomaly, seed: number): HistoryEvent[] {
  const r = new Rand(seed);
  const end = events.length ? (events[events.length - 1].t ?? events.length) : 10;
  const start = end * (0.2 + 0.5 * r.next());
  const key = `anomaly${seed}`;
  const step = Math.max(0.001, (end - start) / 12);
  let t = start;
  const timed: Timed = events.map((e) => ({ t: e.t ?? e.seq, e }));
  let n = 0;
  const add = (client: string, op: Op, result: unknown) => {
    const request = `${client}:a${++n}`;
    timed.push({ t: (t += step), e: { type: 'invoke', client, request, op } });
    timed.push({ t: (t += step), e: { type: 'ok', client, request, result } });
  };
  const [a, b] = [`x${seed}a`, `x${seed}b`];
  switch (anomaly) {
    case 'stale-read': {
      add(a, { f: 'put', key, value: 'old' }, null);
      add(a, { f: 'put', key, value: 'new' }, null);
      add(b, { f: 'get', key }, 'old');
      break;
    }
    case 'lost-write': {
      add(a, { f: 'put', key, value: '[1]' }, null);
      add(a, { f: 'append', key, value: '[2]' }, null);
      add(b, { f: 'get', key }, '[1]');
      break;
    }
    case 'duplicated-append': {
      add(a, { f: 'append', key, value: '[1]' }, null);
      add(b, { f: 'get', key }, '[1][1]');
      break;
    }
    case 'lock-held-twice': {
      add(a, { f: 'acquire', key }, true);
      add(b, { f: 'acquire', key }, true);
      break;
    }
    case 'log-duplicate':
    case 'log-views':
      return injectLogAnomaly(events, anomaly, r);
  }
  return numbered(timed);
}

/** The log has one partition: the anomaly goes into an existing command's view. */
function injectLogAnomaly(events: HistoryEvent[], anomaly: Anomaly, r: Rand): HistoryEvent[] {
  const oks = events.filter((e): e is Extract<HistoryEvent, { type: 'ok' }> => e.type === 'ok');
  const out = events.map((e) => ({ ...e }));
  if (anomaly === 'log-duplicate' || oks.length < 2) {
    const target = oks.length ? r.pick(oks) : null;
    if (!target) return events;
    const view = target.result as string[];
    const dup = out.find((e) => e.seq === target.seq) as Extract<HistoryEvent, { type: 'ok' }>;
    dup.result = [...view, view[view.length - 1]];
    return out;
  }
  // Two views that are not prefixes of each other: swap the last two commands of a longer view.
  const long = oks.filter((e) => (e.result as string[]).length >= 2);
  if (long.length === 0) return injectLogAnomaly(events, 'log-duplicate', r);
  const target = r.pick(long);
  const v = [...(target.result as string[])];
  [v[v.length - 2], v[v.length - 1]] = [v[v.length - 1], v[v.length - 2]];
  (out.find((e) => e.seq === target.seq) as Extract<HistoryEvent, { type: 'ok' }>).result = v;
  return out;
}
