/**
 * Client sessions in the simulator: closed-loop clients whose requests and answers cross the
 * simulated network, the history they record in the trace, and its judgement.
 */
import { describe, expect, test } from 'vitest';
import { Simulation } from '../../electron/engine/sim/index.js';
import { planWorkload, parseWorkloadText, type WorkloadSpec } from '../../electron/engine/clients/index.js';
import { buildHistory, checkExactlyOnce, checkLinearizability } from '../../electron/engine/history/index.js';
import { parseTrace, serializeTrace } from '../../electron/engine/trace/index.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';
import { Node as TwoServerNode } from '../fixtures/two-server-node.js';
import { Node as SingleServer, NoDedupNode } from '../fixtures/single-server-node.js';

function run(opts: { nodeClass: any; nodes: number; clients: number; workload: WorkloadSpec | string; seed: number; loss?: number; dup?: number; timeMs?: number; schedule?: any[] }) {
  const spec = typeof opts.workload === 'string' ? parseWorkloadText(opts.workload) : opts.workload;
  const plan = planWorkload(spec, opts.clients, opts.seed);
  const sim = new Simulation({ nodes: opts.nodes, nodeClass: opts.nodeClass, seed: opts.seed, network: { loss: opts.loss ?? 0, dup: opts.dup ?? 0 }, clients: { plan }, schedule: opts.schedule });
  const r = sim.runUntil({ clientsDone: true, timeMs: opts.timeMs ?? 20_000 });
  sim.endClients();
  return { sim, trace: sim.trace, stop: r.reason };
}

describe('the single-decree reference node with 3 clients (log model)', () => {
  test('every seed: one command is executed, the others are refused, and the log model accepts it', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const { trace, stop } = run({ nodeClass: SingleDecreeNode, nodes: 3, clients: 3, workload: 'log:ops=1', seed, loss: 0.1, dup: 0.05 });
      expect(stop, `seed ${seed}`).toBe('clients-done');
      const ops = buildHistory(trace).operations;
      expect(ops.map((o) => o.op)).toEqual([{ f: 'exec', value: 'm1' }, { f: 'exec', value: 'm2' }, { f: 'exec', value: 'm3' }]);
      const ok = ops.filter((o) => o.status === 'ok');
      expect(ok, `seed ${seed}`).toHaveLength(1);
      expect(ok[0].result).toEqual([(ok[0].op as { value: string }).value]);
      expect(ops.filter((o) => o.status === 'fail').every((o) => /not chosen/.test(o.reason ?? ''))).toBe(true);
      expect(checkLinearizability(trace, { model: 'log' }).verdict, `seed ${seed}`).toBe('ok');
    }
  });

  test('the trace names its clients, model and workload, and round-trips', () => {
    const { trace } = run({ nodeClass: SingleDecreeNode, nodes: 3, clients: 3, workload: 'log:ops=1', seed: 4 });
    expect(trace[0]).toMatchObject({ type: 'meta', format: 'paxlab-trace/2', clients: ['c1', 'c2', 'c3'], model: 'log', workload: 'log:ops=1' });
    expect(parseTrace(serializeTrace(trace))).toEqual(JSON.parse(JSON.stringify(trace)));
    // Requests and answers are messages between client lanes and node lanes.
    const fromClients = trace.filter((e) => e.type === 'send' && typeof e.from === 'string');
    expect(fromClients.length).toBeGreaterThanOrEqual(3);
    expect(trace.some((e) => e.type === 'deliver' && typeof e.to === 'string' && e.msg.kind === 'reply')).toBe(true);
  });
});

describe('the two-server fixture (requests executed in arrival order on each server)', () => {
  test('is rejected by the log model, with the two clients whose views conflict', () => {
    const { trace } = run({ nodeClass: TwoServerNode, nodes: 2, clients: 2, workload: 'log:ops=1', seed: 1 });
    const r = checkLinearizability(trace, { model: 'log' });
    expect(r.verdict).toBe('illegal');
    if (r.verdict !== 'illegal') return;
    expect(r.views).toBeDefined();
    expect([r.views!.a.client, r.views!.b.client].sort()).toEqual(['c1', 'c2']);
    expect([r.views!.a.result, r.views!.b.result]).toEqual([['m1'], ['m2']]);
  });
});

