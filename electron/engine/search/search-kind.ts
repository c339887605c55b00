/**
 * Test kind 'search' for gradeModule: each entry of a lab's scenario-tests/search.json is one test,
 * run as a sandbox job in a fresh child. The search's own tables are bounded by its state budget
 * (tens of MB), so the child's heap cap is there for the roles' states, which are the student's.
 */
import os from 'node:os';
import type { LabPack } from '../labs/lab-pack.js';
import { runInSandbox } from '../grading/sandbox.js';
import { apiRule, judgeDeath } from '../grading/sandbox-deaths.js';
import type { RuleRef } from '../grading/verdict.js';
import { registerTestKind, type GradeTest, type TestEnv, type TestOutcome } from '../grading/test-kinds.js';
import { DEFAULT_DIAGRAM_TYPES, renderTraceDiagram } from '../trace/diagram.js';
import type { TraceEvent } from '../trace/events.js';
import { loadSearchTests, type SearchTestConfig } from '../scenarios/lab-config.js';
import type { SearchJobPayload, SearchJobResult } from './search-job.js';
import type { SearchReport } from './search.js';
import { NEVER } from './goal.js';

export const SEARCH_MEMORY_MB = 1536;

/** What each checker of the search promises, for the failure's rule line. */
import { listMultiSearches, MULTI_SEARCH_RULES, runMultiSearchTest } from '../multi-roles/multi-search-tests.js';
import { isMultiRoleLab } from '../multi-roles/multi-scenario-tests.js';
export const SEARCH_RULES: Record<string, string> = {
  'chosen-invariant': 'Once a quorum of acceptors accepted a value in a round, every value accepted or sent for acceptance in that round or a later one is the same value.',
  validity: 'Only a value some client proposed may be accepted or decided.',
  'learner-safety': 'A learner decides a value only when a quorum of acceptors accepted it in one round.',
  integrity: 'A learner decides at most once.',
  agreement: 'No two learners decide different values.',
  'handler-error': 'A handler never throws, for any input the protocol can deliver.',
  'handler-output': 'A handler returns a message of the right kind (or null), never anything else.',
  'input-mutation': 'A handler never changes the message it is given.',
  determinism: 'Handlers are deterministic: the same state and input give the same output and state.',
  uncloneable: 'Role state lives in plain fields (numbers, strings, arrays, Maps, Sets, objects) that can be cloned.',
  goal: 'Doing nothing is not enough: some order of deliveries lets a value be chosen (a quorum of acceptors votes for it in one round) and, with learners, lets a learner decide.',
  // The multi-decree role lab's search (multi-roles/multi-search.ts).
  ...MULTI_SEARCH_RULES,
};

/** A failed search names the checker it broke: rule `search.<checker>` (e.g. search.chosen-invariant). */
export function searchRule(checker: string): RuleRef {
  return { id: `search.${checker}`, text: SEARCH_RULES[checker] ?? checker };
}

/**
 * What the search covered, one line that depends only on the submission and the lab (no timing):
 * "exhaustive: 645896 states, every order of deliveries", "no violation in the first 2000000 states,
 * not exhaustive (…)", "stopped at a violation after 43479 states".
 */
export function searchSummary(r: SearchReport): string {
  return r.extent;
}

/** The search's speed, for the command line and the benchmarks (never in a verdict). */
export function searchTiming(r: SearchReport): string {
  return `${r.statesExplored} states, depth ${r.depthReached}, ${r.statesPerSecond} states/s, ${Math.round(r.elapsedMs)} ms, ${(r.searchBytes / 2 ** 20).toFixed(1)} MB of search tables`;
}

/** Whether the goal was reached, one line: `goal reached in 8 steps: "v1" is chosen in round 1 (…)`. */
export function goalSummary(r: SearchReport): string | null {
  if (r.goalReached) return `goal reached in ${r.goalReached.depth} steps: ${r.goalReached.description}`;
  if (r.goalMissed) return `goal not reached: ${r.goalMissed.summary}`;
  return null;
}

/**
 * The failure message of an unreached goal, headed by what the student's role never did when the
 * missing step is its own ("your acceptor never votes — no order of deliveries lets …").
 */
export function goalFailureMessage(r: SearchReport, role: string): string {
  const miss = r.goalMissed!;
  const never = miss.role === role ? NEVER[miss.stage] : null;
  return `${never ? `your ${role} ${never} — ` : ''}${miss.summary}`;
}

/**
 * A search path (a counterexample, or the shortest path to the goal) as a text diagram: what was
 * delivered and lost, the proposers' round starts, and the goal's closing note.
 */
export function counterexampleDiagram(trace: TraceEvent[]): string {
  return renderTraceDiagram(trace, { width: 16, types: [...DEFAULT_DIAGRAM_TYPES, 'timer', 'log'] });
}

export async function runSearchJob(code: string, payload: SearchJobPayload, callMs: number) {
  return runInSandbox({ code }, { kind: 'search', payload }, { callCpuMs: callMs, memoryMb: SEARCH_MEMORY_MB, memoryBlame: 'in-call' });
}

