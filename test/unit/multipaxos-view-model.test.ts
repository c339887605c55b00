/** The playground's Multi-Paxos picture, from node snapshots: conditions, log cells, replica rows, agreement. */
import { describe, expect, test } from 'vitest';
import type { MultiNodeView } from '@paxlab/sdk';
import { NODE_PAUSED_TEXT, NODE_RESUMED_TEXT, type NodeSnapshot, type TraceEvent } from '../../electron/api.js';
import { PAUSED_TEXT, RESUMED_TEXT } from '../../electron/engine/cluster/index.js';
import { convergence, foldPauses, logRow, multiViewOf, nodeCondition, replicaRows, thinkMsFor, workloadText } from '../../renderer/src/multipaxos/view-model.js';
import { parseWorkloadText } from '../../electron/engine/clients/index.js';
import { decideLabel, messageLabel, valueText } from '../../renderer/src/diagram/labels.js';

function view(over: Partial<MultiNodeView> = {}): MultiNodeView {
  return {
    protocol: 'multi-paxos',
    node: 1,
    leader: 1,
    active: true,
    rnd: 11,
    crnd: 11,
    compacted: 4,
    snapshotSlot: 4,
    applied: 6,
    firstUndecided: 7,
    window: { from: 7, alpha: 4, inFlight: [8, 9] },
    slots: [
      { slot: 5, state: 'applied', vrnd: 11, value: 'b', commands: 2 },
      { slot: 6, state: 'applied', vrnd: 11, value: 'noop', commands: 0 },
      { slot: 7, state: 'chosen', vrnd: 11, value: 'c', commands: 1 },
      { slot: 8, state: 'accepted', vrnd: 11, value: 'd', commands: 1 },
      { slot: 9, state: 'empty' },
    ],
    omitted: 0,
    machine: { kind: 'kv', state: { x: '1', y: 'ab' } },
    clients: 2,
    queued: 0,
    waiting: 1,
    ...over,
  };
}
const snap = (state: unknown, over: Partial<NodeSnapshot> = {}): NodeSnapshot => ({ clusterId: 'c', node: 1, up: true, state, ...over });

describe('Multi-Paxos view model', () => {
  test('the view is found inside the process snapshot, and only a Multi-Paxos one', () => {
    const v = view();
    expect(multiViewOf(snap({ node: 1, pid: 7, state: v, storage: {}, timers: [] }))).toBe(v);
    expect(multiViewOf(snap(v))).toBe(v);
    expect(multiViewOf(snap({ node: 1, state: { promised: 3 } }))).toBeNull();
    expect(multiViewOf(snap(null, { paused: true }))).toBeNull();
    expect(multiViewOf(undefined)).toBeNull();
  });

  test('paused is distinct from crashed, and the trace says which, in order', () => {
    expect(nodeCondition(snap(null, { paused: true }), false, true)).toBe('paused');
    expect(nodeCondition(snap(view()), true, false)).toBe('crashed');
    // A snapshot asked for before the pause, answered after it, does not undo it; nor a stale paused one a resume.
    expect(nodeCondition(snap(view()), false, true)).toBe('paused');
    expect(nodeCondition(snap(null, { paused: true }), false, false)).toBe('up');
    expect(nodeCondition(undefined, false, false)).toBe('unknown');
    const paused = new Set<number>();
    const log = (node: number, text: string) => ({ type: 'log', seq: 1, t: 0, lc: 0, node, text }) as TraceEvent;
    foldPauses(paused, [log(2, NODE_PAUSED_TEXT), log(3, NODE_PAUSED_TEXT), log(4, 'hello')]);
    expect([...paused].sort()).toEqual([2, 3]);
    foldPauses(paused, [log(2, NODE_RESUMED_TEXT), { type: 'crash', seq: 2, t: 0, lc: 0, node: 3 } as TraceEvent]);
    expect([...paused]).toEqual([]);
    // The renderer's copies of the supervisor's lines are the supervisor's.
    expect([NODE_PAUSED_TEXT, NODE_RESUMED_TEXT]).toEqual([PAUSED_TEXT, RESUMED_TEXT]);
  });

  test('log cells: state per slot, the round of a vote, no-op fill, the leader window and slots in flight', () => {
    const row = logRow(view());
    expect(row.cells.map((c) => [c.slot, c.state, c.text])).toEqual([
      [5, 'applied', '2'],
      [6, 'applied', '∅'],
      [7, 'chosen', '1'],
      [8, 'accepted', 'r11'],
      [9, 'empty', ''],
    ]);
    expect(row.cells.filter((c) => c.inWindow).map((c) => c.slot)).toEqual([7, 8, 9]);
    expect(row.cells.filter((c) => c.inFlight).map((c) => c.slot)).toEqual([8, 9]);
    expect(row).toMatchObject({ applied: 6, chosen: 7, compacted: 4, window: 'slots 7–10, 2 in flight' });
    expect(row.cells[3].title).toContain('voted in round 11');
    // A follower has no window; at most maxCells, the newest.
    const f = logRow(view({ node: 2, active: false, window: null }), 2);
    expect(f.window).toBeNull();
    expect(f.cells.map((c) => c.slot)).toEqual([8, 9]);
    expect(f.omitted).toBe(3);
    expect(row.omitted).toBe(0);
    expect(f.cells.some((c) => c.inWindow)).toBe(false);
  });

  test('replica rows for each state machine', () => {
    expect(replicaRows({ kind: 'kv', state: { k10: 'a', k2: 'b' } })).toEqual([
      { key: 'k2', value: 'b' },
      { key: 'k10', value: 'a' },
    ]);
    expect(replicaRows({ kind: 'lock', state: { l1: 'c2', l2: null } })).toEqual([
      { key: 'l1', value: 'c2' },
      { key: 'l2', value: 'free' },
    ]);
    expect(replicaRows({ kind: 'log', state: ['m1', 'm2'] })).toEqual([
      { key: '1', value: 'm1' },
      { key: '2', value: 'm2' },
    ]);
  });

  test('agreement: same applied prefix and the same state on every live replica', () => {
    expect(convergence([view(), view({ node: 2 })])).toEqual({ converged: true, applied: 6, lagging: [] });
    expect(convergence([view(), view({ node: 3, applied: 5 })])).toEqual({ converged: false, applied: 6, lagging: [3] });
    expect(convergence([view(), view({ node: 2, machine: { kind: 'kv', state: { x: '2' } } })]).converged).toBe(false);
    expect(convergence([]).converged).toBe(false);
  });

  test('the workload fields make text the engine parses; a rate is a think time', () => {
    for (const w of [
      { kind: 'kv', keys: 3, ops: 40, mix: 'all' },
      { kind: 'kv', keys: 2, ops: 5, mix: 'append' },
      { kind: 'lock', keys: 1, ops: 9, mix: 'all' },
      { kind: 'log', keys: 1, ops: 3, mix: 'all' },
    ] as const) {
      const spec = parseWorkloadText(workloadText(w));
      expect(spec.kind).toBe(w.kind);
    }
    expect(parseWorkloadText(workloadText({ kind: 'kv', keys: 2, ops: 5, mix: 'append' }))).toEqual({ kind: 'kv', keys: 2, ops: 5, mix: 'append' });
    expect(thinkMsFor(0)).toBe(0);
    expect(thinkMsFor(20)).toBe(50);
  });
});

