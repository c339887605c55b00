/** The service models' sequential specifications, operation by operation. */
import { describe, expect, test } from 'vitest';
import { ILLEGAL, kvModel, lockModel, logModel, modelFor, type Op, type Operation } from '../../electron/engine/history/index.js';

const op = (o: Op, result: unknown, client = 'c1', status: Operation['status'] = 'ok'): Operation => ({ index: 0, client, request: 'r', op: o, call: 0, ret: 1, status, result });

describe('kv register', () => {
  test('get sees the last put, append concatenates, cas swaps only on a match', () => {
    let s = kvModel.init();
    expect(kvModel.step(s, op({ f: 'get', key: 'x' }, null))).toBe(null);
    expect(kvModel.step(s, op({ f: 'get', key: 'x' }, ''))).toBe(ILLEGAL);
    s = kvModel.step(s, op({ f: 'put', key: 'x', value: 'a' }, null)) as string;
    s = kvModel.step(s, op({ f: 'append', key: 'x', value: 'b' }, null)) as string;
    expect(s).toBe('ab');
    expect(kvModel.step(s, op({ f: 'cas', key: 'x', from: 'ab', to: 'c' }, true))).toBe('c');
    expect(kvModel.step(s, op({ f: 'cas', key: 'x', from: 'zz', to: 'c' }, true))).toBe(ILLEGAL);
    expect(kvModel.step(s, op({ f: 'cas', key: 'x', from: 'zz', to: 'c' }, false))).toBe('ab');
    // An unknown outcome takes effect as the state says.
    expect(kvModel.step(s, op({ f: 'cas', key: 'x', from: 'ab', to: 'd' }, undefined, 'c1', 'info'))).toBe('d');
  });
});

describe('lock service', () => {
  test('one holder at a time; only the holder releases', () => {
    let s = lockModel.init();
    s = lockModel.step(s, op({ f: 'acquire', key: 'L' }, true, 'c1')) as string;
    expect(s).toBe('c1');
    expect(lockModel.step(s, op({ f: 'acquire', key: 'L' }, true, 'c2'))).toBe(ILLEGAL);
    expect(lockModel.step(s, op({ f: 'acquire', key: 'L' }, false, 'c2'))).toBe('c1');
    expect(lockModel.step(s, op({ f: 'release', key: 'L' }, true, 'c2'))).toBe(ILLEGAL);
    expect(lockModel.step(s, op({ f: 'release', key: 'L' }, true, 'c1'))).toBe(null);
  });
});

describe('command log', () => {
  test('each command sees the whole log after it', () => {
    let s = logModel.init();
    s = logModel.step(s, op({ f: 'exec', value: 'm2' }, ['m2'])) as typeof s;
    expect(logModel.step(s, op({ f: 'exec', value: 'm1' }, ['m2', 'm1']))).not.toBe(ILLEGAL);
    expect(logModel.step(s, op({ f: 'exec', value: 'm1' }, ['m1']))).toBe(ILLEGAL);
    expect(logModel.stateView(s)).toEqual(['m2']);
  });
});

test('the model of an operation', () => {
  expect([modelFor('cas'), modelFor('release'), modelFor('exec'), modelFor('nope')]).toEqual(['kv', 'lock', 'log', null]);
});

test('the history library is pure: it imports nothing outside its own folder', async () => {
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const path = await import('node:path');
  const root = path.resolve(import.meta.dirname, '../../electron/engine/history');
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));
  for (const file of files(root)) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
      const target = path.resolve(path.dirname(file), spec);
      expect(target.startsWith(root + path.sep), `${path.relative(root, file)} imports ${spec}`).toBe(true);
    }
  }
});

test("the SDK's service operations are the history's operations", () => {
  // Compile-time: every operation a student's service decodes is one the checker judges.
  const sdkOp: import('@paxlab/sdk').ServiceOp = { f: 'cas', key: 'x', from: null, to: 'y' };
  const judged: Op = sdkOp;
  expect(judged.f).toBe('cas');
});
