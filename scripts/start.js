#!/usr/bin/env node
// `npm start`: open the desktop app. Checks first that the Electron binary is installed and can run
// on this machine, without downloading anything (electron's own `require('electron')` would try);
// when it cannot, prints one paragraph that says what failed and that `npx paxlab serve` gives the
// same app in a browser, and exits 1. Then builds the bundles and the renderer, and runs `electron .`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable, or the reason there is none. PAXLAB_ELECTRON names one directly. */
export function findElectron(env = process.env) {
  if (env.PAXLAB_ELECTRON) {
    return existsSync(env.PAXLAB_ELECTRON) ? { exe: env.PAXLAB_ELECTRON } : { why: `PAXLAB_ELECTRON names ${env.PAXLAB_ELECTRON}, which does not exist` };
  }
  let pkgDir;
  try {
    pkgDir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { why: 'the electron package is not installed (run `npm install`)' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return { exe: path.join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron') };
  if (!name) return { why: "the Electron binary was never downloaded (npm install could not fetch it, or was told not to with ELECTRON_SKIP_BINARY_DOWNLOAD)" };
  const exe = path.join(pkgDir, 'dist', name);
  return existsSync(exe) ? { exe } : { why: `the Electron binary is missing (${path.relative(root, exe)})` };
}

/** Whether the binary starts here at all (shared libraries, architecture): its own Node says its version. */
export function checkElectronRuns(exe) {
  const r = spawnSync(exe, ['--version'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 30_000 });
  if (r.error) return `Electron cannot be started (${r.error.message})`;
  if (r.status !== 0) {
    const first = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => l.trim()) ?? `exit status ${r.status ?? r.signal}`;
    return `Electron does not run on this machine (${first.trim()})`;
  }
  return null;
}

export function explain(why) {
  return (
    `PaxLab could not open its desktop window: ${why}. The desktop app needs Electron, which \`npm install\` ` +
    "downloads from Electron's own host and which needs a graphical desktop; locked-down lab machines, " +
    'containers and servers often have neither. The same app runs in your browser: run `npx paxlab serve` ' +
    'and open the local address it prints (http://127.0.0.1:…). To retry the desktop app later, delete ' +
    'node_modules/electron and run `npm install` where that host can be reached.\n'
  );
}

function fail(why) {
  process.stderr.write(explain(why));
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findElectron();
  if (!found.exe) fail(found.why);
  const broken = checkElectronRuns(found.exe);
  if (broken) fail(broken);
  run(process.execPath, [path.join(root, 'scripts', 'build.js')]);
  run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  const app = spawn(found.exe, ['.'], { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => app.kill(sig));
  app.on('exit', (code, signal) => {
    // A window that could not open (no display, a crash at start) ends with an error code.
    if (code !== 0 && signal === null) fail(`Electron started but exited with code ${code}`);
    process.exit(code ?? 0);
  });
}
