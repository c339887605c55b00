/**
 * `paxlab check <trace>`: judge the clients' history in a trace — linearizability under the kv, lock
 * or log model (the trace's own by default), and exactly-once appends when there are appends.
 * Exit 0 linearizable, 1 not (with the explanation), 2 unknown or unreadable input (with the reason).
 */
import { readTrace, TraceFormatError } from '../../engine/trace/io.js';
import { UsageError } from '../main.js';
import {
  buildHistory,
  checkExactlyOnce,
  checkLinearizability,
  exactlyOnceText,
  linearizabilityText,
  MODEL_NAMES,
  type ModelName,
} from '../../engine/history/index.js';

interface CheckOptions {
  model?: string;
  json?: boolean;
  maxSteps?: string;
}

export async function run(file: string, opts: CheckOptions = {}): Promise<number> {
  if (opts.model !== undefined && !(MODEL_NAMES as string[]).includes(opts.model)) {
    throw new UsageError(`--model must be one of ${MODEL_NAMES.join(', ')}, got '${opts.model}'`);
  }
  const maxSteps = opts.maxSteps === undefined ? undefined : Number(opts.maxSteps);
  if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps > 0)) throw new UsageError(`--max-steps must be a positive integer, got '${opts.maxSteps}'`);
  const say = (text: string, code: number, json: unknown) => {
    process.stdout.write(opts.json ? JSON.stringify(json, (_k, v) => (v === Infinity ? null : v), 2) + '\n' : text);
    return code;
  };
  let events;
  try {
    events = readTrace(file);
  } catch (err) {
    if (!(err instanceof TraceFormatError)) throw err;
    return say(`unknown: cannot read the trace: ${err.message}\n`, 2, { verdict: 'unknown', reason: err.message });
  }
  const meta = events[0]?.type === 'meta' ? events[0] : undefined;
  const history = buildHistory(events);
  if (history.operations.length === 0 && history.problems.length === 0) {
    const reason = 'nothing to judge: the trace has no client operations (a run without clients, or a paxlab-trace/1 trace)';
    return say(`unknown: ${reason}\n`, 2, { verdict: 'unknown', reason });
  }
  const model = (opts.model ?? meta?.model) as ModelName | undefined;
  const lin = checkLinearizability(history, { ...(model ? { model } : {}), ...(maxSteps ? { maxSteps } : {}) });
  const once = lin.model === 'kv' ? checkExactlyOnce(history) : null;
  const code = lin.verdict === 'illegal' || (once && !once.ok) ? 1 : lin.verdict === 'unknown' ? 2 : 0;
  const text = linearizabilityText(lin) + (once ? exactlyOnceText(once) : '');
  return say(text, code, { verdict: code === 0 ? 'ok' : code === 1 ? 'illegal' : 'unknown', linearizability: lin, ...(once ? { exactlyOnce: once } : {}) });
}
