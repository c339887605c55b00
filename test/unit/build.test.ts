import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStudentModule } from '../../electron/engine/build/index.js';
import { removeStaleCaches } from '../../electron/engine/build/typecheck.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const broken = (name: string) => path.join(fixtures, 'broken', name, 'acceptor.ts');

describe('buildStudentModule', () => {
  it('bundles a TS module with its own relative imports and @paxlab/sdk, with a source map', async () => {
    const r = await buildStudentModule(path.join(fixtures, 'acceptor/functional/acceptor.ts'), { exportName: 'Acceptor' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.exports).toContain('Acceptor');
    expect(r.code).toContain('class');
    const map = JSON.parse(r.sourceMap);
    expect(map.sources).toEqual(expect.arrayContaining(['acceptor.ts', 'messages.ts']));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('bundles a plain JavaScript module', async () => {
    const r = await buildStudentModule(path.join(fixtures, 'learner/pairs-js/learner.js'), { exportName: 'Learner' });
    expect(r.ok).toBe(true);
  });

  it('reports a syntax error with file, line and column, not a stack trace', async () => {
    const r = await buildStudentModule(broken('syntax-error'), { exportName: 'Acceptor' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ file: 'acceptor.ts', line: 8, column: 30, severity: 'error', source: 'syntax' });
    expect(r.diagnostics[0].message).toMatch(/Expected "\)"/);
    expect(JSON.stringify(r.diagnostics)).not.toMatch(/\n\s+at /);
  });

  it('reports type errors in the entry and in a helper file, each at its own line and column', async () => {
    const r = await buildStudentModule(broken('type-error'), { exportName: 'Acceptor' });
    expect(r.ok).toBe(false);
    const where = r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`);
    expect(where).toEqual(expect.arrayContaining(['state.ts:4:9 TS2322', 'state.ts:5:3 TS2322', 'acceptor.ts:11:84 TS2322']));
    expect(r.diagnostics.every((d) => d.source === 'type')).toBe(true);
  });

  it('can keep type errors as warnings and still bundle', async () => {
    const r = await buildStudentModule(broken('type-error'), { exportName: 'Acceptor', typeCheck: 'warn' });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.some((d) => d.severity === 'warning' && d.file === 'state.ts')).toBe(true);
  });

  it('refuses imports other than @paxlab/sdk and files inside the submission', async () => {
    const bad = await buildStudentModule(broken('bad-import'), { exportName: 'Acceptor' });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]).toMatchObject({ file: 'acceptor.ts', line: 1, source: 'import' });
    expect(bad.diagnostics[0].message).toMatch(/cannot import 'node:fs'/);
    const outside = await buildStudentModule(broken('outside-import'), { exportName: 'Acceptor' });
    expect(outside.ok).toBe(false);
    expect(outside.diagnostics[0]).toMatchObject({ file: 'acceptor.ts', line: 2 });
    expect(outside.diagnostics[0].message).toMatch(/outside the submission folder/);
  });

  it('requires the role class export', async () => {
    const r = await buildStudentModule(broken('no-export'), { exportName: 'Acceptor' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].message).toMatch(/must export a class named 'Acceptor'.*'MyAcceptor'/);
  });

  it('reports a missing file as a diagnostic', async () => {
    const r = await buildStudentModule(path.join(fixtures, 'nope', 'acceptor.ts'));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].message).toMatch(/no such file/);
  });

  it('never writes into the submission folder', async () => {
    const dir = path.join(fixtures, 'acceptor/functional');
    const before = await Promise.all((await readdir(dir)).map(async (f) => [f, await readFile(path.join(dir, f), 'utf8'), (await stat(path.join(dir, f))).mtimeMs]));
    await buildStudentModule(path.join(dir, 'acceptor.ts'), { exportName: 'Acceptor' });
    const after = await Promise.all((await readdir(dir)).map(async (f) => [f, await readFile(path.join(dir, f), 'utf8'), (await stat(path.join(dir, f))).mtimeMs]));
    expect(after).toEqual(before);
  });
});

describe('the TypeScript code cache folder', () => {
  it('keeps the cache in use and the two newest others, and removes older ones and nothing else', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-tscache-'));
    try {
      const names = ['typescript-1-a.v8cache', 'typescript-2-b.v8cache', 'typescript-3-c.v8cache', 'typescript-4-d.v8cache', 'typescript-5-e.v8cache'];
      // Written one after another: a is the oldest, e (the one in use) the newest.
      for (const [i, name] of names.entries()) {
        await writeFile(path.join(dir, name), 'x');
        const at = new Date(Date.now() - (names.length - i) * 60_000);
        await utimes(path.join(dir, name), at, at);
      }
      await writeFile(path.join(dir, 'typescript-6-f.v8cache.123.tmp'), 'being written');
      await writeFile(path.join(dir, 'notes.txt'), 'not a cache');
      removeStaleCaches(dir, 'typescript-5-e.v8cache');
      expect((await readdir(dir)).sort()).toEqual([
        'notes.txt',
        'typescript-3-c.v8cache',
        'typescript-4-d.v8cache',
        'typescript-5-e.v8cache',
        'typescript-6-f.v8cache.123.tmp',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
