/**
 * Sandbox job 'replay': construct the student's role class and call its handlers with a trace's
 * inputs, one by one, reporting each output (as JSON), each throw, any change to an input (now or by
 * a later call), any output object handed out twice, and the object's readable state. Everything
 * here is harness code reading the student's realm (realm/read-out.ts): the checks use the
 * harness's own built-ins, which student code cannot patch. The grading process compares outputs.
 */
import { changeOf } from '../../realm/guarded-role.js';
import { readJson, readState, type ReadOut } from '../../realm/read-out.js';
import { registerSandboxJob } from '../sandbox-jobs.js';
import { roleConfig } from '../../labs/role-spec.js';
import type { SerializedError } from '../sandbox-protocol.js';

export interface ReplayPayload {
  exportName: string;
  node: { id: number; nodes: number[]; alpha?: number; firstSlot?: number };
  steps: Array<{ call: string; input?: unknown }>;
}

export interface StepOutcome {
  /** 1-based step; 0 is the constructor. */
  step: number;
  out?: ReadOut;
  error?: SerializedError & { missing?: boolean };
  /** An input was changed by this call: the step that passed it, and the first difference. */
  mutated?: { inputStep: number; path: string; before: unknown; after: unknown };
  /** The output object is the same object as an input or an earlier output. */
  notFresh?: 'input' | 'earlier-output';
  state?: unknown;
}

registerSandboxJob('replay', (payload: ReplayPayload, ctx) => {
  const { realm, calls, exports } = ctx.student;
  const Cls = exports.get(payload.exportName);
  const node = payload.node.id;
  if (typeof Cls !== 'function') {
    ctx.progress({ step: 0, error: { name: 'TypeError', message: `the module does not export a class named '${payload.exportName}'` } } satisfies StepOutcome);
    return { completed: 0 };
  }
  const made = calls.construct(Cls, [node, realm.fromJson(roleConfig(payload.node))], node, 0);
  if (!made.ok || made.value === null || typeof made.value !== 'object') {
    const error = made.ok ? { name: 'TypeError', message: 'the constructor did not make an object' } : made.thrown;
    ctx.progress({ step: 0, error } satisfies StepOutcome);
    return { completed: 0 };
  }
  const instance = made.value;
  ctx.progress({ step: 0, state: readState(instance) } satisfies StepOutcome);

  const inputs: Array<{ step: number; obj: object; json: unknown }> = [];
  const handedOut = new WeakSet<object>();
  for (let i = 0; i < payload.steps.length; i++) {
    const { call, input } = payload.steps[i];
    const step = i + 1;
    const method = calls.method(instance, call);
    if (!method.ok) {
      ctx.progress({ step, error: { name: 'TypeError', message: `${payload.exportName} ${method.why}`, missing: true }, state: readState(instance) } satisfies StepOutcome);
      return { completed: i };
    }
    const arg = realm.fromJson(input);
    if (arg !== null && typeof arg === 'object') inputs.push({ step, obj: arg, json: input });
    const r = calls.call(method.fn, instance, input === undefined ? [] : [arg], call, node, step);
    const outcome: StepOutcome = { step };
    if (r.ok) outcome.out = readJson(r.value);
    else outcome.error = r.thrown;
    for (const inp of inputs) {
      const change = changeOf(inp.obj, inp.json, realm.intrinsics.ObjectPrototype);
      if (change) {
        outcome.mutated = { inputStep: inp.step, path: change.path, before: change.before, after: change.after };
        break;
      }
    }
    if (r.ok && typeof r.value === 'object' && r.value !== null) {
      if (inputs.some((inp) => inp.obj === r.value)) outcome.notFresh = 'input';
      else if (handedOut.has(r.value)) outcome.notFresh = 'earlier-output';
      handedOut.add(r.value);
    }
    outcome.state = readState(instance);
    ctx.progress(outcome);
    if (outcome.error || outcome.mutated) return { completed: i };
  }
  return { completed: payload.steps.length };
});
