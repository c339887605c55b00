/**
 * The built-in node-test provider, `node-tests`: a pack's `tests/node-tests.json` (format
 * `paxlab-node-tests/1`, labs/README.md) lists simulation tests — a cluster, clients with a workload,
 * a network and a fault schedule, seeds, the checks that judge every run — and search tests (a
 * node-search configuration). Any node lab without a provider of its own uses it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { NodeId } from '@paxlab/sdk';
import { DEFAULT_CLIENT_TIMING, parseWorkloadText, planWorkload, validateWorkloadSpec, type ClientTiming, type WorkloadSpec } from '../clients/index.js';
import { validateFaultSchedule, type FaultSchedule } from '../faults/index.js';
import { normalizeNetwork } from '../net/network-model.js';
import { Simulation } from '../sim/simulation.js';
import { DEFAULT_NETWORK, type NetworkConfig } from '../trace/events.js';
import { checkName, NODE_CHECK_RULES, NODE_CHECKS, runNodeCheck, type NodeCheckSpec, type RunFacts } from './checks.js';
import { parseNodeSearchConfig } from '../node-search/config.js';
import { registerNodeTestProvider, type NodeLabInfo, type NodeRunContext, type NodeRunOutcome, type NodeTestSpec } from './provider.js';

export const NODE_TESTS_FORMAT = 'paxlab-node-tests/1';
export const NODE_TESTS_FILE = 'node-tests.json';

export interface NodeRunTest {
  name: string;
  title: string;
  nodes: number;
  seeds: number[];
  /** The node class's second constructor argument, if the lab's nodes take options. */
  options?: unknown;
  clients: number;
  workload: WorkloadSpec;
  clientTiming: ClientTiming;
  network: Partial<NetworkConfig>;
  faults: FaultSchedule;
  /** The clients' run ends by this virtual time (ms); then `settleMs` more. */
  endMs: number;
  settleMs: number;
  /** Simulation events one run may process: a run that needs more is flooded. */
  maxEvents: number;
  checks: NodeCheckSpec[];
}

export class NodeTestError extends Error {
  override name = 'NodeTestError';
}

const RUN_KEYS = ['name', 'title', 'rule', 'weight', 'set', 'kind', 'nodes', 'seeds', 'options', 'clients', 'workload', 'clientTiming', 'network', 'faults', 'endMs', 'settleMs', 'maxEvents', 'checks'];
const SEARCH_KEYS = ['name', 'title', 'rule', 'weight', 'set', 'kind', 'search'];
const DEFAULTS: Record<string, unknown> = { nodes: 3, seeds: 3, clients: 2, workload: 'kv:keys=2,ops=5', endMs: 10_000, settleMs: 1000, maxEvents: 200_000, checks: ['linearizable', 'agreement', 'complete'] };

/** Check a `node-tests.json` (parsed) against the lab's rules; every error names the test and the field. */
export function parseNodeTests(input: unknown, where: string, rules: readonly string[]): NodeTestSpec[] {
  const obj = record(input, where);
  if (obj.format !== NODE_TESTS_FORMAT) throw new NodeTestError(`${where}: 'format' must be ${JSON.stringify(NODE_TESTS_FORMAT)}`);
  for (const k of Object.keys(obj)) if (!['format', 'defaults', 'tests', '$schema'].includes(k)) throw new NodeTestError(`${where}: unknown field '${k}'`);
  const defaults = obj.defaults === undefined ? {} : record(obj.defaults, `${where}: defaults`);
  if (!Array.isArray(obj.tests) || obj.tests.length === 0) throw new NodeTestError(`${where}: 'tests' must be a non-empty list`);
  const names = new Set<string>();
  return obj.tests.map((t, i) => {
    const raw = record(t, `${where}: tests[${i}]`);
    const at = `${where}: tests[${i}]${typeof raw.name === 'string' ? ` (${raw.name})` : ''}`;
    const spec = raw.kind === 'search' ? parseSearchTest(raw, at) : parseRunTest({ ...DEFAULTS, ...defaults, ...raw }, at);
    if (!rules.includes(spec.rule)) throw new NodeTestError(`${at}: 'rule' must be one of the manifest's rules, got ${JSON.stringify(spec.rule)}`);
    if (names.has(spec.name)) throw new NodeTestError(`${where}: two tests are named ${spec.name}`);
    names.add(spec.name);
    return spec;
  });
}

