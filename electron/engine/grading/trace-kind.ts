/**
 * Test kind 'trace': replay a recorded reference trace against the student's class in the sandbox
 * and judge each output. The first failing step decides the verdict, named after the rule it tests.
 */
import { brief } from '../labs/message-shape.js';
import type { RoleTrace } from '../labs/role-trace.js';
import { API_RULES } from './api-rules.js';
import { attributeRule } from './attribution.js';
import { differences } from '../labs/output-differences.js';
import { apiRule, judgeDeath } from './sandbox-deaths.js';
import type { ReplayPayload, StepOutcome } from './jobs/replay-job.js';
import { ownerOf, roleConfig } from '../labs/role-spec.js';
import { hostAccess } from './host-access.js';
import { judgeOutput } from './output-check.js';
import type { SandboxOutcome } from './sandbox.js';
import { registerTestKind, type GradeTest, type TestEnv, type TestOutcome } from './test-kinds.js';
import type { Failure, FailureReason, RuleRef, StepRecord } from './verdict.js';

export const TRACE_KIND = 'trace';

/** Judge a replay: the sandbox's step reports against the recorded expectations. */
export function judgeReplay(trace: RoleTrace, outcome: SandboxOutcome, env: Pick<TestEnv, 'lab' | 'mapStack'>): TestOutcome {
  const reports = new Map<number, StepOutcome>();
  for (const p of outcome.progress as StepOutcome[]) reports.set(p.step, p);
  const methods = env.lab.role.methods;
  const labRule = (id: string): RuleRef => ({ id, text: env.lab.ruleText(id) ?? API_RULES[id] ?? id });
  const notes: string[] = [];
  const soFar: StepRecord[] = [];
  const output = outcome.output.trim() ? outcome.output.slice(-4000) : undefined;

  const fail = (f: Omit<Failure, 'inputsSoFar'>): TestOutcome => ({ passed: false, failure: { ...f, inputsSoFar: [...soFar], output }, notes });

  const ctor = reports.get(0);
  if (!ctor || ctor.error) {
    const death = !ctor && !outcome.ok ? judgeDeath(outcome.reason) : null;
    const host = ctor?.error ? hostAccess(ctor.error) : null;
    return fail({
      reason: death ? death.reason : 'constructor',
      rule: death ? death.rule : apiRule(host ? 'api.no-host' : 'api.constructor'),
      step: 0,
      call: `new ${traceClass(trace, env.lab)}(${trace.header.node.id}, ${JSON.stringify(roleConfig(trace.header.node)).replace(/"(\w+)":/g, '$1: ')})`,
      message: ctor?.error ? `the constructor threw ${ctor.error.name}: ${ctor.error.message}${host ? ` — ${host}` : ''}` : !outcome.ok ? outcome.message : 'the constructor did not report back',
      stack: env.mapStack(ctor?.error?.stack),
    });
  }

  let stateBefore = ctor.state;
  for (const s of trace.steps) {
    const r = reports.get(s.step);
    const at = { step: s.step, call: s.call, input: s.input, note: s.note, expected: s.expect, stateBefore };
    const testing = labRule(s.rule);
    if (!r) {
      if (outcome.ok) return fail({ ...at, reason: 'harness', rule: testing, message: 'the sandbox did not report this step' });
      const death = judgeDeath(outcome.reason);
      return fail({ ...at, reason: death.reason, rule: death.rule, testing, message: outcome.message, stack: outcome.error ? env.mapStack(outcome.error.stack) : undefined });
    }
    if (r.error) {
      const missing = r.error.missing === true;
      const host = missing ? null : hostAccess(r.error);
      const reason: FailureReason = missing ? 'missing-handler' : 'throws';
      const rule = missing ? 'api.handler' : host ? 'api.no-host' : 'api.no-throw';
      const message = missing ? r.error.message : `threw ${r.error.name}: ${r.error.message}${host ? ` — ${host}` : ''}`;
      return fail({ ...at, reason, rule: apiRule(rule), testing, state: r.state, message, stack: env.mapStack(r.error.stack) });
    }
    if (r.mutated) {
      const which = r.mutated.inputStep === s.step ? 'its input' : `the input of step ${r.mutated.inputStep}`;
      return fail({ ...at, reason: 'mutates-input', rule: apiRule('api.no-mutation'), testing, state: r.state, message: `changed ${which}: ${r.mutated.path} was ${brief(r.mutated.before)}, became ${brief(r.mutated.after)}` });
    }
    const out = r.out ?? { json: null };
    if ('garbage' in out) {
      return fail({ ...at, reason: 'garbage', rule: apiRule('api.returns-message'), testing, state: r.state, message: `returned something that is not a message: ${out.garbage}` });
    }
    const verdict = judgeOutput(s.expect, out.json, methods[s.call]);
    for (const n of verdict.notes) notes.push(`step ${s.step} (${s.call}): ${n}`);
    if (!verdict.ok) {
      const harness = verdict.kind !== 'mismatch';
      // A well-formed but wrong output names the rule that governs what it got wrong (attribution.ts).
      const broken = harness ? s.rule : attributeRule(env.lab.manifest.rules, s, differences(s.expect, out.json, methods[s.call]));
      return fail({
        ...at,
        reason: verdict.kind,
        rule: harness ? apiRule('api.returns-message') : labRule(broken),
        testing: harness || broken !== s.rule ? testing : undefined,
        actual: out.json,
        diff: verdict.diff,
        state: r.state,
        message: `${s.call}${s.input === undefined ? '()' : `(${brief(s.input)})`} ${verdict.message}`,
      });
    }
    if (r.notFresh) {
      const what = r.notFresh === 'input' ? 'its input object' : 'an object it had returned before';
      return fail({ ...at, reason: 'not-fresh', rule: apiRule('api.fresh-output'), testing, actual: out.json, state: r.state, message: `returned ${what} instead of a fresh object` });
    }
    soFar.push({ step: s.step, rule: s.rule, call: s.call, input: s.input, output: out.json });
    stateBefore = r.state;
  }
  return { passed: true, notes };
}

/** The class a trace exercises: the lab's class, or in a multi-class lab the owner of its handlers. */
export function traceClass(trace: RoleTrace, lab: Pick<TestEnv['lab'], 'role' | 'manifest'>): string {
  return trace.steps.length ? ownerOf(lab.role, trace.steps[0].call) : lab.manifest.export;
}

export function replayPayload(trace: RoleTrace, exportName: string): ReplayPayload {
  return { exportName, node: trace.header.node, steps: trace.steps.map((s) => ({ call: s.call, input: s.input })) };
}

registerTestKind({
  kind: TRACE_KIND,
  async list(lab, opts) {
    const sets: Array<'public' | 'hidden'> = opts.hidden ? ['public', 'hidden'] : ['public'];
    const tests: GradeTest[] = [];
    for (const set of sets) {
      for (const { trace } of await lab.traces(set)) {
        tests.push({ id: `trace:${set}/${trace.header.name}`, kind: TRACE_KIND, name: trace.header.name, title: trace.header.title, set, weight: trace.header.weight, data: trace });
      }
    }
    return tests;
  },
  async run(test, env) {
    const trace = test.data as RoleTrace;
    const outcome = await env.sandbox.run({ kind: 'replay', payload: replayPayload(trace, traceClass(trace, env.lab)) }, { callCpuMs: env.limits.callMs });
    return judgeReplay(trace, outcome, env);
  },
});
