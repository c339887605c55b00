/**
 * A benchmark harness, not product code: one process that runs a lab's search tests on one built
 * role module, as the sandbox's search job does (the role among reference roles), and prints the
 * process's peak resident memory. Bundled by search.bench.ts; run as
 * `node search-child.mjs <bundle.mjs> <export> <role> <tests.json>`.
 */
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { runSearch, type SearchOptions, type SearchRoles } from '../../../electron/engine/search/index.js';
import { Acceptor } from '../../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../../labs/03-learner/reference/learner.js';

const [bundle, exportName, role, testsFile] = process.argv.slice(2);
const KEY = { acceptor: 'Acceptor', proposer: 'Proposer', learner: 'Learner' } as const;
const mod = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;
const roles = { Acceptor, Proposer, Learner, [KEY[role as keyof typeof KEY]]: mod[exportName] } as SearchRoles;
const tests = JSON.parse(readFileSync(testsFile, 'utf8')) as Array<{ name: string; options: SearchOptions }>;
const out = tests.map((t) => {
  const r = runSearch(roles, t.options);
  return { name: t.name, verdict: r.verdict, extent: r.extent, states: r.statesExplored, statesPerSecond: r.statesPerSecond, elapsedMs: r.elapsedMs, searchBytes: r.searchBytes };
});
process.stdout.write(JSON.stringify({ tests: out, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