function base(r: Record<string, unknown>, where: string, keys: string[]) {
  for (const k of Object.keys(r)) if (!keys.includes(k)) throw new NodeTestError(`${where}: '${k}' is not a field of a ${r.kind === 'search' ? 'search' : 'run'} test`);
  const bad = (f: string, why: string): never => {
    throw new NodeTestError(`${where}: '${f}' ${why}`);
  };
  const name = typeof r.name === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(r.name) ? r.name : bad('name', 'must be lowercase letters, digits and dashes');
  const title = typeof r.title === 'string' && r.title ? r.title : bad('title', 'must be a non-empty string');
  const rule = typeof r.rule === 'string' ? r.rule : bad('rule', 'must be a rule id');
  const weight = r.weight === undefined ? 1 : typeof r.weight === 'number' && r.weight > 0 ? r.weight : bad('weight', 'must be a number > 0');
  const set = r.set === undefined ? 'public' : r.set === 'public' || r.set === 'hidden' ? r.set : bad('set', 'must be public or hidden');
  return { name, title, rule, weight, set: set as 'public' | 'hidden', bad };
}

function parseSearchTest(r: Record<string, unknown>, where: string): NodeTestSpec {
  const b = base(r, where, SEARCH_KEYS);
  let payload;
  try {
    payload = parseNodeSearchConfig(r.search, `${where}: search`);
  } catch (e) {
    throw new NodeTestError((e as Error).message);
  }
  return { name: b.name, title: b.title, rule: b.rule, weight: b.weight, set: b.set, kind: 'search', payload };
}

function parseRunTest(r: Record<string, unknown>, where: string): NodeTestSpec {
  const b = base(r, where, RUN_KEYS);
  const { bad } = b;
  const int = (k: string, min: number, max: number): number => {
    const v = r[k];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : bad(k, `must be an integer in ${min}..${max}`);
  };
  const nodes = int('nodes', 1, 9);
  const seeds = Array.isArray(r.seeds)
    ? r.seeds.map((s) => (Number.isInteger(s) && (s as number) >= 0 ? (s as number) : bad('seeds', 'must be a count or a list of integer seeds')))
    : Array.from({ length: int('seeds', 1, 1000) }, (_, i) => i + 1);
  const clients = int('clients', 1, 50);
  let workload: WorkloadSpec;
  try {
    workload = typeof r.workload === 'string' ? parseWorkloadText(r.workload) : validateWorkloadSpec(r.workload);
  } catch (e) {
    return bad('workload', (e as Error).message);
  }
  const timing = r.clientTiming === undefined ? {} : record(r.clientTiming, `${where}: clientTiming`);
  for (const k of Object.keys(timing)) if (!(k in DEFAULT_CLIENT_TIMING) || !(Number.isInteger(timing[k]) && (timing[k] as number) >= 0)) bad(`clientTiming.${k}`, 'is not a client timing (timeoutMs, maxAttempts, thinkMs)');
  const network = r.network === undefined ? {} : (record(r.network, `${where}: network`) as Partial<NetworkConfig>);
  for (const k of Object.keys(network)) if (!(k in DEFAULT_NETWORK)) bad(`network.${k}`, `is not a network setting (${Object.keys(DEFAULT_NETWORK).join(', ')})`);
  try {
    normalizeNetwork(network);
  } catch (e) {
    bad('network', (e as Error).message);
  }
  let faults: FaultSchedule = [];
  try {
    faults = validateFaultSchedule(r.faults ?? [], Array.from({ length: nodes }, (_, i) => i + 1));
  } catch (e) {
    bad('faults', (e as Error).message);
  }
  if (!Array.isArray(r.checks) || r.checks.length === 0) bad('checks', 'must be a non-empty list');
  const checks = (r.checks as unknown[]).map((c): NodeCheckSpec => {
    const o = typeof c === 'string' ? { check: c } : (record(c, `${where}: checks`) as Record<string, unknown>);
    if (!(NODE_CHECKS as readonly unknown[]).includes(o.check)) bad('checks', `has an unknown check ${JSON.stringify(o.check)} (known: ${NODE_CHECKS.join(', ')})`);
    if (o.check === 'msgs-per-op' && !(typeof o.max === 'number' && o.max > 0)) bad('checks', 'msgs-per-op needs max > 0');
    if (o.check === 'state-bounded' && !(typeof o.maxBytes === 'number' && o.maxBytes > 0)) bad('checks', 'state-bounded needs maxBytes > 0');
    return o as NodeCheckSpec;
  });
  const payload: NodeRunTest = {
    name: b.name,
    title: b.title,
    nodes,
    seeds,
    ...(r.options !== undefined ? { options: r.options } : {}),
    clients,
    workload,
    clientTiming: { ...DEFAULT_CLIENT_TIMING, ...(timing as Partial<ClientTiming>) },
    network,
    faults,
    endMs: int('endMs', 1, 600_000),
    settleMs: int('settleMs', 0, 60_000),
    maxEvents: int('maxEvents', 1000, 10_000_000),
    checks,
  };
  return { name: b.name, title: b.title, rule: b.rule, weight: b.weight, set: b.set, kind: 'run', payload };
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new NodeTestError(`${where}: must be an object`);
  return v as Record<string, unknown>;
}

