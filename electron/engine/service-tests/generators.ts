/** Fault generators of service tests: schedules drawn from the run's seed, so a seed replays them. */
import type { NodeId } from '@paxlab/sdk';
import type { FaultSchedule } from '../faults/index.js';
import { Rng } from '../net/rng.js';
import type { FaultGenerator } from './definitions.js';

/**
 * Random repartitions: every `minMs`–`maxMs` the network splits in two groups at random (one time in
 * four it heals instead), from `fromMs` until `untilMs`, when it heals for good.
 */
export function expandGenerators(generators: readonly FaultGenerator[], nodes: number, seed: number): FaultSchedule {
  const out: FaultSchedule = [];
  generators.forEach((g, i) => {
    const rng = new Rng((seed * 104_729 + 7919 * (i + 1)) | 0);
    const ids: NodeId[] = Array.from({ length: nodes }, (_, k) => k + 1);
    for (let t = g.fromMs; t < g.untilMs; t += rng.int(g.minMs, g.maxMs)) {
      if (nodes < 2 || rng.chance(0.25)) {
        out.push({ at: t, action: 'heal' });
        continue;
      }
      const shuffled = [...ids];
      for (let k = shuffled.length - 1; k > 0; k--) {
        const j = rng.int(0, k);
        [shuffled[k], shuffled[j]] = [shuffled[j], shuffled[k]];
      }
      const cut = rng.int(1, nodes - 1);
      const groups = [shuffled.slice(0, cut).sort((a, b) => a - b), shuffled.slice(cut).sort((a, b) => a - b)];
      out.push({ at: t, action: 'partition', groups });
    }
    out.push({ at: g.untilMs, action: 'heal' });
  });
  return out;
}
