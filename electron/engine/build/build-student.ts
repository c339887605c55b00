import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { build, type Message, type Plugin } from 'esbuild';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { sdkEntry as defaultSdkEntry } from '../labs/paths.js';
import type { Diagnostic } from './diagnostics.js';
import { submissionFiles, type SubmissionFiles } from './student-files.js';
import { prepareTypeCheckAsync, typeCheckAsync } from './typecheck-client.js';

export interface BuildOptions {
  /** The named export the module must have (e.g. 'Acceptor'), or several (lab 04's three roles); checked when given. */
  exportName?: string | readonly string[];
  /** The submission's folder: relative imports may not leave it. Default: the entry's folder. */
  root?: string;
  /** Type errors fail the build ('error', the default), are kept as warnings, or are not checked. */
  typeCheck?: 'error' | 'warn' | 'off';
  /** Where `@paxlab/sdk` points. Default: the installed SDK. */
  sdkEntry?: string;
}

export interface BuildOk {
  ok: true;
  /**
   * The bundle (the student's files and the SDK's runtime parts) as the body of a function that
   * evaluates the module and returns its exports: a plain script, no import or export left, to be
   * evaluated in a student realm (electron/engine/realm). Written as `student.js`.
   */
  code: string;
  /** Its source map (JSON), sources relative to the submission folder. */
  sourceMap: string;
  /** The names the module exports. */
  exports: string[];
  /** Warnings (and type errors when typeCheck is 'warn'). */
  diagnostics: Diagnostic[];
  /** The submission folder the diagnostics and source map paths are relative to. */
  root: string;
}

export interface BuildFailed {
  ok: false;
  diagnostics: Diagnostic[];
  root: string;
}

export type BuildResult = BuildOk | BuildFailed;

const CODE_EXT = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** The bundle's file name: stack frames name it, and the stack mapper looks for it. */
export const BUNDLE_NAME = 'student.js';
const NO_LOADING = "a role module's imports are resolved when it is built: it may import only '@paxlab/sdk' and its own files, with static import statements";

interface Resolved {
  entry: string;
  sdk: string;
  files: SubmissionFiles;
}

function resolveInputs(entryPath: string, opts: BuildOptions): Resolved {
  const entry = path.resolve(entryPath);
  const root = path.resolve(opts.root ?? path.dirname(entry));
  const sdk = sdkOf(opts);
  return { entry, sdk, files: submissionFiles(root, sdk) };
}

const sdkOf = (opts: BuildOptions): string => opts.sdkEntry ?? defaultSdkEntry();
const typeChecking = (opts: BuildOptions): boolean => (opts.typeCheck ?? 'error') !== 'off';

/**
 * Builds a student's role module: bundle it (see {@link bundleStudentModule}), then type-check it
 * (see {@link typeCheckStudentModule}). Syntax errors, forbidden imports, a missing export and type
 * errors come back as diagnostics with file, line and column.
 */
export async function buildStudentModule(entryPath: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const bundle = await bundleStudentModule(entryPath, opts);
  if (!bundle.ok) return bundle;
  const typeDiags = await typeCheckStudentModule(entryPath, opts);
  return withTypeDiagnostics(bundle, typeDiags, opts);
}

/** Type diagnostics merged into a bundle's result: errors fail it unless typeCheck is 'warn'. */
export function withTypeDiagnostics(bundle: BuildOk, typeDiags: Diagnostic[], opts: BuildOptions = {}): BuildResult {
  const errors = typeDiags.filter((d) => d.severity === 'error');
  if (errors.length && (opts.typeCheck ?? 'error') === 'error') return { ok: false, root: bundle.root, diagnostics: [...errors, ...bundle.diagnostics] };
  return { ...bundle, diagnostics: [...bundle.diagnostics, ...typeDiags] };
}

/** Have the type checker load TypeScript and the SDK's types now, ahead of `typeCheckStudentModule`. */
export function prepareTypeCheck(opts: BuildOptions = {}): void {
  if (!typeChecking(opts)) return;
  prepareTypeCheckAsync(sdkOf(opts));
}

