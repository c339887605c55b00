// Single-decree Paxos (the reference SingleDecreeNode) on real node processes over real TCP, under
// the faults of the lecture's chapters: loss and duplication, a leader crash, a partition, a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster } from '../../electron/engine/cluster/index.js';
import type { Cluster } from '../../electron/engine/cluster/index.js';
import type { SendEvent, TraceEvent } from '../../electron/engine/trace/events.js';
import { WIRE_VERSION } from '../../electron/engine/cluster/protocol.js';
import { RawNode, until } from './helpers.js';

const clusters: Cluster[] = [];
const raws: RawNode[] = [];
function cluster(...args: Parameters<typeof startCluster>): Cluster {
  const c = startCluster(...args);
  clusters.push(c);
  return c;
}
afterEach(async () => {
  for (const r of raws.splice(0)) r.close();
  await Promise.all(clusters.splice(0).map((c) => c.shutdown()));
});

const allDecided = (nodes: number[]) => (c: Cluster) => nodes.every((n) => c.decisions().has(n));
const values = (c: Cluster) => new Set(c.decisions().values());

describe('single-decree Paxos on a real cluster', () => {
  it('decides one value under 30% loss and 30% duplication', async () => {
    const c = cluster({ nodes: 5, seed: 11, network: { loss: 0.3, dup: 0.3, minDelayMs: 1, maxDelayMs: 5 } });
    await c.ready;
    c.clientRequest(1, 'apple');
    c.clientRequest(3, 'banana');
    await c.waitFor(allDecided(c.nodes), 20_000);
    expect(values(c).size).toBe(1);
    const drops = c.trace.filter((e) => e.type === 'drop' && e.reason === 'loss').length;
    const dups = c.trace.filter((e) => e.type === 'duplicate').length;
    expect(drops).toBeGreaterThan(0);
    expect(dups).toBeGreaterThan(0);
    expect(c.trace.filter((e) => e.type === 'error')).toEqual([]);
  });

  /**
   * Crash node 1 (the leader) right as it sends its first accept, which reaches only `reach`.
   * Resolves with that accept's round.
   */
  function crashLeaderAtAccept(c: Cluster, reach: number[]): Promise<number> {
    return new Promise<number>((resolve) => {
      const off = c.subscribe((e) => {
        if (e.type !== 'send' || e.from !== 1 || e.msg.kind !== 'accept') return;
        off();
        const rnd = e.msg.rnd as number;
        // Listeners run before the hub routes this message, so the cut applies to this accept.
        for (const n of c.nodes) if (n !== 1 && !reach.includes(n)) c.setLink(1, n, false);
        void c.crash(1).then(() => resolve(rnd));
      });
    });
  }

  it('after the leader crashes with its value chosen, the others decide that value', async () => {
    const c = cluster({ nodes: 5, seed: 5, network: { minDelayMs: 2, maxDelayMs: 6 } });
    await c.ready;
    const crashed = crashLeaderAtAccept(c, [2, 3, 4]);
    c.clientRequest(2, 'from-2');
    c.clientRequest(1, 'from-1');
    const rnd = await crashed;
    await c.waitFor(allDecided([2, 3, 4, 5]), 20_000);
    // Chosen: the accept of node 1's round reached a majority of acceptors (2, 3 and 4 at least).
    const reached = new Set(c.trace.filter((e) => e.type === 'deliver' && e.msg.kind === 'accept' && e.msg.rnd === rnd).map((e) => (e as { to: number }).to));
    expect([2, 3, 4].every((n) => reached.has(n))).toBe(true);
    expect(reached.has(5)).toBe(false);
    // Whichever request the leader took first is the chosen value, and the survivors decide exactly it.
    const chosen = c.trace.find((e): e is SendEvent => e.type === 'send' && e.from === 1 && e.msg.kind === 'accept' && e.msg.rnd === rnd)!;
    expect(['from-1', 'from-2']).toContain(chosen.msg.val);
    expect(values(c)).toEqual(new Set([chosen.msg.val]));
    expect(c.isRunning(1)).toBe(false);
  });

  it('after the leader crashes mid-round, a new leader runs a round and all agree', async () => {
    const c = cluster({ nodes: 5, seed: 6, network: { minDelayMs: 2, maxDelayMs: 6 } });
    await c.ready;
    const crashed = crashLeaderAtAccept(c, [2]);
    c.clientRequest(2, 'from-2');
    c.clientRequest(1, 'from-1');
    await crashed;
    await c.waitFor(allDecided([2, 3, 4, 5]), 20_000);
    expect(values(c).size).toBe(1);
    // The accept reached too few acceptors: a new leader had to run a round of its own after the crash.
    const crash = c.trace.find((e) => e.type === 'crash' && e.node === 1)!;
    expect(c.trace.some((e) => e.seq > crash.seq && e.type === 'send' && e.from !== 1 && e.msg.kind === 'prepare')).toBe(true);
  });

  it('a minority partition decides nothing, then heals and converges on the majority value', async () => {
    const c = cluster({ nodes: 5, seed: 2 });
    await c.ready;
    c.partition([
      [1, 2],
      [3, 4, 5],
    ]);
    c.clientRequest(1, 'minority');
    c.clientRequest(3, 'majority');
    await c.waitFor(allDecided([3, 4, 5]), 20_000);
    expect(values(c)).toEqual(new Set(['majority']));
    // Keep the minority apart a while longer: it must not decide on its own.
    await new Promise((r) => setTimeout(r, 600));
    expect(c.decisions().has(1) || c.decisions().has(2)).toBe(false);
    expect(c.trace.some((e) => e.type === 'drop' && e.reason === 'partition')).toBe(true);
    c.heal();
    await c.waitFor(allDecided(c.nodes), 20_000);
    expect(values(c)).toEqual(new Set(['majority']));
  });

  it('a restarted acceptor keeps its promise and refuses a lower prepare', async () => {
    const c = cluster({ nodes: 3, seed: 4 });
    await c.ready;
    // The test takes node 1's place and speaks the wire protocol itself.
    await c.crash(1);
    const me = await RawNode.connect(c.hubPort);
    raws.push(me);
    me.send({ type: 'hello', version: WIRE_VERSION, token: c.token, node: 1 });
    expect(await me.next((f) => f.type === 'welcome')).not.toBeNull();
    const promiseFor = (rnd: number) => (f: Record<string, unknown>) =>
      f.type === 'deliver' && f.from === 3 && (f.msg as { kind: string; rnd: number }).kind === 'promise' && (f.msg as { rnd: number }).rnd === rnd;

    me.send({ type: 'send', to: 3, msg: { kind: 'prepare', from: 1, crnd: 7 } });
    expect(await me.next(promiseFor(7))).not.toBeNull();

    await c.crash(3);
    await c.restart(3);
    const snap = await c.snapshot(3);
    // At least 7: node 2, leading while node 1 is silent, may meanwhile have had round 8 promised.
    expect((snap.state as { acceptor: { rnd: number } }).acceptor.rnd).toBeGreaterThanOrEqual(7);
    expect(JSON.stringify(snap.storage)).toContain('"crnd":7');

    me.send({ type: 'send', to: 3, msg: { kind: 'prepare', from: 1, crnd: 4 } });
    me.send({ type: 'send', to: 3, msg: { kind: 'prepare', from: 1, crnd: 10 } });
    // Node 3 answers the higher prepare; the lower one, sent first, got no promise.
    expect(await me.next(promiseFor(10))).not.toBeNull();
    expect(me.frames.some(promiseFor(4))).toBe(false);
    const ordered = c.trace.filter((e): e is Extract<TraceEvent, { type: 'crash' | 'restart' }> => (e.type === 'crash' || e.type === 'restart') && e.node === 3);
    expect(ordered.map((e) => e.type)).toEqual(['crash', 'restart']);
  });

  it('plays a fault schedule on real time', async () => {
    const c = cluster({ nodes: 3, seed: 8 });
    await c.ready;
    await c.runSchedule([
      { at: 0, action: 'partition', groups: [[1], [2, 3]] },
      { at: 20, action: 'request', node: 2, value: 'scheduled' },
      { at: 40, action: 'crash', node: 3 },
      { at: 60, action: 'heal' },
      { at: 80, action: 'restart', node: 3 },
    ]);
    await c.waitFor(allDecided(c.nodes), 20_000);
    expect(values(c)).toEqual(new Set(['scheduled']));
    const kinds = c.trace.filter((e) => ['partition', 'client-request', 'crash', 'heal', 'restart'].includes(e.type)).map((e) => e.type);
    expect(kinds).toEqual(['partition', 'client-request', 'crash', 'heal', 'restart']);
    await expect(c.runSchedule([{ at: 0, action: 'crash', node: 9 }] as never)).rejects.toThrow(/node 9 is not in the cluster/);
  });
});
