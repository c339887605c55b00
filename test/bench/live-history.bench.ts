/**
 * The playground's live verdict: what one re-check of the whole history so far costs the engine's
 * event loop (the check runs after operations complete, at most every 300 ms, less often when a
 * check takes long), on kv histories like the playground's clients make, within the live budget.
 */
import { LiveHistory, LIVE_CHECK_STEPS } from '../../electron/engine/live-history/index.js';
import { sequentialHistory } from '../support/histories.js';

type Figure = { name: string; value: number; unit: string; target?: string; note?: string };

export async function bench(): Promise<Figure[]> {
  const out: Figure[] = [];
  const cases = [
    { name: '3 clients, ~600 ops, 3 keys', opts: { clients: 3, ops: 600, keys: 3, spread: 3 }, target: '<= 20 ms' },
    { name: '3 clients, ~3,000 ops, 3 keys', opts: { clients: 3, ops: 3000, keys: 3, spread: 3 }, target: '<= 100 ms' },
    { name: '16 clients, ~10,000 ops, 20 keys', opts: { clients: 16, ops: 10_000, keys: 20, spread: 8 }, target: '<= 300 ms' },
  ];
  for (const c of cases) {
    const events = sequentialHistory(7, { model: 'kv', info: 0.01, ...c.opts }).map((e, i) => ({ ...e, t: e.t ?? i }));
    const clients = [...new Set(events.map((e) => e.client))];
    const live = new LiveHistory({ model: 'kv', clients, onChange: () => {} });
    for (const e of events) live.push(e);
    live.close();
    let best = Infinity;
    let verdict = '';
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      verdict = live.checkNow().verdict;
      best = Math.min(best, performance.now() - t0);
    }
    const ops = events.filter((e) => e.type === 'invoke').length;
    out.push({ name: `live check: ${c.name}`, value: best, unit: 'ms', target: c.target, note: `${ops} ops, ${verdict} (budget ${LIVE_CHECK_STEPS.toLocaleString('en-US')} steps)` });
  }
  return out;
}
