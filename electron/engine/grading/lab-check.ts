/**
 * `paxlab lab check`: is this lab pack trustworthy? The committed traces are what the reference
 * produces, every rule is exercised by some trace, the reference passes every trace, the starter
 * builds and fails, and every known-buggy mutant is caught, naming the rules its header expects
 * (`// expect-rule: acceptor.prepare.not-higher`, `// expect-rule: search.chosen-invariant`).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from '../build/diagnostics.js';
import { LabError, loadLab } from '../labs/lab-pack.js';
import { gradeModule, type GradeReport, type TestKindName } from './grade.js';
import type { TestResult } from './verdict.js';
import { recordLabTraces, type RecordResult } from './record.js';
import { API_RULES } from './api-rules.js';
import { SEARCH_RULES } from '../search/search-kind.js';
import { SCENARIO_RULES } from '../scenarios/scenario-kind.js';
import { NODE_CHECK_RULES } from '../node-labs/checks.js';
import { NODE_SEARCH_RULES } from '../node-labs/node-kind.js';
import { CHAPTER_RULES } from '../chapters/rules.js';
import type { NodeTestSpec } from '../node-labs/provider.js';
import { listGradeTests } from './grade.js';

export interface MutantResult {
  /** Path relative to the lab folder. */
  file: string;
  /** The bug, from the mutant's first comment. */
  bug: string;
  built: boolean;
  caught: boolean;
  /** The tests that failed, with the rule each names. */
  caughtBy: Array<{ test: string; rule: string; reason: string }>;
  /** The rules its header expects some failing test to name (`// expect-rule: …` lines). */
  expected: string[];
  /** Expected rules no failing test named. */
  missed: string[];
  /** The kinds of tests it was graded with: traces, and the kinds its expected rules belong to. */
  kinds: TestKindName[];
  diagnostics?: Diagnostic[];
}

export interface LabCheckReport {
  lab: string;
  ok: boolean;
  problems: string[];
  traces: RecordResult;
  coverage: { rules: number; uncovered: string[] };
  /** `score` of `maxScore`: every test passed is full points. */
  reference: { passed: boolean; failed: string[]; score: number; maxScore: number };
  /** `reasons`: the rules its failing tests name; `failures`: each failing test with that rule. */
  starter: { builds: boolean; failed: number; total: number; reasons: string[]; failures: Array<{ test: string; rule: string }> };
  mutants: MutantResult[];
  /** Caught mutants / all mutants (1 when there are none). */
  killRate: number;
}

/** A mutant's header: the bug (its first comment line) and the rules it expects to be named. */
export async function mutantHeader(file: string): Promise<{ bug: string; expected: string[] }> {
  const text = await readFile(file, 'utf8');
  const m = /^\s*(?:\/\/\s?(.*)|\/\*+\s*([\s\S]*?)\*\/)/.exec(text);
  const raw = (m?.[1] ?? m?.[2] ?? '').replace(/^\s*\*\s?/gm, '').trim();
  const bug = raw.split('\n')[0].replace(/^Bug:\s*/i, '') || '(no comment describing the bug)';
  const head = text.slice(0, text.search(/^\s*(?!\/\/)\S/m) >>> 0);
  const expected = [...head.matchAll(/^\s*\/\/\s*expect-rule:\s*(\S+)\s*$/gm)].map((x) => x[1]);
  return { bug, expected };
}

/** The kind of test a rule id belongs to: scenario.* and search.* rules name checkers, the rest are trace rules. */
function kindOfRule(id: string): TestKindName {
  return id.startsWith('search.') ? 'search' : id.startsWith('scenario.') ? 'scenario' : 'trace';
}

