/**
 * `paxlab lab check`: is this lab pack trustworthy? The committed traces are what the reference
 * produces, every rule is exercised by some trace, the reference passes every trace, the starter
 * builds and fails, and every known-buggy mutant is caught by at least one trace (the kill rate).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from '../build/diagnostics.js';
import { LabError, loadLab } from '../labs/lab-pack.js';
import { gradeModule, type GradeReport } from './grade.js';
import { recordLabTraces, type RecordResult } from './record.js';

export interface MutantResult {
  /** Path relative to the lab folder. */
  file: string;
  /** The bug, from the mutant's first comment. */
  bug: string;
  built: boolean;
  caught: boolean;
  /** The tests that failed, with the rule each names. */
  caughtBy: Array<{ test: string; rule: string; reason: string }>;
  diagnostics?: Diagnostic[];
}

export interface LabCheckReport {
  lab: string;
  ok: boolean;
  problems: string[];
  traces: RecordResult;
  coverage: { rules: number; uncovered: string[] };
  reference: { passed: boolean; failed: string[] };
  starter: { builds: boolean; failed: number; total: number; reasons: string[] };
  mutants: MutantResult[];
  /** Caught mutants / all mutants (1 when there are none). */
  killRate: number;
}

async function firstComment(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const m = /^\s*(?:\/\/\s?(.*)|\/\*+\s*([\s\S]*?)\*\/)/.exec(text);
  const raw = (m?.[1] ?? m?.[2] ?? '').replace(/^\s*\*\s?/gm, '').trim();
  return raw.split('\n')[0].replace(/^Bug:\s*/i, '') || '(no comment describing the bug)';
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

export async function checkLab(labId: string, opts: { jobs?: number } = {}): Promise<LabCheckReport> {
  const lab = await loadLab(labId);
  const problems: string[] = [];
  const rel = (f: string) => path.relative(lab.dir, f).split(path.sep).join('/');

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

  const mutantFiles = await lab.mutants();
  const jobs = opts.jobs ?? Math.max(1, Math.min(4, os.availableParallelism?.() ?? 2));
  const mutants = await pool(mutantFiles, jobs, async (file): Promise<MutantResult> => {
    const bug = await firstComment(file);
    const r = await gradeModule(lab.id, file, { hidden: true, only: ['trace'] });
    if (r.status === 'build-error') return { file: rel(file), bug, built: false, caught: false, caughtBy: [], diagnostics: r.diagnostics };
    const caughtBy = r.status === 'load-error' ? [{ test: '(load)', rule: 'api.no-throw', reason: 'load-error' }] : failedTests(r).map((t) => ({ test: t.id, rule: t.failure?.rule.id ?? '?', reason: t.failure?.reason ?? '?' }));
    return { file: rel(file), bug, built: true, caught: caughtBy.length > 0, caughtBy };
  });
  for (const m of mutants) {
    if (!m.built) problems.push(`mutant ${m.file} does not build`);
    else if (!m.caught) problems.push(`mutant ${m.file} is not caught by any trace (${m.bug})`);
  }
  const killRate = mutants.length ? mutants.filter((m) => m.caught).length / mutants.length : 1;
  if (mutants.length === 0) problems.push('the pack has no mutants');

  return {
    lab: lab.id,
    ok: problems.length === 0,
    problems,
    traces,
    coverage: { rules: lab.manifest.rules.length, uncovered },
    reference: { passed: ref.passed, failed: ref.passed ? [] : refFailed },
    starter: { builds: starterBuilds, failed: starter.counts.failed, total: starter.counts.total, reasons },
    mutants,
    killRate,
  };
}
