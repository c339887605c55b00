// The state-space search: the reference is safe in the whole space, an unsafe proposer yields the
// shortest counterexample as a trace, and uncloneable or non-deterministic roles get a clear message.
import { describe, expect, it } from 'vitest';
import type { PromiseMsg, AcceptMsg, PrepareMsg, LearnMsg } from '@paxlab/sdk';
import { runSearch, cloneState, stateKey, UncloneableStateError, type SearchRoles } from '../../electron/engine/search/index.js';
import { checkChosenInvariant } from '../../electron/engine/checkers/index.js';
import { renderTraceDiagram } from '../../electron/engine/trace/diagram.js';
import { serializeTrace, parseTrace } from '../../electron/engine/trace/io.js';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';

const reference: SearchRoles = { Acceptor, Proposer, Learner };

/** A proposer that ignores the values promises report and always proposes its client's value. */
class IgnoresPromisedValue extends Proposer {
  override handlePromise(msg: PromiseMsg): AcceptMsg | null {
    const out = super.handlePromise(msg);
    return out && this.clientValue !== null ? { ...out, val: this.clientValue } : out;
  }
}

describe('search of the reference single-decree protocol', () => {
  it('explores every state of 3 acceptors, 2 proposers, 2 values, 2 rounds each, loss and duplication: no violation', () => {
    const r = runSearch(reference, { acceptors: 3, values: ['v1', 'v2'], maxRounds: 2, timeLimitMs: 120_000 });
    expect(r.verdict).toBe('ok');
    expect(r.exhausted).toBe(true);
    expect(r.reductionBroken).toBeUndefined();
    expect(r.statesExplored).toBeGreaterThan(100_000);
    expect(r.depthReached).toBeGreaterThan(20);
  }, 150_000);

  it('the same space without the inert-message reduction, for one round each, agrees (no violation)', () => {
    const reduced = runSearch(reference, { maxRounds: 1 });
    const full = runSearch(reference, { maxRounds: 1, reduce: false });
    expect([reduced.verdict, full.verdict]).toEqual(['ok', 'ok']);
    expect([reduced.exhausted, full.exhausted]).toEqual([true, true]);
    expect(full.statesExplored).toBeGreaterThan(reduced.statesExplored);
  }, 60_000);

  it("the 'multiset' network (explicit drops, bounded duplicates, acceptor crashes) finds nothing either", () => {
    const r = runSearch(reference, { network: 'multiset', maxRounds: 1, maxDuplicates: 1, maxCrashes: 1, values: ['v1'], timeLimitMs: 60_000 });
    expect(r.verdict).toBe('ok');
    expect(r.exhausted).toBe(true);
  }, 90_000);
});

describe('counterexamples', () => {
  const bad = () => runSearch({ ...reference, Proposer: IgnoresPromisedValue });

  it('a proposer that ignores the promised value is caught with a counterexample of minimal length', () => {
    const r = bad();
    expect(r.verdict).toBe('violation');
    expect(r.violation!.checker).toBe('chosen-invariant');
    // Shortest: P1 starts, proposes; P2 starts, proposes; 2 prepares and 2 promises for P1 (accept v1);
    // v1 voted by 2 acceptors (chosen); 2 prepares and 2 promises for P2, one reporting v1: 14 steps.
    expect(r.violation!.depth).toBe(14);
    // Minimal: nothing is found when every path is at most one step shorter.
    const shorter = runSearch({ ...reference, Proposer: IgnoresPromisedValue }, { maxDepth: 13 });
    expect(shorter.verdict).toBe('ok');
    expect(shorter.stoppedBy).toBe('depth');
  }, 60_000);

  it('returns the counterexample as a trace the checkers, the trace format and the diagram accept', () => {
    const { violation } = bad();
    const trace = violation!.trace;
    expect(trace[0]).toMatchObject({ type: 'meta', source: 'search', nodes: [1, 2, 3] });
    expect(checkChosenInvariant(trace).ok).toBe(false);
    expect(parseTrace(serializeTrace(trace))).toEqual(trace);
    const diagram = renderTraceDiagram(trace);
    expect(diagram).toContain('prepare crnd=2');
    expect(diagram).toContain('vval="v1"');
    // Every deliver refers to a message sent earlier in the trace.
    const sent = new Set(trace.flatMap((e) => (e.type === 'send' ? [e.id] : [])));
    for (const e of trace) if (e.type === 'deliver') expect(sent.has(e.id)).toBe(true);
  }, 60_000);

  it('a learner that counts repeated learns decides without a quorum', () => {
    class CountsRepeats extends Learner {
      n = 0;
      override handleLearn(msg: LearnMsg) {
        if (this.learned !== null) return null;
        this.n++;
        return this.n >= 2 ? (this.learned = msg.val) : null;
      }
    }
    const r = runSearch({ ...reference, Learner: CountsRepeats }, { learners: 1 });
    expect(r.verdict).toBe('violation');
    expect(r.violation!.checker).toBe('learner-safety');
    expect(r.violation!.trace.some((e) => e.type === 'duplicate')).toBe(true);
  });

  it('a handler that throws is reported with the input that made it throw', () => {
    class Throws extends Acceptor {
      override handleAccept(msg: AcceptMsg): LearnMsg | null {
        if (msg.rnd > 1) throw new RangeError('rounds above 1 are not supported');
        return super.handleAccept(msg);
      }
    }
    const r = runSearch({ ...reference, Acceptor: Throws });
    expect(r.violation).toMatchObject({ checker: 'handler-error', message: expect.stringMatching(/handleAccept.*threw RangeError: rounds above 1/) });
    expect(r.violation!.trace.at(-1)).toMatchObject({ type: 'error' });
  });
});

