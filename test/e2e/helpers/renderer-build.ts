/**
 * Makes sure renderer/dist is built from the current sources before a browser test: `paxlab serve`
 * only builds when there is no build at all, so a stale build would test old code. Builds into a
 * temp folder and swaps it in, so a server reading the old build never sees half a build.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

export async function ensureFreshRenderer(): Promise<void> {
  const renderer = path.join(repoRoot, 'renderer');
  const dist = path.join(renderer, 'dist');
  const index = path.join(dist, 'index.html');
  const sources = [
    path.join(renderer, 'src'),
    path.join(renderer, 'index.html'),
    path.join(renderer, 'vite.config.ts'),
    path.join(repoRoot, 'electron', 'api.ts'),
    path.join(repoRoot, 'electron', 'api-ws-client.ts'),
  ].filter(existsSync);
  const newest = Math.max(...sources.map(newestMtime));
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return;

  const { build } = await import('vite');
  const tmp = path.join(renderer, `.dist-e2e-${process.pid}-${Date.now()}`);
  try {
    await build({ configFile: path.join(renderer, 'vite.config.ts'), logLevel: 'error', build: { outDir: tmp, emptyOutDir: true } });
    rmSync(dist, { recursive: true, force: true });
    renameSync(tmp, dist);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
