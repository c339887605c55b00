/**
 * Failing runs (electron/engine/failing-run): a scenario's real run and a search counterexample,
 * each with the events that break the rule found by the same checkers that judged it, a search's
 * numbered steps, a valid trace file, and a window around the violation for a long run.
 */
import { describe, expect, it } from 'vitest';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';
import { Proposer as IgnoresPromisedValues } from '../../labs/02-proposer/mutants/ignores-promised-values.js';
import { runScenario } from '../../electron/engine/scenarios/scenario-run.js';
import { runSearch } from '../../electron/engine/search/index.js';
import { failingRun, failingRunOf, trimRun } from '../../electron/engine/failing-run/index.js';
import { parseTrace, serializeTrace } from '../../electron/engine/trace/io.js';
import type { DecideEvent, TraceEvent } from '../../electron/engine/trace/events.js';
import type { TestResult } from '../../electron/engine/grading/verdict.js';

// The proposer lab's split-vote scenario, seed 11, with a proposer that ignores promised votes.
const scenario = runScenario({ role: 'proposer', roleClass: IgnoresPromisedValues, schedule: 'split-vote', nodes: 5, seed: 11 });

describe('a scenario that breaks agreement', () => {
  it('is the run the checkers judged: five nodes, two decisions that differ', () => {
    expect(scenario.ok).toBe(false);
    expect(scenario.failed!.checker).toBe('agreement');
    expect(scenario.trace[0]).toMatchObject({ type: 'meta', nodes: [1, 2, 3, 4, 5] });
  });

  it('highlights the two conflicting decides and closes with the violation', () => {
    const run = failingRun(scenario.trace, { checker: 'agreement', seed: 11, message: scenario.failed!.message })!;
    expect(run.highlights).toHaveLength(2);
    const bySeq = new Map(run.events.map((e) => [e.seq, e]));
    const [a, b] = run.highlights.map((h) => bySeq.get(h.seq) as DecideEvent);
    expect([a.type, b.type]).toEqual(['decide', 'decide']);
    expect(a.value).not.toBe(b.value);
    expect(run.highlights[0].label).toBe(`conflict: S${a.node} decided ${JSON.stringify(a.value)}`);
    // The same events the scenario's checker named.
    expect(run.highlights.map((h) => h.seq)).toEqual(scenario.failed!.events.map((e) => e.seq));
    const end = run.events[run.events.length - 1];
    expect(end).toMatchObject({ type: 'error', node: b.node, message: expect.stringMatching(/^violation \(agreement\): node \d decided/) });
    expect(run.steps).toBeUndefined();
    // A valid trace file: it parses back to the same events.
    expect(parseTrace(serializeTrace(run.events))).toEqual(run.events);
  });

  it('a long run is cut to a window around the violation, keeping seqs, highlights and the end', () => {
    const run = failingRun(scenario.trace, { checker: 'agreement', seed: 11, message: 'x' })!;
    const cut = trimRun(run, 100);
    expect(cut.totalEvents).toBe(run.events.length);
    expect(cut.events.length).toBeLessThanOrEqual(101 + 1);
    expect(cut.events[0].type).toBe('meta');
    const kept = new Set(cut.events.map((e) => e.seq));
    // The two decides are far apart (more than 100 events): the window keeps the later one.
    expect(kept.has(run.highlights[1].seq)).toBe(true);
    expect(cut.events[cut.events.length - 1].type).toBe('error');
    for (let i = 2; i < cut.events.length - 1; i++) expect(cut.events[i].seq).toBe(cut.events[i - 1].seq + 1);
    // A short run is left whole.
    expect(trimRun(run).events).toBe(run.events);
  });
});

describe('a search counterexample', () => {
  const report = runSearch({ Acceptor, Proposer: IgnoresPromisedValues, Learner }, { acceptors: 3, values: ['v1', 'v2'], maxRounds: 2, learners: 0 });
  const trace = report.violation!.trace as TraceEvent[];

  it('numbers its steps, one per action, with what the handler sent', () => {
    const run = failingRun(trace, { checker: report.violation!.checker, message: report.violation!.message })!;
    expect(run.steps!.map((s) => s.n)).toEqual(Array.from({ length: report.violation!.depth }, (_, i) => i + 1));
    expect(run.steps![0].text).toMatch(/^S\d starts a round → sends prepare\(\d\) to S1, S2, S3$/);
    expect(run.steps!.some((s) => /receives promise/.test(s.text))).toBe(true);
    // Each step points at its first event, which happened at that step.
    const bySeq = new Map(run.events.map((e) => [e.seq, e]));
    for (const s of run.steps!) expect(bySeq.get(s.seq)!.t).toBe(s.n);
  });

  it('highlights the quorum that chose a value and the accept that breaks it', () => {
    const run = failingRun(trace, { checker: 'chosen-invariant', message: report.violation!.message })!;
    expect(run.highlights.length).toBeGreaterThanOrEqual(3);
    expect(run.highlights[run.highlights.length - 1].label).toMatch(/^accept of "v\d" in round \d breaks the chosen value$/);
    // The search already ends its trace with the violation: no second error is added.
    expect(run.events.filter((e) => e.type === 'error')).toHaveLength(1);
  });
});

describe('the failing run of a graded test', () => {
  it('a trace test: its replayed calls drawn as a run, ending where the call failed', () => {
    const result: TestResult = {
      id: 'trace:public/x', kind: 'trace', name: 'x', title: 'x', set: 'public', weight: 1, points: 0, maxPoints: 1, passed: false, durationMs: 1, notes: [],
      failure: {
        reason: 'mismatch',
        message: 'wrong promise',
        rule: { id: 'acceptor.promise.no-vote', text: 't' },
        call: 'handlePrepare',
        input: { kind: 'prepare', from: 2, crnd: 2 },
        expected: { kind: 'promise', from: 1, to: 2, rnd: 2, vrnd: 0, vval: null },
        actual: null,
        inputsSoFar: [],
      },
    };
    const run = failingRunOf(result)!;
    expect(run.events[0]).toMatchObject({ type: 'meta', source: 'replay' });
    expect(run.highlights).toEqual([{ seq: run.events.length - 1, label: 'fails here' }]);
    expect(parseTrace(serializeTrace(run.events))).toHaveLength(run.events.length);
  });

  it('a passed test has none', () => {
    expect(failingRunOf({ id: 'a', kind: 'scenario', name: 'a', title: 'a', set: 'public', weight: 1, points: 1, maxPoints: 1, passed: true, durationMs: 1, notes: [] })).toBeNull();
  });
});
