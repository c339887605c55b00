/**
 * Service-test definitions: plain JSON data (docs/service-tests.md), so the same tests run against
 * the reference node in unit tests and against a student's node in grading. A file holds defaults
 * and a list of tests; each test is a cluster, clients with a workload, a fault schedule, seeds and
 * the checks that judge every run. `parseServiceTests` checks a file and fills in the defaults; every
 * error names the test and the field.
 */
import { SERVICE_MACHINES, type ServiceMachine, type ServiceNodeOptions } from '@paxlab/sdk';
import { DEFAULT_CLIENT_TIMING, parseWorkloadText, validateWorkloadSpec, WorkloadSpecError, type ClientTiming, type WorkloadSpec } from '../clients/index.js';
import { FaultSpecError, validateFaultSchedule, type FaultSchedule } from '../faults/index.js';
import { normalizeNetwork } from '../net/network-model.js';
import type { NetworkConfig } from '../trace/events.js';

export const SERVICE_TESTS_FORMAT = 'paxlab-service-tests/1';

/** Random repartitions: every `minMs`–`maxMs` a new split in two (or a heal), from `fromMs` until `untilMs`, then healed. */
export interface RandomPartitions {
  kind: 'random-partitions';
  fromMs: number;
  untilMs: number;
  minMs: number;
  maxMs: number;
}
export type FaultGenerator = RandomPartitions;

/** How a run is judged (docs/service-tests.md lists what each one means). */
export type CheckSpec =
  | { kind: 'linearizable' }
  | { kind: 'exactly-once' }
  | { kind: 'agreement' }
  | { kind: 'chosen-invariant' }
  | { kind: 'no-errors' }
  | { kind: 'complete' }
  | { kind: 'whole-log' }
  | { kind: 'fresh-rounds' }
  | { kind: 'out-of-order' }
  | { kind: 'msgs-per-op'; max: number; perNode: boolean }
  | { kind: 'state-bounded'; maxBytes: number }
  | { kind: 'minority-stalls'; from: number; to: number; minority: number[] }
  | { kind: 'majority-progresses'; from: number; to: number; min: number }
  | { kind: 'leaders-at-once'; from: number; to: number; nodes: number[] }
  | { kind: 're-proposes-chosen'; node: number };

export const CHECK_KINDS = [
  'linearizable', 'exactly-once', 'agreement', 'chosen-invariant', 'no-errors', 'complete', 'whole-log', 'fresh-rounds',
  'out-of-order', 'msgs-per-op', 'state-bounded', 'minority-stalls', 'majority-progresses', 'leaders-at-once', 're-proposes-chosen',
] as const satisfies readonly CheckSpec['kind'][];

export interface ServiceTest {
  name: string;
  title: string;
  /** The rule the test exercises (`kv-service.<topic>.<case>`). */
  rule: string;
  weight: number;
  nodes: number;
  seeds: number[];
  /** The node's options: the state machine, and any tuning the test fixes. */
  options: ServiceNodeOptions;
  clients: number;
  workload: WorkloadSpec;
  clientTiming: ClientTiming;
  network: Partial<NetworkConfig>;
  faults: FaultSchedule;
  generate: FaultGenerator[];
  /** The clients' run ends by this virtual time (ms); what is outstanding then is `info`. */
  endMs: number;
  /** Quiet time after the clients' run, before the checks (catch-up, compaction). */
  settleMs: number;
  /** Simulation steps allowed for one run (deliveries, timers, faults): a flood stops at it. */
  maxSteps: number;
  checks: CheckSpec[];
}

export interface ServiceTestFile {
  format: typeof SERVICE_TESTS_FORMAT;
  tests: ServiceTest[];
}

export class ServiceTestError extends Error {
  override name = 'ServiceTestError';
}

const TEST_KEYS = ['name', 'title', 'rule', 'weight', 'nodes', 'seeds', 'machine', 'options', 'clients', 'workload', 'clientTiming', 'network', 'faults', 'generate', 'endMs', 'settleMs', 'maxSteps', 'checks'];
const DEFAULT_KEYS = TEST_KEYS.filter((k) => !['name', 'title', 'rule'].includes(k));
const BUILTIN: Record<string, unknown> = {
  weight: 1,
  nodes: 3,
  seeds: 3,
  machine: 'kv',
  clients: 1,
  workload: 'kv:keys=2,ops=10',
  endMs: 30_000,
  settleMs: 2000,
  maxSteps: 3_000_000,
  checks: [],
};
/** Every run is judged by these, whatever a test lists. */
export const ALWAYS_CHECKED: readonly CheckSpec['kind'][] = ['no-errors', 'agreement', 'chosen-invariant', 'linearizable', 'exactly-once'];

