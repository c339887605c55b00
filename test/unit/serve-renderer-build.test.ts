/** `paxlab serve` builds the renderer with Vite when there is no build yet (a fresh clone). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureRendererBuilt } from '../../electron/engine/app/renderer-build.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'paxlab-rbuild-test-'));
  const r = path.join(root, 'renderer');
  mkdirSync(path.join(r, 'src'), { recursive: true });
  writeFileSync(path.join(r, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><script type="module" src="./src/main.ts"></script></body></html>');
  writeFileSync(path.join(r, 'src', 'main.ts'), 'const n: number = 41 + 1;\ndocument.title = `built ${n}`;\n');
  // A minimal config in the shape of the real one: relative base, output in renderer/dist.
  writeFileSync(path.join(r, 'vite.config.ts'), "export default { base: './', build: { outDir: 'dist', reportCompressedSize: false } };\n");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('renderer build on first serve', () => {
  it('builds into renderer/dist, then reuses the build', async () => {
    const lines: string[] = [];
    const dist = await ensureRendererBuilt(root, (l) => lines.push(l));
    expect(dist).toBe(path.join(root, 'renderer', 'dist'));
    const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    const js = readdirSync(path.join(dist, 'assets')).find((f) => f.endsWith('.js'))!;
    expect(readFileSync(path.join(dist, 'assets', js), 'utf8')).toContain('built');
    expect(lines.join('\n')).toMatch(/Building the renderer/);
    expect(existsSync(path.join(root, 'renderer', '.build-tmp'))).toBe(false);

    const again: string[] = [];
    expect(await ensureRendererBuilt(root, (l) => again.push(l))).toBe(dist);
    expect(again).toEqual([]);
  });

  it('says what is missing when there is neither a build nor a config', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'paxlab-rbuild-empty-'));
    try {
      await expect(ensureRendererBuilt(empty)).rejects.toThrow(/no renderer build/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
