/**
 * Which file of a Gradescope submission is the student's role module. Students upload a file, a
 * folder or a repository, so the module may sit in a sub-folder: the file named after the role
 * (`acceptor.ts`) wins, the shallowest first; failing that, the submission's only module.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

const MODULE = /\.(ts|mts|js|mjs)$/;
const SKIP_DIRS = new Set(['node_modules', '__MACOSX']);
const MAX_DEPTH = 4;

export type SubmissionModule = { module: string } | { error: string };

export function findSubmissionModule(dir: string, role: string): SubmissionModule {
  const modules: Array<{ file: string; depth: number }> = [];
  const walk = (d: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      if (depth === 0) throw err;
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && depth < MAX_DEPTH) walk(full, depth + 1);
      } else if (e.isFile() && MODULE.test(e.name) && !e.name.endsWith('.d.ts') && !/\.test\.[mc]?[jt]s$/.test(e.name)) {
        modules.push({ file: full, depth });
      }
    }
  };
  try {
    walk(dir, 0);
  } catch (err) {
    return { error: `cannot read the submission folder: ${(err as Error).message}` };
  }
  const named = modules.filter((m) => path.basename(m.file).replace(MODULE, '').toLowerCase() === role.toLowerCase()).sort((a, b) => a.depth - b.depth);
  if (named.length > 0) return { module: named[0].file };
  if (modules.length === 1) return { module: modules[0].file };
  if (modules.length === 0) return { error: `no ${role}.ts in the submission (upload your ${role}.ts)` };
  return { error: `the submission holds ${modules.length} modules and none is named ${role}.ts (name your module ${role}.ts)` };
}
