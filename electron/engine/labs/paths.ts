import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let rootOverride: string | null = null;

/**
 * The PaxLab installation root: the folder holding `labs/sdk` and `dist/`. Found by walking up from
 * this module, which works both from the sources (tests, tsx) and from the bundles in dist/.
 * PAXLAB_ROOT or {@link setPaxlabRoot} override it (a packaged app keeps its resources elsewhere).
 */
export function paxlabRoot(): string {
  if (rootOverride) return rootOverride;
  if (process.env.PAXLAB_ROOT) return path.resolve(process.env.PAXLAB_ROOT);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'labs', 'sdk', 'package.json'))) return (rootOverride = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the PaxLab root (a folder with labs/sdk); set PAXLAB_ROOT');
    dir = up;
  }
}

export function setPaxlabRoot(dir: string | null): void {
  rootOverride = dir ? path.resolve(dir) : null;
}

/** Where lab packs live. PAXLAB_LABS_DIR overrides it (an instructor's own packs). */
export function labsDir(): string {
  return process.env.PAXLAB_LABS_DIR ? path.resolve(process.env.PAXLAB_LABS_DIR) : path.join(paxlabRoot(), 'labs');
}

/** The SDK's entry file, which `@paxlab/sdk` resolves to in student builds. */
export function sdkEntry(): string {
  return path.join(paxlabRoot(), 'labs', 'sdk', 'index.ts');
}

/** The bundled sandbox child (built by scripts/build.js). */
export function sandboxEntry(): string {
  return path.join(paxlabRoot(), 'dist', 'sandbox.js');
}
