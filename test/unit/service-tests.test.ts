// The service tests of lab 05 (labs/05-kv-service/service-tests/service-tests.json) against the
// reference Multi-Paxos node: every test passes on every seed it names, and the runner's judges do
// fail on runs that break their rule.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeContext, ServiceNodeOptions } from '@paxlab/sdk';
import { MultiPaxosNode, type ServiceNodeMsg } from '../../labs/05-kv-service/reference/node.js';
import {
  CHECK_RULES,
  expandGenerators,
  loadServiceTests,
  parseServiceTests,
  runCheck,
  runServiceTest,
  runServiceTestSeeds,
  ServiceTestError,
  type ServiceTest,
} from '../../electron/engine/service-tests/index.js';
import { buildHistory } from '../../electron/engine/history/index.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = await loadServiceTests(path.join(root, 'labs/05-kv-service/service-tests/service-tests.json'));
const byName = (name: string): ServiceTest => {
  const t = file.tests.find((x) => x.name === name);
  if (!t) throw new Error(`no service test ${name}`);
  return t;
};

describe('service tests: the reference node passes each', () => {
  for (const test of file.tests) {
    it(`${test.rule}: ${test.name} — ${test.title}`, () => {
      const r = runServiceTestSeeds(test, { nodeClass: MultiPaxosNode, all: true });
      const failures = r.runs.flatMap((run) => run.checks.filter((c) => !c.ok).map((c) => `seed ${run.seed} ${c.check}: ${c.message}`));
      expect(failures).toEqual([]);
      expect(r.runs.map((x) => x.seed)).toEqual(test.seeds);
      for (const run of r.runs) {
        expect(run.figures.ok).toBeGreaterThan(0);
        // Every run is judged for linearizability and exactly-once, whatever the test lists.
        expect(run.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['linearizable', 'exactly-once', 'agreement', 'chosen-invariant', 'no-errors']));
      }
      if (test.name === 'messages') {
        const perOp = r.runs.map((x) => x.figures.msgsPerOp.toFixed(1)).join(', ');
        console.log(`msgs/op with a stable leader, ${test.nodes} nodes, ${test.clients} clients: ${perOp} (at most ${15 * test.nodes})`);
      }
    }, 180_000); // a budget for a loaded machine; the runs themselves count steps, not time
  }

  it('a run is deterministic by seed: the same seed gives the same trace', () => {
    const t = byName('leader-restart');
    const a = runServiceTest(t, { nodeClass: MultiPaxosNode, seed: 5 });
    const b = runServiceTest(t, { nodeClass: MultiPaxosNode, seed: 5 });
    const c = runServiceTest(t, { nodeClass: MultiPaxosNode, seed: 6 });
    expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
    expect(JSON.stringify(c.trace)).not.toBe(JSON.stringify(a.trace));
  });

  it('the random-partitions test runs 20 virtual seconds of repartitions with request and reply loss', () => {
    const t = byName('random-partitions');
    const run = runServiceTest(t, { nodeClass: MultiPaxosNode, seed: 1 });
    const parts = run.trace.filter((e) => e.type === 'partition');
    expect(parts.length).toBeGreaterThan(15);
    expect(Math.max(...run.trace.filter((e) => e.type === 'partition' || e.type === 'heal').map((e) => e.t))).toBe(20_000);
    const drops = (from: 'client' | 'node') =>
      run.trace.filter((e) => e.type === 'drop' && e.reason === 'loss' && (from === 'client' ? typeof e.from === 'string' : typeof e.to === 'string')).length;
    expect(drops('client')).toBeGreaterThan(0);
    expect(drops('node')).toBeGreaterThan(drops('client'));
    expect(run.figures.clientsEndedMs).toBeGreaterThan(20_000);
  });
});

