/**
 * Test kinds 'node' (simulation runs) and 'node-search' (a node-level search) for gradeModule, for
 * whole-node labs (manifest `kind: "node"`). Tests come from the lab's node-test provider; each runs
 * in the sandbox with the student's node class behind the guarded stand-in, and is judged from the
 * run's trace and history (the provider's checks) and from the guarded node's incidents.
 */
import os from 'node:os';
import { apiRule, judgeDeath } from '../grading/sandbox-deaths.js';
import type { SandboxOutcome } from '../grading/sandbox.js';
import { registerTestKind, type GradeTest, type TestEnv, type TestOutcome } from '../grading/test-kinds.js';
import type { Failure } from '../grading/verdict.js';
import { LabError, type LabPack } from '../labs/lab-pack.js';
import type { NodeSearchConfig } from '../node-search/config.js';
import type { NodeSearchReport } from '../node-search/explorer.js';
import { SEARCH_MEMORY_MB } from '../search/search-kind.js';
import { renderTraceDiagram, DEFAULT_DIAGRAM_TYPES } from '../trace/diagram.js';
import type { TraceEvent } from '../trace/events.js';
import { NODE_CHECK_RULES } from './checks.js';
import type { NodeSearchJobPayload, NodeSearchJobResult, NodeTestJobPayload, NodeTestJobResult } from './node-jobs.js';
import { nodeTestProvider, type NodeLabInfo, type NodeTestSpec } from './provider.js';
import { failureDiagram } from '../scenarios/scenario-kind.js';
import './providers.js';

/** Rules of the node search's own checks (`node-search.<checker>`). */
export const NODE_SEARCH_RULES: Record<string, string> = {
  linearizable: "In every order of deliveries, timer fires and client steps within the bounds, the clients' history so far is linearizable.",
  agreement: 'In every explored order, no two decisions of one slot differ.',
  'exactly-once': 'In every explored order, once the clients are done, every acknowledged append is there exactly once.',
  goal: 'Some order of deliveries within the bounds gets the clients their answers (doing nothing is not enough).',
  uncloneable: 'The search copies node objects: their state must be plain data in ordinary fields (no closures, #private members, Promises).',
  determinism: 'The same handler on the same state does the same thing.',
};

interface NodeTestData {
  spec: NodeTestSpec;
  provider: string;
}

async function specsOf(lab: LabPack): Promise<{ provider: string; specs: NodeTestSpec[] }> {
  const m = lab.nodeManifest!;
  const provider = nodeTestProvider(m.provider);
  if (!provider) throw new LabError(`lab '${lab.id}' names the node-test provider '${m.provider}', which this PaxLab does not have (known: see docs/grading.md, "Node labs")`);
  const info: NodeLabInfo = { id: lab.id, dir: lab.dir, manifest: m as NodeLabInfo['manifest'], file: (rel) => lab.file(rel) };
  return { provider: m.provider, specs: await provider.list(info) };
}

function listOf(kind: 'node' | 'node-search') {
  return async (lab: LabPack, opts: { hidden: boolean }): Promise<GradeTest[]> => {
    if (lab.kind !== 'node') return [];
    const { provider, specs } = await specsOf(lab);
    return specs
      .filter((s) => ((s.kind ?? 'run') === 'search') === (kind === 'node-search'))
      .filter((s) => opts.hidden || (s.set ?? 'public') === 'public')
      .map((spec) => ({ id: `${kind}:${spec.name}`, kind, name: spec.name, title: spec.title, set: spec.set ?? 'public', weight: spec.weight ?? 1, data: { spec, provider } satisfies NodeTestData }));
  };
}

function ruleRef(id: string, text: string | undefined, env: TestEnv) {
  return { id, text: text ?? env.lab.ruleText(id) ?? NODE_CHECK_RULES[id.replace(/^node\./, '')] ?? id };
}

