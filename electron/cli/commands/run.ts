/**
 * `paxlab run`: one single-decree Paxos instance on a real cluster of node processes (or, with --sim,
 * in the simulator), then a per-node report of who decided what. Exit 0 when every live node decided
 * and all agree, 1 otherwise. A node lost during start-up is reported and the run goes on with the
 * others; a cluster that cannot start at all exits 2 with one line saying why.
 */
import type { Value } from '@paxlab/sdk';
import { UsageError } from '../main.js';
import { FaultSpecError, parseFaultSpec } from '../../engine/faults/index.js';
import { writeTrace } from '../../engine/trace/io.js';
import type { SingleDecreeRunOutcome } from '../../engine/single-decree-run.js';
import { parseWorkloadText, planWorkload, validateWorkloadSpec, WorkloadSpecError, type WorkloadSpec } from '../../engine/clients/index.js';
import { checkExactlyOnce, checkLinearizability, exactlyOnceText, linearizabilityText } from '../../engine/history/index.js';
import { readFileSync } from 'node:fs';

interface RunOptions {
  nodes: string;
  propose?: string[];
  clients?: string;
  workload: string;
  loss: string;
  dup: string;
  delay?: string;
  seed: string;
  sim?: boolean;
  trace?: string;
  timeout: string;
  crash?: string[];
}

type RunOutcome = SingleDecreeRunOutcome;

function number(flag: string, text: string, min: number, max: number, integer = false): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got '${text}'`);
  }
  return v;
}

function parseSchedule(specs: string[], n: number) {
  try {
    return parseFaultSpec(specs, Array.from({ length: n }, (_, i) => i + 1));
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UsageError(err.message);
    throw err;
  }
}

function parseDelay(text: string | undefined): [number, number] | undefined {
  if (!text) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`--delay must look like 5 or 1-20 (milliseconds), got '${text}'`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (max < min) throw new UsageError(`--delay range is inverted: '${text}'`);
  return [min, max];
}

export async function run(opts: RunOptions): Promise<number> {
  const config = {
    nodes: number('nodes', opts.nodes, 1, 15, true),
    propose: [] as Value[],
    loss: number('loss', opts.loss, 0, 0.9),
    dup: number('dup', opts.dup, 0, 1),
    delay: parseDelay(opts.delay),
    seed: number('seed', opts.seed, 0, 2 ** 31 - 1, true),
    timeoutMs: number('timeout', opts.timeout, 100, 600_000, true),
  };
  const schedule = opts.crash?.length ? parseSchedule(opts.crash, config.nodes) : undefined;
  const clientCount = opts.clients === undefined ? 0 : number('clients', opts.clients, 1, 100, true);
  const clients = clientCount > 0 ? { plan: planWorkload(workloadSpec(opts.workload), clientCount, config.seed) } : undefined;
  config.propose = opts.propose ?? (clients ? [] : ['x']);
  if (config.propose.length === 0 && !clients) throw new UsageError('--propose needs at least one value');
  const withClients = { ...config, schedule, ...(clients ? { clients } : {}) };

  let outcome: RunOutcome;
  if (opts.sim) {
    const { runSingleDecreeSim } = await import('../../engine/sim/index.js');
    outcome = await runSingleDecreeSim(withClients);
  } else {
    const { runSingleDecreeCluster } = await import('../../engine/cluster/index.js');
    try {
      outcome = await runSingleDecreeCluster(withClients);
    } catch (err) {
      // The cluster could not start at all (no node came up, or the node program cannot run), or a
      // fault schedule entry failed: one line that says why, not a stack trace. Every temporary
      // folder is already gone.
      process.stderr.write(`paxlab run: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }

  if (opts.trace) writeTrace(opts.trace, outcome.trace);
  process.stdout.write(formatOutcome(outcome, config.nodes, opts.sim ? 'simulator' : 'real cluster', opts.trace));
  let historyOk = true;
  if (clients) {
    const lin = checkLinearizability(outcome.trace, { model: clients.plan.model });
    const once = clients.plan.model === 'kv' ? checkExactlyOnce(outcome.trace) : null;
    process.stdout.write('history: ' + linearizabilityText(lin) + (once ? exactlyOnceText(once) : ''));
    historyOk = lin.verdict !== 'illegal' && (once?.ok ?? true);
  }
  return verdict(outcome).ok && historyOk ? 0 : 1;
}

/** `kv:keys=2,ops=50`, or a JSON file holding a workload (explicit operation lists). */
function workloadSpec(text: string): WorkloadSpec {
  try {
    if (text.endsWith('.json')) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(text, 'utf8'));
      } catch (err) {
        throw new UsageError(`--workload ${text}: ${(err as Error).message}`);
      }
      return validateWorkloadSpec(json);
    }
    return parseWorkloadText(text);
  } catch (err) {
    if (err instanceof WorkloadSpecError) throw new UsageError(err.message);
    throw err;
  }
}

/** Every live node decided and all decisions agree. */
export function verdict(outcome: RunOutcome): { ok: boolean; values: Set<Value> } {
  const values = new Set(outcome.decisions.values());
  const allLiveDecided = outcome.live.every((n) => outcome.decisions.has(n));
  return { ok: allLiveDecided && values.size === 1, values };
}

function formatOutcome(outcome: RunOutcome, n: number, where: string, traceFile?: string): string {
  const lines = [`single-decree Paxos, ${n} nodes, ${where}:`];
  const live = new Set(outcome.live);
  const lost = new Map((outcome.lostAtStart ?? []).map((f) => [f.node, f.reason]));
  const messages = outcome.trace.filter((e) => e.type === 'send').length;
  const drops = outcome.trace.filter((e) => e.type === 'drop').length;
  for (let id = 1; id <= n; id++) {
    const decided = outcome.decisions.get(id);
    const state = live.has(id) ? 'up  ' : lost.has(id) ? 'lost' : 'down';
    const what = decided !== undefined ? `decided ${JSON.stringify(decided)}` : lost.has(id) ? `lost during start-up: ${lost.get(id)}` : 'no decision';
    lines.push(`  node ${id} [${state}] ${what}`);
  }
  const { ok, values } = verdict(outcome);
  lines.push(
    ok
      ? `every live node decided ${JSON.stringify([...values][0])} (${messages} messages sent, ${drops} dropped)`
      : values.size > 1
        ? `DISAGREEMENT: nodes decided ${[...values].map((v) => JSON.stringify(v)).join(' and ')}`
        : `not every live node decided (${messages} messages sent, ${drops} dropped)`,
  );
  if (traceFile) lines.push(`trace written to ${traceFile} (${outcome.trace.length} events)`);
  return lines.join('\n') + '\n';
}
