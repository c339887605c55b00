import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SdkTypeFile } from '../../api.js';

const VIRTUAL_DIR = '/node_modules/@paxlab/sdk';

/**
 * The SDK as declaration files for the editor's TypeScript service, at virtual paths under
 * /node_modules/@paxlab/sdk/ (with a package.json naming index.d.ts). Falls back to the .ts source
 * of a file whose declarations cannot be emitted in isolation.
 */
export async function sdkTypeFiles(sdkDir: string): Promise<SdkTypeFile[]> {
  const ts = (await import('typescript')).default;
  const sources = readdirSync(sdkDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts')).sort();
  const files: SdkTypeFile[] = [
    { path: `${VIRTUAL_DIR}/package.json`, text: JSON.stringify({ name: '@paxlab/sdk', types: 'index.d.ts' }, null, 2) + '\n' },
  ];
  for (const f of sources) {
    const text = readFileSync(path.join(sdkDir, f), 'utf8');
    const out = ts.transpileDeclaration(text, { fileName: f, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
    if (out.diagnostics?.length) files.push({ path: `${VIRTUAL_DIR}/${f}`, text });
    else files.push({ path: `${VIRTUAL_DIR}/${f.replace(/\.ts$/, '.d.ts')}`, text: out.outputText });
  }
  return files;
}
