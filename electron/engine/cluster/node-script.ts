/** Where the bundled node entry (dist/node.js) is, from wherever this code runs: the source tree
 * under tests, dist/cli.js, or dist/electron/main.cjs inside the app. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_SCRIPT_ENV = 'PAXLAB_NODE_SCRIPT';

export function defaultNodeScript(): string {
  const override = process.env[NODE_SCRIPT_ENV];
  if (override) return path.resolve(override);
  let dir = hereDir();
  for (let up = 0; up < 6; up++) {
    if (path.basename(dir) === 'dist' && existsSync(path.join(dir, 'node.js'))) return path.join(dir, 'node.js');
    const candidate = path.join(dir, 'dist', 'node.js');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the node program dist/node.js: run `npm run build` first');
}

function hereDir(): string {
  // A CommonJS bundle (the Electron main process) has __filename; ESM has import.meta.url.
  if (typeof __filename === 'string') return path.dirname(__filename);
  return path.dirname(fileURLToPath(import.meta.url));
}
