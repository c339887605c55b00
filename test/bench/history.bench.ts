/**
 * The linearizability checker on kv histories made from a sequential execution with random overlap
 * (test/support/histories.ts), timed next to the anchor the issue sets from Porcupine (Go) on this
 * kind of machine; and an adversarial history that must answer `unknown` within its step budget.
 */
import { checkLinearizability, type HistoryEvent } from '../../electron/engine/history/index.js';
import { type Timed, numbered, sequentialHistory } from '../support/histories.js';

type Figure = { name: string; value: number; unit: string; target?: string; note?: string };

function timeIt(events: HistoryEvent[], runs: number): { ms: number; verdict: string; steps: number } {
  let best = Infinity;
  let verdict = '';
  let steps = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = checkLinearizability(events, { model: 'kv' });
    best = Math.min(best, performance.now() - t0);
    verdict = r.verdict;
    steps = r.steps;
  }
  return { ms: best, verdict, steps };
}

export async function bench(): Promise<Figure[]> {
  const out: Figure[] = [];
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const cases = [
    { name: '10 clients, ~340 ops, 5 keys', opts: { clients: 10, ops: 340, keys: 5, spread: 8 }, target: '<= 3 ms', runs: 20 },
    { name: '50 clients, ~1,700 ops, 8 keys', opts: { clients: 50, ops: 1700, keys: 8, spread: 25 }, target: '<= 1,000 ms', runs: 5 },
    { name: '10,000 ops over 20 keys (20 clients)', opts: { clients: 20, ops: 10_000, keys: 20, spread: 8 }, target: '<= 2,000 ms', runs: 3 },
  ];
  timeIt(sequentialHistory(1, { model: 'kv', clients: 10, ops: 340, keys: 5, info: 0.02, spread: 4 }), 30); // warm-up (JIT)
  for (const c of cases) {
    const events = sequentialHistory(42, { model: 'kv', info: 0.02, ...c.opts });
    const ops = events.filter((e) => e.type === 'invoke').length;
    const r = timeIt(events, c.runs);
    sample();
    out.push({ name: `check: ${c.name}`, value: r.ms, unit: 'ms', target: `${c.target} (anchor: Porcupine, Go)`, note: `${ops} ops, ${r.verdict}, ${r.steps.toLocaleString('en-US')} steps` });
  }

  // Adversarial: 40 concurrent writes of distinct values, reads that pin them in conflicting orders.
  const timed: Timed = [];
  for (let i = 0; i < 40; i++) {
    timed.push({ t: i, e: { type: 'invoke', client: `c${i}`, request: `c${i}:1`, op: { f: 'put', key: 'k', value: `v${i}` } } });
    timed.push({ t: 1000 + i, e: { type: 'ok', client: `c${i}`, request: `c${i}:1`, result: null } });
  }
  for (let i = 0; i < 40; i++) {
    timed.push({ t: 100 + i, e: { type: 'invoke', client: `r${i}`, request: `r${i}:1`, op: { f: 'get', key: 'k' } } });
    timed.push({ t: 900 + i, e: { type: 'ok', client: `r${i}`, request: `r${i}:1`, result: `v${(i * 13) % 40}` } });
  }
  timed.push({ t: 2000, e: { type: 'invoke', client: 'z', request: 'z:1', op: { f: 'get', key: 'k' } } });
  timed.push({ t: 2001, e: { type: 'ok', client: 'z', request: 'z:1', result: 'never written' } });
  const t0 = performance.now();
  const adv = checkLinearizability(numbered(timed), { model: 'kv' });
  const advMs = performance.now() - t0;
  sample();
  out.push({ name: 'check: adversarial history (default budget)', value: advMs, unit: 'ms', note: `${adv.verdict} after ${adv.steps.toLocaleString('en-US')} steps${adv.verdict === 'unknown' ? '' : ' (expected unknown)'}` });
  out.push({ name: 'check: peak memory (rss) over these runs', value: peak / 2 ** 20, unit: 'MB', target: '<= 256 MB' });
  return out;
}