/**
 * The type checker's diagnostics for the student's files (TypeScript compiler API, strict, the
 * SDK's types; in a worker thread when one is built). Empty for plain JavaScript and with
 * typeCheck 'off'; errors become warnings with 'warn'.
 */
export async function typeCheckStudentModule(entryPath: string, opts: BuildOptions = {}): Promise<Diagnostic[]> {
  if (!typeChecking(opts)) return [];
  const { entry, sdk, files } = resolveInputs(entryPath, opts);
  const diags = await typeCheckAsync(entry, sdk, files.root);
  return opts.typeCheck === 'warn' ? diags.map((d) => ({ ...d, severity: 'warning' as const })) : diags;
}

/**
 * Bundles a student's role module with esbuild (ESM, platform node, external source map), resolving
 * `@paxlab/sdk` to the SDK and the student's own relative imports, and nothing else. No type check.
 * Nothing is written to disk.
 */
export async function bundleStudentModule(entryPath: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const { entry, sdk, files } = resolveInputs(entryPath, opts);
  const { root, isStudentFile, display } = files;
  const sdkDir = path.dirname(sdk);
  const fail = (message: string, source: Diagnostic['source'] = 'import'): BuildFailed => ({
    ok: false,
    root,
    diagnostics: [{ file: display(entry), line: 1, column: 1, message, severity: 'error', source }],
  });
  if (!existsSync(entry) || !statSync(entry).isFile()) return fail(`cannot read ${entryPath}: no such file`);
  if (!CODE_EXT.test(entry)) return fail(`${path.basename(entry)} is not a TypeScript or JavaScript module`);

  const importRules: Plugin = {
    name: 'paxlab-student-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.kind === 'dynamic-import' || args.kind === 'require-call' || args.kind === 'require-resolve') {
          const what = args.kind === 'dynamic-import' ? 'import()' : 'require()';
          return { errors: [{ text: `cannot use ${what} ('${args.path}'): ${NO_LOADING}` }] };
        }
        if (args.path === '@paxlab/sdk') return { path: sdk };
        if (!isStudentFile(args.importer)) return undefined; // the SDK's own relative imports
        if (!args.path.startsWith('./') && !args.path.startsWith('../')) {
          return { errors: [{ text: `cannot import '${args.path}': a role module may import only '@paxlab/sdk' and its own relative files` }] };
        }
        if (!isStudentFile(path.resolve(args.resolveDir, args.path))) {
          return { errors: [{ text: `cannot import '${args.path}': it is outside the submission folder` }] };
        }
        return undefined;
      });
      b.onLoad({ filter: /.*/ }, (args) => {
        if (!isStudentFile(args.path)) {
          if (args.path.startsWith(sdkDir + path.sep)) return undefined;
          return { errors: [{ text: `cannot import ${display(args.path)}: it is outside the submission folder` }] };
        }
        if (!CODE_EXT.test(args.path)) return { errors: [{ text: `cannot import ${display(args.path)}: only .ts and .js files can be imported` }] };
        return undefined;
      });
    },
  };

  let result;
  try {
    result = await build({
      entryPoints: [entry],
      outfile: path.join(root, BUNDLE_NAME),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      // Loading code at run time is refused: import() becomes a require() call the check below
      // finds, import.meta is empty (and reported), top-level await is a build error.
      supported: { 'dynamic-import': false, 'import-meta': false, 'top-level-await': false },
      sourcemap: 'external',
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: root,
      plugins: [importRules],
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: false } },
    });
  } catch (err) {
    const failure = err as { errors?: Message[] };
    if (!failure.errors) throw err;
    return { ok: false, root, diagnostics: failure.errors.map((m) => fromEsbuild(m, 'error', root, display, entry)) };
  }
  const metaWarning = result.warnings.filter((m) => m.id === 'empty-import-meta');
  if (metaWarning.length) {
    return { ok: false, root, diagnostics: metaWarning.map((m) => ({ ...fromEsbuild(m, 'error', root, display, entry), message: `import.meta is not available: ${NO_LOADING}`, source: 'import' as const })) };
  }
  const warnings = result.warnings.map((m) => fromEsbuild(m, 'warning', root, display, entry));
  const esm = result.outputFiles.find((f) => f.path.endsWith(BUNDLE_NAME))!.text;
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))!.text;
  const loading = runtimeLoads(esm, map, root, display);
  if (loading.length) return { ok: false, root, diagnostics: loading };
  const code = asModuleBody(stripMapComment(esm));
  if (code === null) return fail('the bundle ends with an export clause of an unexpected shape; please report this', 'syntax');
  const outMeta = Object.entries(result.metafile.outputs).find(([k]) => k.endsWith(BUNDLE_NAME))?.[1];
  const exports = outMeta?.exports ?? [];
  const wanted = typeof opts.exportName === 'string' ? [opts.exportName] : (opts.exportName ?? []);
  const lacking = wanted.filter((w) => !exports.includes(w));
  if (lacking.length) {
    const what = wanted.length === 1 ? `a class named '${wanted[0]}'` : `the classes ${wanted.map((w) => `'${w}'`).join(', ')} (it lacks ${lacking.map((w) => `'${w}'`).join(', ')})`;
    return fail(`the module must export ${what} (the lab's student API); it exports ${exports.length ? exports.map((e) => `'${e}'`).join(', ') : 'nothing'}`, 'export');
  }
  return { ok: true, code, sourceMap: map, exports, diagnostics: warnings, root };
}

