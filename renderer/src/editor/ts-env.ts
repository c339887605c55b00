/**
 * The editor's TypeScript environment: a virtual file system holding the ES2022 lib files (bundled
 * from the typescript package, never fetched) and the `@paxlab/sdk` declarations the API serves.
 * Runs in the TS worker; also importable on the main thread as a fallback.
 */
import ts from 'typescript';
import { createSystem, createVirtualTypeScriptEnvironment, type VirtualTypeScriptEnvironment } from '@typescript/vfs';
import type { SdkTypeFile } from '../api/types.js';

// Vite inlines these as strings at build time.
const libs = import.meta.glob(
  [
    '../../../node_modules/typescript/lib/lib.es5.d.ts',
    '../../../node_modules/typescript/lib/lib.es20{15,16,17,18,19,20,21,22}*.d.ts',
    '../../../node_modules/typescript/lib/lib.decorators*.d.ts',
    '!../../../node_modules/typescript/lib/lib.*.full.d.ts',
  ],
  { query: '?raw', import: 'default', eager: true },
) as Record<string, string>;

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  allowImportingTsExtensions: true,
};

export function createTsEnv(sdk: SdkTypeFile[]): VirtualTypeScriptEnvironment {
  const fsMap = new Map<string, string>();
  for (const [file, text] of Object.entries(libs)) fsMap.set(`/${file.split('/').pop()}`, text);
  for (const f of sdk) fsMap.set(f.path.startsWith('/') ? f.path : `/${f.path}`, f.text);
  const sdkDir = '/node_modules/@paxlab/sdk';
  if (![...fsMap.keys()].some((p) => p.startsWith(`${sdkDir}/package.json`))) {
    const entry = [...fsMap.keys()].find((p) => p.startsWith(`${sdkDir}/index.`)) ?? `${sdkDir}/index.d.ts`;
    fsMap.set(`${sdkDir}/package.json`, JSON.stringify({ name: '@paxlab/sdk', types: entry.slice(sdkDir.length + 1) }));
  }
  const system = createSystem(fsMap);
  return createVirtualTypeScriptEnvironment(system, [], ts, COMPILER_OPTIONS);
}
