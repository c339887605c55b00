/**
 * The replicated-service lab (labs/05-kv-service): the full grade (every service test on each of
 * its seeds, and the node search) of the reference and of each mutant, in-process, as `paxlab
 * grade kv-service` and the app run it. The target is issue 13's: at most 60 s on a 2-core machine
 * for the reference and for the slowest mutant. Run with `npm run bench -- kv-service`.
 */
import path from 'node:path';
import { gradeModule, loadLab } from '../../electron/engine/grading/index.js';
import type { Figure } from './run.js';

export async function bench(): Promise<Figure[]> {
  const lab = await loadLab('kv-service');
  // The pack's reference and mutants use lab 04's roles: the labs folder is their submission folder.
  const root = path.dirname(lab.dir);
  const grade = async (file: string) => {
    const t0 = performance.now();
    const r = await gradeModule(lab.id, file, { hidden: true, root });
    return { ms: performance.now() - t0, r };
  };
  const out: Figure[] = [];
  const ref = await grade(lab.referencePath);
  out.push({ name: 'kv-service: full grade of the reference', value: ref.ms / 1000, unit: 's', target: '≤ 60 s', note: `${ref.r.score}/${ref.r.maxScore}, ${ref.r.counts.passed}/${ref.r.counts.total} passed` });
  // The node search runs beside the simulations (node-kind.ts starts it ahead), so its test's own
  // duration is only the wait left at its turn: the figure is its size, the note its extent.
  for (const t of ref.r.tests.filter((x) => x.kind === 'node-search')) {
    const states = Number(/([\d,]+) states/.exec(t.notes[0] ?? '')?.[1]?.replace(/,/g, '') ?? NaN);
    out.push({ name: `kv-service: node search ${t.name} (reference)`, value: states, unit: 'states', note: t.notes[0] });
  }
  const times: Array<{ name: string; ms: number }> = [];
  for (const m of await lab.mutants()) {
    const g = await grade(m);
    times.push({ name: path.basename(m), ms: g.ms });
    out.push({ name: `kv-service: mutant ${path.basename(m)}`, value: g.ms / 1000, unit: 's', target: '≤ 60 s', note: `${g.r.counts.failed} failing` });
  }
  times.sort((a, b) => a.ms - b.ms);
  if (times.length) {
    const slowest = times[times.length - 1];
    out.push({ name: 'kv-service: slowest mutant', value: slowest.ms / 1000, unit: 's', target: '≤ 60 s', note: `${slowest.name}; p50 ${(times[Math.floor(times.length / 2)].ms / 1000).toFixed(1)} s` });
  }
  return out;
}