function deathFailure(outcome: { reason: Parameters<typeof judgeDeath>[0]; message: string; error?: { stack?: string }; output: string; call?: { seed: number } }, env: TestEnv, what: string): Failure {
  const death = judgeDeath(outcome.reason);
  const seed = outcome.call && outcome.call.seed >= 0 ? outcome.call.seed : undefined;
  return { ...death, ...(seed !== undefined ? { seed } : {}), message: `${what} could not finish${seed !== undefined ? ` (seed ${seed})` : ''}: ${outcome.message}`, inputsSoFar: [], stack: outcome.error ? env.mapStack(outcome.error.stack) : undefined, output: outcome.output || undefined };
}

registerTestKind({
  kind: 'node',
  labKind: 'node',
  list: listOf('node'),
  async run(test: GradeTest, env: TestEnv): Promise<TestOutcome> {
    const { spec, provider } = test.data as NodeTestData;
    if (env.kinds?.includes('node-search')) startSearchesAhead(env);
    const payload: NodeTestJobPayload = { provider, exportName: env.lab.manifest.export, payload: spec.payload, ...(env.seed !== undefined ? { seed: env.seed } : {}) };
    const outcome = await env.sandbox.run({ kind: 'node-test', payload }, { callCpuMs: env.limits.callMs });
    if (!outcome.ok) return { passed: false, failure: deathFailure(outcome, env, 'the simulation') };
    const res = outcome.value as NodeTestJobResult;
    if (!res.ok) return { passed: false, failure: { reason: 'missing-handler', rule: apiRule('api.export'), message: res.message, inputsSoFar: [] } };
    const o = res.outcome;
    const testing = ruleRef(spec.rule, undefined, env);
    const trace = (o.trace ?? []) as TraceEvent[];
    const first = res.incidents[0];
    if (first) {
      // What the node did wrong itself (a throw, a reach for the host, a misuse of its context) is
      // the cause to name; a broken check of the same run is quoted after it.
      const reason = first.rule === 'api.no-throw' || first.rule === 'api.no-host' ? 'throws' : first.rule === 'api.constructor' ? 'constructor' : first.rule === 'api.handler' ? 'missing-handler' : 'garbage';
      const then = o.failed ? `; the run then broke ${o.failed.rule}: ${o.failed.message}` : '';
      return {
        passed: false,
        failure: {
          reason,
          rule: apiRule(first.rule),
          testing,
          message: `node ${first.node} at ${first.t} ms: ${first.message}${o.seed !== undefined ? ` (seed ${o.seed})` : ''}${then}`,
          call: first.call,
          inputsSoFar: [],
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
          ...(first.thrown?.stack ? { stack: env.mapStack(first.thrown.stack) } : {}),
          ...(o.failed ? { checker: o.failed.check, ...(o.failed.safety ? { safety: true } : {}) } : {}),
          ...(trace.length ? { trace, diagram: failureDiagram(trace, []) } : {}),
        },
      };
    }
    if (o.passed) return { passed: true, notes: o.notes ?? [`${o.runs} run${o.runs === 1 ? '' : 's'} passed`] };
    const f = o.failed!;
    const involved = trace.filter((e) => (f.events ?? []).includes(e.seq));
    return {
      passed: false,
      failure: {
        reason: 'violation',
        checker: f.check,
        rule: ruleRef(f.rule, f.ruleText, env),
        testing,
        ...(f.safety ? { safety: true } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        message: `${o.seed !== undefined ? `seed ${o.seed}${o.description ? ` (${o.description})` : ''}: ` : ''}${f.message}`,
        inputsSoFar: [],
        ...(f.events?.length ? { events: f.events } : {}),
        ...(trace.length ? { trace, diagram: failureDiagram(trace, involved) } : {}),
      },
    };
  },
});

/**
 * The node searches of one graded build, started ahead: when the first simulation test runs and the
 * machine has a second core, the lab's searches start in their own sandbox child (the search's heap
 * cap), so they run beside the simulations. Results do not depend on it: each search is the same
 * deterministic computation either way.
 */
const searchJobs = new WeakMap<object, Map<string, Promise<SandboxOutcome>>>();

function searchJob(spec: NodeTestSpec, env: TestEnv): Promise<SandboxOutcome> {
  let jobs = searchJobs.get(env.build);
  if (!jobs) searchJobs.set(env.build, (jobs = new Map()));
  let job = jobs.get(spec.name);
  if (!job) {
    const payload: NodeSearchJobPayload = { exportName: env.lab.manifest.export, config: spec.payload as NodeSearchConfig };
    const sandbox = env.sandboxWith({ memoryMb: SEARCH_MEMORY_MB, memoryBlame: 'in-call' });
    job = sandbox.run({ kind: 'node-search', payload }, { callCpuMs: env.limits.callMs });
    jobs.set(spec.name, job);
  }
  return job;
}

function startSearchesAhead(env: TestEnv): void {
  if (searchJobs.has(env.build) || (os.availableParallelism?.() ?? os.cpus().length) < 2) return;
  searchJobs.set(env.build, new Map());
  void specsOf(env.lab).then(({ specs }) => {
    const first = specs.find((s) => s.kind === 'search');
    if (first) void searchJob(first, env);
  }, () => {});
}

function searchSummary(r: NodeSearchReport): string {
  return `${r.extent}; ${r.nodeStates} node states`;
}

registerTestKind({
  kind: 'node-search',
  labKind: 'node',
  list: listOf('node-search'),
  async run(test: GradeTest, env: TestEnv): Promise<TestOutcome> {
    const { spec } = test.data as NodeTestData;
    const outcome = await searchJob(spec, env);
    if (!outcome.ok) return { passed: false, failure: deathFailure(outcome, env, 'the search') };
    const res = outcome.value as NodeSearchJobResult;
    if (!res.ok) return { passed: false, failure: { reason: 'missing-handler', rule: apiRule('api.export'), message: res.message, inputsSoFar: [] } };
    const r = res.report;
    const testing = ruleRef(spec.rule, undefined, env);
    if (r.verdict === 'error') return { passed: false, failure: { reason: 'harness', rule: apiRule('harness'), message: `the search stopped: ${r.error}`, inputsSoFar: [] } };
    if (r.verdict === 'violation' && r.violation) {
      const v = r.violation;
      const own = v.rule.startsWith('node-search.');
      const checker = v.rule.startsWith('api.') ? 'handler-error' : v.checker;
      return {
        passed: false,
        failure: {
          reason: v.rule === 'api.no-throw' || v.rule === 'api.no-host' ? 'throws' : 'violation',
          checker,
          rule: own ? { id: v.rule, text: NODE_SEARCH_RULES[v.checker] ?? v.rule } : apiRule(v.rule),
          testing,
          ...(['linearizable', 'agreement', 'exactly-once'].includes(v.checker) ? { safety: true } : {}),
          message: `${v.message} — shortest counterexample: ${v.depth} steps (${searchSummary(r)})`,
          inputsSoFar: [],
          trace: v.trace,
          diagram: renderTraceDiagram(v.trace, { width: 16, types: [...DEFAULT_DIAGRAM_TYPES, 'timer', 'log'] }),
        },
      };
    }
    if (r.verdict === 'goal-unreached') {
      return { passed: false, failure: { reason: 'violation', checker: 'goal', rule: { id: 'node-search.goal', text: NODE_SEARCH_RULES.goal }, testing, message: `${r.goalMissed} (${searchSummary(r)})`, inputsSoFar: [] } };
    }
    const goal = r.goalReached ? `goal reached in ${r.goalReached.depth} steps: ${r.goalReached.description}` : undefined;
    return { passed: true, notes: [searchSummary(r), ...(goal ? [goal] : [])] };
  },
});
