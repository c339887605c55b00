// Bundles the Node-side entry points with esbuild: the CLI, the node process, and the Electron shell.
// Run by `npm run build`, by `prepare` after `npm ci`, and by the test suite's global setup, so the
// bundles are never stale. Takes well under a second.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (p) => path.join(root, p);

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning' };
const esm = {
  ...node,
  format: 'esm',
  // Bundled CommonJS dependencies still call require(); give ESM bundles one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};
// The Electron main bundle is CommonJS, but the engine finds its files from import.meta.url: give
// it the bundle's own URL.
const cjsWithImportMeta = {
  ...node,
  format: 'cjs',
  define: { 'import.meta.url': '__paxlab_import_meta_url' },
  banner: { js: "const __paxlab_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};
// Kept out of the bundles: packages with native parts or their own resolution at run time.
const external = ['esbuild', 'typescript', 'electron', 'ws', 'bufferutil', 'utf-8-validate', 'vite'];

const entries = [
  { in: 'electron/cli/main.ts', out: 'dist/cli.js', opts: esm },
  { in: 'electron/node/main.ts', out: 'dist/node.js', opts: esm },
  // The same node program as CommonJS, which Node boots faster (no ES module loader): the supervisor
  // spawns this one when it is there (engine/cluster/node-script.ts).
  { in: 'electron/node/main.ts', out: 'dist/node.cjs', opts: { ...node, format: 'cjs' } },
  { in: 'electron/engine/grading/sandbox-main.ts', out: 'dist/sandbox.js', opts: esm },
  // One submission's grader, as its own process (grade-all).
  { in: 'electron/engine/grading/grade-child-main.ts', out: 'dist/grade-child.js', opts: esm },
  // The watchdog thread of every confined child (sandbox, type checker).
  { in: 'electron/engine/limits/watchdog-worker.ts', out: 'dist/watchdog.js', opts: esm },
  { in: 'electron/engine/build/typecheck-child.ts', out: 'dist/typecheck.js', opts: esm },
  { in: 'electron/main/main.ts', out: 'dist/electron/main.cjs', opts: cjsWithImportMeta },
  { in: 'electron/preload/preload.ts', out: 'dist/electron/preload.cjs', opts: { ...node, format: 'cjs' } },
];

await Promise.all(
  entries
    .filter((e) => existsSync(at(e.in)))
    .map((e) => build({ ...e.opts, entryPoints: [at(e.in)], outfile: at(e.out), external })),
);
