/**
 * A playground cluster's trace stays within its bound while a partitioned minority keeps writing to
 * it (heartbeats and retries, slowed down by the minority's backoff to a few dozen events a second):
 * the oldest events go, seq keeps counting, decisions survive, and the app service still serves
 * `getClusterTrace(id, sinceSeq)` and exports a valid trace.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppEvent, TraceEvent } from '../../electron/api.js';
import { startCluster, type Cluster } from '../../electron/engine/cluster/index.js';
import { AppService } from '../../electron/engine/app/app-service.js';
import { createEnginePorts } from '../../electron/engine/app/engine-ports.js';
import { parseTrace } from '../../electron/engine/trace/io.js';
import { TraceIndex } from '../../renderer/src/diagram/trace-index.js';
import { emptySummaryBase, foldIntoBase, summarize } from '../../renderer/src/diagram/summary.js';
import { waitUntil as until } from '../support/wait.js';

// Small enough for the backed-off minority to overrun it several times within seconds.
const BOUND = 100;
const clusters: Cluster[] = [];
const tmps: string[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.shutdown()));
});
afterAll(() => {
  for (const t of tmps) rmSync(t, { recursive: true, force: true });
});

/** The meta line first, then seqs counting up by one from where the window starts. */
function expectWindow(trace: readonly TraceEvent[]) {
  expect(trace[0]).toMatchObject({ type: 'meta', seq: 0 });
  for (let i = 2; i < trace.length; i++) expect(trace[i].seq).toBe(trace[i - 1].seq + 1);
}

describe('a bounded cluster trace', () => {
  it('keeps the newest events within the bound, seq monotonic, decisions remembered', async () => {
    const c = startCluster({ nodes: 5, seed: 3, maxTraceEvents: BOUND });
    clusters.push(c);
    let longest = 0;
    let lastSeq = 0; // the meta line's; listeners see the events after it
    let gaps = 0;
    c.subscribe((e) => {
      longest = Math.max(longest, c.trace.length);
      if (e.seq !== lastSeq + 1) gaps++;
      lastSeq = e.seq;
    });
    await c.ready;
    // The minority side cannot decide: its heartbeats and retries keep filling the trace.
    c.partition([[1, 2, 3], [4, 5]]);
    c.clientRequest(1, 'kept');
    await c.waitFor((cl) => cl.decisions().size === 3, 15_000);
    const lastDecide = Math.max(...c.trace.filter((e) => e.type === 'decide').map((e) => e.seq));
    await c.waitFor((cl) => cl.trace[1].seq > lastDecide && cl.discardedEvents >= 3 * BOUND, 30_000);

    expect(longest).toBeLessThanOrEqual(BOUND);
    expect(c.trace.length).toBeLessThanOrEqual(BOUND);
    expect(gaps).toBe(0);
    expectWindow(c.trace);
    expect(c.trace[1].seq - 1).toBe(c.discardedEvents);
    expect(c.trace.some((e) => e.type === 'decide')).toBe(false);
    expect([...c.decisions()].sort()).toEqual([
      [1, 'kept'],
      [2, 'kept'],
      [3, 'kept'],
    ]);
  }, 60_000);

  it('is served by seq through the app service, and exports as a valid trace', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-trace-bound-'));
    tmps.push(tmp);
    const service = await AppService.create({ workspaceDir: tmp, mode: 'browser', version: 't', ports: createEnginePorts(), watch: false, maxTraceEvents: BOUND });
    const streamed = new Map<number, TraceEvent>();
    service.subscribe((e: AppEvent) => {
      if (e.type === 'cluster-events') for (const t of e.events) streamed.set(t.seq, t);
    });
    try {
      const info = await service.startCluster({ nodes: 5, seed: 4 });
      expect(info.maxTraceEvents).toBe(BOUND);
      const id = info.clusterId;
      await service.partition(id, [[1, 2, 3], [4, 5]]);
      await service.clientRequest(id, 1, 'v');
      await until(() => [...streamed.values()].filter((e) => e.type === 'decide').length === 3, 15_000, 'three decisions');
      await until(() => streamed.size > 4 * BOUND, 30_000, 'events well past the bound');

      // Back-to-back calls in one turn of the event loop see the same trace.
      const full = await service.getClusterTrace(id);
      const since = full[full.length - 40].seq;
      const tail = await service.getClusterTrace(id, since);
      const fromDiscarded = await service.getClusterTrace(id, 1);
      const beyond = await service.getClusterTrace(id, full[full.length - 1].seq + 1);
      const exported = await service.exportTrace({ clusterId: id, name: 'bounded' });

      expect(full.length).toBeLessThanOrEqual(BOUND);
      expect(full[1].seq).toBeGreaterThan(1);
      expectWindow(full);
      expect(tail.length).toBe(40);
      expect(tail[0].seq).toBe(since);
      // The stream is batched: what the calls returned has been pushed once a batch went out.
      await until(() => streamed.has(tail[tail.length - 1].seq), 5000, 'the stream to catch up');
      for (const e of tail) expect(e).toEqual(streamed.get(e.seq));
      expect(fromDiscarded).toEqual(full.slice(1));
      expect(beyond).toEqual([]);

      const parsed = parseTrace(exported.text);
      expect(parsed.length).toBe(full.length);
      expect(parsed[0]).toMatchObject({ type: 'meta', title: `playground (older ${full[1].seq - 1} events discarded)` });
      expect(parsed.map((e) => e.seq)).toEqual(parsed.map((_, i) => i));
      expect(parsed.slice(1).map((e) => e.type)).toEqual(full.slice(1).map((e) => e.type));
    } finally {
      await service.shutdown();
    }
  }, 75_000);

  it("the renderer's summary keeps what discarded events said", () => {
    const meta: TraceEvent = { type: 'meta', format: 'paxlab-trace/1', source: 'cluster', nodes: [1, 2, 3], seq: 0, t: 0, lc: 0, network: { loss: 0, dup: 0, minDelayMs: 1, maxDelayMs: 5 } };
    const discarded: TraceEvent[] = [
      { type: 'decide', node: 1, value: 'a', slot: 0, seq: 1, t: 1, lc: 1 },
      { type: 'crash', node: 3, seq: 2, t: 2, lc: 2 },
      { type: 'net', network: { loss: 0.5, dup: 0, minDelayMs: 1, maxDelayMs: 5 }, seq: 3, t: 3, lc: 3 },
    ];
    const kept: TraceEvent[] = [meta, { type: 'decide', node: 2, value: 'a', slot: 0, seq: 4, t: 4, lc: 4 }];
    const base = emptySummaryBase();
    foldIntoBase(base, discarded);
    const idx = new TraceIndex(kept);
    const s = summarize(idx, idx.length, base);
    expect([...s.decided]).toEqual([
      [1, 'a'],
      [2, 'a'],
    ]);
    expect([...s.down]).toEqual([3]);
    expect(s.network?.loss).toBe(0.5);
    // The base is not changed by summarizing from it.
    expect(base.summary.decided.size).toBe(1);
    expect(summarize(idx, idx.length).network?.loss).toBe(0);
  });
});
