/**
 * The playground's live view of the clients: per-client figures folded from history events, and
 * the linearizability verdict of the history so far, re-judged as operations complete.
 */
import { describe, expect, test } from 'vitest';
import { ClientStatsFold, LiveHistory, quantile, type LiveClientsState } from '../../electron/engine/live-history/index.js';

let seq = 0;
const inv = (client: string, request: string, t: number, op: Record<string, unknown>) => ({ type: 'invoke', seq: ++seq, t, client, request, op, node: 1 });
const ok = (client: string, request: string, t: number, result: unknown) => ({ type: 'ok', seq: ++seq, t, client, request, result, node: 1 });

describe('client figures', () => {
  test('quantiles by nearest rank', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([7], 0.99)).toBe(7);
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.99)).toBe(99);
  });

  test('ops done, outcomes and latency per client; a completion of nothing open counts nothing', () => {
    const f = new ClientStatsFold(['c1', 'c2', 'c10']);
    f.add({ type: 'invoke', client: 'c1', request: 'c1:1', t: 0 });
    f.add({ type: 'ok', client: 'c1', request: 'c1:1', t: 10 });
    f.add({ type: 'invoke', client: 'c1', request: 'c1:2', t: 10 });
    f.add({ type: 'fail', client: 'c1', request: 'c1:2', t: 40 });
    f.add({ type: 'ok', client: 'c1', request: 'c1:2', t: 50 });
    f.add({ type: 'invoke', client: 'c2', request: 'c2:1', t: 5 });
    expect(f.completed).toBe(2);
    const [c1, c2, c10] = f.stats();
    expect(c1).toEqual({ client: 'c1', invoked: 2, ok: 1, fail: 1, info: 0, outstanding: false, p50Ms: 10, p99Ms: 30 });
    expect(c2).toMatchObject({ client: 'c2', invoked: 1, outstanding: true, p50Ms: null });
    expect(c10.client).toBe('c10');
  });
});

describe('the live verdict', () => {
  test('linearizable so far, then not, judged after completions; the state names the phase', () => {
    const states: LiveClientsState[] = [];
    const live = new LiveHistory({ model: 'kv', clients: ['c1', 'c2'], intervalMs: 0, onChange: (s) => states.push(s) });
    live.push(inv('c1', 'c1:1', 0, { f: 'put', key: 'x', value: '1' }));
    expect(live.checkNow().verdict).toBe('none');
    live.push(ok('c1', 'c1:1', 2, null));
    live.push(inv('c2', 'c2:1', 3, { f: 'get', key: 'x' }));
    live.push(ok('c2', 'c2:1', 4, '1'));
    expect(live.checkNow()).toMatchObject({ verdict: 'ok', checkedOps: 2 });
    // A read after the put completed that sees nothing: no order explains it.
    live.push(inv('c2', 'c2:2', 5, { f: 'get', key: 'x' }));
    live.push(ok('c2', 'c2:2', 6, null));
    const v = live.checkNow();
    expect(v.verdict).toBe('illegal');
    expect(v.summary).toMatch(/NOT linearizable/);
    live.setPhase('running');
    expect(states.at(-1)).toMatchObject({ phase: 'running', completed: 3, verdict: { verdict: 'illegal' } });
    live.close();
  });

  test('the check runs on its own after completions, within its step budget (unknown when spent)', async () => {
    const states: LiveClientsState[] = [];
    const live = new LiveHistory({ model: 'kv', clients: ['c1', 'c2', 'c3'], intervalMs: 0, maxSteps: 5, onChange: (s) => states.push(s) });
    // Three concurrent writes and reads of one key: more than 5 steps to order.
    for (const c of ['c1', 'c2', 'c3']) live.push(inv(c, `${c}:1`, 0, { f: 'put', key: 'x', value: c }));
    for (const c of ['c1', 'c2', 'c3']) live.push(ok(c, `${c}:1`, 1, null));
    for (const c of ['c1', 'c2', 'c3']) live.push(inv(c, `${c}:2`, 2, { f: 'get', key: 'x' }));
    for (const c of ['c1', 'c2', 'c3']) live.push(ok(c, `${c}:2`, 3, 'c3'));
    await expect.poll(() => states.at(-1)?.verdict.verdict).toBe('unknown');
    expect(states.at(-1)!.verdict.summary).toMatch(/budget/);
    live.close();
  });
});
