/**
 * Time to grade. Trace tests alone (build, type check and every public and hidden trace, `only:
 * ['trace']`), warm and cold; and full grades (traces, cluster scenarios and the state-space
 * search, hidden traces included) of every lab's reference and of every lab mutant, warm (in this
 * process, as the app and grade-all grade) and as a cold `paxlab grade` process: p50 and max over
 * the mutants, next to their targets, and each mutant's own times; then the same for a submission
 * whose every handler hangs (each test stopped at the per-call CPU limit).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeModule, loadLab, type TestKindName } from '../../electron/engine/grading/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LABS = ['acceptor', 'proposer', 'learner'];

async function timeGrade(lab: string, only?: TestKindName[]): Promise<{ ms: number; tests: number }> {
  const pack = await loadLab(lab);
  const t0 = performance.now();
  const r = await gradeModule(lab, pack.referencePath, { hidden: true, only });
  const ms = performance.now() - t0;
  if (!r.passed) throw new Error(`the reference of ${lab} did not pass`);
  return { ms, tests: r.tests.length };
}

function cliOnce(lab: string, module: string, only: string[] = ['--only', 'trace']): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Exit 1 (some test failed) is a normal outcome for a mutant; 2 means it could not be graded.
    execFile(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', lab, module, '--hidden', ...only, '--json'], { maxBuffer: 1 << 26 }, (err) => {
      if (err && (err as { code?: number }).code !== 1) reject(err);
      else resolve(performance.now() - t0);
    });
  });
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function bench(): Promise<Array<{ name: string; value: number; unit: string; target?: string; note?: string }>> {
  const out: Array<{ name: string; value: number; unit: string; target?: string; note?: string }> = [];
  await timeGrade('acceptor', ['trace']); // warm-up: loads TypeScript and parses its libraries once
  for (const lab of LABS) {
    const runs = [await timeGrade(lab, ['trace']), await timeGrade(lab, ['trace']), await timeGrade(lab, ['trace'])];
    const pack = await loadLab(lab);
    const traces = (await pack.traces('public')).length + (await pack.traces('hidden')).length;
    if (runs[0].tests !== traces) throw new Error(`${lab}: graded ${runs[0].tests} tests, expected the ${traces} traces`);
    out.push({ name: `grade ${lab} lab (warm, build + ${traces} traces)`, value: Math.round(median(runs.map((r) => r.ms))), unit: 'ms', target: '<= 1000 ms', note: 'median of 3, in-process like the app' });
  }
  if (existsSync(path.join(root, 'dist/cli.js'))) {
    const ref = (await loadLab('acceptor')).referencePath;
    const runs = [await cliOnce('acceptor', ref), await cliOnce('acceptor', ref)];
    out.push({ name: 'paxlab grade acceptor --only trace (cold CLI process)', value: Math.round(median(runs)), unit: 'ms', target: '<= 1000 ms', note: 'includes starting Node and loading TypeScript' });
  } else {
    out.push({ name: 'paxlab grade acceptor --only trace (cold CLI process)', value: NaN, unit: 'ms', note: 'dist/cli.js not built' });
  }
  for (const lab of LABS) {
    const full = await timeGrade(lab);
    out.push({ name: `grade ${lab} reference, every kind (warm, ${full.tests} tests)`, value: Math.round(full.ms), unit: 'ms', target: '<= 10,000 ms', note: 'traces + cluster scenarios + search' });
  }
  if (existsSync(path.join(root, 'dist/cli.js'))) {
    for (const lab of LABS) {
      const ms = await cliOnce(lab, (await loadLab(lab)).referencePath, []);
      out.push({ name: `grade ${lab} reference, every kind (cold CLI process)`, value: Math.round(ms), unit: 'ms', target: '<= 15,000 ms' });
    }
  }

  // Every lab mutant, fully graded: warm in this process, and as a cold CLI process.
  const mutants: Array<{ who: string; warm: number; cold: number }> = [];
  for (const lab of LABS) {
    const pack = await loadLab(lab);
    for (const file of await pack.mutants()) {
      const t0 = performance.now();
      await gradeModule(lab, file, { hidden: true });
      const warm = performance.now() - t0;
      const cold = existsSync(path.join(root, 'dist/cli.js')) ? await cliOnce(lab, file, []) : NaN;
      mutants.push({ who: `${lab}/${path.basename(file)}`, warm, cold });
    }
  }
  const warm = mutants.map((m) => m.warm);
  const cold = mutants.map((m) => m.cold);
  const slowest = (k: 'warm' | 'cold') => mutants.reduce((a, b) => (b[k] > a[k] ? b : a)).who;
  out.push({ name: `full grade of a lab mutant, warm: p50 (${mutants.length} mutants)`, value: Math.round(quantile(warm, 0.5)), unit: 'ms' });
  out.push({ name: 'full grade of a lab mutant, warm: max', value: Math.round(Math.max(...warm)), unit: 'ms', target: '<= 10,000 ms', note: slowest('warm') });
  out.push({ name: 'full grade of a lab mutant, cold CLI process: p50', value: Math.round(quantile(cold, 0.5)), unit: 'ms' });
  out.push({ name: 'full grade of a lab mutant, cold CLI process: max', value: Math.round(Math.max(...cold)), unit: 'ms', target: '<= 15,000 ms', note: slowest('cold') });
  for (const m of mutants) out.push({ name: `  ${m.who} (warm; cold in the note)`, value: Math.round(m.warm), unit: 'ms', note: `cold ${Math.round(m.cold)} ms` });

  // A submission whose every handler hangs: each test runs to the CPU limit of one call, and no further.
  for (const lab of LABS) {
    const file = path.join(root, 'test/fixtures/hostile/hangs-everywhere', `${lab}.ts`);
    const t0 = performance.now();
    const r = await gradeModule(lab, file, { hidden: true });
    const warmMs = performance.now() - t0;
    if (r.tests.some((t) => t.passed)) throw new Error(`${lab}: a test passed for a submission that hangs`);
    const coldMs = existsSync(path.join(root, 'dist/cli.js')) ? await cliOnce(lab, file, []) : NaN;
    out.push({ name: `full grade of a ${lab} that hangs on every call, warm`, value: Math.round(warmMs), unit: 'ms', target: '<= 10,000 ms', note: `${r.tests.length} tests, each stopped at the limit; cold ${Math.round(coldMs)} ms (target <= 15,000 ms)` });
  }
  out.push({ name: 'load average while grading (1 min)', value: os.loadavg()[0], unit: '', note: `${os.availableParallelism?.() ?? os.cpus().length} cores; other processes slow the wall-clock figures` });
  return out;
}
