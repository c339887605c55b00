/**
 * Simulator throughput: trace events per second of wall-clock time for 5-node single-decree runs of
 * the reference node under 30% loss and 10% duplication, over many seeds; plus serialization and
 * parsing speed of the resulting traces.
 */
import { Simulation } from '../../electron/engine/sim/index.js';
import { parseTrace, serializeTrace } from '../../electron/engine/trace/io.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';

function runs(seeds: number, keep: number): { events: number; ms: number; traces: TraceEvent[][] } {
  const traces: TraceEvent[][] = [];
  let events = 0;
  const t0 = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const s = new Simulation({ nodes: 5, nodeClass: SingleDecreeNode, seed, network: { loss: 0.3, dup: 0.1, minDelayMs: 1, maxDelayMs: 10 } });
    s.clientRequest(1, 'a');
    s.clientRequest(3, 'b');
    // Keep going a while after the decision so leader heartbeats and repairs are measured too.
    s.runUntil({ timeMs: 2_000 });
    events += s.trace.length;
    if (traces.length < keep) traces.push(s.trace);
  }
  return { events, ms: performance.now() - t0, traces };
}

/** Trace events per virtual second of a 2-node minority (of 5) cut off and idle, after it settled. */
function idleMinorityEventsPerSecond(): number {
  const s = new Simulation({ nodes: 5, nodeClass: SingleDecreeNode, seed: 1 });
  s.partition([[1, 2, 3], [4, 5]]);
  s.runUntil({ timeMs: 2_000 });
  const from = s.trace.length;
  s.runUntil({ timeMs: 12_000 });
  const mine = s.trace.slice(from).filter((e) => {
    const x = e as { node?: number; from?: number };
    return x.node === 4 || x.node === 5 || x.from === 4 || x.from === 5;
  });
  return mine.length / 10;
}

/** Virtual time until every node decided, with each message delayed 50–200 ms: median and max over seeds. */
function slowNetworkDecision(seeds: number): { median: number; max: number; decided: number } {
  const times: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const s = new Simulation({ nodes: 5, nodeClass: SingleDecreeNode, seed, network: { minDelayMs: 50, maxDelayMs: 200 } });
    s.clientRequest(1, 'x');
    const r = s.runUntil({ allDecided: true, timeMs: 20_000 });
    if (r.reason === 'all-decided') times.push(r.timeMs);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? NaN, max: times[times.length - 1] ?? NaN, decided: times.length };
}

export async function bench() {
  runs(50, 0); // warm up the JIT
  const { events, ms, traces } = runs(1_000, 100);
  const text = traces.slice(0, 100).map((t) => serializeTrace(t));
  const bytes = text.reduce((n, t) => n + t.length, 0);
  const s0 = performance.now();
  for (const t of traces.slice(0, 100)) serializeTrace(t);
  const serializeMs = performance.now() - s0;
  const p0 = performance.now();
  for (const t of text) parseTrace(t);
  const parseMs = performance.now() - p0;
  const slow = slowNetworkDecision(30);
  return [
    { name: 'simulator: trace events per second (5 nodes, 30% loss)', value: (events / ms) * 1000, unit: 'events/s', target: '>= 200,000', note: `${events} events in ${(ms / 1000).toFixed(2)} s over 1000 seeds` },
    { name: 'trace serialize', value: bytes / 1e6 / (serializeMs / 1000), unit: 'MB/s' },
    { name: 'idle 2-node minority of 5: trace events per virtual second', value: idleMinorityEventsPerSecond(), unit: 'events/s', target: '< 100 (tens)', note: 'about 1000 before the minority backoff' },
    { name: 'delay 50-200 ms: virtual time to decide everywhere (median)', value: slow.median, unit: 'ms', note: `max ${slow.max} ms, ${slow.decided}/30 seeds decided (none before the adaptive retransmission)` },
    { name: 'trace parse + validate', value: bytes / 1e6 / (parseMs / 1000), unit: 'MB/s' },
  ];
}
