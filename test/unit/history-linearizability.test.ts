/**
 * The linearizability checker, property-based: histories made from a sequential execution are
 * linearizable whatever their overlap; the same histories with one anomaly injected are not; and on
 * thousands of small random histories it agrees with a brute-force search over every order.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  ILLEGAL,
  MODELS,
  buildHistory,
  checkLinearizability,
  type HistoryEvent,
  type ModelName,
  type Op,
  type Operation,
} from '../../electron/engine/history/index.js';
import { type Anomaly, Rand, type Timed, injectAnomaly, numbered, sequentialHistory } from '../support/histories.js';

const models: ModelName[] = ['kv', 'lock', 'log'];

describe('histories from a sequential execution are linearizable', () => {
  test.each(models)('%s model, random overlap, unknown outcomes and failures', (model) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 8 }), (seed, clients, ops, spread) => {
        const events = sequentialHistory(seed, { model, clients, ops, keys: 3, info: 0.1, fail: 0.05, spread });
        const r = checkLinearizability(events, { model });
        expect(r.verdict, JSON.stringify(r)).toBe('ok');
      }),
      { numRuns: 300 },
    );
  });
});

describe('one injected anomaly makes a history illegal', () => {
  const cases: Array<[Anomaly, ModelName]> = [
    ['stale-read', 'kv'],
    ['lost-write', 'kv'],
    ['duplicated-append', 'kv'],
    ['lock-held-twice', 'lock'],
    ['log-duplicate', 'log'],
    ['log-views', 'log'],
  ];
  test.each(cases)('%s (%s model)', (anomaly, model) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 4, max: 50 }), (seed, clients, ops) => {
        const base = sequentialHistory(seed, { model, clients, ops, keys: 3, info: 0.1, spread: 4 });
        const events = injectAnomaly(base, anomaly, seed);
        const r = checkLinearizability(events, { model });
        expect(r.verdict, JSON.stringify(r)).toBe('illegal');
        if (r.verdict !== 'illegal') return;
        // The explanation is data: a fitting order and an operation that cannot follow it.
        const prefix = r.linearization.map((o) => o.request);
        expect(prefix).not.toContain(r.stuck.request);
        expect(r.reason.length).toBeGreaterThan(10);
        if (anomaly === 'log-views' || anomaly === 'log-duplicate') return;
        expect(r.key).toBe(`anomaly${seed}`);
      }),
      { numRuns: 150 },
    );
  });

  test('the explanation of a stale read names the value the key holds', () => {
    const r = checkLinearizability(injectAnomaly([], 'stale-read', 7), { model: 'kv' });
    expect(r).toMatchObject({ verdict: 'illegal', key: 'anomaly7', state: 'new', stuck: { op: { f: 'get' }, result: 'old' } });
    if (r.verdict === 'illegal') {
      expect(r.linearization.map((o) => o.op)).toEqual([{ f: 'put', key: 'anomaly7', value: 'old' }, { f: 'put', key: 'anomaly7', value: 'new' }]);
      expect(r.reason).toBe('it returned "old", but anomaly7 holds "new"');
    }
  });

  test('a lock held twice names both holders', () => {
    const r = checkLinearizability(injectAnomaly([], 'lock-held-twice', 3), { model: 'lock' });
    expect(r.verdict).toBe('illegal');
    if (r.verdict === 'illegal') expect(r.reason).toBe('x3b got anomaly3, but x3a holds anomaly3');
  });

  test('two clients whose views of the log are not prefixes of each other are named', () => {
    // The lecture's two servers: S1 runs m1 m2, S2 runs m2 m1; c1 hears from S1 first, c2 from S2.
    const events = numbered([
      { t: 1, e: { type: 'invoke', client: 'c1', request: 'c1:1', op: { f: 'exec', value: 'm1' } } },
      { t: 2, e: { type: 'invoke', client: 'c2', request: 'c2:1', op: { f: 'exec', value: 'm2' } } },
      { t: 3, e: { type: 'ok', client: 'c1', request: 'c1:1', result: ['m1'] } },
      { t: 4, e: { type: 'ok', client: 'c2', request: 'c2:1', result: ['m2'] } },
    ]);
    const r = checkLinearizability(events);
    expect(r.verdict).toBe('illegal');
    if (r.verdict !== 'illegal') return;
    expect(r.model).toBe('log');
    expect(r.views).toMatchObject({ a: { client: 'c1', result: ['m1'] }, b: { client: 'c2', result: ['m2'] } });
  });
});

/** Every order of the operations that respects real time, with unknown ones optional. */
function bruteForce(model: ModelName, events: HistoryEvent[]): boolean {
  const m = MODELS[model];
  const ops = buildHistory(events).operations.filter((o) => o.status !== 'fail');
  const placed = new Array<boolean>(ops.length).fill(false);
  const okLeft = () => ops.some((o, i) => !placed[i] && o.status === 'ok');
  // One state per key: keys are independent objects.
  const go = (states: Map<string, unknown>): boolean => {
    if (!okLeft()) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      // Op i can come next only if no unplaced op ended before it began.
      if (ops.some((o, j) => !placed[j] && j !== i && o.ret < ops[i].call)) continue;
      const key = m.partitionKey(ops[i]);
      const next = m.step(states.has(key) ? states.get(key) : m.init(), ops[i]);
      if (next === ILLEGAL) continue;
      placed[i] = true;
      const found = go(new Map(states).set(key, next));
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return go(new Map());
}

/** A small history of random operations, results, intervals and outcomes (mostly wrong ones). */
function randomSmallHistory(seed: number, model: ModelName): HistoryEvent[] {
  const r = new Rand(seed);
  const n = 1 + r.int(8);
  const clients = 1 + r.int(4);
  const busyUntil = new Array<number>(clients).fill(0);
  const vals = ['a', 'b', 'c'];
  const timed: Timed = [];
  for (let i = 0; i < n; i++) {
    const c = r.int(clients);
    const client = `c${c + 1}`;
    const key = r.next() < 0.8 ? 'k' : 'j';
    let op: Op;
    let result: unknown;
    if (model === 'kv') {
      const x = r.int(4);
      op = x === 0 ? { f: 'get', key } : x === 1 ? { f: 'put', key, value: r.pick(vals) } : x === 2 ? { f: 'append', key, value: r.pick(vals) } : { f: 'cas', key, from: r.next() < 0.3 ? null : r.pick(vals), to: r.pick(vals) };
      result = op.f === 'get' ? r.pick([null, 'a', 'b', 'ab', 'ba', 'c']) : op.f === 'cas' ? r.next() < 0.5 : null;
    } else if (model === 'lock') {
      op = r.next() < 0.6 ? { f: 'acquire', key } : { f: 'release', key };
      result = r.next() < 0.6;
    } else {
      op = { f: 'exec', value: `m${i + 1}` };
      const log = Array.from({ length: r.int(3) }, () => `m${1 + r.int(n)}`);
      result = r.next() < 0.5 ? [...log, op.value] : log;
    }
    const call = busyUntil[c] + r.next() * 5;
    const ret = call + r.next() * 8;
    busyUntil[c] = ret;
    const request = `${client}:${i + 1}`;
    timed.push({ t: call, e: { type: 'invoke', client, request, op } });
    const fate = r.next();
    if (fate < 0.12) timed.push({ t: ret, e: { type: 'info', client, request } });
    else if (fate < 0.2) timed.push({ t: ret, e: { type: 'fail', client, request } });
    else if (fate < 0.25) {
      /* never completed: counts as unknown */
    } else timed.push({ t: ret, e: { type: 'ok', client, request, result } });
  }
  return numbered(timed);
}

describe('agrees with a brute-force search over all orders', () => {
  test.each(models)('%s model: 4,000 seeded histories of at most 8 operations', (model) => {
    let illegal = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const events = randomSmallHistory(seed * 7919 + models.indexOf(model), model);
      const expected = bruteForce(model, events);
      const r = checkLinearizability(events, { model });
      if (r.verdict !== (expected ? 'ok' : 'illegal')) {
        throw new Error(`seed ${seed}: brute force says ${expected ? 'ok' : 'illegal'}, the checker ${r.verdict}\n${JSON.stringify(events)}`);
      }
      if (!expected) illegal++;
    }
    // Both answers occur often enough for the agreement to mean something.
    expect(illegal).toBeGreaterThan(400);
    expect(illegal).toBeLessThan(3800);
  });
});

