/**
 * The cluster-test configuration of a role lab pack: `<pack>/scenario-tests/search.json` (state-space
 * searches) and `<pack>/scenario-tests/scenarios.json` (simulated clusters under named fault
 * schedules). Both are optional; a pack without them has no tests of these kinds.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SearchOptions } from '../search/model.js';
import { SCHEDULE_NAMES, type ScheduleName } from './schedules.js';
import { parseWorkloadText, validateWorkloadSpec, WorkloadSpecError, type WorkloadSpec } from '../clients/workload.js';

export interface SearchTestConfig {
  name: string;
  title: string;
  weight: number;
  options: SearchOptions;
}

export interface ScenarioTestConfig {
  name: string;
  title: string;
  weight: number;
  schedule: ScheduleName;
  /** Seeds 1..seeds are run (default: the file's `seeds`). */
  seeds?: number;
  /** Cluster size (default: the file's `nodes`). */
  nodes?: number;
  /** Client sessions and their workload (docs/history.md); their history is judged too. */
  clients?: { count: number; workload: WorkloadSpec };
}

export interface ScenarioFile {
  nodes: number;
  seeds: number;
  /** The student's role goes on these nodes ('all', the default, or a list of ids). */
  placement?: 'all' | number[];
  /** Liveness bound after the last fault, virtual ms. */
  livenessMs?: number;
  tests: ScenarioTestConfig[];
}

/** A configuration file is missing something or malformed; the message names the file and field. */
export class LabConfigError extends Error {}

const SEARCH_KEYS = new Set([
  'network', 'acceptors', 'values', 'learners', 'maxRounds', 'proposals', 'loss', 'maxDuplicates', 'maxCrashes',
  'maxDepth', 'maxStates', 'maxRoleStates', 'reduce', 'checkDeterminism', 'goal',
]);

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new LabConfigError(`${file}: ${(e as Error).message}`);
  }
}

/** `"clients": 3, "workload": "log:ops=1"` (or a workload object) of a scenario test. */
function scenarioClients(r: Record<string, unknown>, where: string): { count: number; workload: WorkloadSpec } {
  const count = r.clients;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 20) throw new LabConfigError(`${where}: 'clients' must be an integer in 1..20`);
  try {
    const w = r.workload ?? 'log:ops=1';
    return { count, workload: typeof w === 'string' ? parseWorkloadText(w) : validateWorkloadSpec(w) };
  } catch (err) {
    if (err instanceof WorkloadSpecError) throw new LabConfigError(`${where}: ${err.message}`);
    throw err;
  }
}

function testHead(t: unknown, where: string): { name: string; title: string; weight: number } {
  if (typeof t !== 'object' || t === null) throw new LabConfigError(`${where}: not an object`);
  const r = t as Record<string, unknown>;
  if (typeof r.name !== 'string' || !/^[a-z0-9-]+$/.test(r.name)) throw new LabConfigError(`${where}: 'name' must be a lower-case slug`);
  if (typeof r.title !== 'string' || !r.title) throw new LabConfigError(`${where}: 'title' is required`);
  const weight = r.weight ?? 1;
  if (typeof weight !== 'number' || !(weight > 0)) throw new LabConfigError(`${where}: 'weight' must be a positive number`);
  return { name: r.name, title: r.title, weight };
}

export async function loadSearchTests(labDir: string): Promise<SearchTestConfig[]> {
  const file = path.join(labDir, 'scenario-tests', 'search.json');
  if (!existsSync(file)) return [];
  const data = (await readJson(file)) as { tests?: unknown };
  if (!Array.isArray(data?.tests)) throw new LabConfigError(`${file}: 'tests' must be an array`);
  return data.tests.map((t, i) => {
    const where = `${file}: tests[${i}]`;
    const head = testHead(t, where);
    const options = (t as { options?: unknown }).options ?? {};
    if (typeof options !== 'object' || options === null) throw new LabConfigError(`${where}: 'options' must be an object`);
    for (const k of Object.keys(options)) if (!SEARCH_KEYS.has(k)) throw new LabConfigError(`${where}: unknown search option '${k}'`);
    return { ...head, options: options as SearchOptions };
  });
}

export async function loadScenarioFile(labDir: string): Promise<ScenarioFile | null> {
  const file = path.join(labDir, 'scenario-tests', 'scenarios.json');
  if (!existsSync(file)) return null;
  const data = (await readJson(file)) as Record<string, unknown>;
  const int = (v: unknown, what: string, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new LabConfigError(`${file}: '${what}' must be an integer >= ${min}`);
    return v;
  };
  const nodes = int(data.nodes, 'nodes', 1);
  const seeds = int(data.seeds, 'seeds', 1);
  const placement = data.placement ?? 'all';
  if (placement !== 'all' && !(Array.isArray(placement) && placement.every((n) => Number.isInteger(n) && n >= 1 && n <= nodes))) {
    throw new LabConfigError(`${file}: 'placement' must be 'all' or a list of node ids 1..${nodes}`);
  }
  const livenessMs = data.livenessMs === undefined ? undefined : int(data.livenessMs, 'livenessMs', 1);
  if (!Array.isArray(data.tests)) throw new LabConfigError(`${file}: 'tests' must be an array`);
  const tests = data.tests.map((t, i): ScenarioTestConfig => {
    const where = `tests[${i}]`;
    const head = testHead(t, `${file}: ${where}`);
    const r = t as Record<string, unknown>;
    if (!SCHEDULE_NAMES.includes(r.schedule as ScheduleName)) {
      throw new LabConfigError(`${file}: ${where}: 'schedule' must be one of ${SCHEDULE_NAMES.join(', ')}`);
    }
    return {
      ...head,
      schedule: r.schedule as ScheduleName,
      seeds: r.seeds === undefined ? undefined : int(r.seeds, `${where}.seeds`, 1),
      nodes: r.nodes === undefined ? undefined : int(r.nodes, `${where}.nodes`, 1),
      ...(r.clients !== undefined ? { clients: scenarioClients(r, `${file}: ${where}`) } : {}),
    };
  });
  return { nodes, seeds, placement: placement as ScenarioFile['placement'], livenessMs, tests };
}
