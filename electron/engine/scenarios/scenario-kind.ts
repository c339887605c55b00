/**
 * Test kind 'scenario' for gradeModule: each entry of a lab's scenario-tests/scenarios.json is one
 * test, a named fault schedule run over seeds 1..N (or only the seed given to `grade --seed N`,
 * which reproduces a reported failure exactly).
 */
import type { LabPack } from '../labs/lab-pack.js';
import { judgeDeath } from '../grading/sandbox-deaths.js';
import { registerTestKind, type GradeTest, type TestEnv, type TestOutcome } from '../grading/test-kinds.js';
import type { RuleRef } from '../grading/verdict.js';
import { renderTraceDiagram } from '../trace/diagram.js';
import type { LogEvent, TraceEvent } from '../trace/events.js';
import { loadScenarioFile } from './lab-config.js';
import type { ScenarioJobPayload, ScenarioJobResult } from './scenario-job.js';
import type { ScheduleName } from './schedules.js';
import { isMultiRoleLab, listMultiScenarios, MULTI_SCENARIO_RULES, runMultiScenario } from '../multi-roles/multi-scenario-tests.js';

export const SCENARIO_RULES: Record<string, string> = {
  agreement: 'No two nodes decide different values.',
  validity: 'Only a value some client proposed is decided.',
  integrity: 'A node decides at most once.',
  'chosen-invariant': 'Once a quorum of acceptors accepted a value in a round, every value accepted or sent for acceptance in that round or a later one is the same value.',
  liveness: 'Once the faults are over (network healed, a majority up), every live node decides within the bound.',
  linearizability: "The clients' history is linearizable: one order of their operations, consistent with real time, explains every answer.",
  flood: 'A role keeps the cluster\'s traffic bounded: a run ends (everyone decides, or the liveness bound passes) within the event budget.',
  // The multi-decree role lab's checks (its roles inside the reference service node).
  ...MULTI_SCENARIO_RULES,
};

/** A failed scenario names the checker it broke: rule `scenario.<checker>` (e.g. scenario.agreement). */
export function scenarioRule(checker: string): RuleRef {
  return { id: `scenario.${checker}`, text: SCENARIO_RULES[checker] ?? checker };
}

/**
 * The first time the student's role misbehaved during the run (a handler threw or returned something
 * invalid), as its node logged it. A checker only sees the consequence (say, nobody decided); this
 * points the student at the cause.
 */
export function firstRoleTrouble(trace: TraceEvent[], role: string): string | undefined {
  const e = trace.find((x): x is LogEvent => x.type === 'log' && x.text.startsWith(`${role}.`) && /\b(threw|invalid)\b/.test(x.text));
  return e && `node ${e.node} at ${e.t} ms: ${e.text}`;
}

/** The part of a long trace around the events a checker named, as a diagram. */
export function failureDiagram(trace: TraceEvent[], involved: TraceEvent[], context = 40): string {
  const seqs = involved.map((e) => e.seq);
  const last = seqs.length ? Math.max(...seqs) : trace.length - 1;
  const first = seqs.length ? Math.min(...seqs) : 0;
  const from = Math.max(1, Math.min(first, last - context));
  const window = [trace[0], ...trace.slice(from, last + 1)];
  const head = from > 1 ? `(${from - 1} earlier events not shown; the full trace is in the report)\n` : '';
  return head + renderTraceDiagram(window, { width: 14 });
}

interface ScenarioTestData {
  payload: Omit<ScenarioJobPayload, 'exportName' | 'role'>;
  description: string;
}

registerTestKind({
  kind: 'scenario',
  async list(lab: LabPack, opts): Promise<GradeTest[]> {
    if (isMultiRoleLab(lab)) return listMultiScenarios(lab, opts);
    const file = await loadScenarioFile(lab.dir);
    if (!file) return [];
    return file.tests.map((t) => {
      const count = t.seeds ?? file.seeds;
      const seeds = opts.seed !== undefined ? [opts.seed] : Array.from({ length: count }, (_, i) => i + 1);
      const data: ScenarioTestData = {
        payload: { schedule: t.schedule as ScheduleName, nodes: t.nodes ?? file.nodes, seeds, placement: file.placement, livenessMs: file.livenessMs, ...(t.clients ? { clients: t.clients } : {}) },
        description: t.title,
      };
      return { id: `scenario:${t.name}`, kind: 'scenario', name: t.name, title: t.title, set: 'public' as const, weight: t.weight, data };
    });
  },
  async run(test: GradeTest, env: TestEnv): Promise<TestOutcome> {
    if (isMultiRoleLab(env.lab)) return runMultiScenario(test, env);
    const { payload } = test.data as ScenarioTestData;
    const full: ScenarioJobPayload = { ...payload, exportName: env.lab.manifest.export, role: env.lab.manifest.role as ScenarioJobPayload['role'] };
    const outcome = await env.sandbox.run({ kind: 'scenario', payload: full }, { callCpuMs: env.limits.callMs });
    if (!outcome.ok) {
      // The sandbox died or went silent: judged like any handler call (api.time-limit, api.no-exit, …).
      const seed = outcome.call && outcome.call.seed >= 0 ? outcome.call.seed : outcome.progress.length < payload.seeds.length ? payload.seeds[outcome.progress.length] : undefined;
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
    const res = outcome.value as ScenarioJobResult;
    if (res.ok) return { passed: true, notes: [`${res.seeds} seed${res.seeds === 1 ? '' : 's'} passed every checker`] };
    if (res.seed === undefined) return { passed: false, failure: { reason: 'missing-handler', rule: { id: 'api.export', text: 'The module exports the role class.' }, message: res.message, inputsSoFar: [] } };
    const trouble = firstRoleTrouble(res.trace, env.lab.manifest.role);
    return {
      passed: false,
      failure: {
        reason: 'violation',
        checker: res.failed.checker,
        seed: res.seed,
        rule: scenarioRule(res.failed.checker),
        message: `seed ${res.seed} (${res.description}): ${res.failed.message}${trouble ? ` — first sign of trouble: ${trouble}` : ''}`,
        inputsSoFar: [],
        trace: res.trace,
        diagram: failureDiagram(res.trace, res.failed.events),
      },
    };
  },
});
