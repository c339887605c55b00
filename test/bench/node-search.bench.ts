/**
 * The whole-node search (node-search/): states per second of the reference node's search in three
 * node labs, run in this process as the sandbox's search job runs it (the node class loaded into a
 * student realm, RealmNodeMachine, runNodeSearch): the log-service fixture's all-orders, chapter 9's
 * search and lab 05's all-orders (which spends its whole state budget). Each is run twice after a
 * warm-up of the same search; the figure is the better run, wall clock and CPU.
 * Run with `npm run bench -- node-search`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleStudentModule } from '../../electron/engine/build/build-student.js';
import { loadLab } from '../../electron/engine/grading/index.js';
import { nodeTestProvider } from '../../electron/engine/node-labs/provider.js';
import '../../electron/engine/node-labs/providers.js';
import type { NodeSearchConfig } from '../../electron/engine/node-search/config.js';
import { runNodeSearch, type NodeSearchReport } from '../../electron/engine/node-search/explorer.js';
import { RealmNodeMachine } from '../../electron/engine/node-search/machine.js';
import { StudentCalls } from '../../electron/engine/realm/student-calls.js';
import { StudentRealm } from '../../electron/engine/realm/student-realm.js';
import type { Figure } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const CASES: Array<{ labsDir: string; lab: string; test: string; target: number }> = [
  { labsDir: path.join(root, 'test/fixtures/nodes/labs'), lab: 'log-service', test: 'all-orders', target: 60_000 },
  { labsDir: path.join(root, 'labs'), lab: 'chapter-9', test: 'search', target: 60_000 },
  { labsDir: path.join(root, 'labs'), lab: 'kv-service', test: 'all-orders', target: 60_000 },
];

async function searchOf(labsDir: string, labId: string, testName: string): Promise<() => { r: NodeSearchReport; cpuMs: number }> {
  process.env.PAXLAB_LABS_DIR = labsDir;
  const lab = await loadLab(labId);
  const m = lab.nodeManifest!;
  const provider = nodeTestProvider(m.provider)!;
  const specs = await provider.list({ id: lab.id, dir: lab.dir, manifest: m as never, file: (rel) => lab.file(rel) });
  const spec = specs.find((s) => s.kind === 'search' && s.name === testName);
  if (!spec) throw new Error(`${labId} has no search test '${testName}'`);
  const cfg = spec.payload as NodeSearchConfig;
  const exportName = lab.manifest.export;
  const b = await bundleStudentModule(lab.referencePath, { exportName, typeCheck: 'off', root: path.dirname(lab.dir) });
  if (!b.ok) throw new Error(`${labId}: the reference does not build`);
  return () => {
    const calls = new StudentCalls(new StudentRealm());
    const l = calls.load(b.code, 'node.js');
    if (!l.ok) throw new Error(l.thrown.message);
    const machine = new RealmNodeMachine(calls, l.module.exports.get(exportName), exportName, Array.from({ length: cfg.nodes }, (_, i) => i + 1), cfg.options);
    const cpu = process.cpuUsage();
    const r = runNodeSearch(machine, cfg);
    const c = process.cpuUsage(cpu);
    return { r, cpuMs: (c.user + c.system) / 1000 };
  };
}

export async function bench(): Promise<Figure[]> {
  const out: Figure[] = [];
  const saved = process.env.PAXLAB_LABS_DIR;
  try {
    for (const c of CASES) {
      const run = await searchOf(c.labsDir, c.lab, c.test);
      run(); // warm-up (JIT)
      const runs = [run(), run()];
      const best = runs.reduce((a, b) => (b.r.statesPerSecond > a.r.statesPerSecond ? b : a));
      const cpuRate = Math.max(...runs.map((x) => (x.r.statesExplored * 1000) / x.cpuMs));
      const r = best.r;
      const note = `${r.statesExplored.toLocaleString('en-US')} states in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.verdict}, ${r.exhausted ? 'exhaustive' : `not exhaustive (${r.stoppedBy})`}; best of 2`;
      out.push({ name: `node search: ${c.lab} ${c.test} (reference)`, value: r.statesPerSecond, unit: 'states/s', target: `>= ${c.target.toLocaleString('en-US')}`, note });
      out.push({ name: `node search: ${c.lab} ${c.test}, per CPU second`, value: cpuRate, unit: 'states/s', note: 'what one idle core gives; the line above is wall clock on a shared machine' });
    }
  } finally {
    if (saved === undefined) delete process.env.PAXLAB_LABS_DIR;
    else process.env.PAXLAB_LABS_DIR = saved;
  }
  return out;
}
