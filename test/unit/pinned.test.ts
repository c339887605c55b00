/**
 * Pinned executions in the simulator's scripted mode: nothing happens unless the script says so,
 * messages are picked by pattern, a step that matches nothing says which step and what is held
 * instead, scripts are checked with errors that name the step and field, and the comparison of two
 * traces ignores wall-clock time only.
 */
import { describe, expect, test } from 'vitest';
import type { ClientRequest, NodeContext, NodeId, PaxosNode } from '@paxlab/sdk';
import { firstDifference, PinnedScriptError, runPinnedSim, validatePinnedScript, type PinnedScript } from '../../electron/engine/pinned/index.js';
import { Simulation } from '../../electron/engine/sim/index.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';

interface Ping {
  kind: 'ping' | 'pong';
  n: number;
}

/** Pings its peers on start and on its `tick` timer; answers a ping with a pong; replies to clients. */
class Pinger implements PaxosNode<Ping> {
  private n = 0;
  constructor(private readonly ctx: NodeContext<Ping>) {}
  onStart(): void {
    this.ctx.setTimer('tick', 10);
    for (const p of this.ctx.nodes) if (p !== this.ctx.id) this.ctx.send(p, { kind: 'ping', n: ++this.n });
  }
  onMessage(from: NodeId, msg: Ping): void {
    if (msg.kind === 'ping') this.ctx.send(from, { kind: 'pong', n: msg.n });
  }
  onTimer(): void {
    for (const p of this.ctx.nodes) if (p !== this.ctx.id) this.ctx.send(p, { kind: 'ping', n: ++this.n });
    this.ctx.setTimer('tick', 10);
  }
  onClientRequest(r: ClientRequest): void {
    this.ctx.reply(r.id, r.value);
  }
}

const script = (steps: unknown[], extra: Record<string, unknown> = {}): PinnedScript =>
  validatePinnedScript({ format: 'paxlab-pinned/1', name: 't', title: 'test', nodes: 2, clients: { c1: [{ f: 'exec', value: 'm1' }] }, steps, ...extra });

const kinds = (trace: TraceEvent[]) => trace.filter((e) => e.type !== 'meta').map((e) => (e.type === 'send' || e.type === 'deliver' || e.type === 'drop' ? `${e.type} ${String(e.from)}>${String(e.to)} ${e.type === 'drop' ? e.reason : e.type === 'send' ? String(e.msg.kind) : String(e.msg.kind)}` : e.type === 'timer' ? `timer ${e.node} ${e.name}` : e.type));

