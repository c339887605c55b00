/**
 * A chapter's tests, as data (a pack's `tests/*.json`): a pinned execution judged by checks, or
 * seeded random runs under the chapter's fault model. The same definitions drive the test suite,
 * the app's Fix step and (next) the node-lab grader; each names the rule it exercises.
 */
import type { NetworkConfig } from '../trace/events.js';
import type { ClientTiming } from '../clients/index.js';
import { parseWorkloadText, validateWorkloadSpec, type WorkloadSpec } from '../clients/index.js';
import { CHECK_NAMES, type CheckSpec, SYMPTOMS, type Symptom } from './checks.js';
import { faultModelProblem, type FaultModel } from './fault-plan.js';

interface TestBase {
  name: string;
  title: string;
  /** Share of the chapter's points (default 1). */
  weight?: number;
  /** The manifest rule this test exercises. */
  rule: string;
  /** What judges each run. */
  checks: CheckSpec[];
  /** The symptom the chapter's naive protocol (its starter) shows here, if it fails this test. */
  starter?: { symptom: Symptom };
}

export interface PinnedTestDef extends TestBase {
  kind: 'pinned';
  /** The script's name (scripts/<name>.json). */
  script: string;
}

export interface RandomTestDef extends TestBase {
  kind: 'random';
  /** Seeds from..from+count-1. */
  seeds: { from: number; count: number };
  nodes: number;
  network?: Partial<NetworkConfig>;
  faults?: FaultModel;
  clients: { count: number; workload: string | WorkloadSpec; timing?: Partial<ClientTiming> };
  /** Virtual-time budget of one run (ms). */
  timeMs: number;
  /** Virtual time the run goes on after the clients are done (retransmissions settle). Default 500. */
  settleMs?: number;
  /** Queue items one run may process (a budget of steps, never of wall-clock time). Default 200,000. */
  maxEvents?: number;
}

export type ChapterTestDef = PinnedTestDef | RandomTestDef;

const BASE_KEYS = ['$schema', 'name', 'title', 'weight', 'rule', 'checks', 'starter', 'kind'];
const KIND_KEYS = { pinned: ['script'], random: ['seeds', 'nodes', 'network', 'faults', 'clients', 'timeMs', 'settleMs', 'maxEvents'] };

export class ChapterTestError extends Error {
  override name = 'ChapterTestError';
}

/** Check a test definition from JSON; throws ChapterTestError naming the field. */
export function validateTestDef(input: unknown, where: string, rules: readonly string[]): ChapterTestDef {
  const fail = (why: string): never => {
    throw new ChapterTestError(`${where}: ${why}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('not a JSON object');
  const t = input as Record<string, unknown>;
  if (t.kind !== 'pinned' && t.kind !== 'random') fail(`kind must be pinned or random, got ${JSON.stringify(t.kind)}`);
  const kind = t.kind as 'pinned' | 'random';
  for (const k of Object.keys(t)) if (!BASE_KEYS.includes(k) && !KIND_KEYS[kind].includes(k)) fail(`unknown field '${k}' for a ${kind} test`);
  if (typeof t.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(t.name)) fail(`name must be lowercase letters, digits and dashes`);
  if (typeof t.title !== 'string' || !t.title) fail('title must be a non-empty string');
  if (t.weight !== undefined && !(typeof t.weight === 'number' && t.weight > 0)) fail('weight must be a number > 0');
  if (typeof t.rule !== 'string' || !rules.includes(t.rule)) fail(`rule must be one of the manifest's rules (${rules.join(', ')}), got ${JSON.stringify(t.rule)}`);
  if (!Array.isArray(t.checks) || t.checks.length === 0) fail('checks must be a non-empty list');
  for (const c of t.checks as unknown[]) {
    const name = typeof c === 'string' ? c : (c as { check?: unknown })?.check;
    if (!(CHECK_NAMES as readonly unknown[]).includes(name)) fail(`unknown check ${JSON.stringify(c)} (known: ${CHECK_NAMES.join(', ')})`);
  }
  if (t.starter !== undefined) {
    const s = t.starter as { symptom?: unknown };
    if (typeof s !== 'object' || s === null || !(typeof s.symptom === 'string' && s.symptom in SYMPTOMS)) fail(`starter.symptom must be one of ${Object.keys(SYMPTOMS).join(', ')}`);
  }
  if (kind === 'pinned') {
    if (typeof t.script !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(t.script)) fail('script must name a script of the pack (scripts/<name>.json)');
    return t as unknown as PinnedTestDef;
  }
  const seeds = t.seeds as { from?: unknown; count?: unknown };
  if (typeof seeds !== 'object' || seeds === null || !Number.isInteger(seeds.from) || !Number.isInteger(seeds.count) || (seeds.count as number) < 1) fail('seeds must be {"from": N, "count": K}');
  if (!Number.isInteger(t.nodes) || (t.nodes as number) < 1 || (t.nodes as number) > 15) fail('nodes must be an integer in 1..15');
  if (t.faults !== undefined) {
    const p = faultModelProblem(t.faults, t.nodes as number);
    if (p) fail(`faults: ${p}`);
  }
  const c = t.clients as { count?: unknown; workload?: unknown; timing?: unknown };
  if (typeof c !== 'object' || c === null || !Number.isInteger(c.count) || (c.count as number) < 1) fail('clients must be {"count": K, "workload": …}');
  try {
    if (typeof c.workload === 'string') parseWorkloadText(c.workload);
    else validateWorkloadSpec(c.workload);
  } catch (err) {
    fail(`clients.workload: ${(err as Error).message}`);
  }
  for (const k of ['timeMs', 'settleMs', 'maxEvents']) if (t[k] !== undefined && !(typeof t[k] === 'number' && (t[k] as number) > 0)) fail(`${k} must be a number > 0`);
  if (t.timeMs === undefined) fail('timeMs is required');
  return t as unknown as RandomTestDef;
}
