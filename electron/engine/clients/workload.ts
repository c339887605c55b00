/**
 * Workloads: what each client does. Seeded random workloads for a key-value store, a lock service
 * and the command log, or explicit per-client lists; written in lab and scenario JSON, or on the
 * command line as `kv:keys=2,ops=50`.
 */
import { type ClientId, type ModelName, type Op, opProblem, modelFor } from '../history/index.js';
import { Rng } from '../net/rng.js';

export type WorkloadSpec =
  /** Random get/put/append/cas over `keys` keys; with mix `append`, only appends and reads (exactly-once). */
  | { kind: 'kv'; keys?: number; ops?: number; mix?: 'all' | 'append' }
  /** Acquire and release of `locks` named locks, in turn. */
  | { kind: 'lock'; locks?: number; ops?: number }
  /** Each operation appends a command named after its client: m1 (one op each) or m1.1, m1.2, … */
  | { kind: 'log'; ops?: number }
  /** Exactly these operations, per client. */
  | { kind: 'explicit'; model: ModelName; clients: Record<ClientId, Op[]> };

/** What a run's clients will do, decided before it starts (a function of the spec, the count and the seed). */
export interface ClientPlan {
  model: ModelName;
  /** Client ids c1..ck, each with its operations in order. */
  clients: Array<{ id: ClientId; ops: Op[] }>;
  /** Reads of every appended key, made by c1 once all clients are done (the exactly-once check needs them). */
  finalReads: Op[];
  /** The spec as text, for the trace's meta line. */
  text: string;
}

export class WorkloadSpecError extends Error {
  override name = 'WorkloadSpecError';
}

export const WORKLOAD_HELP = 'kv:keys=K,ops=N[,mix=append]  lock:locks=L,ops=N  log:ops=N  (N operations per client)';

const DEFAULT_OPS = { kv: 20, lock: 10, log: 1 } as const;

/** `kv:keys=2,ops=50` → a spec. */
export function parseWorkloadText(text: string): WorkloadSpec {
  const m = /^(kv|lock|log)(?::(.*))?$/.exec(text.trim());
  if (!m) throw new WorkloadSpecError(`bad workload '${text}': expected ${WORKLOAD_HELP}`);
  const kind = m[1] as 'kv' | 'lock' | 'log';
  const fields: Record<string, unknown> = { kind };
  for (const part of (m[2] ?? '').split(',').filter(Boolean)) {
    const kv = /^([a-z]+)=(.+)$/.exec(part.trim());
    if (!kv) throw new WorkloadSpecError(`bad workload setting '${part}' in '${text}': expected name=value (${WORKLOAD_HELP})`);
    fields[kv[1]] = /^\d+$/.test(kv[2]) ? Number(kv[2]) : kv[2];
  }
  return validateWorkloadSpec(fields);
}

/** Check a spec that came from JSON; throws WorkloadSpecError naming what is wrong. */
export function validateWorkloadSpec(input: unknown): WorkloadSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new WorkloadSpecError('a workload is an object with a kind');
  const w = input as Record<string, unknown>;
  const allowed: Record<string, string[]> = { kv: ['keys', 'ops', 'mix'], lock: ['locks', 'ops'], log: ['ops'], explicit: ['model', 'clients'] };
  const kind = w.kind as string;
  if (!(kind in allowed)) throw new WorkloadSpecError(`unknown workload kind ${JSON.stringify(w.kind)} (known: kv, lock, log, explicit)`);
  for (const k of Object.keys(w)) if (k !== 'kind' && !allowed[kind].includes(k)) throw new WorkloadSpecError(`${kind} workload: unknown setting '${k}' (known: ${allowed[kind].join(', ')})`);
  const count = (k: string, max: number) => {
    const v = w[k];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new WorkloadSpecError(`${kind} workload: ${k} must be an integer in 1..${max}, got ${JSON.stringify(v)}`);
  };
  count('ops', 100_000);
  count('keys', 1000);
  count('locks', 1000);
  if (w.mix !== undefined && w.mix !== 'all' && w.mix !== 'append') throw new WorkloadSpecError(`kv workload: mix must be 'all' or 'append', got ${JSON.stringify(w.mix)}`);
  if (kind !== 'explicit') return w as WorkloadSpec;
  if (w.model !== 'kv' && w.model !== 'lock' && w.model !== 'log') throw new WorkloadSpecError(`explicit workload: model must be kv, lock or log, got ${JSON.stringify(w.model)}`);
  const clients = w.clients;
  if (typeof clients !== 'object' || clients === null || Array.isArray(clients) || Object.keys(clients).length === 0) {
    throw new WorkloadSpecError('explicit workload: clients must map client ids (c1, c2, …) to lists of operations');
  }
  const ids = Object.keys(clients);
  ids.forEach((id, i) => {
    if (id !== `c${i + 1}`) throw new WorkloadSpecError(`explicit workload: clients must be named c1, c2, … in order, got ${ids.join(', ')}`);
    const ops = (clients as Record<string, unknown>)[id];
    if (!Array.isArray(ops)) throw new WorkloadSpecError(`explicit workload: ${id}'s operations must be a list`);
    ops.forEach((op, j) => {
      const bad = opProblem(op);
      if (bad) throw new WorkloadSpecError(`explicit workload: ${id} operation ${j + 1}: ${bad}`);
      const model = modelFor((op as Op).f);
      if (model !== w.model) throw new WorkloadSpecError(`explicit workload: ${id} operation ${j + 1} (${(op as Op).f}) is not a ${String(w.model)} operation`);
      if ((op as Op).f === 'exec' && /\s/.test((op as { value: string }).value)) {
        throw new WorkloadSpecError(`explicit workload: ${id} operation ${j + 1}: a log command has no spaces (the log travels as commands separated by spaces)`);
      }
    });
  });
  return w as WorkloadSpec;
}