/** Check a service-test file (parsed JSON) and fill in its defaults. */
export function parseServiceTests(input: unknown, where = 'service tests'): ServiceTestFile {
  const obj = record(input, where);
  if (obj.format !== SERVICE_TESTS_FORMAT) throw new ServiceTestError(`${where}: 'format' must be ${JSON.stringify(SERVICE_TESTS_FORMAT)}`);
  for (const k of Object.keys(obj)) if (!['format', 'defaults', 'tests'].includes(k)) throw new ServiceTestError(`${where}: unknown field '${k}'`);
  const defaults = obj.defaults === undefined ? {} : record(obj.defaults, `${where}: defaults`);
  for (const k of Object.keys(defaults)) if (!DEFAULT_KEYS.includes(k)) throw new ServiceTestError(`${where}: defaults: unknown field '${k}'`);
  if (!Array.isArray(obj.tests) || obj.tests.length === 0) throw new ServiceTestError(`${where}: 'tests' must be a non-empty list`);
  const names = new Set<string>();
  const tests = obj.tests.map((t, i) => {
    const raw = record(t, `${where}: tests[${i}]`);
    const test = parseTest({ ...BUILTIN, ...defaults, ...raw }, `${where}: tests[${i}]${typeof raw.name === 'string' ? ` (${raw.name})` : ''}`);
    if (names.has(test.name)) throw new ServiceTestError(`${where}: two tests are named ${test.name}`);
    names.add(test.name);
    return test;
  });
  return { format: SERVICE_TESTS_FORMAT, tests };
}

function parseTest(r: Record<string, unknown>, where: string): ServiceTest {
  const bad = (field: string, why: string): never => {
    throw new ServiceTestError(`${where}: '${field}' ${why}`);
  };
  for (const k of Object.keys(r)) if (!TEST_KEYS.includes(k)) bad(k, 'is not a test field');
  const str = (k: string, re?: RegExp): string => (typeof r[k] === 'string' && (!re || re.test(r[k] as string)) ? (r[k] as string) : bad(k, re ? `must match ${re}` : 'must be a string'));
  const int = (k: string, min: number, max: number): number => {
    const v = r[k];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : bad(k, `must be an integer in ${min}..${max}`);
  };
  const name = str('name', /^[a-z0-9-]+$/);
  const title = str('title');
  const rule = str('rule', /^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  const weight = typeof r.weight === 'number' && r.weight > 0 ? r.weight : bad('weight', 'must be a positive number');
  const nodes = int('nodes', 1, 9);
  const seeds = Array.isArray(r.seeds)
    ? r.seeds.map((s) => (Number.isInteger(s) && (s as number) >= 0 ? (s as number) : bad('seeds', 'must be a count or a list of integer seeds')))
    : Array.from({ length: int('seeds', 1, 1000) }, (_, i) => i + 1);
  const machine = SERVICE_MACHINES.includes(r.machine as ServiceMachine) ? (r.machine as ServiceMachine) : bad('machine', `must be one of ${SERVICE_MACHINES.join(', ')}`);
  const extra = r.options === undefined ? {} : record(r.options, `${where}: options`);
  for (const k of Object.keys(extra)) if (!['alpha', 'maxBatch', 'snapshotEvery', 'maxClients'].includes(k) || !(Number.isInteger(extra[k]) && (extra[k] as number) >= 1)) bad(`options.${k}`, 'is not a node option (alpha, maxBatch, snapshotEvery, maxClients: integers >= 1)');
  const options: ServiceNodeOptions = { machine, ...(extra as Partial<ServiceNodeOptions>) };
  const clients = int('clients', 1, 100);
  let workload: WorkloadSpec;
  try {
    workload = typeof r.workload === 'string' ? parseWorkloadText(r.workload) : validateWorkloadSpec(r.workload);
  } catch (err) {
    if (err instanceof WorkloadSpecError) return bad('workload', err.message);
    throw err;
  }
  const modelOf = workload.kind === 'explicit' ? workload.model : workload.kind;
  if (modelOf !== machine) bad('workload', `is a ${modelOf} workload, but the machine is ${machine}`);
  const timing = r.clientTiming === undefined ? {} : record(r.clientTiming, `${where}: clientTiming`);
  for (const k of Object.keys(timing)) if (!(k in DEFAULT_CLIENT_TIMING) || !(Number.isInteger(timing[k]) && (timing[k] as number) >= 0)) bad(`clientTiming.${k}`, 'is not a client timing (timeoutMs, maxAttempts, thinkMs: integers)');
  const clientTiming = { ...DEFAULT_CLIENT_TIMING, ...(timing as Partial<ClientTiming>) };
  let network: Partial<NetworkConfig> = {};
  if (r.network !== undefined) {
    network = record(r.network, `${where}: network`) as Partial<NetworkConfig>;
    try {
      normalizeNetwork(network);
    } catch (err) {
      bad('network', (err as Error).message);
    }
  }
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  let faults: FaultSchedule = [];
  try {
    faults = validateFaultSchedule(r.faults ?? [], ids);
  } catch (err) {
    if (err instanceof FaultSpecError) bad('faults', err.message);
    throw err;
  }
  const generate = (Array.isArray(r.generate) ? r.generate : r.generate === undefined ? [] : bad('generate', 'must be a list')).map((g, i) => parseGenerator(g, `${where}: generate[${i}]`));
  const endMs = int('endMs', 1, 600_000);
  const settleMs = int('settleMs', 0, 60_000);
  const maxSteps = int('maxSteps', 1000, 100_000_000);
  if (!Array.isArray(r.checks)) bad('checks', 'must be a list');
  const listed = (r.checks as unknown[]).map((c, i) => parseCheck(c, `${where}: checks[${i}]`, nodes));
  const checks: CheckSpec[] = [...ALWAYS_CHECKED.filter((k) => !listed.some((c) => c.kind === k)).map((kind) => ({ kind }) as CheckSpec), ...listed];
  return { name, title, rule, weight, nodes, seeds, options, clients, workload, clientTiming, network, faults, generate, endMs, settleMs, maxSteps, checks };
}

function parseGenerator(g: unknown, where: string): FaultGenerator {
  const r = record(g, where);
  if (r.kind !== 'random-partitions') throw new ServiceTestError(`${where}: 'kind' must be random-partitions`);
  const n = (k: string) => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ServiceTestError(`${where}: '${k}' must be a time in ms >= 0`);
    return v;
  };
  const out: RandomPartitions = { kind: 'random-partitions', fromMs: n('fromMs'), untilMs: n('untilMs'), minMs: n('minMs'), maxMs: n('maxMs') };
  if (out.untilMs < out.fromMs || out.maxMs < out.minMs || out.minMs < 1) throw new ServiceTestError(`${where}: needs fromMs <= untilMs and 1 <= minMs <= maxMs`);
  return out;
}

