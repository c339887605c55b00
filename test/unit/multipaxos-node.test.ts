// The reference Multi-Paxos service node in the simulator: what its snapshot() shows the
// playground, what it keeps on stable storage, and the node rules of docs/multi-paxos-api.md that
// the service tests judge only from the outside.
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, NOOP, type MultiNodeView } from '@paxlab/sdk';
import { Simulation } from '../../electron/engine/sim/index.js';
import { planWorkload } from '../../electron/engine/clients/index.js';
import { checkLinearizability } from '../../electron/engine/history/index.js';
import { multiPaxosNodeClass, MultiPaxosNode } from '../../labs/05-kv-service/reference/node.js';
import { createMachine } from '../../labs/05-kv-service/reference/state-machines.js';
import type { SendEvent } from '../../electron/engine/trace/events.js';
import type { FaultSchedule } from '../../electron/engine/faults/index.js';
import { MemoryStorage } from '../../electron/engine/sim/memory-storage.js';
import type { NodeContext } from '@paxlab/sdk';
import type { ServiceNodeMsg } from '../../labs/05-kv-service/reference/node.js';

/** One node on a context of its own: what it sends and answers is collected, time stands still. */
function lone(id: number, nodes: number[]) {
  const sent: Array<{ to: number; msg: ServiceNodeMsg }> = [];
  const answers: Array<{ kind: string; request: string; text: string }> = [];
  const storage = new MemoryStorage();
  const ctx: NodeContext<ServiceNodeMsg> = {
    id,
    nodes,
    storage,
    send: (to, msg) => void sent.push({ to, msg }),
    broadcast: (msg, o) => nodes.forEach((to) => (to !== id || o?.includeSelf !== false) && sent.push({ to, msg })),
    setTimer() {},
    cancelTimer() {},
    now: () => 0,
    random: () => 0.5,
    decide() {},
    reply: (request, text) => void answers.push({ kind: 'reply', request, text }),
    redirect: (request, to) => void answers.push({ kind: 'redirect', request, text: String(to) }),
    reject: (request, text) => void answers.push({ kind: 'reject', request, text }),
    log() {},
  };
  const node = new MultiPaxosNode(ctx, { machine: 'kv' });
  node.onStart();
  return { node, sent, answers, storage };
}

const view = (sim: Simulation, n: number) => sim.snapshot(n) as MultiNodeView;

function run(opts: { nodes?: number; machine?: 'kv' | 'lock' | 'log'; workload?: string; clients?: number; schedule?: FaultSchedule; snapshotEvery?: number; seed?: number }) {
  const { nodes = 3, machine = 'kv', clients = 2, seed = 1 } = opts;
  const spec = opts.workload ?? 'kv:keys=2,ops=20';
  const [kind, rest] = spec.split(':');
  const fields = Object.fromEntries((rest ?? '').split(',').filter(Boolean).map((p) => p.split('=')).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v]));
  const plan = planWorkload({ kind, ...fields } as never, clients, seed);
  const sim = new Simulation({
    nodes,
    nodeClass: multiPaxosNodeClass({ machine, ...(opts.snapshotEvery ? { snapshotEvery: opts.snapshotEvery } : {}) }),
    seed,
    clients: { plan },
    ...(opts.schedule ? { schedule: opts.schedule } : {}),
    protocol: 'multi-paxos',
  });
  sim.runUntil({ clientsDone: true, timeMs: 20_000 });
  sim.endClients();
  sim.runUntil({ timeMs: sim.now + 1000 });
  return sim;
}

