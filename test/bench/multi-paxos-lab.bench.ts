/**
 * Lab 04 (multi-paxos): the time of a full grade (traces public and hidden, the scenario tests
 * inside the reference service node, the multi-decree search) of the reference and of every mutant,
 * in one warm process. Verdicts never depend on these times; they are here to watch.
 */
import path from 'node:path';
import { gradeModule, loadLab } from '../../electron/engine/grading/index.js';
import type { Figure } from './run.js';

async function fullGrade(file: string): Promise<{ ms: number; search: number }> {
  const t0 = performance.now();
  const r = await gradeModule('multi-paxos', file, { hidden: true });
  const ms = performance.now() - t0;
  return { ms, search: r.tests.filter((t) => t.kind === 'search').reduce((s, t) => s + t.durationMs, 0) };
}

export async function bench(): Promise<Figure[]> {
  const lab = await loadLab('multi-paxos');
  await fullGrade(lab.referencePath); // warm-up: TypeScript's libraries, the sandbox
  const ref = await fullGrade(lab.referencePath);
  const out: Figure[] = [{ name: 'multi-paxos: full grade of the reference (warm)', value: Math.round(ref.ms), unit: 'ms', target: '≤ 60,000', note: `search ${ref.search} ms` }];
  const mutants: Array<{ who: string; ms: number }> = [];
  for (const file of await lab.mutants()) mutants.push({ who: path.basename(file), ms: (await fullGrade(file)).ms });
  const sorted = [...mutants].sort((a, b) => a.ms - b.ms);
  const slowest = sorted[sorted.length - 1];
  out.push({ name: `multi-paxos: full grade of a mutant, p50 (${mutants.length})`, value: Math.round(sorted[Math.floor(sorted.length / 2)].ms), unit: 'ms' });
  out.push({ name: 'multi-paxos: full grade of the slowest mutant', value: Math.round(slowest.ms), unit: 'ms', target: '≤ 60,000', note: slowest.who });
  return out;
}