describe('bounded: an adversarial history answers unknown within its budget', () => {
  test('many concurrent writes and one impossible read spend the budget, not the machine', () => {
    // 60 overlapping puts of distinct values and reads that no order can satisfy all at once.
    const timed: Timed = [];
    for (let i = 0; i < 60; i++) {
      timed.push({ t: i, e: { type: 'invoke', client: `c${i}`, request: `c${i}:1`, op: { f: 'put', key: 'k', value: `v${i}` } } });
      timed.push({ t: 1000 + i, e: { type: 'ok', client: `c${i}`, request: `c${i}:1`, result: null } });
    }
    for (let i = 0; i < 30; i++) {
      timed.push({ t: 100 + i, e: { type: 'invoke', client: `r${i}`, request: `r${i}:1`, op: { f: 'get', key: 'k' } } });
      timed.push({ t: 900 + i, e: { type: 'ok', client: `r${i}`, request: `r${i}:1`, result: `v${(i * 7) % 60}` } });
    }
    timed.push({ t: 2000, e: { type: 'invoke', client: 'z', request: 'z:1', op: { f: 'get', key: 'k' } } });
    timed.push({ t: 2001, e: { type: 'ok', client: 'z', request: 'z:1', result: 'nobody wrote this' } });
    const r = checkLinearizability(numbered(timed), { model: 'kv', maxSteps: 50_000 });
    expect(r.verdict).toBe('unknown');
    expect(r.steps).toBeLessThanOrEqual(50_001);
    if (r.verdict === 'unknown') expect(r.reason).toMatch(/budget of 50,000 steps ran out on key "k"/);
  });
});

