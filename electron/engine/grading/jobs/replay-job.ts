/**
 * Sandbox job 'replay': construct the student's role class and call its handlers with a trace's
 * inputs, one by one, reporting each output (as JSON), each throw, any mutation of an input (now
 * or by a later call), any output object handed out twice, and the object's readable state. The
 * grading process compares outputs; this side only observes.
 */
import { registerSandboxJob } from '../sandbox-jobs.js';
import { EXIT_ERROR_NAME, type SerializedError } from '../sandbox-protocol.js';
import { describeValue, firstDifference, serializeError, snapshotState, type DescribedValue } from '../sandbox-values.js';

export interface ReplayPayload {
  exportName: string;
  node: { id: number; nodes: number[] };
  steps: Array<{ call: string; input?: unknown }>;
}

export interface StepOutcome {
  /** 1-based step; 0 is the constructor. */
  step: number;
  out?: DescribedValue;
  error?: SerializedError & { exit?: boolean };
  /** An input was changed by this call: the step that passed it, and the first difference. */
  mutated?: { inputStep: number; path: string; before: unknown; after: unknown };
  /** The output object is the same object as an input or an earlier output. */
  notFresh?: 'input' | 'earlier-output';
  state?: unknown;
}

function thrown(e: unknown): StepOutcome['error'] {
  const s = serializeError(e);
  return s.name === EXIT_ERROR_NAME ? { ...s, exit: true } : s;
}

registerSandboxJob('replay', (payload: ReplayPayload, ctx) => {
  const Cls = ctx.module[payload.exportName];
  if (typeof Cls !== 'function') {
    ctx.progress({ step: 0, error: { name: 'TypeError', message: `the module does not export a class named '${payload.exportName}'` } } satisfies StepOutcome);
    return { completed: 0 };
  }
  let instance: Record<string, unknown>;
  try {
    instance = new (Cls as new (id: number, config: { nodes: number[] }) => Record<string, unknown>)(payload.node.id, { nodes: [...payload.node.nodes] });
  } catch (e) {
    ctx.progress({ step: 0, error: thrown(e) } satisfies StepOutcome);
    return { completed: 0 };
  }
  ctx.progress({ step: 0, state: snapshotState(instance) } satisfies StepOutcome);

  const inputs: Array<{ step: number; obj: unknown; json: string }> = [];
  const handedOut = new WeakSet<object>();
  for (let i = 0; i < payload.steps.length; i++) {
    const { call, input } = payload.steps[i];
    const step = i + 1;
    const method = instance[call];
    if (typeof method !== 'function') {
      ctx.progress({ step, error: { name: 'TypeError', message: `${payload.exportName} has no method ${call}()` }, state: snapshotState(instance) } satisfies StepOutcome);
      return { completed: i };
    }
    const args: unknown[] = [];
    if (input !== undefined) {
      const json = JSON.stringify(input);
      const obj = JSON.parse(json) as unknown; // a fresh copy: the original stays ours
      inputs.push({ step, obj, json });
      args.push(obj);
    }
    let result: unknown;
    const outcome: StepOutcome = { step };
    try {
      result = (method as (...a: unknown[]) => unknown).apply(instance, args);
      outcome.out = describeValue(result);
    } catch (e) {
      outcome.error = thrown(e);
    }
    for (const inp of inputs) {
      const now = JSON.stringify(inp.obj);
      if (now !== inp.json) {
        const d = firstDifference(JSON.parse(inp.json), JSON.parse(now ?? 'null'));
        outcome.mutated = { inputStep: inp.step, path: d?.path ?? '(unknown)', before: d?.before ?? null, after: d?.after ?? null };
        break;
      }
    }
    if (typeof result === 'object' && result !== null) {
      if (inputs.some((inp) => inp.obj === result)) outcome.notFresh = 'input';
      else if (handedOut.has(result)) outcome.notFresh = 'earlier-output';
      handedOut.add(result);
    }
    outcome.state = snapshotState(instance);
    ctx.progress(outcome);
    if (outcome.error || outcome.mutated) return { completed: i };
  }
  return { completed: payload.steps.length };
});
