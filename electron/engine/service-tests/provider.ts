/**
 * The node-test provider of the replicated-service lab (`provider: "service-tests"`): the pack's
 * service tests (`service-tests/service-tests.json`, docs/service-tests.md) become node-lab tests,
 * run in the sandbox against the student's guarded node class and judged from outside by the
 * service-test checks; `service-tests/search.json` adds node-level searches (docs/search.md).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseNodeSearchConfig } from '../node-search/config.js';
import { registerNodeTestProvider, type NodeLabInfo, type NodeRunContext, type NodeRunOutcome, type NodeTestSpec } from '../node-labs/provider.js';
import { CHECK_RULES } from './checks.js';
import { ALWAYS_CHECKED, type ServiceTest } from './definitions.js';
import { loadServiceTests } from './load.js';
import { runServiceTest, STEPS_RULE, type ServiceNodeClass } from './run.js';

export const SERVICE_TESTS_PROVIDER = 'service-tests';
export const SERVICE_TESTS_DIR = 'service-tests';

/** Checks whose failure is a broken safety property (it caps the score). */
const SAFETY_CHECKS = ['linearizable', 'exactly-once', 'agreement', 'chosen-invariant'];

const ruleTexts: Record<string, string> = Object.fromEntries([...Object.values(CHECK_RULES).map((r) => [r.id, r.text]), [STEPS_RULE.id, STEPS_RULE.text]]);

export class ServiceProviderError extends Error {
  override name = 'ServiceProviderError';
}

/** Run one service test over its seeds (or `ctx.seed`), stopping at the first failing seed. */
export function runServiceTestInSandbox(test: ServiceTest, ctx: NodeRunContext): NodeRunOutcome {
  const seeds = ctx.seed !== undefined ? [ctx.seed] : test.seeds;
  let runs = 0;
  const perOp: string[] = [];
  for (const seed of seeds) {
    ctx.setSeed(seed);
    const r = runServiceTest(test, { nodeClass: ctx.student as unknown as ServiceNodeClass, seed });
    runs++;
    ctx.progress({ seed, ok: r.ok });
    if (!r.ok && r.failed) {
      const f = r.failed;
      return {
        passed: false,
        runs,
        seed,
        failed: { check: f.check, rule: f.rule, ...(ruleTexts[f.rule] ? { ruleText: ruleTexts[f.rule] } : {}), message: f.message, events: f.events, ...(SAFETY_CHECKS.includes(f.check) ? { safety: true } : {}) },
        trace: r.trace,
        description: r.description,
      };
    }
    perOp.push(r.figures.msgsPerOp.toFixed(1));
  }
  const checks = [...new Set(['linearizable', 'exactly-once', 'agreement', 'chosen-invariant', ...test.checks.map((c) => c.kind)])];
  const notes = [`${runs} seed${runs === 1 ? '' : 's'} passed every check (${checks.join(', ')})`];
  if (test.checks.some((c) => c.kind === 'msgs-per-op')) notes.push(`msgs/op: ${perOp.join(', ')}`);
  return { passed: true, runs, notes };
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ServiceProviderError(`${file}: ${(e as Error).message}`);
  }
}

/** `service-tests/search.json`: `{ "tests": [ { name, title, rule, weight?, set?, search: {…} } ] }`. */
function searchSpecs(json: unknown, where: string, rules: string[]): NodeTestSpec[] {
  const obj = json as { tests?: unknown };
  if (typeof obj !== 'object' || obj === null || !Array.isArray(obj.tests)) throw new ServiceProviderError(`${where}: must be { "tests": [ … ] }`);
  return obj.tests.map((t, i) => {
    const r = t as Record<string, unknown>;
    const at = `${where}: tests[${i}]`;
    for (const k of Object.keys(r)) if (!['name', 'title', 'rule', 'weight', 'set', 'search'].includes(k)) throw new ServiceProviderError(`${at}: '${k}' is not a field of a search test`);
    if (typeof r.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(r.name)) throw new ServiceProviderError(`${at}: 'name' must be lowercase letters, digits and dashes`);
    if (typeof r.title !== 'string' || !r.title) throw new ServiceProviderError(`${at}: 'title' must be a non-empty string`);
    if (typeof r.rule !== 'string' || !rules.includes(r.rule)) throw new ServiceProviderError(`${at}: 'rule' must be one of the manifest's rules`);
    if (r.weight !== undefined && !(typeof r.weight === 'number' && r.weight > 0)) throw new ServiceProviderError(`${at}: 'weight' must be a number > 0`);
    if (r.set !== undefined && r.set !== 'public' && r.set !== 'hidden') throw new ServiceProviderError(`${at}: 'set' must be public or hidden`);
    let payload;
    try {
      payload = parseNodeSearchConfig(r.search, `${at}: search`);
    } catch (e) {
      throw new ServiceProviderError((e as Error).message);
    }
    return { name: r.name, title: r.title, rule: r.rule, weight: (r.weight as number | undefined) ?? 1, set: (r.set as 'public' | 'hidden' | undefined) ?? 'public', kind: 'search' as const, payload, judges: [] };
  });
}

registerNodeTestProvider({
  id: SERVICE_TESTS_PROVIDER,
  async list(lab: NodeLabInfo): Promise<NodeTestSpec[]> {
    const dir = lab.manifest.files.tests ?? SERVICE_TESTS_DIR;
    const rules = lab.manifest.rules.map((r) => r.id);
    const file = lab.file(`${dir}/service-tests.json`);
    if (!existsSync(file)) throw new ServiceProviderError(`${file}: a lab with the service-tests provider needs this file`);
    const { tests } = await loadServiceTests(file);
    const specs: NodeTestSpec[] = tests.map((t) => {
      if (!rules.includes(t.rule)) throw new ServiceProviderError(`${file}: test ${t.name}: rule ${t.rule} is not a rule of the manifest`);
      const judges = [...new Set([...ALWAYS_CHECKED, ...t.checks.map((c) => c.kind)].map((k) => CHECK_RULES[k].id).concat(STEPS_RULE.id))];
      return { name: t.name, title: t.title, rule: t.rule, weight: t.weight, set: 'public', kind: 'run', payload: t, judges };
    });
    const search = lab.file(`${dir}/search.json`);
    if (existsSync(search)) specs.push(...searchSpecs(await readJson(search), search, rules));
    const names = new Set<string>();
    for (const s of specs) {
      if (names.has(s.name)) throw new ServiceProviderError(`${lab.dir}: two tests are named ${s.name}`);
      names.add(s.name);
    }
    return specs;
  },
  run(payload: unknown, ctx: NodeRunContext): NodeRunOutcome {
    return runServiceTestInSandbox(payload as ServiceTest, ctx);
  },
});