describe('service tests: the judges fail runs that break their rule', () => {
  it('kv-service.history.exactly-once: an at-most-once table too small to hold the clients lets retries execute twice', () => {
    // Three clients, a table of one: a retried append whose first execution's reply was lost is
    // not recognized, so it runs again.
    const t: ServiceTest = { ...byName('random-partitions'), options: { machine: 'kv', maxClients: 1 }, generate: [], endMs: 20_000, network: { replyLoss: 0.5 } };
    const failed = t.seeds.map((seed) => runServiceTest(t, { nodeClass: MultiPaxosNode, seed })).filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].failed?.check).toMatch(/exactly-once|linearizable/);
    expect(failed[0].failed?.rule).toMatch(/^kv-service\.history\./);
  });

  it('kv-service.node.no-errors: a node that throws fails the run, with the node and the message', () => {
    class Throwing extends MultiPaxosNode {
      override onClientRequest(): void {
        throw new Error('not today');
      }
    }
    const r = runServiceTest(byName('basic'), { nodeClass: Throwing, seed: 1 });
    expect(r.ok).toBe(false);
    expect(r.failed).toMatchObject({ check: 'no-errors', rule: CHECK_RULES['no-errors'].id });
    expect(r.failed?.message).toMatch(/node \d at \d+ ms: onClientRequest threw: not today/);
  });

  it('kv-service.node.bounded-work: a node that floods stops at the step budget, and says so', () => {
    class Flooding extends MultiPaxosNode {
      constructor(
        private readonly c: NodeContext<ServiceNodeMsg>,
        o: ServiceNodeOptions,
      ) {
        super(c, o);
      }
      override onTimer(name: string): void {
        if (name === 'flood') {
          this.c.setTimer('flood', 0);
          this.c.setTimer('flood2', 0);
        } else super.onTimer(name);
      }
      override onStart(): void {
        super.onStart();
        this.c.setTimer('flood', 0);
      }
    }
    const r = runServiceTest({ ...byName('basic'), maxSteps: 20_000 }, { nodeClass: Flooding, seed: 1 });
    expect(r.ok).toBe(false);
    expect(r.failed).toMatchObject({ check: 'steps', rule: 'kv-service.node.bounded-work' });
    expect(r.figures.steps).toBe(20_000);
  });

  it('kv-service.log.agreement and chosen-invariant: two values for one slot are named', () => {
    const events = [
      meta(3),
      learn(1, 1, 1, 1, 'a'),
      learn(2, 2, 1, 1, 'a'),
      learn(3, 3, 1, 4, 'b'),
      { seq: 4, t: 2, lc: 4, type: 'decide', node: 1, value: 'a', slot: 1 },
      { seq: 5, t: 3, lc: 5, type: 'decide', node: 3, value: 'b', slot: 1 },
    ] as TraceEvent[];
    const f = facts(events, 3);
    expect(runCheck({ kind: 'agreement' }, f)).toMatchObject({ ok: false, events: [4, 5] });
    const inv = runCheck({ kind: 'chosen-invariant' }, f);
    expect(inv.ok).toBe(false);
    expect(inv.message).toMatch(/slot 1: "a" was chosen in round 1/);
  });

  it('kv-service.log.whole-log: a live replica missing a slot is named', () => {
    const events = [meta(3), decide(1, 1, 1), decide(2, 1, 2), decide(3, 2, 1), decide(4, 2, 2), decide(5, 3, 1)] as TraceEvent[];
    expect(runCheck({ kind: 'whole-log' }, facts(events, 3)).message).toBe('node 3 (live) never decided 1 of the 2 slots, from slot 2');
    expect(runCheck({ kind: 'whole-log' }, { ...facts(events, 3), live: [1, 2] }).ok).toBe(true);
  });

  it('kv-service.node.stable-storage: a round prepared again after a restart is named', () => {
    const prep = (seq: number, crnd: number) => ({ seq, t: seq, lc: seq, type: 'send', id: seq, from: 1, to: 2, msg: { kind: 'prepare', from: 1, crnd, slot: 1 } });
    const ok = [meta(3), prep(1, 1), prep(2, 1), prep(3, 4)] as TraceEvent[];
    expect(runCheck({ kind: 'fresh-rounds' }, facts(ok, 3)).ok).toBe(true);
    const reused = [meta(3), prep(1, 4), { seq: 2, t: 2, lc: 2, type: 'crash', node: 1 }, { seq: 3, t: 3, lc: 3, type: 'restart', node: 1 }, prep(4, 4)] as TraceEvent[];
    expect(runCheck({ kind: 'fresh-rounds' }, facts(reused, 3)).message).toMatch(/prepared round 4 again after a restart/);
  });

  it('kv-service.partition.minority: a slot chosen by a minority alone, or decided by it, is named', () => {
    const events = [meta(5), learn(1, 1, 1, 1, 'a'), learn(2, 2, 1, 1, 'a'), learn(3, 3, 1, 1, 'a'), decide(4, 1, 1)] as TraceEvent[];
    const r = runCheck({ kind: 'minority-stalls', from: 0, to: 100, minority: [1, 2] }, facts(events, 5));
    expect(r.ok).toBe(false);
    // A quorum of 3 of 5, all in the "minority": impossible for correct Paxos.
    const r2 = runCheck({ kind: 'minority-stalls', from: 0, to: 100, minority: [1, 2, 3] }, facts(events, 5));
    expect(r2.message).toMatch(/slot 1 was chosen by 1, 2, 3 only/);
  });

  it('kv-service.cost.messages and compaction: figures beyond the bound fail', () => {
    const run = runServiceTest(byName('messages'), { nodeClass: MultiPaxosNode, seed: 1 });
    const f = { ...facts(run.trace, 5), stored: new Map([[1, 'x'.repeat(7000)]]) };
    expect(runCheck({ kind: 'msgs-per-op', max: 1, perNode: false }, f)).toMatchObject({ ok: false, value: run.figures.msgsPerOp });
    expect(runCheck({ kind: 'state-bounded', maxBytes: 6000 }, f)).toMatchObject({ ok: false, value: 7000 });
  });
});

