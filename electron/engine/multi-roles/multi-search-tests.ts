/**
 * The search tests of a multi-decree role lab: `<pack>/scenario-tests/multi-search.json`, each
 * `{ name, title, weight?, options }` with the options of multi-search.ts. A failure names its check
 * as `search.<check>` (search.multi-agreement, search.multi-goal, search.handler-error, …).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabPack } from '../labs/lab-pack.js';
import { judgeDeath } from '../grading/sandbox-deaths.js';
import type { GradeTest, TestEnv, TestOutcome } from '../grading/test-kinds.js';
import type { MultiSearchJobResult, MultiSearchPayload } from './multi-search-job.js';
import type { MultiSearchOptions } from './multi-search.js';

export const MULTI_SEARCH_FILE = path.join('scenario-tests', 'multi-search.json');

export const MULTI_SEARCH_RULES: Record<string, string> = {
  'multi-agreement': 'No slot ever has two different values chosen (each by a quorum of acceptors in one round), in any order of events.',
  'multi-learner-safety': "The learner reports a slot's value only when a quorum of acceptors voted for it there in one round.",
  'multi-goal': 'Doing nothing is not enough: some order of events lets a slot be chosen.',
};

const OPTION_KEYS = ['acceptors', 'proposers', 'maxSlot', 'alpha', 'maxStates', 'learner'];

export async function listMultiSearches(lab: LabPack): Promise<GradeTest[]> {
  const file = path.join(lab.dir, MULTI_SEARCH_FILE);
  if (!existsSync(file)) return [];
  const data = JSON.parse(await readFile(file, 'utf8')) as { tests?: unknown };
  if (!Array.isArray(data.tests)) throw new Error(`${file}: 'tests' must be a list`);
  return data.tests.map((t: Record<string, unknown>, i) => {
    if (typeof t.name !== 'string' || !/^[a-z0-9-]+$/.test(t.name) || typeof t.title !== 'string') throw new Error(`${file}: tests[${i}]: needs a slug 'name' and a 'title'`);
    const options = (t.options ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(options)) if (!OPTION_KEYS.includes(k)) throw new Error(`${file}: tests[${i}]: unknown option '${k}'`);
    const weight = typeof t.weight === 'number' && t.weight > 0 ? t.weight : 1;
    return { id: `search:${t.name}`, kind: 'search', name: t.name, title: t.title, set: 'public' as const, weight, data: options as MultiSearchOptions };
  });
}

export async function runMultiSearchTest(test: GradeTest, env: TestEnv): Promise<TestOutcome> {
  const payload: MultiSearchPayload = { options: test.data as MultiSearchOptions };
  const outcome = await env.sandbox.run({ kind: 'multi-search', payload }, { callCpuMs: env.limits.callMs });
  if (!outcome.ok) {
    const death = judgeDeath(outcome.reason);
    return { passed: false, failure: { ...death, message: `the search could not finish: ${outcome.message}`, inputsSoFar: [], stack: outcome.error ? env.mapStack(outcome.error.stack) : undefined, output: outcome.output || undefined } };
  }
  const res = outcome.value as MultiSearchJobResult;
  if (!res.ok) return { passed: false, failure: { reason: 'constructor', rule: { id: 'api.constructor', text: 'The constructor takes (id, config) and does not throw.' }, message: res.message, inputsSoFar: [] } };
  const r = res.report;
  if (r.verdict === 'violation') {
    const checker = r.checker!;
    const text = MULTI_SEARCH_RULES[checker];
    const path = r.path?.length ? `\n  shortest counterexample (${r.path.length} steps):\n${r.path.map((l, i) => `    ${i + 1}. ${l}`).join('\n')}` : '';
    return {
      passed: false,
      failure: {
        reason: 'violation',
        checker,
        ...(checker === 'multi-agreement' || checker === 'multi-learner-safety' ? { safety: true } : {}),
        rule: { id: `search.${checker}`, text: text ?? checker },
        message: `${r.message} (${r.extent})${path}`,
        inputsSoFar: [],
      },
    };
  }
  // A search that stops at its state budget passes with a note saying how far it went (docs/search.md).
  return { passed: true, notes: [r.extent] };
}
