import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * The built renderer folder, building it first with Vite when there is no build yet (a fresh clone).
 * Builds into a temp folder and renames it into place, so two servers starting at once never see a
 * half-written build.
 */
export async function ensureRendererBuilt(root: string, log: (line: string) => void = () => {}): Promise<string> {
  const rendererRoot = path.join(root, 'renderer');
  const dist = path.join(rendererRoot, 'dist');
  if (existsSync(path.join(dist, 'index.html'))) return dist;
  const config = path.join(rendererRoot, 'vite.config.ts');
  if (!existsSync(config)) throw new Error(`no renderer build at ${dist} and no ${config} to build one`);

  log('Building the renderer (first run)…');
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('the renderer is not built and Vite is not installed: run `npm run build:renderer` in a development checkout');
  }
  const tmpParent = path.join(rendererRoot, '.build-tmp');
  mkdirSync(tmpParent, { recursive: true });
  const tmp = path.join(tmpParent, `dist-${process.pid}-${Date.now()}`);
  try {
    await vite.build({ configFile: config, root: rendererRoot, logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
    if (!existsSync(path.join(dist, 'index.html'))) {
      rmSync(dist, { recursive: true, force: true });
      try {
        renameSync(tmp, dist);
      } catch (err) {
        // Another server finished first: use its build.
        if (!existsSync(path.join(dist, 'index.html'))) throw err;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    try {
      rmdirSync(tmpParent);
    } catch {
      /* not empty: another build in progress */
    }
  }
  return dist;
}
