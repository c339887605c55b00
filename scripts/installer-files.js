#!/usr/bin/env node
// Which project files an electron-builder configuration puts into the installer, resolved by
// electron-builder's own code (its config loader, with `extends` and the merging of file sets, and
// its FileMatcher globs), without building anything: no Electron download, works offline.
// Covers `files` (app.asar) and `extraResources` (resources/); the production node_modules that
// electron-builder adds to app.asar are third-party packages and are not listed.
// Usage: node scripts/installer-files.js [electron-builder.yml]  → one installed path per line.
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The installed files of `configFile`: `{ path, source }` with `path` relative to the installed
 * app's folder (`resources/app.asar/...`, `resources/...`) and `source` relative to the project.
 */
export async function installerFiles(configFile = 'electron-builder.yml', projectDir = root) {
  const { getConfig } = require('app-builder-lib/out/util/config/config.js');
  const { getFileMatchers } = require('app-builder-lib/out/fileMatcher.js');
  // Its "loaded configuration" lines would mix with the file list.
  createRequire(require.resolve('app-builder-lib/out/fileMatcher.js'))('builder-util/out/log.js').log.stream = { write: () => true };
  const config = await getConfig(projectDir, path.resolve(projectDir, configFile), null);
  const resources = path.join(projectDir, '.installer', 'resources');
  const options = (dest) => ({
    defaultSrc: projectDir,
    macroExpander: (s) => s,
    customBuildOptions: {},
    globalOutDir: path.resolve(projectDir, config.directories?.output ?? 'dist'),
    dest,
  });
  const out = [];
  for (const [name, dest] of [
    ['files', path.join(resources, 'app.asar')],
    ['extraResources', resources],
  ]) {
    for (const matcher of getFileMatchers(config, name, dest, options(dest)) ?? []) {
      const filter = matcher.createFilter();
      for (const file of walk(matcher.from, filter)) {
        out.push({
          path: path.relative(path.dirname(resources), path.join(matcher.to, path.relative(matcher.from, file))).split(path.sep).join('/'),
          source: path.relative(projectDir, file).split(path.sep).join('/'),
        });
      }
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every file under `dir` the filter keeps; a folder it refuses is not entered (as electron-builder walks). */
function* walk(dir, filter) {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return;
  }
  if (st.isFile()) {
    if (filter(dir, st)) yield dir;
    return;
  }
  for (const name of readdirSync(dir).sort()) {
    if (name === '.git' || name === '.installer') continue;
    const full = path.join(dir, name);
    const s = statSync(full);
    if (!filter(full, s)) continue;
    if (s.isDirectory()) yield* walk(full, filter);
    else yield full;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await installerFiles(process.argv[2])) console.log(f.path);
}