/**
 * The search jobs of one graded build, started together: each runs in its own child process, so on
 * a machine with two cores or more the lab's searches run side by side while the first is judged.
 * Results do not depend on it: every search is the same deterministic computation either way.
 */
const started = new WeakMap<object, Map<string, Promise<Awaited<ReturnType<typeof runSearchJob>>>>>();

function searchOutcome(test: GradeTest, env: TestEnv, payload: SearchJobPayload) {
  let jobs = started.get(env.build);
  if (!jobs) {
    jobs = new Map();
    started.set(env.build, jobs);
  }
  let job = jobs.get(test.id);
  if (!job) {
    job = runSearchJob(env.build.code, payload, env.limits.callMs);
    jobs.set(test.id, job);
    // Start the lab's next search test now (one ahead), if there is a core for it.
    if ((os.availableParallelism?.() ?? os.cpus().length) >= 2) {
      void loadSearchTests(env.lab.dir).then((tests) => {
        const i = tests.findIndex((t) => `search:${t.name}` === test.id);
        const next = tests[i + 1];
        const id = next && `search:${next.name}`;
        if (next && !jobs.has(id)) jobs.set(id, runSearchJob(env.build.code, { ...payload, options: next.options }, env.limits.callMs));
      }, () => {});
    }
  }
  return job;
}

registerTestKind({
  kind: 'search',
  async list(lab: LabPack): Promise<GradeTest[]> {
    if (isMultiRoleLab(lab)) return listMultiSearches(lab);
    const tests = await loadSearchTests(lab.dir);
    return tests.map((t) => ({ id: `search:${t.name}`, kind: 'search', name: t.name, title: t.title, set: 'public' as const, weight: t.weight, data: t }));
  },
  async run(test: GradeTest, env: TestEnv): Promise<TestOutcome> {
    if (isMultiRoleLab(env.lab)) return runMultiSearchTest(test, env);
    const cfg = test.data as SearchTestConfig;
    const payload: SearchJobPayload = { exportName: env.lab.manifest.export, role: env.lab.manifest.role as SearchJobPayload['role'], options: cfg.options };
    const outcome = await searchOutcome(test, env, payload);
    if (!outcome.ok) {
      // The sandbox died or went silent: judged like any handler call (api.time-limit, api.no-exit, …).
      // The search's own tables stay far below the heap cap (its state budget bounds them), so running
      // out of memory means the role objects themselves grew too large.
      const death = judgeDeath(outcome.reason);
      const why = outcome.reason === 'memory' ? `your ${payload.role}'s state objects filled the ${SEARCH_MEMORY_MB} MB the search may use (${outcome.message})` : outcome.message;
      return {
        passed: false,
        failure: {
          ...death,
          message: `the search could not finish: ${why}`,
          inputsSoFar: [],
          stack: outcome.error ? env.mapStack(outcome.error.stack) : undefined,
          output: outcome.output || undefined,
        },
      };
    }
    const res = outcome.value as SearchJobResult;
    if (!res.ok) return { passed: false, failure: { reason: 'missing-handler', rule: { id: 'api.export', text: 'The module exports the role class.' }, message: res.message, inputsSoFar: [] } };
    const r = res.report;
    if (r.verdict === 'error') {
      const message = r.error ?? 'the roles cannot be searched';
      // The search refuses state it cannot clone (issue 4); any other start-up error is the constructor's.
      if (/^keep your state cloneable/.test(message)) {
        return { passed: false, failure: { reason: 'violation', checker: 'uncloneable', rule: searchRule('uncloneable'), message, inputsSoFar: [] } };
      }
      return { passed: false, failure: { reason: 'constructor', rule: apiRule('api.constructor'), message, inputsSoFar: [] } };
    }
    if (r.verdict === 'violation' && r.violation) {
      const v = r.violation;
      return {
        passed: false,
        failure: {
          reason: 'violation',
          checker: v.checker,
          rule: searchRule(v.checker),
          message: `${v.message} — shortest counterexample: ${v.depth} steps (${searchSummary(r)})`,
          inputsSoFar: [],
          trace: v.trace,
          diagram: counterexampleDiagram(v.trace),
        },
      };
    }
    if (r.verdict === 'goal-unreached' && r.goalMissed) {
      return {
        passed: false,
        failure: { reason: 'violation', checker: 'goal', rule: searchRule('goal'), message: `${goalFailureMessage(r, payload.role)} (${searchSummary(r)})`, inputsSoFar: [] },
      };
    }
    // A search that stops at its state budget with no violation passes (docs/search.md, "Budgets
    // and scoring"): the budget is the grader's, and the note says exactly how far it went.
    const goal = goalSummary(r);
    return { passed: true, notes: [searchSummary(r), ...(goal ? [goal] : []), ...(r.note ? [r.note] : [])] };
  },
});