describe('a key only appended to and read is judged by the reads, not by every order of the appends', () => {
  // 30 appends in flight at once, then reads that show the order they took effect in (reversed):
  // without pruning, Wing & Gong tries the appends' orders one by one (30! of them).
  function appendsThenReads(saw: string): HistoryEvent[] {
    const timed: Timed = [];
    for (let i = 0; i < 30; i++) {
      timed.push({ t: i, e: { type: 'invoke', client: `c${i}`, request: `c${i}:1`, op: { f: 'append', key: 'k', value: `<${i}>` } } });
      timed.push({ t: 100 + i, e: { type: 'ok', client: `c${i}`, request: `c${i}:1`, result: null } });
    }
    for (let i = 0; i < 3; i++) {
      timed.push({ t: 200 + i, e: { type: 'invoke', client: `r${i}`, request: `r${i}:1`, op: { f: 'get', key: 'k' } } });
      timed.push({ t: 210 + i, e: { type: 'ok', client: `r${i}`, request: `r${i}:1`, result: saw } });
    }
    return numbered(timed);
  }
  const reversed = Array.from({ length: 30 }, (_, i) => `<${29 - i}>`).join('');

  test('the order the reads saw is found directly', () => {
    const r = checkLinearizability(appendsThenReads(reversed), { model: 'kv', maxSteps: 10_000 });
    expect(r.verdict).toBe('ok');
    expect(r.steps).toBeLessThan(10_000);
  });

  test('a read missing an append that ended before it began is illegal, as quickly', () => {
    const r = checkLinearizability(appendsThenReads(reversed.replace('<7>', '')), { model: 'kv', maxSteps: 10_000 });
    expect(r.verdict).toBe('illegal');
    expect(r.steps).toBeLessThan(10_000);
  });
});

describe('inputs it cannot judge', () => {
  test('a malformed history is unknown, with the reason', () => {
    const r = checkLinearizability([{ type: 'ok', seq: 0, client: 'c1', request: 'c1:1', result: null } as HistoryEvent], { model: 'kv' });
    expect(r).toMatchObject({ verdict: 'unknown' });
    if (r.verdict === 'unknown') expect(r.reason).toMatch(/never invoked/);
  });
  test('operations of another model are unknown, not illegal', () => {
    const events = numbered([
      { t: 1, e: { type: 'invoke', client: 'c1', request: 'c1:1', op: { f: 'acquire', key: 'L' } } },
      { t: 2, e: { type: 'ok', client: 'c1', request: 'c1:1', result: true } },
    ]);
    const r = checkLinearizability(events, { model: 'kv' });
    expect(r.verdict).toBe('unknown');
    expect(checkLinearizability(events).verdict).toBe('ok');
  });
  test('an empty history is linearizable', () => {
    expect(checkLinearizability([], { model: 'log' }).verdict).toBe('ok');
  });
  void ({} as Operation);
});