function knownRule(lab: { ruleText(id: string): string | undefined }, id: string): boolean {
  if (id.startsWith('search.')) return id.slice(7) in SEARCH_RULES;
  if (id.startsWith('node.')) return id.slice(5) in NODE_CHECK_RULES;
  if (id.startsWith('node-search.')) return id.slice(12) in NODE_SEARCH_RULES;
  if (id.startsWith('chapter.')) return id in CHAPTER_RULES;
  if (id.startsWith('scenario.')) return id.slice(9) in SCENARIO_RULES;
  return lab.ruleText(id) !== undefined || id in API_RULES;
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const failedTests = (r: GradeReport) => r.tests.filter((t) => !t.passed);

export interface LabCheckOptions {
  /** Mutants graded in parallel (default: up to 4, by cores). */
  jobs?: number;
  /** Grade every mutant with every kind of test, not only the kinds its expected rules need. */
  full?: boolean;
  /** Check only these mutants (file names in the lab's mutants folder); default every one. */
  mutants?: readonly string[];
}

/** The lab's mutants, or those `only` names (an unknown name is an error, not a silent skip). */
async function selectedMutants(lab: Awaited<ReturnType<typeof loadLab>>, only: readonly string[] | undefined): Promise<string[]> {
  const all = await lab.mutants();
  if (!only) return all;
  const byName = new Map(all.map((f) => [path.basename(f), f]));
  return only.map((n) => {
    const f = byName.get(n);
    if (!f) throw new LabError(`lab '${lab.id}' has no mutant '${n}' (mutants: ${[...byName.keys()].join(', ')})`);
    return f;
  });
}

export async function checkLab(labId: string, opts: LabCheckOptions = {}): Promise<LabCheckReport> {
  const lab = await loadLab(labId);
  const problems: string[] = [];
  const rel = (f: string) => path.relative(lab.dir, f).split(path.sep).join('/');

  if (lab.kind === 'node') return checkNodeLab(lab, opts);
  const traces = await recordLabTraces(labId, { check: true });
  for (const f of traces.files.filter((x) => x.status !== 'unchanged')) problems.push(`trace ${f.file} is ${f.status} (run \`paxlab trace record ${lab.id}\`)`);

  const used = new Set<string>();
  let uncovered: string[] = [];
  try {
    for (const set of ['public', 'hidden'] as const) {
      const traces = await lab.traces(set);
      if (traces.length === 0) problems.push(`there are no ${set} traces`);
      for (const { trace } of traces) for (const s of trace.steps) used.add(s.rule);
    }
    uncovered = lab.manifest.rules.map((r) => r.id).filter((id) => !used.has(id));
    for (const id of uncovered) problems.push(`rule ${id} is not exercised by any trace`);
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    problems.push(e.message);
  }

  const ref = await gradeModule(lab.id, lab.referencePath, { hidden: true, only: ['trace'] });
  const refFailed = ref.status === 'graded' ? failedTests(ref).map((t) => `${t.id}: ${t.failure?.message ?? ''}`) : [`${ref.status}`];
  if (!ref.passed) problems.push(`the reference fails: ${refFailed.join('; ')}`);

  const starter = await gradeModule(lab.id, lab.starterPath, { hidden: true, only: ['trace'] });
  const starterBuilds = starter.status === 'graded';
  if (!starterBuilds) problems.push(`the starter does not build or load (${starter.status})`);
  else if (starter.passed) problems.push('the starter passes every test; it should fail');
  const reasons = [...new Set(failedTests(starter).map((t) => t.failure?.rule.id ?? '?'))];

  const mutantFiles = await selectedMutants(lab, opts.mutants);
  const jobs = opts.jobs ?? Math.max(1, Math.min(4, os.availableParallelism?.() ?? 2));
  const mutants = await pool(mutantFiles, jobs, async (file): Promise<MutantResult> => {
    const { bug, expected } = await mutantHeader(file);
    // Traces, plus the kinds the expected rules belong to (every kind with `full`, or when nothing is expected).
    const kinds: TestKindName[] = opts.full || expected.length === 0 ? ['trace', 'scenario', 'search'] : [...new Set<TestKindName>(['trace', ...expected.map(kindOfRule)])];
    const r = await gradeModule(lab.id, file, { hidden: true, only: kinds });
    const base = { file: rel(file), bug, expected, kinds };
    if (r.status === 'build-error') return { ...base, built: false, caught: false, caughtBy: [], missed: expected, diagnostics: r.diagnostics };
    const caughtBy = r.status === 'load-error' ? [{ test: '(load)', rule: 'api.no-throw', reason: 'load-error' }] : failedTests(r).map((t) => ({ test: t.id, rule: t.failure?.rule.id ?? '?', reason: t.failure?.reason ?? '?' }));
    const named = new Set(caughtBy.map((c) => c.rule));
    return { ...base, built: true, caught: caughtBy.length > 0, caughtBy, missed: expected.filter((e) => !named.has(e)) };
  });
  for (const m of mutants) {
    if (!m.built) problems.push(`mutant ${m.file} does not build`);
    else if (!m.caught) problems.push(`mutant ${m.file} is not caught by any test (${m.bug})`);
    if (m.expected.length === 0) problems.push(`mutant ${m.file} does not say which rule it breaks (a header line \`// expect-rule: <rule id>\`)`);
    for (const e of m.expected.filter((x) => !knownRule(lab, x))) problems.push(`mutant ${m.file} expects rule ${e}, which is neither a rule of the lab nor a checker`);
    if (m.built && m.caught && m.missed.length > 0) {
      problems.push(`mutant ${m.file} is caught, but no failing test names ${m.missed.join(', ')} (named: ${[...new Set(m.caughtBy.map((c) => c.rule))].join(', ')})`);
    }
  }
  const killRate = mutants.length ? mutants.filter((m) => m.caught).length / mutants.length : 1;
  if (mutants.length === 0) problems.push('the pack has no mutants');

  return {
    lab: lab.id,
    ok: problems.length === 0,
    problems,
    traces,
    coverage: { rules: lab.manifest.rules.length, uncovered },
    reference: { passed: ref.passed, failed: ref.passed ? [] : refFailed, score: ref.score, maxScore: ref.maxScore },
    starter: { builds: starterBuilds, failed: starter.counts.failed, total: starter.counts.total, reasons, failures: failedTests(starter).map((t) => ({ test: t.id, rule: t.failure?.rule.id ?? '?' })) },
    mutants,
    killRate,
  };
}

/**
 * A whole-node lab: every rule exercised by some test, the reference passes every test (hidden ones
 * included), the starter builds and fails, every mutant is caught with the rules its header
 * expects. Mutants are graded with the node runs, and with the node search when a rule they expect
 * is the search's (`node-search.*`; every kind with `full`).
 */
async function checkNodeLab(lab: Awaited<ReturnType<typeof loadLab>>, opts: LabCheckOptions): Promise<LabCheckReport> {
  const problems: string[] = [];
  const rel = (f: string) => path.relative(lab.dir, f).split(path.sep).join('/');
  let uncovered: string[] = [];
  try {
    const tests = await listGradeTests(lab.id, { hidden: true });
    if (tests.length === 0) problems.push('the lab has no tests');
    const used = new Set(tests.flatMap((t) => [(t.data as { spec: NodeTestSpec }).spec.rule, ...((t.data as { spec: NodeTestSpec }).spec.judges ?? [])]));
    uncovered = lab.manifest.rules.map((r) => r.id).filter((id) => !used.has(id));
    for (const id of uncovered) problems.push(`rule ${id} is not exercised by any test`);
  } catch (e) {
    problems.push((e as Error).message);
  }
  // The pack's own files are the instructor's: they are built with the labs folder as their
  // submission folder, so a reference (and mutants built on it) may use a sibling lab's reference.
  const root = path.dirname(lab.dir);
  const ref = await gradeModule(lab.id, lab.referencePath, { hidden: true, root });
  const refFailed = ref.status === 'graded' ? failedTests(ref).map((t) => `${t.id}: ${t.failure?.message ?? ''}`) : [`${ref.status}`];
  if (!ref.passed) problems.push(`the reference fails: ${refFailed.join('; ')}`);
  const starter = await gradeModule(lab.id, lab.starterPath, { hidden: true });
  const starterBuilds = starter.status === 'graded';
  if (!starterBuilds) problems.push(`the starter does not build or load (${starter.status})`);
  else if (starter.passed) problems.push('the starter passes every test; it should fail');
  const reasons = [...new Set(failedTests(starter).map((t) => t.failure?.rule.id ?? '?'))];
  const jobs = opts.jobs ?? Math.max(1, Math.min(4, os.availableParallelism?.() ?? 2));
  const mutants = await pool(await selectedMutants(lab, opts.mutants), jobs, async (file): Promise<MutantResult> => {
    const { bug, expected } = await mutantHeader(file);
    // The node runs, plus the search when a rule it expects is the search's (every kind with `full`, or when nothing is expected).
    const kinds: TestKindName[] = opts.full || expected.length === 0 || expected.some((e) => e.startsWith('node-search.')) ? ['node', 'node-search'] : ['node'];
    // Grading stops once every rule the header expects is named by a failing test (the full grade
    // is `paxlab grade`'s; a mutant without expectations runs every test).
    const stopWhen = (results: readonly TestResult[]) => expected.length > 0 && expected.every((e) => results.some((t) => !t.passed && (t.failure?.rule.id === e || t.failure?.testing?.id === e)));
    const r = await gradeModule(lab.id, file, { hidden: true, only: kinds, root, ...(opts.full ? {} : { stopWhen }) });
    const base = { file: rel(file), bug, expected, kinds };
    if (r.status === 'build-error') return { ...base, built: false, caught: false, caughtBy: [], missed: expected, diagnostics: r.diagnostics };
    const failing = r.status === 'load-error' ? [] : failedTests(r);
    const caughtBy = r.status === 'load-error' ? [{ test: '(load)', rule: 'api.no-throw', reason: 'load-error' }] : failing.map((t) => ({ test: t.id, rule: t.failure?.rule.id ?? '?', reason: t.failure?.reason ?? '?' }));
    // A failing node test names the rule it broke (a check's) and the lab rule it was testing.
    const named = new Set([...caughtBy.map((c) => c.rule), ...failing.flatMap((t) => (t.failure?.testing ? [t.failure.testing.id] : []))]);
    return { ...base, built: true, caught: caughtBy.length > 0, caughtBy, missed: expected.filter((e) => !named.has(e)) };
  });
  for (const m of mutants) {
    if (!m.built) problems.push(`mutant ${m.file} does not build`);
    else if (!m.caught) problems.push(`mutant ${m.file} is not caught by any test (${m.bug})`);
    if (m.expected.length === 0) problems.push(`mutant ${m.file} does not say which rule it breaks (a header line \`// expect-rule: <rule id>\`)`);
    for (const e of m.expected.filter((x) => !knownRule(lab, x))) problems.push(`mutant ${m.file} expects rule ${e}, which is neither a rule of the lab nor a check`);
    if (m.built && m.caught && m.missed.length > 0) problems.push(`mutant ${m.file} is caught, but no failing test names ${m.missed.join(', ')} (named: ${[...new Set(m.caughtBy.map((c) => c.rule))].join(', ')})`);
  }
  if (mutants.length === 0) problems.push('the pack has no mutants');
  const killRate = mutants.length ? mutants.filter((m) => m.caught).length / mutants.length : 1;
  return {
    lab: lab.id,
    ok: problems.length === 0,
    problems,
    traces: { lab: lab.id, files: [], drift: false },
    coverage: { rules: lab.manifest.rules.length, uncovered },
    reference: { passed: ref.passed, failed: ref.passed ? [] : refFailed, score: ref.score, maxScore: ref.maxScore },
    starter: { builds: starterBuilds, failed: starter.counts.failed, total: starter.counts.total, reasons, failures: failedTests(starter).map((t) => ({ test: t.id, rule: t.failure?.rule.id ?? '?' })) },
    mutants,
    killRate,
  };
}