describe('scripted simulation', () => {
  test('holds every message and fires no timer until told', () => {
    const sim = new Simulation({ nodes: 2, nodeClass: Pinger, seed: 1, scripted: {} });
    expect(sim.runUntil({ timeMs: 10_000 }).reason).toBe('idle');
    expect(sim.held().map((h) => [h.from, h.to, h.msg.kind])).toEqual([
      [1, 2, 'ping'],
      [2, 1, 'ping'],
    ]);
    expect(sim.armedTimers(1)).toEqual(['tick']);
    expect(sim.trace.filter((e) => e.type === 'deliver' || e.type === 'timer')).toEqual([]);
    expect(() => sim.fireTimer(1, 'nope')).toThrow(/no armed timer 'nope'/);
  });

  test('a step runs exactly what it names, in script order', () => {
    const run = runPinnedSim(
      script([
        { do: 'deliver', from: 'S2', to: 'S1', kind: 'ping' },
        { do: 'drop', from: 'S1', kind: 'pong' },
        { do: 'fire', node: 'S1', timer: 'tick', label: 'tick' },
        { do: 'duplicate', from: 'S1', kind: 'ping', msg: { n: 2 } },
        { do: 'deliver', kind: 'ping', to: 'S2', all: true },
        { do: 'invoke', client: 'c1' },
        { do: 'settle', except: [{ kind: 'ping' }] },
      ]),
      Pinger,
    );
    expect(run.error).toBeUndefined();
    expect(kinds(run.trace)).toEqual([
      'start', 'send 1>2 ping', 'start', 'send 2>1 ping',
      'deliver 2>1 ping', 'send 1>2 pong',
      'drop 1>2 loss',
      'timer 1 tick', 'send 1>2 ping',
      'duplicate',
      'deliver 1>2 ping', 'send 2>1 pong', 'deliver 1>2 ping', 'send 2>1 pong', 'deliver 1>2 ping', 'send 2>1 pong',
      'invoke', 'send c1>1 request',
      'deliver 2>1 pong', 'deliver 2>1 pong', 'deliver 2>1 pong', 'deliver c1>1 request', 'send 1>c1 reply', 'deliver 1>c1 reply', 'ok',
    ]);
    // Each step knows the events it produced.
    const tick = run.steps.find((s) => s.label === 'tick')!;
    expect(run.trace.filter((e) => e.seq >= tick.from && e.seq < tick.to).map((e) => e.type)).toEqual(['timer', 'send']);
  });

  test('a step that matches nothing names the step and what is held instead', () => {
    const run = runPinnedSim(script([{ do: 'deliver', from: 'S1', to: 'S2', kind: 'accept', msg: { slot: 2 }, label: 'the-accept' }]), Pinger);
    expect(run.error?.step).toBe(1);
    expect(run.error?.message).toBe(`step 1 'the-accept' (deliver): no held accept from S1 to S2 with {"slot":2}; held now: #1 S1→S2 ping {"n":1}; #2 S2→S1 ping {"n":1}`);
    expect(runPinnedSim(script([{ do: 'fire', node: 'S2', timer: 'retry' }]), Pinger).error?.message).toBe("step 1 (fire): S2 has no armed timer 'retry' (armed: tick)");
    expect(runPinnedSim(script([{ do: 'timeout', client: 'c1' }]), Pinger).error?.message).toMatch(/c1 is not waiting for an answer/);
    expect(runPinnedSim(script([{ do: 'deliver', kind: 'accept', optional: true }]), Pinger).error).toBeUndefined();
  });

  test('a crash drops what was in flight to the node; a partition drops what crosses it', () => {
    const run = runPinnedSim(
      script([
        { do: 'crash', node: 'S2' },
        { do: 'restart', node: 'S2' },
        { do: 'deliver', from: 'S1', to: 'S2', msg: { n: 1 } },
        { do: 'partition', groups: [['S1'], ['S2']] },
        { do: 'deliver', from: 'S2', to: 'S1', kind: 'ping', all: true },
        { do: 'fire', node: 'S1', timer: 'tick' },
      ]),
      Pinger,
    );
    expect(run.error).toBeUndefined();
    const drops = run.trace.filter((e) => e.type === 'drop').map((e) => (e as { reason: string }).reason);
    // The ping sent before the crash; the pings across the partition (held ones and the new one).
    expect(drops).toEqual(['crashed', 'partition', 'partition', 'partition']);
    expect(runPinnedSim(script([{ do: 'crash', node: 'S1' }, { do: 'crash', node: 'S1' }]), Pinger).error?.message).toMatch(/S1 is already down/);
  });

  test('settle stops a protocol that never stops sending', () => {
    class Echo extends Pinger {
      override onMessage(from: NodeId, msg: Ping): void {
        (this as unknown as { ctx: NodeContext<Ping> }).ctx.send(from, { kind: 'ping', n: msg.n + 1 });
      }
    }
    const run = runPinnedSim(script([{ do: 'settle', max: 50 }]), Echo);
    expect(run.error?.message).toMatch(/still delivering after 50 messages: the protocol keeps sending/);
  });
});

describe('script validation', () => {
  const bad = (steps: unknown[], extra?: Record<string, unknown>) => () => script(steps, extra);
  test('names the step and the field', () => {
    expect(bad([{ do: 'deliver', from: 'S3' }])).toThrow(/step 1: from must be a node S1..S2 or a client of the script, got "S3"/);
    expect(bad([{ do: 'fly' }])).toThrow(/step 1: 'do' must be one of deliver, drop/);
    expect(bad([{ do: 'fire', node: 'S1' }])).toThrow(/step 1: timer must be a timer name/);
    expect(bad([{ do: 'invoke', client: 'c2' }])).toThrow(/step 1: client must be a client of the script \(c1\)/);
    expect(bad([{ do: 'heal', node: 'S1' }])).toThrow(/step 1: heal has no field 'node'/);
    expect(bad([{ do: 'heal', label: 'x' }, { do: 'heal', label: 'x' }])).toThrow(/step 2: label 'x' is used twice/);
    expect(bad([{ do: 'heal' }], { clients: { c2: [] } })).toThrow(/clients must be named c1, c2, … in order/);
    expect(bad([{ do: 'heal' }], { format: 'paxlab-pinned/9' })).toThrow(PinnedScriptError);
  });
});

describe('comparing traces', () => {
  test('ignores time only', () => {
    const a = runPinnedSim(script([{ do: 'settle' }]), Pinger).trace;
    const shifted = a.map((e) => ({ ...e, t: e.t + 100 })) as TraceEvent[];
    expect(firstDifference(a, shifted)).toBeNull();
    const changed = a.map((e) => (e.type === 'deliver' && e.id === 2 ? { ...e, copy: 5 } : e)) as TraceEvent[];
    expect(changed.some((e, i) => e !== a[i])).toBe(true);
    expect(firstDifference(a, changed)?.message).toMatch(/^event \d+ differs/);
    expect(firstDifference(a, a.slice(0, -1))?.b).toBeNull();
  });
});
