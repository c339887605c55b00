/**
 * The linearizability checker: Wing & Gong's search for a sequential order of the operations that
 * respects real time and the model, with Lowe's memoization (a bitset of the operations linearized
 * so far plus the model state reached: a pair seen before is never explored again), run per key
 * (P-compositionality). The search is bounded in steps and memo entries, never in time, so the same
 * history gets the same answer on any machine: `ok`, `illegal` (with the longest partial
 * linearization and the operation that cannot follow it) or `unknown` (the budget ran out).
 */
import { type History, type Operation, buildHistory } from './history.js';
import { ILLEGAL, type Model, type ModelName } from './model.js';
import { MODELS, modelFor } from './models/index.js';

export interface CheckOptions {
  /** The model to judge by; by default the one the operations belong to. */
  model?: ModelName | Model<any>;
  /** Search steps (candidate operations tried, plus backtracks) over all keys. Default 10 million. */
  maxSteps?: number;
  /** Memo entries, weighted by the size of their bitsets in 32-bit words. Default 16 million words (64 MB of bitsets). */
  maxMemoWords?: number;
}

export const DEFAULT_MAX_STEPS = 10_000_000;
export const DEFAULT_MAX_MEMO_WORDS = 16_000_000;

interface Counts {
  model: ModelName;
  /** Operations judged (failed ones and unknown reads are left out: they constrain nothing). */
  operations: number;
  /** How many independent parts (keys) the history split into. */
  partitions: number;
  /** Search steps spent. */
  steps: number;
}

/** Two clients whose views of the log cannot both be right: neither is a prefix of the other. */
export interface ConflictingViews {
  a: Operation;
  b: Operation;
}

export type LinearizabilityResult =
  | ({ verdict: 'ok' } & Counts)
  | ({
      verdict: 'illegal';
      /** The key whose operations cannot be ordered ('' for the log). */
      key: string;
      /** The longest order found that fits the model, operation by operation. */
      linearization: Operation[];
      /** The operation that must come next (its return is due) but cannot. */
      stuck: Operation;
      /** The model state after `linearization`. */
      state: unknown;
      /** Why `stuck` cannot follow, in a sentence. */
      reason: string;
      /** For the log model: two clients' views that are not prefixes of each other. */
      views?: ConflictingViews;
    } & Counts)
  | ({ verdict: 'unknown'; reason: string; key?: string } & Counts);

