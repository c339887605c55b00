/** The exactly-once check of append workloads: lost, duplicated, reordered and phantom appends are named. */
import { describe, expect, test } from 'vitest';
import { checkExactlyOnce, type HistoryEvent, type Op } from '../../electron/engine/history/index.js';
import { numbered } from '../support/histories.js';

type Step = [client: string, op: Op, outcome: 'ok' | 'fail' | 'info', result?: unknown];

/** Operations one after the other (no overlap), as a history. */
function sequence(steps: Step[]): HistoryEvent[] {
  let t = 0;
  return numbered(
    steps.flatMap(([client, op, outcome, result], i) => {
      const request = `${client}:${i + 1}`;
      const end = outcome === 'ok' ? { type: 'ok' as const, client, request, result: result ?? null } : { type: outcome, client, request };
      return [
        { t: ++t, e: { type: 'invoke' as const, client, request, op } },
        { t: ++t, e: end },
      ];
    }),
  );
}

const app = (key: string, value: string): Op => ({ f: 'append', key, value });
const get = (key: string): Op => ({ f: 'get', key });

describe('exactly-once appends', () => {
  test('every acknowledged append once, in each client order: ok', () => {
    const r = checkExactlyOnce(sequence([['c1', app('x', '[c1.1]'), 'ok'], ['c2', app('x', '[c2.1]'), 'ok'], ['c1', app('x', '[c1.2]'), 'ok'], ['c1', get('x'), 'ok', '[c1.1][c2.1][c1.2]']]));
    expect(r).toMatchObject({ ok: true, incomplete: false, messages: [] });
    expect(r.keys[0]).toMatchObject({ key: 'x', finalValue: '[c1.1][c2.1][c1.2]', lost: [], duplicated: [] });
  });

  test('a lost acknowledged append is named', () => {
    const r = checkExactlyOnce(sequence([['c1', app('x', '[c1.1]'), 'ok'], ['c2', app('x', '[c2.1]'), 'ok'], ['c1', get('x'), 'ok', '[c1.1]']]));
    expect(r.ok).toBe(false);
    expect(r.keys[0].lost.map((o) => o.request)).toEqual(['c2:2']);
    expect(r.messages).toEqual([`x: c2's acknowledged append "[c2.1]" is lost (not in the final value)`]);
  });

  test('a duplicated append is named, even one whose outcome was unknown', () => {
    const r = checkExactlyOnce(sequence([['c1', app('x', '[c1.1]'), 'info'], ['c2', app('x', '[c2.1]'), 'ok'], ['c1', get('x'), 'ok', '[c1.1][c2.1][c1.1]']]));
    expect(r.keys[0].duplicated.map((o) => o.request)).toEqual(['c1:1']);
    expect(r.ok).toBe(false);
  });

  test("one client's appends in the wrong order are named as a pair", () => {
    const r = checkExactlyOnce(sequence([['c1', app('x', '[c1.1]'), 'ok'], ['c1', app('x', '[c1.2]'), 'ok'], ['c2', get('x'), 'ok', '[c1.2][c1.1]']]));
    expect(r.keys[0].reordered.map((p) => [p.first.request, p.second.request])).toEqual([['c1:1', 'c1:2']]);
    expect(r.messages[0]).toMatch(/c1 appended "\[c1.1\]" before "\[c1.2\]"/);
  });

  test('a failed append that took effect anyway, and text no append wrote', () => {
    const r = checkExactlyOnce(sequence([['c1', app('x', '[c1.1]'), 'fail'], ['c2', app('x', '[c2.1]'), 'ok'], ['c1', get('x'), 'ok', '[c1.1]junk[c2.1]']]));
    expect(r.keys[0].phantom.map((o) => o.request)).toEqual(['c1:1']);
    expect(r.keys[0].unknownText).toBe('junk');
  });

  test('an unknown append may be there once or not at all', () => {
    const once = checkExactlyOnce(sequence([['c1', app('x', '[a]'), 'info'], ['c2', get('x'), 'ok', '[a]']]));
    const never = checkExactlyOnce(sequence([['c1', app('x', '[a]'), 'info'], ['c2', get('x'), 'ok', null]]));
    expect([once.ok, never.ok]).toEqual([true, true]);
  });

  test('without a read after the appends, the key is not judged (and says why)', () => {
    const r = checkExactlyOnce(sequence([['c2', get('x'), 'ok', null], ['c1', app('x', '[a]'), 'ok']]));
    expect(r).toMatchObject({ ok: true, incomplete: true });
    expect(r.keys[0].problem).toMatch(/no read of x began after its appends ended/);
  });
});

test('a key that is also put or swapped is not judged: a put may rightly overwrite appends', () => {
  const r = checkExactlyOnce(sequence([['c1', app('x', '[a]'), 'ok'], ['c2', { f: 'put', key: 'x', value: 'new' }, 'ok'], ['c1', get('x'), 'ok', 'new']]));
  expect(r).toMatchObject({ ok: true, keys: [] });
});
