// The node-level search: exhaustive on a tiny configuration of a correct node, a shortest
// counterexample for a broken one (replayed as a trace with the clients' history in it), an
// unreachable goal for a node that does nothing, refused state it cannot copy, and the same report
// every time.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleStudentModule } from '../../electron/engine/build/build-student.js';
import { buildHistory } from '../../electron/engine/history/index.js';
import { parseNodeSearchConfig } from '../../electron/engine/node-search/config.js';
import { runNodeSearch } from '../../electron/engine/node-search/explorer.js';
import { RealmNodeMachine } from '../../electron/engine/node-search/machine.js';
import { StudentCalls } from '../../electron/engine/realm/student-calls.js';
import { StudentRealm } from '../../electron/engine/realm/student-realm.js';

const FIX = path.resolve(__dirname, '../fixtures');
const LAB = path.join(FIX, 'nodes/labs/log-service');

async function search(file: string, config: unknown) {
  const b = await bundleStudentModule(file, { exportName: 'Node', typeCheck: 'off' });
  if (!b.ok) throw new Error(JSON.stringify(b.diagnostics));
  const calls = new StudentCalls(new StudentRealm());
  const l = calls.load(b.code, 'node.js');
  if (!l.ok) throw new Error(l.thrown.message);
  const cfg = parseNodeSearchConfig(config);
  return runNodeSearch(new RealmNodeMachine(calls, l.module.exports.get('Node'), 'Node', Array.from({ length: cfg.nodes }, (_, i) => i + 1), cfg.options), cfg);
}

describe('the node search', () => {
  it('explores a tiny configuration of a correct node exhaustively and reaches its goal', async () => {
    const r = await search(path.join(LAB, 'reference/node.ts'), { nodes: 3, clients: 1, workload: 'log:ops=1', timers: { maxFires: 1 } });
    expect(r.verdict).toBe('ok');
    expect(r.exhausted).toBe(true);
    expect(r.extent).toMatch(/^exhaustive: \d+ states/);
    expect(r.goalReached).toEqual(expect.objectContaining({ name: 'all-replied' }));
    // A client's one command needs at least: invoke, deliver the request, an accept, its ack, the reply.
    expect(r.goalReached!.depth).toBeGreaterThanOrEqual(5);
  });

  it('is deterministic: the same node and bounds give the same report', async () => {
    const cfg = { nodes: 3, clients: 2, workload: 'log:ops=1', timers: { maxFires: 0 }, clientRetries: 0 };
    const a = await search(path.join(LAB, 'reference/node.ts'), cfg);
    const b = await search(path.join(LAB, 'reference/node.ts'), cfg);
    const strip = (r: typeof a) => ({ ...r, elapsedMs: 0, statesPerSecond: 0 });
    expect(strip(b)).toEqual(strip(a));
    expect(a.exhausted).toBe(true);
  });

  it('finds a shortest counterexample in the broken two-server node, as a trace with the history', async () => {
    const r = await search(path.join(FIX, 'two-server-node.ts'), { nodes: 2, clients: 2, workload: 'log:ops=1', timers: { maxFires: 0 } });
    expect(r.verdict).toBe('violation');
    expect(r.violation).toEqual(expect.objectContaining({ checker: 'linearizable', rule: 'node-search.linearizable' }));
    expect(r.violation!.message).toMatch(/NOT linearizable \(log model\)/);
    const trace = r.violation!.trace;
    expect(trace[0]).toEqual(expect.objectContaining({ type: 'meta', source: 'search', clients: ['c1', 'c2'], model: 'log' }));
    // Shortest: the set network hands c1's request to node 1 twice, and the server runs it twice.
    const ops = buildHistory(trace).operations;
    expect(ops).toEqual([expect.objectContaining({ client: 'c1', status: 'ok', result: ['m1', 'm1'] })]);
    expect(r.violation!.depth).toBe(4);
    expect(trace.filter((e) => e.type === 'deliver' && e.to === 1).map((e) => (e as { copy: number }).copy)).toEqual([0, 1]);
  });

  it('a node that does nothing never reaches the goal', async () => {
    const r = await search(path.join(LAB, 'starter/node.ts'), { nodes: 3, clients: 1, workload: 'log:ops=1' });
    expect(r.verdict).toBe('goal-unreached');
    expect(r.exhausted).toBe(true);
    expect(r.goalMissed).toMatch(/no order of deliveries, timer fires and client steps lets every client's operations complete/);
  });

  it('refuses state it cannot copy, naming the field', async () => {
    const r = await search(path.join(FIX, 'nodes/closure-state.ts'), { nodes: 1, clients: 1, workload: 'log:ops=1' });
    expect(r.verdict).toBe('violation');
    expect(r.violation!.rule).toBe('node-search.uncloneable');
    expect(r.violation!.message).toMatch(/keep your state cloneable: field this\.run holds a function/);
  });

  it('stops at its state budget and says how far it got', async () => {
    const r = await search(path.join(LAB, 'reference/node.ts'), { nodes: 3, clients: 1, workload: 'log:ops=1', maxStates: 100 });
    expect(r.verdict).toBe('ok');
    expect(r.goalReached).toBeDefined();
    expect(r.stoppedBy).toBe('states');
    expect(r.statesExplored).toBe(100);
    expect(r.extent).toMatch(/^no violation in the first 100 states, not exhaustive \(every path of up to \d+ steps\)$/);
  });
});
