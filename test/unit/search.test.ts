// The state-space search: the reference is safe in the whole space and reaches the goal, an unsafe
// proposer yields the shortest counterexample as a trace, a do-nothing starter fails the goal, and
// uncloneable or non-deterministic roles get a clear message.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PromiseMsg, AcceptMsg, PrepareMsg, LearnMsg } from '@paxlab/sdk';
import { runSearch, cloneState, stateKey, UncloneableStateError, type SearchReport, type SearchRoles } from '../../electron/engine/search/index.js';
import { checkChosenInvariant } from '../../electron/engine/checkers/index.js';
import { renderTraceDiagram } from '../../electron/engine/trace/diagram.js';
import { serializeTrace, parseTrace } from '../../electron/engine/trace/io.js';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';
import { Acceptor as StarterAcceptor } from '../../labs/01-acceptor/starter/acceptor.js';
import { Proposer as StarterProposer } from '../../labs/02-proposer/starter/proposer.js';
import { Learner as StarterLearner } from '../../labs/03-learner/starter/learner.js';
import { loadSearchTests } from '../../electron/engine/scenarios/lab-config.js';

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
    const r = runSearch(reference, { acceptors: 3, values: ['v1', 'v2'], maxRounds: 2 });
    expect(r.verdict).toBe('ok');
    expect(r.exhausted).toBe(true);
    expect(r.extent).toBe(`exhaustive: ${r.statesExplored} states, every order of deliveries`);
    expect(r.refinements).toBe(0);
    expect(r.statesExplored).toBeGreaterThan(100_000);
    expect(r.depthReached).toBeGreaterThan(20);
    // And a value can be chosen: P1 starts, proposes, 2 prepares, 2 promises, 2 accepts delivered.
    expect(r.goalReached).toMatchObject({ name: 'chosen', depth: 8, description: '"v1" is chosen in round 1 (acceptors 1, 2 voted it)' });
    expect(r.goalMissed).toBeUndefined();
  }, 150_000);

  it('the same space without the inert-message reduction, for one round each, agrees (no violation)', () => {
    const reduced = runSearch(reference, { maxRounds: 1 });
    const full = runSearch(reference, { maxRounds: 1, reduce: false });
    expect([reduced.verdict, full.verdict]).toEqual(['ok', 'ok']);
    expect([reduced.exhausted, full.exhausted]).toEqual([true, true]);
    expect(full.statesExplored).toBeGreaterThan(reduced.statesExplored);
  }, 60_000);

  it("the 'multiset' network (explicit drops, bounded duplicates, acceptor crashes) finds nothing either", () => {
    const r = runSearch(reference, { network: 'multiset', maxRounds: 1, maxDuplicates: 1, maxCrashes: 1, values: ['v1'] });
    expect(r.verdict).toBe('ok');
    expect(r.exhausted).toBe(true);
  }, 90_000);
});