/**
 * Calls that would load code at run time: esbuild leaves a `require(x)` it cannot resolve, and an
 * `import(x)` (turned into one above), as calls of its `__require` helper (a student identifier of
 * that name is renamed). Each is reported at the student's line through the source map.
 */
function runtimeLoads(code: string, sourceMap: string, root: string, display: (f: string) => string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let map: TraceMap | null = null;
  const lineStarts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  for (const m of code.matchAll(/(?<![\w$])__require\s*\(/g)) {
    map ??= new TraceMap(sourceMap);
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= m.index) line++;
    const pos = originalPositionFor(map, { line: line + 1, column: m.index - lineStarts[line] });
    out.push({
      file: pos.source ? display(path.resolve(root, pos.source)) : '',
      line: pos.line ?? 1,
      column: (pos.column ?? 0) + 1,
      message: `cannot load code at run time (require() or import() with a computed name): ${NO_LOADING}`,
      severity: 'error',
      source: 'import',
    });
  }
  return out;
}

/**
 * The ESM bundle as the body of a function returning the module's exports: esbuild ends a bundle
 * with one `export { a, b as c };` clause, which becomes `return { "a": a, "c": b };`. (Bundling
 * leaves no other import or export; one would be a syntax error when the sandbox compiles it.)
 * Null when the clause is not of that shape.
 */
export function asModuleBody(esm: string): string | null {
  const clause = /\bexport\s*\{([^}]*)\};?\s*$/.exec(esm);
  const body = clause ? esm.slice(0, clause.index) : esm;
  if (!clause) return `${body}\nreturn {};\n`;
  const fields: string[] = [];
  for (const item of clause[1].split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]*)(?:\s+as\s+(.+))?$/u.exec(item);
    if (!m) return null;
    const local = m[1];
    const exported = m[2] === undefined ? local : m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
    fields.push(`${JSON.stringify(exported)}: ${local}`);
  }
  return `${body}return { ${fields.join(', ')} };\n`;
}

/** The bundle names its map by a comment; the sandbox maps stacks itself, so drop it. */
function stripMapComment(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
}

function fromEsbuild(m: Message, severity: Diagnostic['severity'], root: string, display: (f: string) => string, entry: string): Diagnostic {
  const loc = m.location;
  // esbuild names the feature switches above; a student needs the reason instead.
  const tla = /^Top-level await is not available/.test(m.text);
  return {
    file: loc ? display(path.resolve(root, loc.file)) : display(entry),
    line: loc?.line ?? 1,
    column: (loc?.column ?? 0) + 1,
    message: tla ? `top-level await is not available: a role module is evaluated once, synchronously, before any handler runs (and ${NO_LOADING})` : m.text,
    severity,
    source: m.pluginName === 'paxlab-student-imports' ? 'import' : 'syntax',
  };
}
