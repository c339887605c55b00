/** Where the bundled node entry is, from wherever this code runs: the source tree under tests,
 * dist/cli.js, or dist/electron/main.cjs inside the app. dist/node.cjs (CommonJS) is preferred:
 * Node starts it about 10 ms of CPU faster than the ES module dist/node.js, times five nodes. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_SCRIPT_ENV = 'PAXLAB_NODE_SCRIPT';

export function defaultNodeScript(): string {
  const override = process.env[NODE_SCRIPT_ENV];
  if (override) return path.resolve(override);
  let dir = hereDir();
  for (let up = 0; up < 6; up++) {
    const dist = path.basename(dir) === 'dist' ? dir : path.join(dir, 'dist');
    for (const name of ['node.cjs', 'node.js']) {
      if (existsSync(path.join(dist, name))) return path.join(dist, name);
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the node program dist/node.js: run `npm run build` first');
}

function hereDir(): string {
  // A CommonJS bundle (the Electron main process) has __filename; ESM has import.meta.url.
  if (typeof __filename === 'string') return path.dirname(__filename);
  return path.dirname(fileURLToPath(import.meta.url));
}
