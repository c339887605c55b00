// The trace checkers: agreement, validity, integrity, the single-decree chosen-value invariant and
// liveness, each on small hand-built traces (one that holds, one that breaks) and on real runs.
import { describe, expect, it } from 'vitest';
import { checkAgreement, checkChosenInvariant, checkIntegrity, checkLiveness, checkSafety, checkValidity } from '../../electron/engine/checkers/index.js';
import { TraceRecorder } from '../../electron/engine/trace/recorder.js';
import type { TraceEvent, UnstampedEvent } from '../../electron/engine/trace/events.js';
import { runSingleDecreeSim } from '../../electron/engine/sim/index.js';

function trace(nodes: number[], events: UnstampedEvent[]): TraceEvent[] {
  const rec = new TraceRecorder({ source: 'sim', nodes });
  for (const e of events) rec.record(e);
  return rec.events;
}

let id = 0;
const send = (t: number, from: number, to: number, msg: Record<string, unknown>): UnstampedEvent => ({ type: 'send', t, id: ++id, from, to, msg: msg as never });
const learn = (t: number, from: number, rnd: number, val: string) => send(t, from, 1, { kind: 'learn', from, rnd, val });
const accept = (t: number, from: number, to: number, rnd: number, val: string) => send(t, from, to, { kind: 'accept', from, rnd, val });
const decide = (t: number, node: number, value: string): UnstampedEvent => ({ type: 'decide', t, node, value, slot: 0 });
const request = (t: number, node: number, value: string): UnstampedEvent => ({ type: 'client-request', t, node, request: `r${value}`, value });

describe('agreement', () => {
  it('holds when every node decides the same value', () => {
    expect(checkAgreement(trace([1, 2, 3], [decide(1, 1, 'x'), decide(2, 2, 'x')])).ok).toBe(true);
  });
  it('fails on two different decisions and names both events', () => {
    const r = checkAgreement(trace([1, 2, 3], [decide(1, 1, 'x'), decide(2, 3, 'y')]));
    expect(r.ok).toBe(false);
    expect(r.checker).toBe('agreement');
    expect(r.events.map((e) => (e as { node: number }).node)).toEqual([1, 3]);
    expect(r.message).toMatch(/node 1 decided "x".*node 3 decided "y"/);
  });
  it('judges each slot on its own', () => {
    const t = trace([1, 2], [{ ...decide(1, 1, 'x'), slot: 1 } as UnstampedEvent, { ...decide(1, 2, 'y'), slot: 2 } as UnstampedEvent]);
    expect(checkAgreement(t).ok).toBe(true);
  });
});

describe('validity', () => {
  it('holds when the decided value was requested by a client', () => {
    expect(checkValidity(trace([1, 2], [request(0, 1, 'x'), decide(3, 2, 'x')])).ok).toBe(true);
  });
  it('fails on a value no client proposed', () => {
    const r = checkValidity(trace([1, 2], [request(0, 1, 'x'), decide(3, 2, 'z')]));
    expect(r.ok).toBe(false);
    expect(r.message).toContain('"z"');
  });
});

describe('integrity', () => {
  it('fails when a node decides twice', () => {
    const r = checkIntegrity(trace([1, 2], [decide(1, 1, 'x'), decide(2, 1, 'x')]));
    expect(r.ok).toBe(false);
    expect(r.events).toHaveLength(2);
  });
  it('lets a restarted node announce the same decision again, but not another one', () => {
    const same = trace([1, 2], [decide(1, 1, 'x'), { type: 'crash', t: 2, node: 1 }, { type: 'restart', t: 3, node: 1 }, decide(4, 1, 'x')]);
    expect(checkIntegrity(same).ok).toBe(true);
    const other = trace([1, 2], [decide(1, 1, 'x'), { type: 'crash', t: 2, node: 1 }, { type: 'restart', t: 3, node: 1 }, decide(4, 1, 'y')]);
    expect(checkIntegrity(other).ok).toBe(false);
  });
});