/** Judge a history (or the events of a trace) for linearizability. */
export function checkLinearizability(input: History | Iterable<{ type: string }>, opts: CheckOptions = {}): LinearizabilityResult {
  const history = 'operations' in input && Array.isArray((input as History).operations) ? (input as History) : buildHistory(input as Iterable<{ type: string }>);
  const chosen = pickModel(history, opts.model);
  const counts: Counts = { model: chosen.model?.name ?? 'kv', operations: 0, partitions: 0, steps: 0 };
  if ('problem' in chosen) return { verdict: 'unknown', reason: chosen.problem, ...counts };
  const model = chosen.model;
  if (history.problems.length) {
    return { verdict: 'unknown', reason: `the history is malformed: ${history.problems.slice(0, 3).join('; ')}${history.problems.length > 3 ? ` (and ${history.problems.length - 3} more)` : ''}`, ...counts };
  }
  const parts = new Map<string, Operation[]>();
  for (const o of history.operations) {
    // A failed operation never took effect; an unknown read changes nothing: neither constrains.
    if (o.status === 'fail' || (o.status === 'info' && model.inert(o))) continue;
    const bad = model.opProblem(o);
    if (bad) return { verdict: 'unknown', reason: `the ${model.name} model cannot judge this history: ${bad} (${o.client}, #${o.call})`, ...counts };
    const key = model.partitionKey(o);
    let list = parts.get(key);
    if (!list) parts.set(key, (list = []));
    list.push(o);
    counts.operations++;
  }
  counts.partitions = parts.size;
  const budget = { steps: opts.maxSteps ?? DEFAULT_MAX_STEPS, memoWords: opts.maxMemoWords ?? DEFAULT_MAX_MEMO_WORDS };
  // Small keys first: a key that spends the budget then leaves the others judged.
  const order = [...parts.entries()].sort((x, y) => x[1].length - y[1].length || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let unknown: { key: string; reason: string } | null = null;
  for (const [key, ops] of order) {
    const out = searchKey(model, ops, budget);
    counts.steps += out.steps;
    budget.steps -= out.steps;
    if (out.kind === 'illegal') return illegalResult(model, key, out.prefix, out.stuck, history, counts);
    if (out.kind === 'unknown') unknown ??= { key, reason: out.reason };
  }
  if (unknown) {
    const where = model.name === 'log' ? '' : ` on key ${JSON.stringify(unknown.key)}`;
    return { verdict: 'unknown', key: unknown.key, reason: `${unknown.reason}${where}`, ...counts };
  }
  return { verdict: 'ok', ...counts };
}

function pickModel(history: History, wanted: CheckOptions['model']): { model: Model<any> } | { problem: string; model?: undefined } {
  if (wanted !== undefined) {
    if (typeof wanted !== 'string') return { model: wanted };
    const m = MODELS[wanted];
    return m ? { model: m } : { problem: `unknown model ${JSON.stringify(wanted)} (known: kv, lock, log)` };
  }
  const names = new Set<ModelName>();
  for (const o of history.operations) {
    const name = modelFor(o.op.f);
    if (name) names.add(name);
  }
  if (names.size > 1) return { problem: `the history mixes ${[...names].join(' and ')} operations; name the model to judge by` };
  return { model: MODELS[[...names][0] ?? 'kv'] };
}

type KeyOutcome =
  | { kind: 'ok'; steps: number }
  | { kind: 'illegal'; steps: number; prefix: Operation[]; stuck: Operation }
  | { kind: 'unknown'; steps: number; reason: string };

/**
 * Wing & Gong's search over one key's operations, as in Lowe's and Porcupine's formulation: the
 * call and return entries in real-time order form a doubly linked list; linearizing an operation
 * lifts its two entries out of the list, backtracking puts them back. Reaching a return entry means
 * its operation should have been linearized by now: backtrack.
 */
function searchKey(model: Model<any>, ops: Operation[], budget: { steps: number; memoWords: number }): KeyOutcome {
  const n = ops.length;
  // Entries 0..2n-1: call entries of op i at 2i, return entries at 2i+1; sorted by time, calls
  // before returns at equal times (touching intervals overlap), unknown returns last.
  const entries = new Int32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) entries[i] = i;
  const time = (e: number) => (e & 1 ? ops[e >> 1].ret : ops[e >> 1].call);
  entries.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    if ((a & 1) !== (b & 1)) return (a & 1) - (b & 1);
    return ops[a >> 1].call - ops[b >> 1].call;
  });
  const HEAD = 2 * n;
  const next = new Int32Array(2 * n + 1).fill(-1);
  const prev = new Int32Array(2 * n + 1).fill(-1);
  let last = HEAD;
  for (let k = 0; k < 2 * n; k++) {
    const e = entries[k];
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  const unlink = (e: number) => {
    next[prev[e]] = next[e];
    if (next[e] >= 0) prev[next[e]] = prev[e];
  };
  const relink = (e: number) => {
    next[prev[e]] = e;
    if (next[e] >= 0) prev[next[e]] = e;
  };

  const words = Math.max(1, (n + 31) >>> 5);
  const bits = new Uint32Array(words);
  // The memo: (bitset, state key) pairs in one growing pool, found by hash, so an entry costs its
  // words and an index rather than an object per entry.
  let pool = new Uint32Array(words * 1024);
  const poolKeys: string[] = [];
  const memo = new Map<number, number | number[]>();
  let memoWords = 0;
  const sameAt = (slot: number, key: string): boolean => {
    if (poolKeys[slot] !== key) return false;
    const base = slot * words;
    for (let w = 0; w < words; w++) if (pool[base + w] !== bits[w]) return false;
    return true;
  };
  const seen = (key: string): boolean => {
    let h = 0x811c9dc5;
    for (let w = 0; w < words; w++) h = Math.imul(h ^ bits[w], 0x01000193);
    for (let c = 0; c < key.length; c++) h = Math.imul(h ^ key.charCodeAt(c), 0x01000193);
    const hit = memo.get(h);
    if (hit !== undefined) {
      if (typeof hit === 'number') {
        if (sameAt(hit, key)) return true;
      } else if (hit.some((slot) => sameAt(slot, key))) return true;
    }
    const slot = poolKeys.length;
    if ((slot + 1) * words > pool.length) {
      const grown = new Uint32Array(pool.length * 2);
      grown.set(pool);
      pool = grown;
    }
    pool.set(bits, slot * words);
    poolKeys.push(key);
    if (hit === undefined) memo.set(h, slot);
    else if (typeof hit === 'number') memo.set(h, [hit, slot]);
    else hit.push(slot);
    memoWords += words + 2;
    return false;
  };

  const viable = model.viable?.(ops) ?? null;
  const placed = (i: number): boolean => (bits[i >>> 5] & (1 << (i & 31))) !== 0;

  let okTotal = 0;
  for (const o of ops) if (o.status === 'ok') okTotal++;
  let okDone = 0;
  const stackOp = new Int32Array(n);
  const stackState: unknown[] = new Array(n);
  let depth = 0;
  let state: unknown = model.init();
  let best: { prefix: number[]; stuck: number } | null = null;
  let steps = 0;
  let e = next[HEAD];

  while (okDone < okTotal) {
    if (++steps > budget.steps) return { kind: 'unknown', steps, reason: `the search budget of ${budget.steps.toLocaleString('en-US')} steps ran out` };
    if (memoWords > budget.memoWords) return { kind: 'unknown', steps, reason: `the memo budget of ${budget.memoWords.toLocaleString('en-US')} words ran out` };
    if ((e & 1) === 0) {
      const i = e >> 1;
      const after = model.step(state, ops[i]);
      if (after !== ILLEGAL) {
        bits[i >>> 5] |= 1 << (i & 31);
        if ((viable === null || viable(after, placed)) && !seen(model.stateKey(after))) {
          stackOp[depth] = i;
          stackState[depth] = state;
          depth++;
          state = after;
          unlink(2 * i);
          unlink(2 * i + 1);
          if (ops[i].status === 'ok') okDone++;
          e = next[HEAD];
          continue;
        }
        bits[i >>> 5] &= ~(1 << (i & 31));
      }
      e = next[e];
      continue;
    }
    // A return entry: its operation is due, and nothing linearized so far lets it follow.
    if (best === null || depth > best.prefix.length) best = { prefix: Array.from(stackOp.subarray(0, depth)), stuck: e >> 1 };
    if (depth === 0) break;
    depth--;
    const i = stackOp[depth];
    state = stackState[depth];
    stackState[depth] = undefined;
    bits[i >>> 5] &= ~(1 << (i & 31));
    relink(2 * i + 1);
    relink(2 * i);
    if (ops[i].status === 'ok') okDone--;
    e = next[2 * i];
  }
  if (okDone === okTotal) return { kind: 'ok', steps };
  return { kind: 'illegal', steps, prefix: best!.prefix.map((i) => ops[i]), stuck: ops[best!.stuck] };
}

