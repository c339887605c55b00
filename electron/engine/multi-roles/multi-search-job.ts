/**
 * Sandbox job 'multi-search': the multi-decree search (multi-search.ts) over the student's three
 * roles, each behind its guarded stand-in, inside the sandbox child.
 */
import { registerSandboxJob } from '../grading/sandbox-jobs.js';
import { guardedRoleClass } from '../realm/guarded-role.js';
import { MULTI_ROLE_CLASSES } from './multi-roles-node.js';
import { runMultiSearch, type MultiSearchOptions, type MultiSearchReport, type MultiSearchRoles } from './multi-search.js';

export interface MultiSearchPayload {
  options: MultiSearchOptions;
}

export type MultiSearchJobResult = { ok: true; report: MultiSearchReport } | { ok: false; message: string };

registerSandboxJob('multi-search', (p: MultiSearchPayload, ctx): MultiSearchJobResult => {
  const roles: Record<string, unknown> = {};
  for (const name of MULTI_ROLE_CLASSES) {
    const cls = ctx.student.exports.get(name);
    if (typeof cls !== 'function') return { ok: false, message: `the module does not export a class named '${name}'` };
    roles[name] = guardedRoleClass(ctx.student.calls, cls, name);
  }
  try {
    return { ok: true, report: runMultiSearch(roles as unknown as MultiSearchRoles, p.options) };
  } catch (e) {
    // Only the constructors run outside a guarded call: a throw there is the student's.
    return { ok: false, message: `a constructor threw: ${(e as Error).message}` };
  }
});
