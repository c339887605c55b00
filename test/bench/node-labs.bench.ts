/**
 * Node labs: the full grade (every node run and node search, hidden tests included) of a node lab's
 * reference and of each of its mutants, in-process, and the node search's speed. Run with
 * `npm run bench -- node-labs`; `NODE_LAB=<id>` and `PAXLAB_LABS_DIR` pick another node lab (the
 * fixture lab under test/fixtures/nodes/labs by default).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradeModule, loadLab } from '../../electron/engine/grading/index.js';
import type { Figure } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function bench(): Promise<Figure[]> {
  process.env.PAXLAB_LABS_DIR ??= path.join(here, '../fixtures/nodes/labs');
  const lab = await loadLab(process.env.NODE_LAB ?? 'log-service');
  const out: Figure[] = [];
  const grade = async (file: string) => {
    const t0 = performance.now();
    const r = await gradeModule(lab.id, file, { hidden: true });
    return { ms: performance.now() - t0, r };
  };
  const ref = await grade(lab.referencePath);
  out.push({ name: `${lab.id}: full grade of the reference`, value: ref.ms / 1000, unit: 's', target: '≤ 60 s', note: `${ref.r.counts.passed}/${ref.r.counts.total} passed` });
  const search = ref.r.tests.filter((t) => t.kind === 'node-search');
  for (const t of search) {
    const states = Number(/(\d+) states/.exec(t.notes[0] ?? '')?.[1] ?? 0);
    out.push({ name: `${lab.id}: node search ${t.name}`, value: t.durationMs / 1000, unit: 's', note: `${states} states, ${Math.round((states * 1000) / Math.max(1, t.durationMs))} states/s (wall, sandbox)` });
  }
  const times: number[] = [];
  for (const m of await lab.mutants()) {
    const g = await grade(m);
    times.push(g.ms);
    out.push({ name: `${lab.id}: mutant ${path.basename(m)}`, value: g.ms / 1000, unit: 's', target: '≤ 60 s', note: `${g.r.counts.failed} failing` });
  }
  times.sort((a, b) => a - b);
  if (times.length) out.push({ name: `${lab.id}: mutants p50 / max`, value: times[Math.floor(times.length / 2)] / 1000, unit: 's', note: `max ${(times[times.length - 1] / 1000).toFixed(1)} s` });
  return out;
}