describe('the Multi-Paxos node: what snapshot() shows', () => {
  it('per slot empty/accepted/chosen/applied, the leader window, the machine, the compaction point', () => {
    const sim = run({ snapshotEvery: 8 });
    const leader = view(sim, 1);
    expect(leader).toMatchObject({ protocol: 'multi-paxos', node: 1, leader: 1, active: true, machine: { kind: 'kv' } });
    expect(leader.window).toEqual({ from: leader.applied + 1, alpha: 4, inFlight: [] });
    expect(leader.firstUndecided).toBe(leader.applied + 1);
    // Every replica has applied everything; the log up to the lowest saved snapshot is gone.
    for (const n of [1, 2, 3]) {
      const v = view(sim, n);
      expect(v.applied).toBe(leader.applied);
      expect(v.compacted).toBeGreaterThan(0);
      expect(v.compacted).toBeLessThanOrEqual(v.snapshotSlot);
      expect(v.slots[0].slot).toBe(v.compacted + 1);
      expect(v.slots.every((s) => s.state === 'applied' && s.value !== undefined && s.commands! >= 1)).toBe(true);
      expect(v.machine).toEqual(leader.machine);
    }
    expect(view(sim, 2)).toMatchObject({ leader: 1, active: false, window: null });
  });

  it('a slot accepted but not chosen, and one chosen but not applied (a hole below it), show as such', () => {
    // Node 3 of 3, before anything: an accept of slot 2 and a quorum of learns of slot 3 arrive.
    const { node } = lone(3, [1, 2, 3]);
    expect(node.snapshot().slots).toEqual([]);
    const val = encodeBatch([{ id: 'r1', value: '{"f":"put","key":"x","value":"1"}' }]);
    node.onMessage(1, { kind: 'accept', from: 1, slot: 2, rnd: 1, val });
    node.onMessage(1, { kind: 'learn', from: 1, slot: 3, rnd: 1, val: NOOP });
    node.onMessage(2, { kind: 'learn', from: 2, slot: 3, rnd: 1, val: NOOP });
    const v = node.snapshot();
    expect(v.slots).toEqual([
      { slot: 1, state: 'empty' },
      { slot: 2, state: 'accepted', vrnd: 1, value: val, commands: 1 },
      { slot: 3, state: 'chosen', value: NOOP, commands: 0 },
    ]);
    expect(v).toMatchObject({ applied: 0, firstUndecided: 1, rnd: 1, leader: 1, active: false, window: null });
  });
});

describe('the Multi-Paxos node: rules of the whole node', () => {
  it('kv-service.node.stable-storage: the promise, the votes and the highest round survive a restart', () => {
    const sim = run({ schedule: [{ at: 300, action: 'crash', node: 1 }, { at: 600, action: 'restart', node: 1 }] });
    const saved = JSON.parse(sim.storedState(1)!);
    expect(saved).toMatchObject({ v: 1 });
    expect(saved.round).toBeGreaterThanOrEqual(1);
    expect(saved.rnd).toBeGreaterThanOrEqual(1);
    expect(Array.isArray(saved.votes)).toBe(true);
    // After its restart node 1 led again, in a round above every round it used before.
    const prepares = sim.trace.filter((e): e is SendEvent => e.type === 'send' && e.from === 1 && e.msg.kind === 'prepare');
    const restartAt = sim.trace.find((e) => e.type === 'restart')!.seq;
    const before = prepares.filter((p) => p.seq < restartAt).map((p) => p.msg.crnd as number);
    const after = prepares.filter((p) => p.seq > restartAt).map((p) => p.msg.crnd as number);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
    expect(checkLinearizability(sim.trace).verdict).toBe('ok');
  });

  it('kv-service.node.clients: a follower redirects a client to the leader; a direct request is forwarded', () => {
    const sim = run({ clients: 2 });
    // c2 starts at node 2, a follower: it is told to ask node 1.
    const redirect = sim.trace.find((e): e is SendEvent => e.type === 'send' && e.from === 2 && e.to === 'c2');
    expect(redirect?.msg).toMatchObject({ kind: 'redirect', leader: 1 });
    const id = sim.clientRequest(3, '{"f":"put","key":"z","value":"9"}');
    sim.runUntil({ timeMs: sim.now + 500 });
    expect(sim.trace.some((e) => e.type === 'send' && e.from === 3 && e.to === 1 && e.msg.kind === 'forward')).toBe(true);
    // The node that was asked (3) applied it and replied.
    expect(sim.trace.find((e) => e.type === 'client-reply' && e.request === id)).toMatchObject({ node: 3, result: 'null' });
  });

  it('kv-service.node.at-most-once: a retried request is answered from the table, not executed again', () => {
    const sim = new Simulation({ nodes: 3, nodeClass: multiPaxosNodeClass({ machine: 'kv' }), seed: 1 });
    sim.runUntil({ timeMs: 300 });
    sim.clientRequest(1, '{"f":"append","key":"k","value":"a"}', undefined, 'r1');
    sim.runUntil({ timeMs: 600 });
    sim.clientRequest(1, '{"f":"append","key":"k","value":"a"}', undefined, 'r1');
    sim.clientRequest(2, '{"f":"get","key":"k"}', undefined, 'r2');
    sim.runUntil({ timeMs: 900 });
    expect(sim.trace.filter((e) => e.type === 'client-reply' && e.request === 'r1')).toHaveLength(2);
    expect(sim.trace.find((e) => e.type === 'client-reply' && e.request === 'r2')).toMatchObject({ result: '"a"' });
    expect(view(sim, 3).machine.state).toEqual({ k: 'a' });
  });

  it('kv-service.node.apply-order and kv-service.node.reply: nothing is applied or answered before it is chosen', () => {
    const { node, answers, sent } = lone(1, [1, 2, 3]);
    node.onMessage(2, { kind: 'promise', to: 1, from: 2, rnd: 1, slot: 1, votes: [] });
    node.onClientRequest({ id: 'c1:1', client: 'c1', seq: 1, value: '{"f":"put","key":"x","value":"1"}' });
    const acc = sent.find((s) => s.msg.kind === 'accept')!.msg as { slot: number; rnd: number; val: string };
    expect(acc).toMatchObject({ slot: 1, rnd: 1 });
    // Its own vote only: no quorum, nothing applied, nobody answered.
    expect(node.snapshot().slots).toEqual([{ slot: 1, state: 'accepted', vrnd: 1, value: acc.val, commands: 1 }]);
    expect(answers).toEqual([]);
    node.onMessage(3, { kind: 'learn', from: 3, slot: 1, rnd: 1, val: acc.val });
    expect(answers).toEqual([{ kind: 'reply', request: 'c1:1', text: 'null' }]);
    expect(node.snapshot()).toMatchObject({ applied: 1, machine: { state: { x: '1' } } });
  });

  it('kv-service.node.compaction: storage stays bounded however many commands ran', () => {
    const small = run({ machine: 'lock', workload: 'lock:locks=2,ops=20', clients: 4, snapshotEvery: 8 });
    const large = run({ machine: 'lock', workload: 'lock:locks=2,ops=200', clients: 4, snapshotEvery: 8 });
    const bytes = (s: Simulation) => Math.max(...[1, 2, 3].map((n) => s.storedState(n)!.length));
    expect(view(large, 1).applied).toBeGreaterThan(5 * view(small, 1).applied);
    expect(bytes(large)).toBeLessThan(2 * bytes(small) + 1000);
  });

  it('batching: a slot carries several commands when clients wait on a full window', () => {
    const sim = run({ clients: 8, workload: 'kv:keys=2,ops=20' });
    const values = sim.trace.filter((e) => e.type === 'decide' && e.node === 1).map((e) => (e.type === 'decide' ? decodeBatch(e.value) : null));
    expect(values.every((v) => v !== null)).toBe(true);
    expect(Math.max(...values.map((v) => v!.length))).toBeGreaterThan(1);
    expect(values.reduce((n, v) => n + v!.length, 0)).toBeGreaterThanOrEqual(8 * 20);
  });

  it('the node refuses options it cannot run', () => {
    const ctx = { id: 1, nodes: [1], storage: { load: () => undefined, save() {} } } as never;
    expect(() => new MultiPaxosNode(ctx, { machine: 'queue' as never })).toThrow(/machine must be one of kv, lock, log/);
    expect(() => new MultiPaxosNode(ctx, { machine: 'kv', alpha: 0 })).toThrow(/alpha must be an integer >= 1/);
  });
});

