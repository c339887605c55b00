/**
 * A node-level search's configuration, as a test writes it (`"search": {…}` in a node test): the
 * cluster, the clients and their operations, the network model, the bounds on timers, duplicates,
 * retries, depth and states, the invariants and the goal. Plain JSON; checked here with errors that
 * name the field. docs/search.md, "The node search", says what each one means.
 */
import { parseWorkloadText, planWorkload, validateWorkloadSpec } from '../clients/index.js';
import type { ModelName, Op } from '../history/index.js';

export type NodeSearchGoal = 'reply' | 'all-replied' | 'decided' | 'none';
export type NodeSearchInvariant = 'linearizable' | 'agreement' | 'exactly-once';

export interface NodeSearchConfig {
  nodes: number;
  /** The node class's second constructor argument, when the lab's nodes take options. */
  options?: unknown;
  model: ModelName;
  /** Each client's operations, in order (closed loop: one outstanding at a time). */
  clients: Array<{ id: string; ops: Op[] }>;
  /** 'set': a sent message stays deliverable forever (loss, duplication and reordering at once); 'multiset': each copy once, plus bounded duplicates and drops. */
  network: 'set' | 'multiset';
  maxDuplicates: number;
  maxDrops: number;
  /** How often each node's timers may fire in one path, and which timers (default: all). */
  timers: { maxFires: number; only?: string[] };
  /** How often a client may resend an outstanding request to the next node (a redirect counts as one). */
  clientRetries: number;
  /** The node every client asks first (default: client ck asks node ((k-1) mod n)+1). */
  clientsStartAt?: number;
  maxDepth?: number;
  maxStates: number;
  invariants: NodeSearchInvariant[];
  goal: NodeSearchGoal;
}

const KEYS = ['nodes', 'options', 'clients', 'workload', 'network', 'maxDuplicates', 'maxDrops', 'timers', 'clientRetries', 'clientsStartAt', 'maxDepth', 'maxStates', 'invariants', 'goal'];

export const DEFAULT_NODE_SEARCH_STATES = 500_000;

export class NodeSearchConfigError extends Error {
  override name = 'NodeSearchConfigError';
}

/**
 * `{ nodes: 3, clients: 2, workload: "kv:keys=1,ops=1" | {explicit…}, network: "set", timers: { maxFires: 1 },
 *    maxStates: 500000, invariants: [...], goal: "all-replied" }` → a config. A random workload is
 * planned with seed 1, so the search explores one fixed set of operations.
 */
export function parseNodeSearchConfig(input: unknown, where = 'search'): NodeSearchConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new NodeSearchConfigError(`${where}: must be an object`);
  const r = input as Record<string, unknown>;
  const bad = (k: string, why: string): never => {
    throw new NodeSearchConfigError(`${where}: '${k}' ${why}`);
  };
  for (const k of Object.keys(r)) if (!KEYS.includes(k)) bad(k, 'is not a search setting');
  const int = (k: string, def: number, min: number, max: number): number => {
    const v = r[k] ?? def;
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : bad(k, `must be an integer in ${min}..${max}`);
  };
  const nodes = int('nodes', 3, 1, 7);
  const clientCount = int('clients', 1, 0, 4);
  let spec;
  try {
    spec = typeof r.workload === 'string' ? parseWorkloadText(r.workload) : validateWorkloadSpec(r.workload ?? { kind: 'log', ops: 1 });
  } catch (e) {
    return bad('workload', (e as Error).message);
  }
  const plan = planWorkload(spec, Math.max(clientCount, 1), 1);
  const clients = clientCount === 0 ? [] : plan.clients.map((c) => ({ id: c.id, ops: c.ops }));
  if (clients.reduce((s, c) => s + c.ops.length, 0) > 8) bad('workload', 'has more than 8 operations in all: a search explores a small configuration');
  const network = r.network ?? 'set';
  if (network !== 'set' && network !== 'multiset') bad('network', 'must be set or multiset');
  const t = (r.timers ?? {}) as Record<string, unknown>;
  if (typeof t !== 'object' || Array.isArray(t)) bad('timers', 'must be { maxFires, only? }');
  const maxFires = t.maxFires ?? 2;
  if (!(Number.isInteger(maxFires) && (maxFires as number) >= 0 && (maxFires as number) <= 20)) bad('timers.maxFires', 'must be an integer in 0..20');
  if (t.only !== undefined && !(Array.isArray(t.only) && t.only.every((x) => typeof x === 'string'))) bad('timers.only', 'must list timer names');
  const invariants = (r.invariants ?? ['linearizable', 'agreement']) as NodeSearchInvariant[];
  if (!Array.isArray(invariants) || !invariants.every((i) => ['linearizable', 'agreement', 'exactly-once'].includes(i))) bad('invariants', 'must list linearizable, agreement, exactly-once');
  const goal = (r.goal ?? (clients.length ? 'all-replied' : 'decided')) as NodeSearchGoal;
  if (!['reply', 'all-replied', 'decided', 'none'].includes(goal)) bad('goal', 'must be reply, all-replied, decided or none');
  return {
    nodes,
    ...(r.options !== undefined ? { options: r.options } : {}),
    model: plan.model,
    clients,
    network: network as 'set' | 'multiset',
    maxDuplicates: int('maxDuplicates', network === 'multiset' ? 1 : 0, 0, 10),
    maxDrops: int('maxDrops', 0, 0, 10),
    timers: { maxFires: maxFires as number, ...(t.only ? { only: t.only as string[] } : {}) },
    clientRetries: int('clientRetries', 1, 0, 10),
    ...(r.clientsStartAt !== undefined ? { clientsStartAt: int('clientsStartAt', 1, 1, nodes) } : {}),
    ...(r.maxDepth !== undefined ? { maxDepth: int('maxDepth', 0, 1, 1000) } : {}),
    maxStates: int('maxStates', DEFAULT_NODE_SEARCH_STATES, 1, 20_000_000),
    invariants,
    goal,
  };
}
