// The simulator: virtual time, determinism, the network's faults, crash/restart, stop conditions.
import { describe, expect, it } from 'vitest';
import type { ClientRequest, NodeContext, NodeId, PaxosNode } from '@paxlab/sdk';
import { Simulation, runSingleDecreeSim } from '../../electron/engine/sim/index.js';
import { serializeTrace } from '../../electron/engine/trace/io.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';

type Msg = { kind: string; [k: string]: unknown };

/** A scriptable test node: behaviour is given per test through static hooks. */
class Probe implements PaxosNode<Msg> {
  static onStart: (ctx: NodeContext<Msg>) => void = () => {};
  static onMessage: (ctx: NodeContext<Msg>, from: NodeId, msg: Msg) => void = () => {};
  static onTimer: (ctx: NodeContext<Msg>, name: string) => void = () => {};
  static onRequest: (ctx: NodeContext<Msg>, r: ClientRequest) => void = () => {};
  static starts = 0;
  constructor(readonly ctx: NodeContext<Msg>) {}
  onStart() {
    Probe.starts++;
    Probe.onStart(this.ctx);
  }
  onMessage(from: NodeId, msg: Msg) {
    Probe.onMessage(this.ctx, from, msg);
  }
  onTimer(name: string) {
    Probe.onTimer(this.ctx, name);
  }
  onClientRequest(r: ClientRequest) {
    Probe.onRequest(this.ctx, r);
  }
}

function probe(hooks: Partial<Pick<typeof Probe, 'onStart' | 'onMessage' | 'onTimer' | 'onRequest'>>, opts: Partial<ConstructorParameters<typeof Simulation>[0]> = {}) {
  Probe.onStart = hooks.onStart ?? (() => {});
  Probe.onMessage = hooks.onMessage ?? (() => {});
  Probe.onTimer = hooks.onTimer ?? (() => {});
  Probe.onRequest = hooks.onRequest ?? (() => {});
  Probe.starts = 0;
  return new Simulation({ nodes: 3, nodeClass: Probe, seed: 1, ...opts });
}

const of = <T extends TraceEvent['type']>(trace: TraceEvent[], type: T) =>
  trace.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

