/**
 * A chapter's tests, as data (a pack's `tests/*.json`): a pinned execution judged by checks,
 * seeded random runs under the chapter's fault model, or a bounded search of the chapter's property
 * (a node-search configuration). The same definitions drive the test suite, the app's Fix step and
 * the node-lab grader (provider `chapter`); each names the rule it exercises.
 */
import type { NetworkConfig } from '../trace/events.js';
import type { ClientTiming } from '../clients/index.js';
import { parseWorkloadText, validateWorkloadSpec, type WorkloadSpec } from '../clients/index.js';
import { CHECK_NAMES, type CheckSpec, SYMPTOMS, type Symptom } from './checks.js';
import { faultModelProblem, type FaultModel } from './fault-plan.js';
import { parseNodeSearchConfig } from '../node-search/config.js';

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

/**
 * A bounded search of the chapter's property: every order of deliveries, timer fires and client
 * steps of a small configuration (docs/search.md, "The node search"), judged by the search's
 * invariants. It runs only in the grading sandbox (the search needs the node in a student realm).
 */
export interface SearchTestDef extends Omit<TestBase, 'checks'> {
  kind: 'search';
  /** A node-search configuration (node-search/config.ts); `nodes` defaults to the chapter's cluster. */
  search: Record<string, unknown>;
}

export type ChapterTestDef = PinnedTestDef | RandomTestDef | SearchTestDef;

const BASE_KEYS = ['$schema', 'name', 'title', 'weight', 'rule', 'checks', 'starter', 'kind'];
const KIND_KEYS = { pinned: ['script'], random: ['seeds', 'nodes', 'network', 'faults', 'clients', 'timeMs', 'settleMs', 'maxEvents'], search: ['search'] };

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
  if (t.kind !== 'pinned' && t.kind !== 'random' && t.kind !== 'search') fail(`kind must be pinned, random or search, got ${JSON.stringify(t.kind)}`);
  const kind = t.kind as 'pinned' | 'random' | 'search';
  for (const k of Object.keys(t)) if ((!BASE_KEYS.includes(k) || (kind === 'search' && k === 'checks')) && !KIND_KEYS[kind].includes(k)) fail(`unknown field '${k}' for a ${kind} test`);
  if (typeof t.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(t.name)) fail(`name must be lowercase letters, digits and dashes`);
  if (typeof t.title !== 'string' || !t.title) fail('title must be a non-empty string');
  if (t.weight !== undefined && !(typeof t.weight === 'number' && t.weight > 0)) fail('weight must be a number > 0');
  if (typeof t.rule !== 'string' || !rules.includes(t.rule)) fail(`rule must be one of the manifest's rules (${rules.join(', ')}), got ${JSON.stringify(t.rule)}`);
  if (kind === 'search') {
    if (typeof t.search !== 'object' || t.search === null || Array.isArray(t.search)) fail('search must be a node-search configuration (docs/search.md, "The node search")');
    try {
      parseNodeSearchConfig(t.search, 'search');
    } catch (err) {
      fail((err as Error).message);
    }
    if (t.starter !== undefined) starterProblem(t.starter, fail);
    return t as unknown as SearchTestDef;
  }
  if (!Array.isArray(t.checks) || t.checks.length === 0) fail('checks must be a non-empty list');
  for (const c of t.checks as unknown[]) {
    const name = typeof c === 'string' ? c : (c as { check?: unknown })?.check;
    if (!(CHECK_NAMES as readonly unknown[]).includes(name)) fail(`unknown check ${JSON.stringify(c)} (known: ${CHECK_NAMES.join(', ')})`);
  }
  if (t.starter !== undefined) starterProblem(t.starter, fail);
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

function starterProblem(starter: unknown, fail: (why: string) => never): void {
  const s = starter as { symptom?: unknown };
  if (typeof s !== 'object' || s === null || !(typeof s.symptom === 'string' && s.symptom in SYMPTOMS)) fail(`starter.symptom must be one of ${Object.keys(SYMPTOMS).join(', ')}`);
}