function illegalResult(model: Model<any>, key: string, prefix: Operation[], stuck: Operation, history: History, counts: Counts): LinearizabilityResult {
  let state = model.init();
  for (const o of prefix) {
    const s = model.step(state, o);
    if (s !== ILLEGAL) state = s;
  }
  const reason =
    model.step(state, stuck) === ILLEGAL
      ? model.explain(state, stuck)
      : `it had to take effect before it returned, but every order of the operations around it was tried and fails`;
  const out: LinearizabilityResult = { verdict: 'illegal', key, linearization: prefix, stuck, state: model.stateView(state), reason, ...counts };
  if (model.name === 'log') {
    const views = conflictingViews(history.operations);
    if (views) out.views = views;
  }
  return out;
}

/** The first two `ok` log commands (by invocation) whose views are not prefixes of each other. */
export function conflictingViews(operations: readonly Operation[]): ConflictingViews | null {
  const seen = operations.filter((o) => o.status === 'ok' && o.op.f === 'exec' && Array.isArray(o.result));
  const prefix = (p: unknown[], q: unknown[]) => p.length <= q.length && p.every((x, i) => x === q[i]);
  for (let j = 0; j < seen.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = seen[i].result as unknown[];
      const b = seen[j].result as unknown[];
      if (!prefix(a, b) && !prefix(b, a)) return { a: seen[i], b: seen[j] };
    }
  }
  return null;
}