describe('simulator', () => {
  it('the same seed gives the same trace byte for byte; another seed gives another', () => {
    const once = (seed: number) => {
      const s = new Simulation({
        nodes: 5,
        nodeClass: SingleDecreeNode,
        seed,
        network: { loss: 0.25, dup: 0.2, minDelayMs: 1, maxDelayMs: 12 },
        schedule: [
          { at: 3, action: 'crash', node: 1 },
          { at: 40, action: 'partition', groups: [[1, 2], [3, 4, 5]] },
          { at: 90, action: 'restart', node: 1 },
          { at: 150, action: 'heal' },
        ],
      });
      s.clientRequest(1, 'a');
      s.clientRequest(4, 'b', 10);
      s.runUntil({ allDecided: true, timeMs: 10_000 });
      return serializeTrace(s.trace);
    };
    const a = once(42);
    expect(a.split('\n').length).toBeGreaterThan(100);
    expect(once(42)).toBe(a);
    expect(once(43)).not.toBe(a);
  });

  it('events are in virtual-time order and each delivery falls in the delay range after its send', () => {
    const s = new Simulation({ nodes: 5, nodeClass: SingleDecreeNode, seed: 9, network: { minDelayMs: 3, maxDelayMs: 9 } });
    s.clientRequest(2, 'x');
    s.runUntil({ allDecided: true, timeMs: 5_000 });
    const t = s.trace.map((e) => e.t);
    expect(t).toEqual([...t].sort((x, y) => x - y));
    const sentAt = new Map(of(s.trace, 'send').map((e) => [e.id, e]));
    for (const d of of(s.trace, 'deliver')) {
      const send = sentAt.get(d.id)!;
      const delay = d.t - send.t;
      if (send.from === send.to) expect(delay).toBe(3);
      else expect(delay >= 3 && delay <= 9).toBe(true);
    }
    expect(s.trace.map((e) => e.seq)).toEqual(s.trace.map((_, i) => i));
  });

  it('timers due at the same time fire in the order they were armed; re-arming and cancelling work', () => {
    const s = probe({
      onStart: (ctx) => {
        if (ctx.id !== 1) return;
        ctx.setTimer('b', 10);
        ctx.setTimer('a', 10);
        ctx.setTimer('c', 10);
        ctx.setTimer('moved', 5);
        ctx.setTimer('moved', 20);
        ctx.setTimer('gone', 7);
        ctx.cancelTimer('gone');
      },
    });
    expect(s.runUntil({ timeMs: 100 }).reason).toBe('idle');
    expect(s.now).toBe(100);
    expect(of(s.trace, 'timer').map((e) => [e.t, e.name])).toEqual([[10, 'b'], [10, 'a'], [10, 'c'], [20, 'moved']]);
  });

  it('a crash drops in-flight messages on arrival, its timers, and messages sent while it is down', () => {
    const s = probe({
      onStart: (ctx) => {
        if (ctx.id === 2) ctx.setTimer('t', 50);
        if (ctx.id === 1) ctx.send(2, { kind: 'early' });
      },
      onTimer: (ctx) => ctx.send(1, { kind: 'from-timer' }),
    }, { network: { minDelayMs: 10, maxDelayMs: 10 } });
    s.runUntil({ timeMs: 5 });
    s.crash(2);
    s.runUntil({ timeMs: 60 });
    expect(of(s.trace, 'drop')).toMatchObject([{ from: 1, to: 2, reason: 'crashed', t: 10 }]);
    expect(of(s.trace, 'timer')).toEqual([]);
    expect(of(s.trace, 'deliver')).toEqual([]);
    // While down, sends to it are dropped at once with reason 'down'.
    Probe.onRequest = (ctx) => ctx.send(2, { kind: 'late' });
    s.clientRequest(1, 'go');
    expect(of(s.trace, 'drop').at(-1)).toMatchObject({ reason: 'down', t: 60 });
    expect(s.live()).toEqual([1, 3]);
  });

  it('restart builds a new instance on the same storage; messages to the old life stay lost', () => {
    const s = probe({
      onStart: (ctx) => {
        const n = (ctx.storage.load<number>() ?? 0) + 1;
        ctx.storage.save(n);
        ctx.log(`life ${n}`);
        if (ctx.id === 1 && n === 1) ctx.send(3, { kind: 'to-old-life' });
      },
    }, { network: { minDelayMs: 10, maxDelayMs: 10 } });
    s.runUntil({ timeMs: 2 });
    s.crash(3);
    s.restart(3);
    s.runUntil({ timeMs: 20 });
    expect(of(s.trace, 'log').filter((e) => e.node === 3).map((e) => e.text)).toEqual(['life 1', 'life 2']);
    expect(of(s.trace, 'drop')).toMatchObject([{ to: 3, reason: 'crashed' }]);
    expect(Probe.starts).toBe(4);
    expect(() => s.restart(3)).toThrow(/is up/);
    s.crash(3);
    expect(() => s.crash(3)).toThrow(/already down/);
  });

  it('a partition drops messages between groups (also those in flight) until heal', () => {
    const s = probe({
      onMessage: (ctx, from, msg) => {
        if (msg.kind === 'ping') ctx.send(from, { kind: 'pong' });
      },
      onRequest: (ctx) => ctx.broadcast({ kind: 'ping' }, { includeSelf: false }),
    }, { network: { minDelayMs: 10, maxDelayMs: 10 } });
    s.clientRequest(1, 'go'); // pings in flight to 2 and 3
    s.runUntil({ timeMs: 5 });
    s.partition([[1, 2], [3]]);
    s.runUntil({ timeMs: 50 });
    expect(of(s.trace, 'drop').map((e) => [e.from, e.to, e.reason])).toEqual([[1, 3, 'partition']]);
    expect(of(s.trace, 'deliver').map((e) => [e.from, e.to])).toEqual([[1, 2], [2, 1]]);
    s.heal();
    s.clientRequest(1, 'again');
    s.runUntil({ timeMs: 100 });
    expect(of(s.trace, 'deliver').filter((e) => e.t > 50).length).toBe(4);
    expect(of(s.trace, 'partition')[0].groups).toEqual([[1, 2], [3]]);
    expect(of(s.trace, 'heal')).toHaveLength(1);
  });

  it('a cut link drops with reason link-cut in both directions until restored', () => {
    const s = probe({ onRequest: (ctx) => ctx.broadcast({ kind: 'hi' }, { includeSelf: false }) });
    s.setLink(1, 2, false);
    s.clientRequest(1, 'a');
    s.clientRequest(2, 'b');
    s.runUntil({ timeMs: 50 });
    expect(of(s.trace, 'drop').map((e) => [e.from, e.to, e.reason])).toEqual([[1, 2, 'link-cut'], [2, 1, 'link-cut']]);
    s.setLink(1, 2, true);
    s.clientRequest(1, 'c');
    s.runUntil({ timeMs: 100 });
    expect(of(s.trace, 'drop')).toHaveLength(2);
    expect(of(s.trace, 'link').map((e) => e.up)).toEqual([false, true]);
  });

  it('loss 1 loses every message between nodes (not to self); dup 1 duplicates every one', () => {
    const lossy = probe({ onRequest: (ctx) => ctx.broadcast({ kind: 'm' }) }, { network: { loss: 1 } });
    lossy.clientRequest(1, 'go');
    lossy.runUntil({ timeMs: 50 });
    expect(of(lossy.trace, 'drop').map((e) => [e.to, e.reason])).toEqual([[2, 'loss'], [3, 'loss']]);
    expect(of(lossy.trace, 'deliver').map((e) => e.to)).toEqual([1]);

    const dupy = probe({ onRequest: (ctx) => ctx.broadcast({ kind: 'm' }, { includeSelf: false }) }, { network: { dup: 1 } });
    dupy.clientRequest(1, 'go');
    dupy.runUntil({ timeMs: 50 });
    expect(of(dupy.trace, 'duplicate')).toHaveLength(2);
    expect(of(dupy.trace, 'deliver').map((e) => [e.to, e.copy]).sort()).toEqual([[2, 0], [2, 1], [3, 0], [3, 1]]);
  });

  it('a handler that throws becomes an error event and the run goes on', () => {
    const s = probe({
      onMessage: (ctx, from) => {
        if (ctx.id === 2) throw new Error('kaput');
        ctx.decide('ok');
      },
      onRequest: (ctx) => ctx.broadcast({ kind: 'm' }, { includeSelf: false }),
    });
    s.clientRequest(1, 'go');
    s.runUntil({ timeMs: 50 });
    expect(of(s.trace, 'error')).toMatchObject([{ node: 2, message: 'onMessage threw: kaput' }]);
    expect(s.decisions()).toEqual(new Map([[3, 'ok']]));
  });

  it('bad sends and bad timers are reported as errors, not crashes', () => {
    const s = probe({
      onStart: (ctx) => {
        if (ctx.id !== 1) return;
        ctx.send(9, { kind: 'x' });
        ctx.send(2, 'not a message' as unknown as Msg);
        ctx.setTimer('t', Number.NaN);
      },
    });
    expect(of(s.trace, 'error').map((e) => e.message)).toEqual([
      expect.stringContaining('unknown node 9'),
      expect.stringContaining('non-message'),
      expect.stringContaining("setTimer('t'"),
    ]);
  });

  it('a receiver mutating its message does not change the trace', () => {
    const s = probe({
      onStart: (ctx) => ctx.id === 1 && ctx.send(2, { kind: 'm', n: 1 }),
      onMessage: (_ctx, _from, msg) => {
        msg.n = 999;
      },
    });
    s.runUntil({ timeMs: 50 });
    expect(of(s.trace, 'deliver')[0].msg).toEqual({ kind: 'm', n: 1 });
  });

  it('stop conditions: maxEvents, quiescent, idle, and allDecided waits for scheduled actions', () => {
    const s = probe({ onStart: (ctx) => ctx.setTimer('t', 1), onTimer: (ctx) => ctx.setTimer('t', 1) });
    expect(s.runUntil({ maxEvents: 10 })).toMatchObject({ reason: 'max-events', steps: 10 });
    expect(s.runUntil({ quiescent: true })).toMatchObject({ reason: 'quiescent', steps: 0 });
    const idle = probe({});
    expect(idle.runUntil({ timeMs: 1000 }).reason).toBe('idle');
    expect(idle.now).toBe(1000);
    const d = probe({ onStart: (ctx) => ctx.decide('v') }, { schedule: [{ at: 30, action: 'crash', node: 3 }] });
    const r = d.runUntil({ allDecided: true, timeMs: 1000 });
    expect(r).toMatchObject({ reason: 'all-decided', timeMs: 30 });
    expect(d.live()).toEqual([1, 2]);
  });

  it('a request to a down node is recorded and reported lost', () => {
    const s = probe({});
    s.crash(2);
    const id = s.clientRequest(2, 'v');
    expect(of(s.trace, 'client-request')).toMatchObject([{ node: 2, request: id, value: 'v' }]);
    expect(of(s.trace, 'error')[0].message).toMatch(/lost: node 2 is down/);
  });

  it('schedules are validated up front; an entry that does not apply is an error event', () => {
    expect(() => probe({}, { schedule: [{ at: 1, action: 'crash', node: 7 }] })).toThrow(/node 7 is not in the cluster/);
    const s = probe({}, { schedule: [{ at: 5, action: 'restart', node: 1 }] });
    s.runUntil({ timeMs: 10 });
    expect(of(s.trace, 'error')[0].message).toMatch(/schedule restart at 5 ms: node 1 is up/);
  });

  it('node randomness is seeded per node: reproducible, and different between nodes', () => {
    const draws = (seed: number) => {
      const out: number[][] = [];
      probe({ onStart: (ctx) => (out[ctx.id] = [ctx.random(), ctx.random()]) }, { seed });
      return out;
    };
    expect(draws(5)).toEqual(draws(5));
    expect(draws(5)[1]).not.toEqual(draws(5)[2]);
    expect(draws(5)[1]).not.toEqual(draws(6)[1]);
  });

  it('runSingleDecreeSim decides under loss and reports decisions and live nodes', async () => {
    const out = await runSingleDecreeSim({ nodes: 5, propose: ['x', 'y'], loss: 0.2, dup: 0.1, seed: 4, timeoutMs: 10_000, schedule: [{ at: 0, action: 'crash', node: 5 }] });
    expect(out.live).toEqual([1, 2, 3, 4]);
    expect([...out.decisions.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(out.decisions.values()).size).toBe(1);
    expect(out.trace[0]).toMatchObject({ type: 'meta', source: 'sim', seed: 4, nodes: [1, 2, 3, 4, 5] });
  });
});