describe('state cloning and determinism', () => {
  it('clones keep prototypes, Maps and Sets, and canonical keys ignore insertion order', () => {
    class Tally {
      seen = new Set<number>();
      add(n: number) {
        this.seen.add(n);
      }
    }
    class Role {
      t = new Tally();
      m = new Map<number, string>([[2, 'b'], [1, 'a']]);
    }
    const a = new Role();
    a.t.add(3);
    const c = cloneState(a);
    expect(c).toBeInstanceOf(Role);
    expect(c.t).toBeInstanceOf(Tally);
    c.t.add(4);
    expect([...a.t.seen]).toEqual([3]);
    const b = new Role();
    b.m = new Map([[1, 'a'], [2, 'b']]);
    b.t.add(3);
    expect(stateKey(a)).toBe(stateKey(b));
  });

  it('a role keeping state in a closure is told which field holds a function', () => {
    class ClosureAcceptor {
      handlePrepare: (m: PrepareMsg) => PromiseMsg | null;
      handleAccept: (m: AcceptMsg) => LearnMsg | null;
      constructor(id: number) {
        let rnd = 0;
        this.handlePrepare = (m) => (m.crnd > rnd ? ((rnd = m.crnd), { kind: 'promise', to: m.from, from: id, rnd, vrnd: 0, vval: null }) : null);
        this.handleAccept = () => null;
      }
    }
    expect(() => stateKey(new ClosureAcceptor(1))).toThrow(UncloneableStateError);
    const r = runSearch({ ...reference, Acceptor: ClosureAcceptor as never });
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/keep your state cloneable: field this\.handle(Prepare|Accept) holds a function/);
  });

  it('a non-deterministic handler is caught by running it twice from the same state', () => {
    let calls = 0;
    class Flaky extends Acceptor {
      override handlePrepare(msg: PrepareMsg): PromiseMsg | null {
        calls++;
        // Depends on something outside the object: differs between two runs from one state.
        return calls % 2 === 0 ? null : super.handlePrepare(msg);
      }
    }
    const r = runSearch({ ...reference, Acceptor: Flaky });
    expect(r.violation).toMatchObject({ checker: 'determinism', message: expect.stringMatching(/not deterministic/) });
  });

  it('a handler that changes its input message is caught', () => {
    class Mutates extends Acceptor {
      override handlePrepare(msg: PrepareMsg): PromiseMsg | null {
        (msg as { crnd: number }).crnd += 0.5;
        return super.handlePrepare(msg);
      }
    }
    expect(runSearch({ ...reference, Acceptor: Mutates }).violation).toMatchObject({ checker: 'input-mutation' });
  });

  it('falls back to the full search when a role handles a message it once ignored', () => {
    // Ignores a PREPARE while nothing was voted, handles a stale one afterwards (unusual, but legal to search).
    class Moody extends Acceptor {
      override handlePrepare(msg: PrepareMsg): PromiseMsg | null {
        if (msg.crnd <= this.rnd && this.vrnd === 0) return null;
        if (msg.crnd <= this.rnd) return { kind: 'promise', to: msg.from, from: this.id, rnd: this.rnd, vrnd: this.vrnd, vval: this.vval };
        return super.handlePrepare(msg);
      }
    }
    const r = runSearch({ ...reference, Acceptor: Moody }, { maxRounds: 1, values: ['v1'], timeLimitMs: 30_000 });
    expect(r.reductionBroken ?? r.note).toMatch(/ignored .* once but handles it in a later state/);
  }, 60_000);
});

describe('private class members', () => {
  it('a role with #private fields is told to use ordinary fields, before anything runs', () => {
    class Hidden {
      #rnd = 0;
      constructor(readonly id: number) {}
      handlePrepare(m: PrepareMsg): PromiseMsg | null {
        if (m.crnd <= this.#rnd) return null;
        this.#rnd = m.crnd;
        return { kind: 'promise', to: m.from, from: this.id, rnd: m.crnd, vrnd: 0, vval: null };
      }
      handleAccept(): LearnMsg | null {
        return null;
      }
    }
    const r = runSearch({ ...reference, Acceptor: Hidden as never });
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/keep your state cloneable: the Acceptor has private members \(#rnd\)/);
  });
});
