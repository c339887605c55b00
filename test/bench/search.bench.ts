/**
 * The state-space search: states per second on the reference configuration (3 acceptors, 2
 * proposers, 2 values, 2 rounds each, loss and duplication: the acceptor and proposer labs'
 * all-orders test), the time of that exhaustive search, and the peak memory (RSS) of a process
 * running a lab's search tests, as the sandbox's search job does, for every lab's reference and
 * every lab mutant.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { AcceptMsg, PromiseMsg } from '@paxlab/sdk';
import { runSearch } from '../../electron/engine/search/index.js';
import { buildStudentModule } from '../../electron/engine/build/index.js';
import { loadLab } from '../../electron/engine/grading/index.js';
import { loadSearchTests } from '../../electron/engine/scenarios/lab-config.js';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';

type Figure = { name: string; value: number; unit: string; target?: string; note?: string };

const here = path.dirname(fileURLToPath(import.meta.url));
const LABS = ['acceptor', 'proposer', 'learner'];
const CONFIG = { acceptors: 3, values: ['v1', 'v2'], maxRounds: 2 };

class IgnoresPromisedValue extends Proposer {
  override handlePromise(msg: PromiseMsg): AcceptMsg | null {
    const out = super.handlePromise(msg);
    return out && this.clientValue !== null ? { ...out, val: this.clientValue } : out;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (kb: number) => Math.round(kb / 1024);

export async function bench(): Promise<Figure[]> {
  const out: Figure[] = [];
  const roles = { Acceptor, Proposer, Learner };
  runSearch(roles, { maxRounds: 1 }); // warm-up (JIT)
  const runs = [0, 1, 2].map(() => {
    const cpu = process.cpuUsage();
    const r = runSearch(roles, CONFIG);
    const c = process.cpuUsage(cpu);
    return { r, cpuMs: (c.user + c.system) / 1000 };
  });
  const r = runs[0].r;
  const note = `${r.statesExplored.toLocaleString('en-US')} states, depth ${r.depthReached}, ${r.exhausted ? 'exhaustive' : 'NOT exhaustive'}, ${r.verdict}; median of 3`;
  out.push({ name: 'search: states per second (reference configuration)', value: median(runs.map((x) => x.r.statesPerSecond)), unit: 'states/s', target: '>= 300,000', note });
  out.push({ name: 'search: states per CPU second (the same runs)', value: median(runs.map((x) => (x.r.statesExplored * 1000) / x.cpuMs)), unit: 'states/s', note: 'what one idle core gives; the line above is wall clock on a shared machine' });
  out.push({ name: 'search: exhaustive run of the reference configuration', value: Math.round(median(runs.map((x) => x.r.elapsedMs))), unit: 'ms', note: 'set network: loss, duplication, reordering' });
  const bad = runSearch({ ...roles, Proposer: IgnoresPromisedValue });
  out.push({ name: 'search: counterexample for a proposer ignoring promised values', value: Math.round(bad.elapsedMs), unit: 'ms', note: `${bad.violation?.depth} steps, ${bad.statesExplored.toLocaleString('en-US')} states` });

  // Peak memory: a fresh process per module runs the lab's search tests, as the sandbox does.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-bench-search-'));
  try {
    const child = path.join(dir, 'search-child.mjs');
    await build({
      entryPoints: [path.join(here, 'support/search-child.ts')],
      outfile: child,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const peaks: Array<{ who: string; kb: number; states: number }> = [];
    for (const id of LABS) {
      const lab = await loadLab(id);
      const tests = path.join(dir, `${id}-tests.json`);
      await writeFile(tests, JSON.stringify(await loadSearchTests(lab.dir)));
      for (const file of [lab.referencePath, ...(await lab.mutants())]) {
        const b = await buildStudentModule(file, { exportName: lab.manifest.export, typeCheck: 'off' });
        if (!b.ok) throw new Error(`${file} does not build`);
        const bundle = path.join(dir, `${id}-${path.basename(file, path.extname(file))}.js`);
        await writeFile(bundle, b.code);
        const { stdout } = await promisify(execFile)(process.execPath, [child, bundle, lab.manifest.export, lab.manifest.role, tests], { maxBuffer: 1 << 24 });
        const res = JSON.parse(stdout) as { maxRssKb: number; tests: Array<{ states: number }> };
        peaks.push({ who: `${id}/${path.relative(lab.dir, file)}`, kb: res.maxRssKb, states: Math.max(...res.tests.map((t) => t.states)) });
      }
    }
    const ref = peaks.find((p) => p.who === 'acceptor/reference/acceptor.ts')!;
    out.push({ name: 'search: peak RSS, the acceptor lab\'s search tests on the reference', value: mb(ref.kb), unit: 'MB', target: '<= 256 MB', note: `${ref.states.toLocaleString('en-US')} states in the largest (exhaustive)` });
    const mutants = peaks.filter((p) => !p.who.includes('/reference/'));
    const worst = mutants.reduce((a, b) => (b.kb > a.kb ? b : a));
    out.push({ name: `search: peak RSS, max over all ${mutants.length} lab mutants`, value: mb(worst.kb), unit: 'MB', target: '<= 256 MB', note: `${worst.who}, ${worst.states.toLocaleString('en-US')} states` });
    out.push({ name: 'search: peak RSS, median over the lab mutants', value: mb(median(mutants.map((p) => p.kb))), unit: 'MB' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
