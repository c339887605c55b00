/**
 * Sandbox job 'search': runs the state-space search with the student's role class among the
 * reference roles, inside the sandbox child (student code never runs in the grading process). The
 * student's role is a guarded stand-in (realm/guarded-role.ts): the search clones, keys and calls
 * the realm objects behind it by harness code only (state-codec.ts, local-states.ts).
 */
import { Acceptor } from '../../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../../labs/03-learner/reference/learner.js';
import { registerSandboxJob } from '../grading/sandbox-jobs.js';
import { guardedRoleClass } from '../realm/guarded-role.js';
import type { SearchOptions, SearchRoles } from './model.js';
import { runSearch, type SearchReport } from './search.js';

export interface SearchJobPayload {
  exportName: string;
  role: 'acceptor' | 'proposer' | 'learner';
  options: SearchOptions;
}

export type SearchJobResult = { ok: true; report: SearchReport } | { ok: false; message: string };

const KEY = { acceptor: 'Acceptor', proposer: 'Proposer', learner: 'Learner' } as const;

registerSandboxJob('search', (payload: SearchJobPayload, ctx): SearchJobResult => {
  const Cls = ctx.student.exports.get(payload.exportName);
  if (typeof Cls !== 'function') return { ok: false, message: `the module does not export a class named '${payload.exportName}'` };
  const student = guardedRoleClass(ctx.student.calls, Cls, payload.exportName);
  const roles: SearchRoles = { Acceptor, Proposer, Learner, [KEY[payload.role]]: student } as unknown as SearchRoles;
  const report = runSearch(roles, payload.options, { onProgress: (p) => ctx.progress(p) });
  return { ok: true, report };
});
