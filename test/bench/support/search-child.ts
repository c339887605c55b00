/**
 * A benchmark harness, not product code: one process that runs a lab's search tests on one built
 * role module, as the sandbox's search job does (the role among reference roles), and prints the
 * process's peak resident memory. Bundled by search.bench.ts; run as
 * `node search-child.mjs <bundle.js> <export> <role> <tests.json>`.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { runSearch, type SearchOptions, type SearchRoles } from '../../../electron/engine/search/index.js';
import { Acceptor } from '../../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../../labs/03-learner/reference/learner.js';

const [bundle, exportName, role, testsFile] = process.argv.slice(2);
const KEY = { acceptor: 'Acceptor', proposer: 'Proposer', learner: 'Learner' } as const;
// The build emits a module body whose last statement returns its exports (build-student.ts); the
// memory measured is the search's, so the body runs in this process's own context.
const body = readFileSync(bundle, 'utf8');
const mod = vm.compileFunction(`"use strict"; return (function () {${body}\n}).call(undefined);`, [], { filename: bundle })() as Record<string, unknown>;
const roles = { Acceptor, Proposer, Learner, [KEY[role as keyof typeof KEY]]: mod[exportName] } as SearchRoles;
const tests = JSON.parse(readFileSync(testsFile, 'utf8')) as Array<{ name: string; options: SearchOptions }>;
const out = tests.map((t) => {
  const r = runSearch(roles, t.options);
  return { name: t.name, verdict: r.verdict, extent: r.extent, states: r.statesExplored, statesPerSecond: r.statesPerSecond, elapsedMs: r.elapsedMs, searchBytes: r.searchBytes };
});
process.stdout.write(JSON.stringify({ tests: out, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