/** One run of a test with one seed: pure, deterministic, budgets in events and virtual time. */
export function runNodeTestSeed(test: NodeRunTest, nodeClass: NodeRunContext['student'], seed: number) {
  const nodes: NodeId[] = Array.from({ length: test.nodes }, (_, i) => i + 1);
  const plan = planWorkload(test.workload, test.clients, seed);
  const options = test.options;
  const Bound = options === undefined ? nodeClass : (class extends nodeClass {
    constructor(ctx: ConstructorParameters<typeof nodeClass>[0]) {
      super(ctx, JSON.parse(JSON.stringify(options)));
    }
  } as typeof nodeClass);
  const net = Object.entries(test.network).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  const description = `${test.nodes} node${test.nodes === 1 ? '' : 's'}, ${test.clients} client${test.clients === 1 ? '' : 's'} (${plan.text})${net ? `, ${net}` : ''}, ${test.faults.length} scheduled fault${test.faults.length === 1 ? '' : 's'}`;
  const sim = new Simulation({
    nodes: test.nodes,
    nodeClass: Bound,
    seed,
    network: test.network,
    schedule: test.faults,
    protocol: 'node-lab',
    title: `node test ${test.name}, seed ${seed}: ${description}`,
    clients: { plan, timing: test.clientTiming },
  });
  let steps = sim.runUntil({ clientsDone: true, timeMs: test.endMs, maxEvents: test.maxEvents }).steps;
  let flooded = steps >= test.maxEvents;
  sim.endClients(flooded ? 'the run reached its budget of events' : undefined);
  if (!flooded) {
    const r = sim.runUntil({ timeMs: sim.now + test.settleMs, maxEvents: test.maxEvents - steps });
    steps += r.steps;
    flooded = r.reason === 'max-events';
  }
  const trace = sim.trace;
  const facts: RunFacts = { trace, nodes, live: sim.live(), model: plan.model, stored: new Map(nodes.map((n) => [n, sim.storedState(n)] as const)) };
  let failed = null;
  for (const spec of test.checks) {
    // A flooded run is judged for safety only: what happened before the budget ran out.
    if (flooded && !['linearizable', 'agreement', 'exactly-once'].includes(checkName(spec))) continue;
    failed = runNodeCheck(spec, facts);
    if (failed) break;
  }
  if (!failed && flooded) {
    failed = { check: 'flood', rule: 'node.flood', ruleText: NODE_CHECK_RULES.flood, message: `the run still had work after ${test.maxEvents} simulation events at ${sim.now} ms of virtual time: a node keeps the network or its timers busy`, events: [] };
  }
  return { seed, trace, failed, description };
}

export function runNodeTest(test: NodeRunTest, ctx: NodeRunContext): NodeRunOutcome {
  const seeds = ctx.seed !== undefined ? [ctx.seed] : test.seeds;
  let runs = 0;
  for (const seed of seeds) {
    ctx.setSeed(seed);
    const r = runNodeTestSeed(test, ctx.student, seed);
    runs++;
    ctx.progress({ seed, ok: !r.failed });
    if (r.failed) return { passed: false, runs, seed, failed: r.failed, trace: r.trace, description: r.description };
  }
  return { passed: true, runs, notes: [`${runs} seed${runs === 1 ? '' : 's'} passed every check (${test.checks.map(checkName).join(', ')})`] };
}

registerNodeTestProvider({
  id: 'node-tests',
  async list(lab: NodeLabInfo): Promise<NodeTestSpec[]> {
    const dir = lab.manifest.files.tests ?? 'tests';
    const file = lab.file(`${dir}/${NODE_TESTS_FILE}`);
    if (!existsSync(file)) throw new NodeTestError(`${file}: a node lab with the node-tests provider needs this file`);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new NodeTestError(`${file}: ${(e as Error).message}`);
    }
    return parseNodeTests(json, file, lab.manifest.rules.map((r) => r.id));
  },
  run(payload: unknown, ctx: NodeRunContext): NodeRunOutcome {
    return runNodeTest(payload as NodeRunTest, ctx);
  },
});
