/**
 * The state-space search and the cluster scenario graders: states per second and the time of the
 * exhaustive search of the reference (3 acceptors, 2 proposers, 2 values, rounds <= 2 per proposer,
 * loss and duplication), and how long grading a lab's scenario and search tests takes.
 */
import type { AcceptMsg, PromiseMsg } from '@paxlab/sdk';
import { runSearch } from '../../electron/engine/search/index.js';
import { gradeModule, loadLab } from '../../electron/engine/grading/index.js';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';

type Figure = { name: string; value: number; unit: string; target?: string; note?: string };

class IgnoresPromisedValue extends Proposer {
  override handlePromise(msg: PromiseMsg): AcceptMsg | null {
    const out = super.handlePromise(msg);
    return out && this.clientValue !== null ? { ...out, val: this.clientValue } : out;
  }
}

export async function bench(): Promise<Figure[]> {
  const out: Figure[] = [];
  const roles = { Acceptor, Proposer, Learner };
  runSearch(roles, { maxRounds: 1 }); // warm-up (JIT)
  const r = runSearch(roles, { acceptors: 3, values: ['v1', 'v2'], maxRounds: 2 });
  const note = `${r.statesExplored.toLocaleString('en-US')} states, depth ${r.depthReached}, ${r.exhausted ? 'exhaustive' : 'NOT exhaustive'}, ${r.verdict}`;
  out.push({ name: 'search: states per second (reference, exhaustive run)', value: r.statesPerSecond, unit: 'states/s', target: '>= 100,000', note });
  out.push({ name: 'search: exhaustive run of the reference', value: Math.round(r.elapsedMs), unit: 'ms', target: '<= 10,000 ms', note: 'set network: loss, duplication, reordering' });
  const bad = runSearch({ ...roles, Proposer: IgnoresPromisedValue });
  out.push({ name: 'search: counterexample for a proposer ignoring promised values', value: Math.round(bad.elapsedMs), unit: 'ms', note: `${bad.violation?.depth} steps, ${bad.statesExplored.toLocaleString('en-US')} states` });

  for (const lab of ['acceptor', 'proposer', 'learner']) {
    const ref = (await loadLab(lab)).referencePath;
    for (const kind of ['scenario', 'search'] as const) {
      const t0 = performance.now();
      const report = await gradeModule(lab, ref, { only: [kind] });
      const ms = performance.now() - t0;
      out.push({ name: `grade ${lab}: ${kind} tests of the reference`, value: Math.round(ms), unit: 'ms', note: `${report.counts.total} tests, ${report.passed ? 'all passed' : 'FAILED'} (build included)` });
    }
  }
  return out;
}