describe('service tests: definitions are data', () => {
  it('the lab file parses; every test names a rule and runs linearizability and exactly-once', () => {
    expect(file.tests.length).toBeGreaterThanOrEqual(14);
    for (const t of file.tests) {
      expect(t.rule).toMatch(/^kv-service\./);
      expect(t.checks.map((c) => c.kind)).toEqual(expect.arrayContaining(['linearizable', 'exactly-once']));
    }
  });

  it('a bad file is refused with the test and the field', () => {
    const base = { format: 'paxlab-service-tests/1', tests: [{ name: 'x', title: 'X', rule: 'kv-service.x' }] };
    expect(() => parseServiceTests({ ...base, format: 'nope' })).toThrow(/'format' must be/);
    expect(() => parseServiceTests({ ...base, tests: [{ ...base.tests[0], nodes: 0 }] })).toThrow(/tests\[0\] \(x\): 'nodes' must be an integer in 1..9/);
    expect(() => parseServiceTests({ ...base, tests: [{ ...base.tests[0], checks: ['telepathy'] }] })).toThrow(ServiceTestError);
    expect(() => parseServiceTests({ ...base, tests: [{ ...base.tests[0], machine: 'lock' }] })).toThrow(/is a kv workload, but the machine is lock/);
    expect(() => parseServiceTests({ ...base, tests: [{ ...base.tests[0], faults: [{ at: 1, action: 'crash', node: 7 }] }] })).toThrow(/'faults'.*not in the cluster/);
    expect(() => parseServiceTests({ ...base, tests: [{ ...base.tests[0], checks: [{ kind: 'msgs-per-op', max: 'many' }] }] })).toThrow(/'max' must be a number/);
  });

  it('generated repartitions follow the seed and end healed', () => {
    const g = [{ kind: 'random-partitions' as const, fromMs: 0, untilMs: 5000, minMs: 200, maxMs: 800 }];
    const a = expandGenerators(g, 5, 1);
    expect(expandGenerators(g, 5, 1)).toEqual(a);
    expect(expandGenerators(g, 5, 2)).not.toEqual(a);
    expect(a[a.length - 1]).toEqual({ at: 5000, action: 'heal' });
    for (const e of a) if (e.action === 'partition') expect(e.groups.flat().sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

function meta(n: number): TraceEvent {
  return { seq: 0, t: 0, lc: 0, type: 'meta', format: 'paxlab-trace/2', source: 'sim', nodes: Array.from({ length: n }, (_, i) => i + 1) } as TraceEvent;
}

function learn(seq: number, from: number, slot: number, rnd: number, val: string): TraceEvent {
  return { seq, t: seq, lc: seq, type: 'send', id: seq, from, to: 1, msg: { kind: 'learn', from, slot, rnd, val } } as TraceEvent;
}

function decide(seq: number, node: number, slot: number): TraceEvent {
  return { seq, t: seq, lc: seq, type: 'decide', node, value: `v${slot}`, slot } as TraceEvent;
}

function facts(trace: TraceEvent[], n: number) {
  const nodes = Array.from({ length: n }, (_, i) => i + 1);
  return { trace, nodes, live: nodes, model: 'kv' as const, history: buildHistory(trace), stored: new Map<number, string | undefined>(), clientsEndedAt: 0 };
}
