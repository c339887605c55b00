/**
 * The scenario tests of a multi-decree role lab (lab 04): `<pack>/scenario-tests/service-scenarios.json`,
 * a service-test file (docs/service-tests.md) whose runs put the student's roles inside the reference
 * service node on every replica. A failing run names the check it broke as `scenario.<check>`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabPack } from '../labs/lab-pack.js';
import { judgeDeath } from '../grading/sandbox-deaths.js';
import type { GradeTest, ListOptions, TestEnv, TestOutcome } from '../grading/test-kinds.js';
import type { RuleRef } from '../grading/verdict.js';
import { CHECK_RULES } from '../service-tests/checks.js';
import { parseServiceTests, type ServiceTest } from '../service-tests/definitions.js';
import { STEPS_RULE } from '../service-tests/run.js';
import type { TraceEvent } from '../trace/events.js';
import type { MultiScenarioPayload, MultiScenarioResult } from './multi-scenario-job.js';
import { renderTraceDiagram } from '../trace/diagram.js';

export const MULTI_SCENARIO_FILE = path.join('scenario-tests', 'service-scenarios.json');

/** The checks a multi-decree scenario names (`scenario.<check>`), with the service checks' texts; 'steps' is the flood budget. */
export const MULTI_SCENARIO_RULES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(CHECK_RULES).map(([k, v]) => [k, v.text])),
  steps: STEPS_RULE.text,
};

/** Checks whose failure means the log is unsafe (they cap the score, manifest safety.cap). */
const SAFETY = new Set(['agreement', 'chosen-invariant', 'linearizable', 'exactly-once']);

export function multiScenarioRule(check: string): RuleRef {
  return { id: `scenario.${check}`, text: MULTI_SCENARIO_RULES[check] ?? check };
}

export function isMultiRoleLab(lab: LabPack): boolean {
  return lab.kind === 'role' && lab.manifest.role === 'multi-paxos';
}

interface Data {
  test: ServiceTest;
  seeds: number[];
}

export async function listMultiScenarios(lab: LabPack, opts: ListOptions): Promise<GradeTest[]> {
  const file = path.join(lab.dir, MULTI_SCENARIO_FILE);
  if (!existsSync(file)) return [];
  const parsed = parseServiceTests(JSON.parse(await readFile(file, 'utf8')), file);
  return parsed.tests.map((test) => {
    const data: Data = { test, seeds: opts.seed !== undefined ? [opts.seed] : test.seeds };
    return { id: `scenario:${test.name}`, kind: 'scenario', name: test.name, title: test.title, set: 'public' as const, weight: test.weight, data };
  });
}

/** The part of the run around the events a check named, as a space-time diagram. */
function diagramOf(trace: TraceEvent[], seqs: number[], context = 40): string {
  const last = seqs.length ? Math.max(...seqs) : trace.length - 1;
  const first = seqs.length ? Math.min(...seqs) : Math.max(0, last - context);
  const from = Math.max(1, Math.min(first, last - context));
  const window = [trace[0], ...trace.slice(from, last + 1)];
  return (from > 1 ? `(${from - 1} earlier events not shown; the full trace is in the report)\n` : '') + renderTraceDiagram(window, { width: 14 });
}

/** The first role call that threw or returned garbage, as the node reported it. */
function firstRoleError(trace: TraceEvent[]): string | undefined {
  for (const e of trace) {
    if (e.type !== 'error' && e.type !== 'log') continue;
    const text = (e as { text?: string; message?: string }).text ?? (e as { message?: string }).message ?? '';
    if (/^(replay )?(acceptor|proposer|learner)\./.test(text) && /\b(threw|invalid|before a quorum)\b/.test(text)) return `node ${(e as { node?: number }).node} at ${e.t} ms: ${text}`;
  }
  return undefined;
}

export async function runMultiScenario(test: GradeTest, env: TestEnv): Promise<TestOutcome> {
  const { test: spec, seeds } = test.data as Data;
  const payload: MultiScenarioPayload = { test: spec, seeds };
  const outcome = await env.sandbox.run({ kind: 'multi-scenario', payload }, { callCpuMs: env.limits.callMs });
  if (!outcome.ok) {
    const seed = outcome.call && outcome.call.seed >= 0 ? outcome.call.seed : outcome.progress.length < seeds.length ? seeds[outcome.progress.length] : undefined;
    const death = judgeDeath(outcome.reason);
    return {
      passed: false,
      failure: {
        ...death,
        seed,
        message: `the simulation could not finish${seed !== undefined ? ` (seed ${seed})` : ''}: ${outcome.message}`,
        inputsSoFar: [],
        stack: outcome.error ? env.mapStack(outcome.error.stack) : undefined,
        output: outcome.output || undefined,
      },
    };
  }
  const res = outcome.value as MultiScenarioResult;
  if (res.ok) return { passed: true, notes: [`${res.seeds} seed${res.seeds === 1 ? '' : 's'} passed every check`] };
  if (res.seed === undefined) return { passed: false, failure: { reason: 'missing-handler', rule: { id: 'api.export', text: 'The module exports the role classes.' }, message: res.message, inputsSoFar: [] } };
  const check = res.failed.check;
  const trouble = firstRoleError(res.trace);
  return {
    passed: false,
    failure: {
      reason: 'violation',
      checker: check,
      ...(SAFETY.has(check) ? { safety: true } : {}),
      seed: res.seed,
      rule: multiScenarioRule(check),
      message: `seed ${res.seed} (${res.description}): ${res.failed.message}${trouble ? ` — first sign of trouble: ${trouble}` : ''}`,
      inputsSoFar: [],
      trace: res.trace,
      diagram: diagramOf(res.trace, res.failed.events),
    },
  };
}
