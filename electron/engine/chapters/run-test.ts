/**
 * Running a chapter test against a node class in the simulator: the pinned execution judged by its
 * checks, or every seed of a random test (stopping at the first failing seed). Pure and
 * synchronous, like the simulator; the node class is trusted here (a pack's starter, reference or
 * mutant) — student code runs this inside the grading sandbox.
 */
import type { PaxosNodeClass } from '@paxlab/sdk';
import { runPinnedSim } from '../pinned/sim-runner.js';
import type { PinnedRun } from '../pinned/run.js';
import type { TraceEvent } from '../trace/events.js';
import { type CheckVerdict, runChecks } from './checks.js';
import type { ChapterPack } from './pack.js';
import { runRandomSeed, testSeeds } from './random-run.js';
import type { ChapterTestDef, PinnedTestDef } from './tests.js';

export interface TestOutcome {
  test: string;
  passed: boolean;
  /** The failing run's verdicts (or the passing last run's). */
  verdicts: CheckVerdict[];
  /** Set when the pinned script could not be carried out with this node (a step found nothing). */
  scriptError?: string;
  /** Random tests: the seed that failed, and how many seeds ran. */
  seed?: number;
  runs: number;
  /** The trace of the failing run (or of the pinned run). */
  trace: TraceEvent[];
  /** The pinned run itself, for narration and highlighting. */
  pinned?: PinnedRun;
}

/** The first failing verdict, if any. */
export function firstFailure(o: TestOutcome): CheckVerdict | undefined {
  return o.verdicts.find((v) => !v.ok);
}

export function judgePinned(run: PinnedRun, test: Pick<PinnedTestDef, 'checks'>): CheckVerdict[] {
  return runChecks(run.trace, test.checks);
}

export function runChapterTest(pack: ChapterPack, test: ChapterTestDef, nodeClass: PaxosNodeClass<any>): TestOutcome {
  // The search copies node states, which it does for a module in a student realm: it runs in the grading sandbox.
  if (test.kind === 'search') throw new Error(`${pack.id}: '${test.name}' is a search test; grade the module to run it (gradeModule, paxlab grade ${pack.id})`);
  if (test.kind === 'pinned') {
    const run = runPinnedSim(pack.script(test.script), nodeClass, { title: `${pack.id}: ${test.title}` });
    const verdicts = judgePinned(run, test);
    return {
      test: test.name,
      passed: !run.error && verdicts.every((v) => v.ok),
      verdicts,
      ...(run.error ? { scriptError: run.error.message } : {}),
      runs: 1,
      trace: run.trace,
      pinned: run,
    };
  }
  let last: ReturnType<typeof runRandomSeed> | null = null;
  let runs = 0;
  for (const seed of testSeeds(test)) {
    last = runRandomSeed(test, nodeClass, seed, `${pack.id}: ${test.title} (seed ${seed})`);
    runs++;
    if (last.verdicts.some((v) => !v.ok)) return { test: test.name, passed: false, verdicts: last.verdicts, seed, runs, trace: last.trace };
  }
  return { test: test.name, passed: true, verdicts: last!.verdicts, runs, trace: last!.trace };
}
