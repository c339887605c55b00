/**
 * Time to grade one lab: build (esbuild + type check) and every public and hidden trace in the
 * sandbox. "warm" is the desktop app's and grade-all's case (engine loaded, TypeScript's libraries
 * parsed once); "cold" is one `paxlab grade` process from scratch, including loading TypeScript.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeModule, loadLab } from '../../electron/engine/grading/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LABS = ['acceptor', 'proposer', 'learner'];

async function timeGrade(lab: string): Promise<number> {
  const pack = await loadLab(lab);
  const t0 = performance.now();
  const r = await gradeModule(lab, pack.referencePath, { hidden: true });
  const ms = performance.now() - t0;
  if (!r.passed) throw new Error(`the reference of ${lab} did not pass`);
  return ms;
}

function cliOnce(lab: string, module: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', lab, module, '--hidden', '--json'], (err) => {
      if (err) reject(err);
      else resolve(performance.now() - t0);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function bench(): Promise<Array<{ name: string; value: number; unit: string; target?: string; note?: string }>> {
  const out: Array<{ name: string; value: number; unit: string; target?: string; note?: string }> = [];
  await timeGrade('acceptor'); // warm-up: loads TypeScript and parses its libraries once
  for (const lab of LABS) {
    const runs = [await timeGrade(lab), await timeGrade(lab), await timeGrade(lab)];
    const traces = (await (await loadLab(lab)).traces('public')).length + (await (await loadLab(lab)).traces('hidden')).length;
    out.push({ name: `grade ${lab} lab (warm, build + ${traces} traces)`, value: Math.round(median(runs)), unit: 'ms', target: '<= 1000 ms', note: 'median of 3, in-process like the app' });
  }
  if (existsSync(path.join(root, 'dist/cli.js'))) {
    const ref = (await loadLab('acceptor')).referencePath;
    const runs = [await cliOnce('acceptor', ref), await cliOnce('acceptor', ref)];
    out.push({ name: 'paxlab grade acceptor (cold CLI process)', value: Math.round(median(runs)), unit: 'ms', target: '<= 1000 ms', note: 'includes starting Node and loading TypeScript' });
  } else {
    out.push({ name: 'paxlab grade acceptor (cold CLI process)', value: NaN, unit: 'ms', note: 'dist/cli.js not built' });
  }
  return out;
}
