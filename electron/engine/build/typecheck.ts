import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import type * as TS from 'typescript';
import type { Diagnostic } from './diagnostics.js';
import { submissionFiles } from './student-files.js';

type TypeScript = typeof TS;

/**
 * Type-checks a student's files with the TypeScript compiler API against the SDK's types. Only the
 * student's own files are reported. The library and SDK source files are parsed once per process
 * and reused (they never change while we run), which brings a warm check down to tens of ms.
 */
let tsModule: TypeScript | null = null;
/** Set while a fresh V8 code cache for TypeScript is worth writing (after the first check). */
let saveCodeCache: (() => void) | null = null;

function ts(): TypeScript {
  if (!tsModule) tsModule = loadTypeScript();
  return tsModule;
}

/**
 * typescript is a large CommonJS file kept out of the bundles. Compiling it is most of a cold
 * check, so it is loaded through a V8 code cache kept per user (the same trick as Node's compile
 * cache, which Node 20 lacks). V8 verifies the cache against the source and ignores a stale one.
 */
function loadTypeScript(): TypeScript {
  const req = createRequire(import.meta.url);
  const file = req.resolve('typescript');
  try {
    const st = statSync(file);
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'paxlab');
    const cacheFile = path.join(dir, `typescript-${st.size}-${Math.round(st.mtimeMs)}-${process.version}-${process.arch}.v8cache`);
    const cached = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
    const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: cached });
    const mod = { exports: {} as unknown };
    const load = script.runInThisContext() as (...a: unknown[]) => void;
    load.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
    if (!cached || script.cachedDataRejected) {
      saveCodeCache = () => {
        try {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          const tmp = `${cacheFile}.${process.pid}.tmp`;
          writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
          renameSync(tmp, cacheFile);
          removeStaleCaches(dir, path.basename(cacheFile));
        } catch {
          // No cache this time; the next run compiles again.
        }
      };
    }
    return mod.exports as TypeScript;
  } catch {
    return req('typescript') as TypeScript;
  }
}

/**
 * Each TypeScript install and Node version gets its own cache (about 3.5 MB), and every fresh
 * install has a new one: keep `keep` and the two most recently written others, remove the rest.
 */
export function removeStaleCaches(dir: string, keep: string): void {
  const others = readdirSync(dir)
    .filter((f) => f !== keep && /^typescript-.*\.v8cache$/.test(f))
    .map((f) => ({ f, at: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of others.slice(2)) rmSync(path.join(dir, f), { force: true });
}

/** Globals a student may use for debugging without pulling in Node's or the DOM's types. */
const GLOBALS_FILE = '/__paxlab__/globals.d.ts';
const GLOBALS = `declare var console: { log(...a: unknown[]): void; error(...a: unknown[]): void; warn(...a: unknown[]): void; info(...a: unknown[]): void; debug(...a: unknown[]): void };\n`;

const sharedFiles = new Map<string, TS.SourceFile>();

function options(sdkEntry: string): TS.CompilerOptions {
  const t = ts();
  return {
    strict: true,
    target: t.ScriptTarget.ES2022,
    module: t.ModuleKind.ESNext,
    moduleResolution: t.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: true,
    noEmit: true,
    allowJs: true,
    checkJs: false,
    allowImportingTsExtensions: true,
    isolatedModules: true,
    useDefineForClassFields: true,
    paths: { '@paxlab/sdk': [sdkEntry] },
  };
}

/**
 * Load TypeScript and parse the library and SDK files ahead of a check (a grade calls this while it
 * prepares its tests): the first check of a process then only parses and checks the student's files.
 */
export function prepareTypeCheck(sdkEntry: string): void {
  const t = ts();
  const opts = options(sdkEntry);
  t.createProgram([GLOBALS_FILE, sdkEntry], opts, compilerHost(t, opts, () => false));
}

/** A compiler host that parses each library and SDK file once per process (`sharedFiles`) and the student's files afresh. */
function compilerHost(t: TypeScript, opts: TS.CompilerOptions, isStudentFile: (file: string) => boolean): TS.CompilerHost {
  const host = t.createCompilerHost(opts, true);
  const readFresh = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, lang, onError, create) => {
    if (fileName === GLOBALS_FILE) {
      let sf = sharedFiles.get(fileName);
      if (!sf) sharedFiles.set(fileName, (sf = t.createSourceFile(fileName, GLOBALS, lang)));
      return sf;
    }
    if (isStudentFile(path.resolve(fileName))) return readFresh(fileName, lang, onError, create);
    let sf = sharedFiles.get(fileName);
    if (!sf) {
      sf = readFresh(fileName, lang, onError, create);
      if (sf) sharedFiles.set(fileName, sf);
    }
    return sf;
  };
  const origExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === GLOBALS_FILE || origExists(f);
  return host;
}

/**
 * Diagnostics (syntax and type errors) for the student's files reachable from `entry`: the files
 * under `root` (the others are the SDK and the libraries). Runs in-process; typecheck-client.ts
 * runs it in a worker thread.
 */
export function typeCheck(entry: string, sdkEntry: string, root: string): Diagnostic[] {
  const { isStudentFile, display: displayName } = submissionFiles(root, sdkEntry);
  const t = ts();
  const opts = options(sdkEntry);
  const host = compilerHost(t, opts, isStudentFile);
  const program = t.createProgram([entry, GLOBALS_FILE], opts, host);
  const out: Diagnostic[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!isStudentFile(path.resolve(sf.fileName))) continue;
    if (/\.(c|m)?js$/.test(sf.fileName)) continue; // plain JS: syntax only, which esbuild reports
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diags) out.push(toDiagnostic(t, d, displayName));
  }
  // Written after a whole check, the cache also holds the functions checking compiled lazily.
  saveCodeCache?.();
  saveCodeCache = null;
  return out;
}

function toDiagnostic(t: TypeScript, d: TS.Diagnostic, displayName: (file: string) => string): Diagnostic {
  const message = t.flattenDiagnosticMessageText(d.messageText, '\n');
  let file = '', line = 1, column = 1;
  if (d.file && d.start !== undefined) {
    const pos = d.file.getLineAndCharacterOfPosition(d.start);
    file = displayName(path.resolve(d.file.fileName));
    line = pos.line + 1;
    column = pos.character + 1;
  }
  return {
    file,
    line,
    column,
    message,
    severity: d.category === t.DiagnosticCategory.Error ? 'error' : 'warning',
    source: 'type',
    code: `TS${d.code}`,
  };
}
