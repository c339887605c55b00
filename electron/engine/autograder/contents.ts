/**
 * What goes into an autograder package: the files of a PaxLab installation that can grade one lab
 * with its hidden tests, and nothing more. Everything is read from this installation (the
 * repository or an instructor build): the compiled bundles, the SDK, that lab's pack without its
 * reference, mutants and scenario scripts, and the run-time packages the grader loads from disk
 * (esbuild with this machine's native binary, typescript, ws) — all other dependencies are inside
 * the bundles.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LabPack } from '../labs/index.js';
import { runScript, setupScript } from './scripts.js';

/** One file of the zip: from disk, or generated text. */
export type PackageEntry = { zipPath: string; mode: number } & ({ source: string } | { text: string });

export interface PackageOptions {
  /** The installation root (dist/, labs/, node_modules/). */
  root: string;
  lab: LabPack;
  /** A Node binary to ship (run on the grader's machine), or null to rely on the image's node. */
  nodeBinary: string | null;
  /** Oldest Node major version PaxLab runs on. */
  nodeMajor: number;
  version: string;
}

/** The bundles grading cannot do without; every other top-level bundle of dist/ goes in too. */
const REQUIRED_BUNDLES = ['cli.js', 'sandbox.js', 'typecheck.js', 'grade-child.js', 'watchdog.js'];
/** Of typescript, what the type checker loads: the compiler and the standard library declarations. */
const TYPESCRIPT_FILES = (name: string) => name === 'typescript.js' || /^lib\..*\.d\.ts$/.test(name);
/** The parts of a lab pack grading needs; the reference, mutants and scenario scripts stay out. */
const LAB_PARTS = ['manifest.json', 'traces', 'scenario-tests'];

export function platformTag(): string {
  return `${process.platform}-${process.arch}`;
}

export class PackageError extends Error {}

export function packageEntries(o: PackageOptions): PackageEntry[] {
  const entries: PackageEntry[] = [];
  const add = (zipPath: string, source: string, mode = 0o644) => entries.push({ zipPath, source, mode });
  const addTree = (zipDir: string, dir: string, keep: (rel: string) => boolean = () => true) => {
    for (const rel of files(dir)) if (keep(rel)) add(`${zipDir}/${rel}`, path.join(dir, rel), isExecutable(path.join(dir, rel)) ? 0o755 : 0o644);
  };
  const need = (p: string, what: string) => {
    if (!existsSync(p)) throw new PackageError(`${what} is missing (${p})${what.startsWith('dist') ? ': run `npm run build` first' : ''}`);
    return p;
  };

  const scriptOpts = { labId: o.lab.id, nodeMajor: o.nodeMajor, platform: platformTag() };
  entries.push({ zipPath: 'setup.sh', text: setupScript(scriptOpts), mode: 0o755 });
  entries.push({ zipPath: 'run_autograder', text: runScript(scriptOpts), mode: 0o755 });
  entries.push({
    zipPath: 'paxlab/package.json',
    text: JSON.stringify({ name: 'paxlab-autograder', version: o.version, private: true, type: 'module', engines: { node: `>=${o.nodeMajor}` } }, null, 2) + '\n',
    mode: 0o644,
  });
  entries.push({
    zipPath: 'paxlab/autograder.json',
    text: JSON.stringify({ lab: o.lab.id, paxlab: o.version, platform: platformTag(), node: o.nodeBinary ? process.version : null }, null, 2) + '\n',
    mode: 0o644,
  });
  add('paxlab/bin/paxlab.js', need(path.join(o.root, 'bin', 'paxlab.js'), 'bin/paxlab.js'), 0o755);
  for (const b of REQUIRED_BUNDLES) need(path.join(o.root, 'dist', b), `dist/${b}`);
  // All of dist/'s own bundles (not the Electron shell's folder, not source maps, which would carry
  // the reference roles' sources): a bundle the grader gains later is packaged without a change here.
  for (const b of readdirSync(path.join(o.root, 'dist')).filter((f) => /\.(js|cjs|mjs)$/.test(f)).sort()) add(`paxlab/dist/${b}`, path.join(o.root, 'dist', b));

  addTree('paxlab/labs/sdk', path.join(o.root, 'labs', 'sdk'), (rel) => !rel.endsWith('.test.ts'));
  const labDir = `paxlab/labs/${path.basename(o.lab.dir)}`;
  if (!o.lab.hasHiddenTests) throw new PackageError(`lab '${o.lab.id}' has no hidden traces here (${o.lab.traceDir('hidden')}): build the autograder from the repository or an instructor build`);
  for (const part of [...LAB_PARTS, o.lab.manifest.files.instructions, o.lab.manifest.files.starter]) {
    const p = path.join(o.lab.dir, part);
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) addTree(`${labDir}/${part}`, p);
    else add(`${labDir}/${part}`, p);
  }

  const req = createRequire(path.join(o.root, 'package.json'));
  const pkgDir = (name: string, from = req) => path.dirname(from.resolve(`${name}/package.json`));
  const esbuild = pkgDir('esbuild');
  add('paxlab/node_modules/esbuild/package.json', path.join(esbuild, 'package.json'));
  addTree('paxlab/node_modules/esbuild/lib', path.join(esbuild, 'lib'), (rel) => rel.endsWith('.js'));
  const native = `@esbuild/${platformTag()}`;
  let nativeDir: string;
  try {
    nativeDir = pkgDir(native, createRequire(path.join(esbuild, 'package.json')));
  } catch {
    throw new PackageError(`esbuild's native package ${native} is not installed: build the autograder on the machine kind the grader runs on (Gradescope: Linux x64)`);
  }
  addTree(`paxlab/node_modules/${native}`, nativeDir);
  const ts = pkgDir('typescript');
  add('paxlab/node_modules/typescript/package.json', path.join(ts, 'package.json'));
  for (const f of readdirSync(path.join(ts, 'lib')).filter(TYPESCRIPT_FILES)) add(`paxlab/node_modules/typescript/lib/${f}`, path.join(ts, 'lib', f));
  addTree('paxlab/node_modules/ws', pkgDir('ws'), (rel) => !rel.endsWith('.md'));

  if (o.nodeBinary) add('node/bin/node', o.nodeBinary, 0o755);
  return entries;
}

/** The version of this installation. */
export function paxlabVersion(root: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Files under `dir`, relative, with forward slashes, sorted. */
function files(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...files(path.join(dir, e.name), rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

function isExecutable(file: string): boolean {
  return (statSync(file).mode & 0o111) !== 0;
}
