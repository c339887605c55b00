// The real cluster's stable storage (electron/node/storage.ts): a journal of checksummed records that
// survives a crash at any byte of a save, compacts itself, and reports damage it cannot explain.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStorage, readStorageFile } from '../../electron/node/storage.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-storage-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(dir, `s${n++}.journal`);

function open(file: string, durability: 'process' | 'fsync' = 'process') {
  const problems: string[] = [];
  const s = new FileStorage(file, (p) => problems.push(p), durability);
  return { s, problems };
}

describe('FileStorage', () => {
  it('starts empty, and a new instance on the same file loads the last saved state', () => {
    const file = fresh();
    const { s, problems } = open(file);
    expect(s.load()).toBeUndefined();
    expect(s.peek()).toBeNull();
    s.save({ rnd: 1 });
    s.save({ rnd: 2, vval: 'x' });
    s.close();
    const again = open(file);
    expect(again.s.load()).toEqual({ rnd: 2, vval: 'x' });
    expect(readStorageFile(file)).toEqual({ rnd: 2, vval: 'x' });
    expect([...problems, ...again.problems]).toEqual([]);
  });

  it('load returns a fresh object each time', () => {
    const { s } = open(fresh());
    s.save({ inputs: [1] });
    const a = s.load<{ inputs: number[] }>()!;
    a.inputs.push(2);
    expect(s.load()).toEqual({ inputs: [1] });
  });

  it('a save cut short at any byte leaves the previous state, silently, and the next save repairs the file', () => {
    const file = fresh();
    const { s } = open(file);
    s.save({ rnd: 1 });
    s.close();
    const good = statSync(file).size;
    const { s: w } = open(file);
    w.save({ rnd: 2, vval: 'a value with ünïcode' });
    w.close();
    const full = readFileSync(file);
    for (let cut = good; cut < full.length; cut++) {
      writeFileSync(file, full.subarray(0, cut));
      const { s: r, problems } = open(file);
      expect(r.load(), `cut at byte ${cut}`).toEqual({ rnd: 1 });
      expect(problems).toEqual([]);
      r.save({ rnd: 3 });
      r.close();
      expect(readStorageFile(file)).toEqual({ rnd: 3 });
      expect(open(file).s.load()).toEqual({ rnd: 3 });
    }
  });

  it('ignores a record whose checksum does not match', () => {
    const file = fresh();
    const { s } = open(file);
    s.save({ rnd: 1 });
    s.close();
    appendFileSync(file, `00000000 {"rnd":9}\n`);
    const { s: r } = open(file);
    expect(r.load()).toEqual({ rnd: 1 });
  });

  it('reports a file with no valid record, starts empty, and leaves it until the next save', () => {
    const file = fresh();
    writeFileSync(file, 'not a journal');
    const { s, problems } = open(file);
    expect(s.load()).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/no valid record/);
    expect(readFileSync(file, 'utf8')).toBe('not a journal');
    s.save({ rnd: 4 });
    expect(readStorageFile(file)).toEqual({ rnd: 4 });
  });

  it('compacts the journal to its last record once it grows large', () => {
    const file = fresh();
    const { s } = open(file);
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) s.save({ i, big });
    expect(statSync(file).size).toBeLessThanOrEqual(64 * 1024 + 1100);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    s.save({ i: 'last' });
    s.close();
    expect(open(file).s.load()).toEqual({ i: 'last' });
  });

  it('with fsync durability saves the same way', () => {
    const file = fresh();
    const { s } = open(file, 'fsync');
    s.save({ rnd: 1 });
    s.save({ rnd: 2 });
    s.close();
    expect(readStorageFile(file)).toEqual({ rnd: 2 });
  });

  it('refuses a state that is not JSON-serializable', () => {
    const { s } = open(fresh());
    expect(() => s.save(undefined)).toThrow(/JSON-serializable/);
  });

  it('reports storage it cannot read, and a save that fails throws rather than pretending', () => {
    const file = fresh();
    mkdirSync(file); // a folder where the file should be: reading fails with EISDIR
    const { s, problems } = open(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/unreadable/);
    expect(s.load()).toBeUndefined();
    expect(() => s.save({ rnd: 1 })).toThrow();
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });
});