describe('budgets are counted in states, never in time', () => {
  const timeless = (r: SearchReport) => {
    const { elapsedMs, statesPerSecond, ...rest } = r;
    void elapsedMs;
    void statesPerSecond;
    return JSON.stringify(rest);
  };

  it('a search that reaches its state budget says exactly how far it went, the same way every time', () => {
    const r = runSearch(reference, { maxStates: 5000 });
    expect([r.verdict, r.exhausted, r.stoppedBy, r.statesExplored]).toEqual(['ok', false, 'states', 5000]);
    expect(r.extent).toMatch(/^no violation in the first 5000 states, not exhaustive \(every order of up to \d+ steps\)$/);
    expect(r.completeDepth).toBeGreaterThan(5);
    expect(r.completeDepth).toBeLessThan(r.depthReached);
    // The goal (8 steps) lies within the budget.
    expect(r.goalReached?.depth).toBe(8);
    expect(timeless(runSearch(reference, { maxStates: 5000 }))).toBe(timeless(r));
  });

  it('a role whose state keeps growing stops the search at the role-state budget, not at a memory limit', () => {
    /** Keeps a log of every ACCEPT it takes: each repeated delivery is a new state. */
    class Logger extends Acceptor {
      log: number[] = [];
      override handleAccept(msg: AcceptMsg): LearnMsg | null {
        const out = super.handleAccept(msg);
        if (out) this.log.push(msg.rnd);
        return out;
      }
    }
    const r = runSearch({ ...reference, Acceptor: Logger }, { maxRoleStates: 500 });
    expect([r.verdict, r.exhausted, r.stoppedBy]).toEqual(['ok', false, 'role-states']);
    expect(r.extent).toMatch(/^no violation in the first \d+ states, not exhaustive: the roles' states kept growing/);
    expect(r.roleStates).toBeGreaterThan(500);
    expect(r.goalReached?.depth).toBe(8);
  });

  it('the search takes no time limit: the option does not exist', () => {
    expect(() => runSearch(reference, { maxStates: 0 })).toThrow(/maxStates must be a positive integer/);
  });
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

  it('refines the reduction when a role handles a message it once ignored, and still explores the whole space', () => {
    // Ignores a PREPARE while nothing was voted, handles a stale one afterwards (unusual, but legal to search).
    class Moody extends Acceptor {
      override handlePrepare(msg: PrepareMsg): PromiseMsg | null {
        if (msg.crnd <= this.rnd && this.vrnd === 0) return null;
        if (msg.crnd <= this.rnd) return { kind: 'promise', to: msg.from, from: this.id, rnd: this.rnd, vrnd: this.vrnd, vval: this.vval };
        return super.handlePrepare(msg);
      }
    }
    const roles = { ...reference, Acceptor: Moody };
    const r = runSearch(roles, { maxRounds: 1, values: ['v1'] });
    expect(r.refinements).toBeGreaterThan(0);
    expect(r.note).toMatch(/^acceptor \d ignored .* once but handles it in a later state: the inert-message reduction was refined \d+ times?$/);
    expect([r.verdict, r.exhausted, r.reduced]).toEqual(['ok', true, true]);
    const again = runSearch(roles, { maxRounds: 1, values: ['v1'] });
    expect({ ...again, elapsedMs: 0, statesPerSecond: 0 }).toEqual({ ...r, elapsedMs: 0, statesPerSecond: 0 });
    // Sound: every history (proposals and votes) the unreduced search reaches, the refined one reaches too.
    const full = runSearch(roles, { maxRounds: 1, values: ['v1'], reduce: false });
    expect(full.exhausted).toBe(true);
    expect(r.statesExplored).toBeLessThan(full.statesExplored);
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

const root = path.resolve(import.meta.dirname, '../..');

describe('goals: the search must also reach a good state', () => {
  it('the shortest path to a chosen value is 8 steps, returned as a trace ending with the goal', () => {
    const r = runSearch(reference, { maxRounds: 1 });
    expect(r.verdict).toBe('ok');
    const g = r.goalReached!;
    expect(g).toMatchObject({ name: 'chosen', depth: 8 });
    expect(g.trace[0]).toMatchObject({ type: 'meta', source: 'search', title: `search goal: ${g.description}` });
    expect(g.trace.at(-1)).toMatchObject({ type: 'log', text: `goal reached: ${g.description}` });
    expect(g.trace.filter((e) => e.type === 'deliver')).toHaveLength(6);
    // A path of a correct protocol: the checkers accept it, and it survives the trace format.
    expect(checkChosenInvariant(g.trace).ok).toBe(true);
    expect(parseTrace(serializeTrace(g.trace))).toEqual(g.trace);
    expect(renderTraceDiagram(g.trace, { types: ['deliver', 'log'] })).toContain('# goal reached: "v1" is chosen in round 1');
    // Minimal: one step fewer and no state is a goal.
    const short = runSearch(reference, { maxRounds: 1, maxDepth: 7 });
    expect(short.verdict).toBe('goal-unreached');
    expect(short.goalMissed!.summary).toMatch(/^no order of deliveries within the bounds \(7 steps\) lets a value be chosen/);
  });

  it('with a learner the goal is a decision: 10 steps, ending with the decide', () => {
    const r = runSearch(reference, { maxRounds: 1, learners: 1 });
    expect(r.goalReached).toMatchObject({ name: 'decided', depth: 10, description: 'learner 3 decides "v1"' });
    expect(r.goalReached!.trace.filter((e) => e.type === 'decide')).toEqual([expect.objectContaining({ node: 3, value: 'v1' })]);
  });

  it('a violation still wins over the goal, and the shortest counterexample is unchanged', () => {
    const r = runSearch({ ...reference, Proposer: IgnoresPromisedValue });
    expect(r.verdict).toBe('violation');
    expect(r.violation!.depth).toBe(14);
    // The goal was reached on the way (BFS meets the 8-step goal before the 14-step violation).
    expect(r.goalReached?.depth).toBe(8);
  });

  const starters: Array<[string, SearchRoles, RegExp]> = [
    ['01-acceptor', { ...reference, Acceptor: StarterAcceptor }, /no acceptor ever answered a prepare with a promise \(prepares sent: prepare\(1\) from node 1/],
    // The starter proposer's startRound sends round 0, which no acceptor promises.
    ['02-proposer', { ...reference, Proposer: StarterProposer }, /no acceptor ever answered a prepare with a promise \(prepares sent: prepare\(0\) from node 1, prepare\(0\) from node 2\)/],
    ['03-learner', { ...reference, Learner: StarterLearner }, /a value was chosen .*, but handleLearn returned null for every learn/],
  ];
  for (const [dir, roles, why] of starters) {
    it(`the do-nothing starter of ${dir} is safe but fails every search test of its lab: the goal is unreachable`, async () => {
      const tests = await loadSearchTests(path.join(root, 'labs', dir));
      expect(tests.length).toBeGreaterThan(0);
      for (const t of tests) {
        const r = runSearch(roles, t.options);
        expect(r.violation, t.name).toBeUndefined();
        expect(r.verdict, t.name).toBe('goal-unreached');
        expect(r.goalReached, t.name).toBeUndefined();
        expect(r.goalMissed!.name, t.name).toBe(t.options.goal);
        expect(r.goalMissed!.message, t.name).toMatch(why);
        // Without a goal the same search finds nothing wrong: doing nothing is safe.
        expect(runSearch(roles, { ...t.options, goal: 'none' }).verdict, t.name).toBe('ok');
      }
    }, 60_000);
  }

  it('names the first protocol step that never happened', () => {
    class NeverVotes extends Acceptor {
      override handleAccept(): LearnMsg | null {
        return null;
      }
    }
    class NeverAccepts extends Proposer {
      override handlePromise(msg: PromiseMsg): AcceptMsg | null {
        super.handlePromise(msg);
        return null;
      }
      override propose(): AcceptMsg | null {
        return null;
      }
    }
    /** Votes only in round 1, and only as acceptor 1: never a quorum. */
    class LoneVoter extends Acceptor {
      override handleAccept(msg: AcceptMsg): LearnMsg | null {
        return this.id === 1 ? super.handleAccept(msg) : null;
      }
    }
    const opts = { maxRounds: 1 };
    expect(runSearch({ ...reference, Acceptor: NeverVotes }, opts).goalMissed).toMatchObject({ stage: 'vote', role: 'acceptor', message: expect.stringMatching(/^no acceptor ever voted: accepts were sent \(accept\(1,"v1"\) from node 1/) });
    expect(runSearch({ ...reference, Proposer: NeverAccepts }, opts).goalMissed).toMatchObject({ stage: 'accept', role: 'proposer', message: expect.stringMatching(/^no proposer ever sent an accept, though acceptors promised \(promise\(1,-,-\)/) });
    expect(runSearch({ ...reference, Acceptor: LoneVoter }, opts).goalMissed).toMatchObject({ stage: 'quorum', message: expect.stringMatching(/never a quorum \(2 of 3\) for one value in one round \(acceptor 1 voted "v1" in round 1/) });
  });

  it("goal 'decided' needs learners; an unknown goal is refused", () => {
    expect(() => runSearch(reference, { goal: 'decided' })).toThrow(/goal 'decided' needs learners/);
    expect(() => runSearch(reference, { goal: 'nothing' as never })).toThrow(/goal must be/);
  });
});

describe('paxlab search says whether the goal was reached', () => {
  const cli = async (...args: string[]) => {
    try {
      const r = await promisify(execFile)(process.execPath, [path.join(root, 'bin', 'paxlab.js'), 'search', ...args]);
      return { code: 0, out: r.stdout };
    } catch (e) {
      const x = e as { code: number; stdout: string };
      return { code: x.code, out: x.stdout };
    }
  };

  it('exits 1 for the do-nothing starter: no violation, goal not reached, and why', async () => {
    const r = await cli('acceptor', path.join(root, 'labs', '01-acceptor', 'starter', 'acceptor.ts'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✓ no violation in the whole state space/);
    expect(r.out).toMatch(/✗ goal not reached: your acceptor never promises — no order of deliveries lets a value be chosen/);
  }, 60_000);

  it('exits 0 for the reference, with the shortest path to the goal in steps and in --json', async () => {
    const proposer = path.join(root, 'labs', '02-proposer', 'reference', 'proposer.ts');
    const r = await cli('proposer', proposer, '--depth', '8');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓ goal reached in 8 steps: "v1" is chosen in round 1 \(acceptors 1, 2 voted it\)/);
    const json = JSON.parse((await cli('proposer', proposer, '--depth', '8', '--json')).out);
    expect(json).toMatchObject({ verdict: 'ok', goalReached: { name: 'chosen', depth: 8 } });
    expect(json.goalReached.trace[0]).toMatchObject({ type: 'meta', source: 'search' });
    // One step short of the goal: safe, but the goal is not reached.
    const short = await cli('proposer', proposer, '--depth', '7');
    expect(short.code).toBe(1);
    expect(short.out).toMatch(/✗ goal not reached: no order of deliveries within the bounds \(7 steps\)/);
  }, 60_000);
});