function parseCheck(c: unknown, where: string, nodes: number): CheckSpec {
  const r = typeof c === 'string' ? { kind: c } : record(c, where);
  const kind = r.kind as CheckSpec['kind'];
  if (!(CHECK_KINDS as readonly string[]).includes(kind)) throw new ServiceTestError(`${where}: unknown check ${JSON.stringify(r.kind)} (known: ${CHECK_KINDS.join(', ')})`);
  const num = (k: string): number => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ServiceTestError(`${where} (${kind}): '${k}' must be a number >= 0`);
    return v;
  };
  const ids = (k: string): number[] => {
    const v = r[k];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x >= 1 && x <= nodes)) throw new ServiceTestError(`${where} (${kind}): '${k}' must list node ids 1..${nodes}`);
    return v as number[];
  };
  switch (kind) {
    case 'msgs-per-op': {
      // "15n": 15 messages per operation and node.
      const m = typeof r.max === 'string' ? /^(\d+(?:\.\d+)?)n$/.exec(r.max) : null;
      if (m) return { kind, max: Number(m[1]), perNode: true };
      return { kind, max: num('max'), perNode: false };
    }
    case 'state-bounded':
      return { kind, maxBytes: num('maxBytes') };
    case 'minority-stalls':
      return { kind, from: num('from'), to: num('to'), minority: ids('minority') };
    case 'majority-progresses':
      return { kind, from: num('from'), to: num('to'), min: r.min === undefined ? 1 : num('min') };
    case 'leaders-at-once':
      return { kind, from: num('from'), to: num('to'), nodes: ids('nodes') };
    case 're-proposes-chosen': {
      const node = r.node;
      if (!Number.isInteger(node) || (node as number) < 1 || (node as number) > nodes) throw new ServiceTestError(`${where} (${kind}): 'node' must be a node id 1..${nodes}`);
      return { kind, node: node as number };
    }
    default:
      return { kind } as CheckSpec;
  }
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ServiceTestError(`${where}: must be an object`);
  return v as Record<string, unknown>;
}