/** The spec as text (explicit workloads as `explicit:<model>`). */
export function workloadText(spec: WorkloadSpec): string {
  if (spec.kind === 'explicit') return `explicit:${spec.model}`;
  const parts = Object.entries(spec).filter(([k, v]) => k !== 'kind' && v !== undefined).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `${spec.kind}:${parts.join(',')}` : spec.kind;
}

/** Decide every client's operations: `clients` clients for a random spec (the explicit spec names its own). */
export function planWorkload(spec: WorkloadSpec, clients: number, seed: number): ClientPlan {
  if (spec.kind === 'explicit') {
    const list = Object.entries(spec.clients).map(([id, ops]) => ({ id, ops: ops.map((o) => ({ ...o })) }));
    return { model: spec.model, clients: list, finalReads: finalReadsOf(list.flatMap((c) => c.ops)), text: workloadText(spec) };
  }
  if (!Number.isInteger(clients) || clients < 1 || clients > 100) throw new WorkloadSpecError(`the number of clients must be an integer in 1..100, got ${clients}`);
  const rng = new Rng(seed ^ 0x5eed);
  const n = spec.ops ?? DEFAULT_OPS[spec.kind];
  const list = Array.from({ length: clients }, (_, k) => {
    const id = `c${k + 1}`;
    const r = rng.fork();
    if (spec.kind === 'lock') {
      // Acquire and release in turn, each pair on one lock.
      const ops: Op[] = [];
      for (let i = 0; i < n; i += 2) {
        const key = `L${1 + r.int(0, (spec.locks ?? 1) - 1)}`;
        ops.push({ f: 'acquire', key });
        if (i + 1 < n) ops.push({ f: 'release', key });
      }
      return { id, ops };
    }
    return { id, ops: Array.from({ length: n }, (_, i) => randomOp(spec, id, k + 1, i + 1, n, r)) };
  });
  const model: ModelName = spec.kind;
  return { model, clients: list, finalReads: model === 'kv' ? finalReadsOf(list.flatMap((c) => c.ops)) : [], text: workloadText(spec) };
}

function finalReadsOf(ops: Op[]): Op[] {
  const keys = [...new Set(ops.filter((o) => o.f === 'append').map((o) => (o as { key: string }).key))].sort();
  return keys.map((key) => ({ f: 'get', key }));
}

function randomOp(spec: Extract<WorkloadSpec, { kind: 'kv' | 'log' }>, client: ClientId, k: number, i: number, n: number, r: Rng): Op {
  switch (spec.kind) {
    case 'log':
      return { f: 'exec', value: n === 1 ? `m${k}` : `m${k}.${i}` };
    case 'kv': {
      const key = `k${1 + r.int(0, (spec.keys ?? 1) - 1)}`;
      const x = r.next();
      const token = `${client}.${i}`;
      if (spec.mix === 'append') return x < 0.4 ? { f: 'get', key } : { f: 'append', key, value: `[${token}]` };
      if (x < 0.3) return { f: 'get', key };
      if (x < 0.5) return { f: 'put', key, value: token };
      if (x < 0.85) return { f: 'append', key, value: `[${token}]` };
      return { f: 'cas', key, from: r.next() < 0.5 ? null : `${client}.${Math.max(1, i - 1)}`, to: token };
    }
  }
}

