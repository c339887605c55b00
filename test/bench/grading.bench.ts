/**
 * Time to grade one lab as issue 3 defines it: build (esbuild + type check) and every public and
 * hidden trace in the sandbox (`only: ['trace']`). "warm" is the desktop app's and grade-all's case
 * (engine loaded, TypeScript's libraries parsed once); "cold" is one `paxlab grade --only trace`
 * process from scratch, including loading TypeScript. For scale, also the time of a full grade (every
 * kind: traces, cluster scenarios and the state-space search), which has no target here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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

function cliOnce(lab: string, module: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', lab, module, '--hidden', '--only', 'trace', '--json'], (err) => {
      if (err) reject(err);
      else resolve(performance.now() - t0);
    });
  });
}

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
  for (const lab of LABS) {
    const full = await timeGrade(lab);
    out.push({ name: `grade ${lab} lab, every kind (warm, ${full.tests} tests)`, value: Math.round(full.ms), unit: 'ms', note: 'traces + cluster scenarios + search; one run' });
  }
  if (existsSync(path.join(root, 'dist/cli.js'))) {
    const ref = (await loadLab('acceptor')).referencePath;
    const runs = [await cliOnce('acceptor', ref), await cliOnce('acceptor', ref)];
    out.push({ name: 'paxlab grade acceptor --only trace (cold CLI process)', value: Math.round(median(runs)), unit: 'ms', target: '<= 1000 ms', note: 'includes starting Node and loading TypeScript' });
  } else {
    out.push({ name: 'paxlab grade acceptor --only trace (cold CLI process)', value: NaN, unit: 'ms', note: 'dist/cli.js not built' });
  }
  return out;
}