describe('the state machines match the history models', () => {
  it('kv: get, put, append, cas; lock: acquire, release by client; log: the whole log', () => {
    const kv = createMachine('kv');
    const run1 = (m: ReturnType<typeof createMachine>, op: object, client = 'c1') => m.execute(JSON.stringify(op), client);
    expect(run1(kv, { f: 'get', key: 'x' })).toEqual({ ok: true, result: 'null' });
    run1(kv, { f: 'put', key: 'x', value: 'a' });
    run1(kv, { f: 'append', key: 'x', value: 'b' });
    expect(run1(kv, { f: 'cas', key: 'x', from: 'ab', to: 'c' })).toEqual({ ok: true, result: 'true' });
    expect(run1(kv, { f: 'cas', key: 'y', from: null, to: 'n' })).toEqual({ ok: true, result: 'true' });
    expect(run1(kv, { f: 'get', key: 'x' })).toEqual({ ok: true, result: '"c"' });
    expect(run1(kv, { f: 'acquire', key: 'L' }).ok).toBe(false);
    const lock = createMachine('lock');
    expect(run1(lock, { f: 'acquire', key: 'L' }, 'c1')).toEqual({ ok: true, result: 'true' });
    expect(run1(lock, { f: 'acquire', key: 'L' }, 'c2')).toEqual({ ok: true, result: 'false' });
    expect(run1(lock, { f: 'release', key: 'L' }, 'c2')).toEqual({ ok: true, result: 'false' });
    expect(run1(lock, { f: 'release', key: 'L' }, 'c1')).toEqual({ ok: true, result: 'true' });
    const log = createMachine('log');
    expect(log.execute('m2', 'c2')).toEqual({ ok: true, result: 'm2' });
    expect(log.execute('m1', 'c1')).toEqual({ ok: true, result: 'm2 m1' });
    const copy = createMachine('log');
    expect(copy.restore(log.snapshot())).toBe(true);
    expect(copy.view()).toEqual(['m2', 'm1']);
  });
});
