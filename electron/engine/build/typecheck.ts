import path from 'node:path';
import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import type { Diagnostic } from './diagnostics.js';

type TypeScript = typeof TS;

/**
 * Type-checks a student's files with the TypeScript compiler API against the SDK's types. Only the
 * student's own files are reported. The library and SDK source files are parsed once per process
 * and reused (they never change while we run), which brings a warm check down to tens of ms.
 */
let tsModule: TypeScript | null = null;
function ts(): TypeScript {
  // typescript is a large CommonJS package kept out of the bundles; load it on first use only.
  if (!tsModule) tsModule = createRequire(import.meta.url)('typescript') as TypeScript;
  return tsModule;
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
 * Diagnostics (syntax and type errors) for the student's files reachable from `entry`.
 * `isStudentFile` decides which files count as the student's (the others are the SDK and libs).
 */
export function typeCheck(entry: string, sdkEntry: string, isStudentFile: (file: string) => boolean, displayName: (file: string) => string): Diagnostic[] {
  const t = ts();
  const opts = options(sdkEntry);
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
  const program = t.createProgram([entry, GLOBALS_FILE], opts, host);
  const out: Diagnostic[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!isStudentFile(path.resolve(sf.fileName))) continue;
    if (/\.(c|m)?js$/.test(sf.fileName)) continue; // plain JS: syntax only, which esbuild reports
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diags) out.push(toDiagnostic(t, d, displayName));
  }
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