describe('closed-loop clients', () => {
  test('a crashed node: the client times out and retries the same request at the next node', () => {
    // c1's first node is S1; S1 is down from the start: the request goes on to S2 with the same id.
    const { trace } = run({ nodeClass: SingleDecreeNode, nodes: 3, clients: 1, workload: 'log:ops=1', seed: 2, schedule: [{ at: 0, action: 'crash', node: 1 }] });
    const sends = trace.filter((e) => e.type === 'send' && e.from === 'c1');
    expect(sends.map((e) => (e.type === 'send' ? [e.to, e.msg.request] : null)).slice(0, 2)).toEqual([[1, 'c1:1'], [2, 'c1:1']]);
    expect(buildHistory(trace).operations[0]).toMatchObject({ status: 'ok', result: ['m1'] });
  });

  test('requests that get no answer become info after the last attempt, and the client goes on', () => {
    const { trace } = run({ nodeClass: SingleServer, nodes: 1, clients: 1, workload: 'kv:keys=1,ops=3', seed: 1, schedule: [{ at: 0, action: 'crash', node: 1 }], timeMs: 100_000 });
    const ops = buildHistory(trace).operations;
    expect(ops.length).toBeGreaterThanOrEqual(3);
    expect(ops.every((o) => o.status === 'info' && /no answer after 8 attempts/.test(o.reason ?? ''))).toBe(true);
  });

  test('a single server with at-most-once requests: linearizable and exactly-once under loss and duplication', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { trace } = run({ nodeClass: SingleServer, nodes: 1, clients: 4, workload: 'kv:keys=2,ops=30,mix=append', seed, loss: 0.2, dup: 0.3 });
      expect(checkLinearizability(trace, { model: 'kv' }).verdict, `seed ${seed}`).toBe('ok');
      const once = checkExactlyOnce(trace);
      expect(once.ok && !once.incomplete, `seed ${seed}: ${once.messages.join('; ')}`).toBe(true);
    }
  });

  test('the same server without the at-most-once table duplicates appends, and the check names them', () => {
    const found: string[] = [];
    for (let seed = 1; seed <= 10 && found.length === 0; seed++) {
      const { trace } = run({ nodeClass: NoDedupNode, nodes: 1, clients: 4, workload: 'kv:keys=2,ops=30,mix=append', seed, loss: 0.2, dup: 0.3 });
      found.push(...checkExactlyOnce(trace).messages.filter((m) => /is there \d times/.test(m)));
    }
    expect(found.length).toBeGreaterThan(0);
  });

  test('a lock workload on the single server is linearizable', () => {
    const { trace } = run({ nodeClass: SingleServer, nodes: 1, clients: 3, workload: 'lock:locks=1,ops=10', seed: 3, loss: 0.1 });
    expect(checkLinearizability(trace).verdict).toBe('ok');
    expect(buildHistory(trace).operations.some((o) => o.op.f === 'acquire' && o.result === true)).toBe(true);
  });

  test('the same seed gives the same trace, byte for byte', () => {
    const a = run({ nodeClass: SingleServer, nodes: 1, clients: 3, workload: 'kv:keys=2,ops=10', seed: 9, loss: 0.1 });
    const b = run({ nodeClass: SingleServer, nodes: 1, clients: 3, workload: 'kv:keys=2,ops=10', seed: 9, loss: 0.1 });
    expect(serializeTrace(a.trace)).toBe(serializeTrace(b.trace));
  });
});

describe('answers other than a reply', () => {
  /** Every node but S1 redirects to S1; S1 executes (a log of one server). */
  class RedirectingNode {
    private log: string[] = [];
    constructor(private readonly ctx: import('@paxlab/sdk').NodeContext<never>) {}
    onStart() {}
    onMessage() {}
    onTimer() {}
    onClientRequest(r: import('@paxlab/sdk').ClientRequest) {
      if (this.ctx.id !== 1) return this.ctx.redirect(r.id, 1);
      if (r.value === 'm3') return this.ctx.reject(r.id, 'm3 is not welcome');
      this.log.push(r.value);
      this.ctx.reply(r.id, this.log.join(' '));
    }
  }

  test('a redirect sends the same request to the node it names at once; a reject is a fail', () => {
    const { trace } = run({ nodeClass: RedirectingNode, nodes: 3, clients: 3, workload: 'log:ops=1', seed: 1 });
    // c2 starts at S2: redirected, it asks S1 with the same id before its timeout could fire.
    const c2 = trace.filter((e) => e.type === 'send' && e.from === 'c2');
    expect(c2.map((e) => (e.type === 'send' ? [e.to, e.msg.request] : null))).toEqual([[2, 'c2:1'], [1, 'c2:1']]);
    expect(c2[1].t - c2[0].t).toBeLessThan(150);
    const ops = buildHistory(trace).operations;
    expect(ops.map((o) => [o.client, o.status])).toEqual([['c1', 'ok'], ['c2', 'ok'], ['c3', 'fail']]);
    expect(ops[2].reason).toBe('m3 is not welcome');
    expect(checkLinearizability(trace, { model: 'log' }).verdict).toBe('ok');
  });
});
