/**
 * A chapter's fault model as data, and the fault schedule one seed draws from it: how many crashes
 * (of which nodes, restarted or not), partitions that isolate one node, cut links, when they begin
 * and how long they last. A protocol is only asked to survive the faults its chapter assumes.
 */
import type { NodeId } from '@paxlab/sdk';
import type { FaultAction, FaultSchedule } from '../faults/index.js';
import { Rng } from '../net/rng.js';

export interface FaultModel {
  /** When faults may begin, in ms of virtual time. Default [50, 1000]. */
  between?: [number, number];
  /** Crashes of distinct nodes. */
  crashes?: number;
  /** The nodes that may crash (default every node). */
  crashable?: NodeId[];
  /** A crashed node restarts this long after (absent: it stays down). */
  restartAfter?: [number, number];
  /** Partitions, each isolating one node from the others. */
  partitions?: number;
  /** A partition heals this long after it began (absent: it never heals). */
  partitionFor?: [number, number];
  /** Cut links between two nodes. */
  cuts?: number;
  /** The links that may be cut (default every pair). */
  cuttable?: Array<[NodeId, NodeId]>;
  /** A cut link is restored this long after (absent: never). */
  cutFor?: [number, number];
  /** One of these models, picked by the seed (a chapter that tolerates a crash or a partition, not both). */
  oneOf?: FaultModel[];
}

const KEYS = ['between', 'crashes', 'crashable', 'restartAfter', 'partitions', 'partitionFor', 'cuts', 'cuttable', 'cutFor', 'oneOf'];

/** Why `m` is not a fault model, or null. */
export function faultModelProblem(m: unknown, nodes: number): string | null {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'a fault model is an object';
  const f = m as Record<string, unknown>;
  for (const k of Object.keys(f)) if (!KEYS.includes(k)) return `unknown fault setting '${k}' (known: ${KEYS.join(', ')})`;
  const range = (k: string) => {
    const v = f[k];
    if (v === undefined) return null;
    return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x >= 0) && (v[0] as number) <= (v[1] as number) ? null : `${k} must be [min, max] in ms`;
  };
  const count = (k: string) => (f[k] === undefined || (Number.isInteger(f[k]) && (f[k] as number) >= 0) ? null : `${k} must be a count >= 0`);
  const ids = (list: unknown) => Array.isArray(list) && list.every((x) => Number.isInteger(x) && x >= 1 && x <= nodes);
  for (const p of [range('between'), range('restartAfter'), range('partitionFor'), range('cutFor'), count('crashes'), count('partitions'), count('cuts')]) if (p) return p;
  if (f.crashable !== undefined && !ids(f.crashable)) return `crashable must list nodes 1..${nodes}`;
  if (f.cuttable !== undefined && !(Array.isArray(f.cuttable) && f.cuttable.every((l) => ids(l) && (l as number[]).length === 2))) return `cuttable must list node pairs`;
  if ((f.crashes as number | undefined ?? 0) > (f.crashable as unknown[] | undefined ?? Array(nodes)).length) return 'more crashes than nodes that may crash';
  if (f.oneOf !== undefined) {
    if (!Array.isArray(f.oneOf) || f.oneOf.length === 0) return 'oneOf must be a non-empty list of fault models';
    for (const sub of f.oneOf) {
      const p = faultModelProblem(sub, nodes);
      if (p) return `oneOf: ${p}`;
    }
  }
  return null;
}

/** The fault schedule seed `seed` draws from `model` for nodes 1..n. */
export function planFaults(model: FaultModel | undefined, nodes: number, seed: number): FaultSchedule {
  if (!model) return [];
  const rng = new Rng(seed ^ 0x0fa017);
  const m = model.oneOf ? model.oneOf[rng.int(0, model.oneOf.length - 1)] : model;
  const [lo, hi] = m.between ?? [50, 1000];
  const at = () => rng.int(lo, hi);
  const span = (r: [number, number]) => rng.int(r[0], r[1]);
  const out: FaultAction[] = [];
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  const pool = [...(m.crashable ?? ids)];
  for (let i = 0; i < (m.crashes ?? 0) && pool.length > 0; i++) {
    const node = pool.splice(rng.int(0, pool.length - 1), 1)[0];
    const t = at();
    out.push({ at: t, action: 'crash', node });
    if (m.restartAfter) out.push({ at: t + span(m.restartAfter), action: 'restart', node });
  }
  for (let i = 0; i < (m.partitions ?? 0); i++) {
    const alone = ids[rng.int(0, ids.length - 1)];
    const t = at();
    out.push({ at: t, action: 'partition', groups: [[alone], ids.filter((n) => n !== alone)] });
    if (m.partitionFor) out.push({ at: t + span(m.partitionFor), action: 'heal' });
  }
  const links = m.cuttable ?? ids.flatMap((a) => ids.filter((b) => b > a).map((b) => [a, b] as [NodeId, NodeId]));
  for (let i = 0; i < (m.cuts ?? 0) && links.length > 0; i++) {
    const [a, b] = links[rng.int(0, links.length - 1)];
    const t = at();
    out.push({ at: t, action: 'link', a, b, up: false });
    if (m.cutFor) out.push({ at: t + span(m.cutFor), action: 'link', a, b, up: true });
  }
  return out.sort((x, y) => x.at - y.at);
}
