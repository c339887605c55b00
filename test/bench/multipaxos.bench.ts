/**
 * Throughput of the reference Multi-Paxos service node on the real cluster: node processes over
 * the hub, 16 closed-loop client sessions hosted by the supervisor, commands batched per slot.
 * Each configuration warms up, then counts for a fixed wall-clock window: commands answered per
 * second, messages per command, latency from invoke to answer (p50, p99), and the CPU time every
 * process of the cluster spent per command (supervisor and hub, and each node process, read from
 * /proc), which says what the same code would do on cores of its own. docs/benchmarks.md explains
 * the figures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { planWorkload } from '../../electron/engine/clients/index.js';
import { startCluster } from '../../electron/engine/cluster/index.js';
import type { Op } from '../../electron/engine/history/index.js';

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const CLIENTS = 16;
const WARMUP_MS = 1500;
const WINDOW_MS = 5000;
const OPS_PER_CLIENT = 12_000;
const TICK_MS = 1000 / 100; // USER_HZ: /proc counts CPU time in ticks of 10 ms

/** Puts and gets over 100 keys: values stay small, so a reply's size does not grow with the run. */
function workload(): ReturnType<typeof planWorkload> {
  const clients: Record<string, Op[]> = {};
  for (let c = 1; c <= CLIENTS; c++) {
    clients[`c${c}`] = Array.from({ length: OPS_PER_CLIENT }, (_, i): Op => {
      const key = `k${(c * 7 + i) % 100}`;
      return i % 2 ? { f: 'get', key } : { f: 'put', key, value: `c${c}.${i}` };
    });
  }
  return planWorkload({ kind: 'explicit', model: 'kv', clients }, CLIENTS, 1);
}

/** CPU time (ms) a process has used, from /proc/<pid>/stat (utime + stime). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

interface Run {
  opsPerS: number;
  msgsPerOp: number;
  p50: number;
  p99: number;
  cpuUsPerOp: number;
  opsPerSlot: number;
}

/** A tmpfs folder (memory), where the nodes' journals can go; null where there is none. */
const TMPFS = '/dev/shm';

async function measure(nodes: number, alpha: number, storage: 'disk' | 'tmpfs'): Promise<Run> {
  const plan = workload();
  // `process` durability (a node's SIGKILL) is the same on either: the kernel keeps what was written.
  const storageDir = storage === 'tmpfs' ? mkdtempSync(path.join(TMPFS, 'paxlab-bench-')) : undefined;
  const cluster = startCluster({
    ...(storageDir ? { storageDir } : {}),
    nodes,
    seed: 1,
    network: { loss: 0, dup: 0, minDelayMs: 0, maxDelayMs: 0 },
    nodeProgram: { protocol: 'multi-paxos', options: { machine: 'kv', alpha, maxBatch: 64, snapshotEvery: 8 } },
    clients: { plan, timing: { timeoutMs: 2000, maxAttempts: 10 } },
    // The figures are taken from the live event stream; the trace need not keep them.
    maxTraceEvents: 50_000,
    title: `bench: multi-paxos, ${nodes} nodes, ${CLIENTS} clients`,
  });
  try {
    await cluster.ready;
    const invokedAt = new Map<string, number>();
    const latencies: number[] = [];
    let counting = false;
    let sends = 0;
    let slotsInWindow = 0;
    cluster.subscribe((e) => {
      if (e.type === 'invoke') invokedAt.set(e.request, e.t);
      else if (e.type === 'ok') {
        const t0 = invokedAt.get(e.request);
        invokedAt.delete(e.request);
        if (counting && t0 !== undefined) latencies.push(e.t - t0);
      } else if (counting && e.type === 'send') sends++;
      else if (counting && e.type === 'decide' && e.node === 1) slotsInWindow++;
    });
    cluster.startClients();
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const pids = cluster.nodes.map((n) => cluster.pid(n)!);
    const nodeCpu0 = pids.map(cpuMs);
    const ownCpu0 = process.cpuUsage();
    counting = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    counting = false;
    const ms = performance.now() - t0;
    const own = process.cpuUsage(ownCpu0);
    const nodeCpu = pids.reduce((sum, pid, i) => sum + cpuMs(pid) - nodeCpu0[i], 0);
    const ops = latencies.length;
    latencies.sort((a, b) => a - b);
    return {
      opsPerS: (ops / ms) * 1000,
      msgsPerOp: sends / ops,
      p50: latencies[Math.floor(ops * 0.5)],
      p99: latencies[Math.floor(ops * 0.99)],
      cpuUsPerOp: (((own.user + own.system) / 1000 + nodeCpu) / ops) * 1000,
      opsPerSlot: ops / Math.max(1, slotsInWindow),
    };
  } finally {
    cluster.endClients();
    await cluster.shutdown();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
  }
}

function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

export async function bench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const memory = existsSync(TMPFS);
  const configs: Array<{ nodes: number; alpha: number; storage: 'disk' | 'tmpfs'; target: boolean }> = [
    { nodes: 3, alpha: 1, storage: 'disk', target: true },
    { nodes: 5, alpha: 1, storage: 'disk', target: true },
    ...(memory
      ? [
          { nodes: 3, alpha: 1, storage: 'tmpfs' as const, target: true },
          { nodes: 5, alpha: 1, storage: 'tmpfs' as const, target: true },
          { nodes: 3, alpha: 4, storage: 'tmpfs' as const, target: false },
        ]
      : []),
  ];
  for (const { nodes, alpha, storage, target } of configs) {
    const load = loadAverage();
    const r = await measure(nodes, alpha, storage);
    const label = `${nodes} nodes, α=${alpha}, journals on ${storage === 'disk' ? 'disk' : 'tmpfs'}`;
    figures.push(
      { name: `multi-paxos ${label}: commands/s`, value: r.opsPerS, unit: 'ops/s', ...(target ? { target: '≥ 20,000' } : {}), note: `${CLIENTS} clients; load average ${load.toFixed(1)} at the start` },
      { name: `  messages per command`, value: r.msgsPerOp, unit: 'msgs/op', note: `${r.opsPerSlot.toFixed(1)} commands per slot` },
      { name: `  latency p50`, value: r.p50, unit: 'ms' },
      { name: `  latency p99`, value: r.p99, unit: 'ms' },
      { name: `  CPU per command (supervisor, hub and every node)`, value: r.cpuUsPerOp, unit: 'µs', note: `on 2 cores of its own: at most ${Math.round(2e6 / r.cpuUsPerOp).toLocaleString('en-US')} ops/s` },
    );
  }
  return figures;
}