describe('decision labels in the diagram', () => {
  test('a slot names its commands, not their JSON; single-decree values stay as they are', () => {
    const batch = JSON.stringify([1, 2, 3, 4].map((k) => ({ id: `c${k}:7`, client: `c${k}`, seq: 7, value: '{"f":"get","key":"x"}' })));
    expect(decideLabel({ value: batch, slot: 12 })).toBe('slot 12: c1:7 c2:7 c3:7 +1');
    expect(decideLabel({ value: JSON.stringify([{ id: 'c1:1' }]), slot: 3 })).toBe('slot 3: c1:1');
    expect(decideLabel({ value: 'no-op', slot: 5 })).toBe('slot 5: no-op');
    expect(decideLabel({ value: 'x', slot: 1 })).toBe('decided "x"');
    expect(decideLabel({ value: 'y'.repeat(100), slot: 1 }).length).toBe(48);
  });

  test("a chapter's command (JSON of an operation) is named as the operation, in the diagram and the nodes list", () => {
    expect(decideLabel({ value: '{"f":"acquire","key":"L1"}', slot: 3 })).toBe('decided acquire L1');
    expect(decideLabel({ value: '{"f":"put","key":"x","value":"1"}' })).toBe('decided put x 1');
    expect(valueText('{"f":"release","key":"L1"}')).toBe('release L1');
    expect(valueText('m1')).toBe('"m1"');
    expect(valueText('{"no":"f"}')).toBe('"{\\"no\\":\\"f\\"}"');
    expect(valueText('{not json')).toBe('"{not json"');
    expect(valueText(7)).toBe('7');
  });

  test("a chapter's messages: numbered commands before rounds, operations named", () => {
    expect(messageLabel({ kind: 'accept', seq: 3, req: 'c1:2', val: '{"f":"release","key":"L1"}' })).toBe('accept(#3, release L1)');
    expect(messageLabel({ kind: 'learn', seq: 3 })).toBe('learn(#3)');
    expect(messageLabel({ kind: 'accept', rnd: 2, slot: 1, val: 'm2' })).toBe('accept(2, "m2")');
    expect(messageLabel({ kind: 'promise', rnd: 2, vrnd: 1, vval: '{"f":"acquire","key":"L"}' })).toBe('promise(2, 1, acquire L)');
    expect(messageLabel({ kind: 'prepare', from: 1, crnd: 4 })).toBe('prepare(4)');
  });
});