describe('chosen-value invariant', () => {
  it('holds when later rounds accept the chosen value', () => {
    const t = trace([1, 2, 3], [learn(1, 1, 1, 'x'), learn(1, 2, 1, 'x'), accept(2, 2, 3, 2, 'x'), learn(3, 3, 2, 'x')]);
    expect(checkChosenInvariant(t).ok).toBe(true);
  });
  it('is not fooled by one acceptor repeating its learn (quorum of distinct senders)', () => {
    const t = trace([1, 2, 3], [learn(1, 1, 1, 'x'), learn(1, 1, 1, 'x'), accept(2, 2, 3, 2, 'y')]);
    expect(checkChosenInvariant(t).ok).toBe(true);
  });
  it('fails when a higher round accepts another value after a quorum chose one', () => {
    const t = trace([1, 2, 3], [learn(1, 1, 1, 'x'), learn(1, 2, 1, 'x'), accept(2, 2, 3, 2, 'y')]);
    const r = checkChosenInvariant(t);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/"x" was chosen in round 1.*accept round 2 with value "y"/);
    expect(r.events.map((e) => e.type)).toEqual(['send', 'send', 'send']);
  });
  it('fails even when the other value was proposed before the choice (P2b holds over the whole run)', () => {
    const t = trace([1, 2, 3], [accept(1, 2, 3, 2, 'y'), learn(2, 1, 1, 'x'), learn(2, 2, 1, 'x')]);
    expect(checkChosenInvariant(t).ok).toBe(false);
  });
  it('uses the given acceptors for the quorum', () => {
    const t = trace([1, 2, 3, 4, 5], [learn(1, 1, 1, 'x'), learn(1, 2, 1, 'x'), accept(2, 2, 3, 2, 'y')]);
    expect(checkChosenInvariant(t).ok).toBe(true); // 2 of 5 is no quorum
    expect(checkChosenInvariant(t, { acceptors: [1, 2, 3] }).ok).toBe(false);
  });
});

describe('liveness', () => {
  const faults = (extra: UnstampedEvent[]) =>
    trace([1, 2, 3], [{ type: 'crash', t: 10, node: 3 }, { type: 'partition', t: 20, groups: [[1], [2, 3]] }, { type: 'heal', t: 100 }, ...extra]);
  it('holds when every live node decides within the bound after the last fault', () => {
    const r = checkLiveness(faults([decide(150, 1, 'x'), decide(160, 2, 'x')]), { boundMs: 100 });
    expect(r.ok).toBe(true);
  });
  it('fails when a live node decides too late or not at all', () => {
    const r = checkLiveness(faults([decide(150, 1, 'x'), decide(400, 2, 'x')]), { boundMs: 100 });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/node 2 did not decide within 100 ms/);
  });
  it('does not judge a schedule that ends partitioned or with a minority up', () => {
    const split = trace([1, 2, 3], [{ type: 'partition', t: 5, groups: [[1], [2, 3]] }]);
    expect(checkLiveness(split, { boundMs: 10 })).toMatchObject({ ok: true, message: expect.stringMatching(/not judged/) });
    const minority = trace([1, 2, 3], [{ type: 'crash', t: 5, node: 1 }, { type: 'crash', t: 6, node: 2 }]);
    expect(checkLiveness(minority, { boundMs: 10 })).toMatchObject({ ok: true, message: expect.stringMatching(/not judged/) });
  });
});

describe('on real simulator runs', () => {
  it('a reference cluster under loss passes every checker', async () => {
    const run = await runSingleDecreeSim({ nodes: 5, propose: ['x', 'y'], loss: 0.2, dup: 0.1, seed: 3, timeoutMs: 5000 });
    for (const r of [...checkSafety(run.trace), checkLiveness(run.trace, { boundMs: 5000 })]) expect(r, r.message).toMatchObject({ ok: true });
  });
  it('a tampered decision in that trace is caught by agreement and validity', async () => {
    const run = await runSingleDecreeSim({ nodes: 3, propose: ['x'], loss: 0, dup: 0, seed: 1, timeoutMs: 5000 });
    const tampered = run.trace.map((e) => (e.type === 'decide' && e.node === 2 ? { ...e, value: 'forged' } : e));
    expect(checkAgreement(tampered).ok).toBe(false);
    expect(checkValidity(tampered).ok).toBe(false);
  });
});
