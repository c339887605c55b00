// One test per rule of the student API (docs/student-api.md), against the reference roles. A test's name is the rule it pins.
import { describe, expect, it } from 'vitest';
import { NO_ROUND, quorumSize } from '@paxlab/sdk';
import type { AcceptMsg, ClusterConfig, LearnMsg, PrepareMsg, PromiseMsg } from '@paxlab/sdk';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';

const three: ClusterConfig = { nodes: [1, 2, 3] };
const five: ClusterConfig = { nodes: [1, 2, 3, 4, 5] };

const prepare = (from: number, crnd: number): PrepareMsg => Object.freeze({ kind: 'prepare', from, crnd });
const accept = (from: number, rnd: number, val: string): AcceptMsg => Object.freeze({ kind: 'accept', from, rnd, val });
const promise = (from: number, to: number, rnd: number, vrnd = NO_ROUND, vval: string | null = null): PromiseMsg =>
  Object.freeze({ kind: 'promise', to, from, rnd, vrnd, vval });
const learn = (from: number, rnd: number, val: string): LearnMsg => Object.freeze({ kind: 'learn', from, rnd, val });

/** A proposer (node 2 of 3 unless told) whose round has been started once. */
function proposerInRound(id = 2, config = three): { p: Proposer; crnd: number } {
  const p = new Proposer(id, config);
  const { crnd } = p.startRound();
  return { p, crnd };
}

describe('student API: cluster', () => {
  it('quorum is floor(n/2) + 1', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => quorumSize({ nodes: Array.from({ length: n }, (_, i) => i + 1) }))).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });

  it('rounds are owned: node i of n owns i, i+n, i+2n, …', () => {
    const owned = (id: number) => {
      const p = new Proposer(id, three);
      return [p.startRound().crnd, p.startRound().crnd, p.startRound().crnd];
    };
    expect([owned(1), owned(2), owned(3)]).toEqual([[1, 4, 7], [2, 5, 8], [3, 6, 9]]);
  });
});

describe('student API: acceptor', () => {
  it('acceptor: a first prepare is promised with vrnd NO_ROUND and vval null', () => {
    expect(new Acceptor(1, three).handlePrepare(prepare(2, 2))).toEqual({ kind: 'promise', to: 2, from: 1, rnd: 2, vrnd: NO_ROUND, vval: null });
  });

  it('acceptor: prepare with a higher round is promised', () => {
    const a = new Acceptor(3, three);
    a.handlePrepare(prepare(1, 1));
    expect(a.handlePrepare(prepare(2, 5))).toEqual({ kind: 'promise', to: 2, from: 3, rnd: 5, vrnd: NO_ROUND, vval: null });
  });

  it('acceptor: prepare with an equal round is refused', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 5));
    expect(a.handlePrepare(prepare(2, 5))).toBeNull();
  });

  it('acceptor: prepare with a lower round is refused', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 5));
    expect(a.handlePrepare(prepare(1, 4))).toBeNull();
  });

  it('acceptor: a promise carries the last vote (vrnd, vval)', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 2));
    a.handleAccept(accept(2, 2, 'x'));
    expect(a.handlePrepare(prepare(3, 3))).toEqual({ kind: 'promise', to: 3, from: 1, rnd: 3, vrnd: 2, vval: 'x' });
  });

  it('acceptor: accept with a round equal to the promised one is voted', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 5));
    expect(a.handleAccept(accept(2, 5, 'v'))).toEqual({ kind: 'learn', from: 1, rnd: 5, val: 'v' });
  });

  it('acceptor: accept with a round higher than the promised one is voted', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 2));
    expect(a.handleAccept(accept(3, 6, 'w'))).toEqual({ kind: 'learn', from: 1, rnd: 6, val: 'w' });
  });

  it('acceptor: accept with a lower round is refused', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(3, 6));
    expect(a.handleAccept(accept(2, 5, 'v'))).toBeNull();
  });

  it('acceptor: a vote raises rnd, so a prepare of that round is then refused', () => {
    const a = new Acceptor(1, three);
    a.handleAccept(accept(3, 6, 'w'));
    expect(a.handlePrepare(prepare(3, 6))).toBeNull();
    expect(a.handlePrepare(prepare(1, 7))).toMatchObject({ rnd: 7, vrnd: 6, vval: 'w' });
  });

  it('acceptor: a repeated accept for the same round is answered again', () => {
    const a = new Acceptor(1, three);
    const first = a.handleAccept(accept(2, 2, 'x'));
    expect(a.handleAccept(accept(2, 2, 'x'))).toEqual(first);
  });

  it('acceptor: a refused message changes nothing', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 5));
    a.handleAccept(accept(2, 5, 'x'));
    a.handlePrepare(prepare(1, 4));
    a.handleAccept(accept(1, 4, 'y'));
    expect(a.handlePrepare(prepare(3, 6))).toEqual({ kind: 'promise', to: 3, from: 1, rnd: 6, vrnd: 5, vval: 'x' });
  });
});

describe('student API: proposer', () => {
  it('proposer: startRound moves crnd to the next owned round and returns its prepare', () => {
    const p = new Proposer(2, three);
    expect(p.startRound()).toEqual({ kind: 'prepare', from: 2, crnd: 2 });
    expect(p.startRound()).toEqual({ kind: 'prepare', from: 2, crnd: 5 });
  });

  it('proposer: startRound forgets the promises of earlier rounds', () => {
    const { p, crnd } = proposerInRound();
    p.propose('v');
    p.handlePromise(promise(1, 2, crnd));
    const next = p.startRound().crnd;
    // One promise of the new round is not a quorum of 3 even though one arrived for the old round.
    expect(p.handlePromise(promise(1, 2, next))).toBeNull();
    expect(p.handlePromise(promise(3, 2, next))).toEqual({ kind: 'accept', from: 2, rnd: next, val: 'v' });
  });

  it('proposer: startRound forgets that an accept was sent', () => {
    const { p, crnd } = proposerInRound();
    p.propose('v');
    p.handlePromise(promise(1, 2, crnd));
    expect(p.handlePromise(promise(2, 2, crnd))).not.toBeNull();
    const next = p.startRound().crnd;
    p.handlePromise(promise(1, 2, next));
    expect(p.handlePromise(promise(2, 2, next))).toEqual({ kind: 'accept', from: 2, rnd: next, val: 'v' });
  });

  it('proposer: startRound keeps the client value', () => {
    const p = new Proposer(1, three);
    p.propose('kept');
    const { crnd } = p.startRound();
    p.handlePromise(promise(2, 1, crnd));
    expect(p.handlePromise(promise(3, 1, crnd))).toEqual({ kind: 'accept', from: 1, rnd: crnd, val: 'kept' });
  });

  it('proposer: propose before a quorum returns null and remembers the value', () => {
    const { p, crnd } = proposerInRound();
    expect(p.propose('v')).toBeNull();
    p.handlePromise(promise(1, 2, crnd));
    expect(p.handlePromise(promise(3, 2, crnd))).toEqual({ kind: 'accept', from: 2, rnd: crnd, val: 'v' });
  });

  it('proposer: propose after a quorum free of values returns the accept', () => {
    const { p, crnd } = proposerInRound();
    expect(p.handlePromise(promise(1, 2, crnd))).toBeNull();
    expect(p.handlePromise(promise(3, 2, crnd))).toBeNull();
    expect(p.propose('v')).toEqual({ kind: 'accept', from: 2, rnd: crnd, val: 'v' });
  });

  it('proposer: propose after a quorum that carried a value returns null', () => {
    const { p, crnd } = proposerInRound();
    p.handlePromise(promise(1, 2, crnd, 1, 'old'));
    expect(p.handlePromise(promise(3, 2, crnd))).toEqual({ kind: 'accept', from: 2, rnd: crnd, val: 'old' });
    expect(p.propose('mine')).toBeNull();
  });

  it('proposer: propose after the accept was sent returns null', () => {
    const { p, crnd } = proposerInRound();
    p.handlePromise(promise(1, 2, crnd));
    p.handlePromise(promise(3, 2, crnd));
    expect(p.propose('v')).not.toBeNull();
    expect(p.propose('w')).toBeNull();
  });

  it('proposer: a later propose replaces the earlier client value', () => {
    const { p, crnd } = proposerInRound();
    p.propose('first');
    p.propose('second');
    p.handlePromise(promise(1, 2, crnd));
    expect(p.handlePromise(promise(3, 2, crnd))).toMatchObject({ val: 'second' });
  });

  it('proposer: a promise for another round is ignored', () => {
    const { p, crnd } = proposerInRound();
    p.propose('v');
    expect(p.handlePromise(promise(1, 2, crnd + 3))).toBeNull();
    expect(p.handlePromise(promise(3, 2, crnd - 1 || 99))).toBeNull();
    // Neither counted: one more promise of crnd is still not a quorum of 2.
    expect(p.handlePromise(promise(1, 2, crnd))).toBeNull();
    expect(p.handlePromise(promise(3, 2, crnd))).not.toBeNull();
  });

  it('proposer: a second promise from the same sender counts once', () => {
    const { p, crnd } = proposerInRound();
    p.propose('v');
    expect(p.handlePromise(promise(1, 2, crnd))).toBeNull();
    expect(p.handlePromise(promise(1, 2, crnd))).toBeNull();
    expect(p.handlePromise(promise(3, 2, crnd))).not.toBeNull();
  });

  it('proposer: no promise before the quorum returns an accept', () => {
    const { p, crnd } = proposerInRound(1, five);
    p.propose('v');
    expect(p.handlePromise(promise(1, 1, crnd))).toBeNull();
    expect(p.handlePromise(promise(2, 1, crnd))).toBeNull();
    expect(p.handlePromise(promise(3, 1, crnd))).toEqual({ kind: 'accept', from: 1, rnd: crnd, val: 'v' });
  });

  it('proposer: a quorum free of values takes the client value', () => {
    const { p, crnd } = proposerInRound(3);
    p.propose('client');
    p.handlePromise(promise(1, 3, crnd));
    expect(p.handlePromise(promise(2, 3, crnd))).toEqual({ kind: 'accept', from: 3, rnd: crnd, val: 'client' });
  });

  it('proposer: the vval of the highest vrnd in the quorum wins over the client value', () => {
    const { p, crnd } = proposerInRound(3, five);
    p.propose('client');
    p.handlePromise(promise(1, 3, crnd, 1, 'low'));
    p.handlePromise(promise(2, 3, crnd, 2, 'high'));
    expect(p.handlePromise(promise(4, 3, crnd))).toEqual({ kind: 'accept', from: 3, rnd: crnd, val: 'high' });
  });

  it('proposer: a quorum free of values without a client value returns null and lets propose send', () => {
    const { p, crnd } = proposerInRound();
    p.handlePromise(promise(1, 2, crnd));
    expect(p.handlePromise(promise(3, 2, crnd))).toBeNull();
    expect(p.propose('late')).toEqual({ kind: 'accept', from: 2, rnd: crnd, val: 'late' });
  });

  it('proposer: a late promise after the quorum changes nothing', () => {
    const { p, crnd } = proposerInRound(1, five);
    p.propose('v');
    p.handlePromise(promise(1, 1, crnd));
    p.handlePromise(promise(2, 1, crnd));
    expect(p.handlePromise(promise(3, 1, crnd))).toMatchObject({ val: 'v' });
    expect(p.handlePromise(promise(4, 1, crnd, 3, 'other'))).toBeNull();
  });

  it('proposer: a late promise does not change what propose may send later', () => {
    const { p, crnd } = proposerInRound();
    p.handlePromise(promise(1, 2, crnd));
    p.handlePromise(promise(2, 2, crnd));
    // The quorum {1,2} was free; a late promise carrying a vote must not constrain the value now.
    expect(p.handlePromise(promise(3, 2, crnd, 1, 'late-vote'))).toBeNull();
    expect(p.propose('mine')).toEqual({ kind: 'accept', from: 2, rnd: crnd, val: 'mine' });
  });

  it("proposer: the promise's addressee is not checked", () => {
    const { p, crnd } = proposerInRound();
    p.propose('v');
    p.handlePromise(promise(1, 7, crnd));
    expect(p.handlePromise(promise(3, 7, crnd))).toEqual({ kind: 'accept', from: 2, rnd: crnd, val: 'v' });
  });
});

describe('student API: learner', () => {
  it('learner: learns of one round from a quorum of distinct senders decide that value', () => {
    const l = new Learner(1, five);
    expect(l.handleLearn(learn(1, 2, 'x'))).toBeNull();
    expect(l.handleLearn(learn(2, 2, 'x'))).toBeNull();
    expect(l.handleLearn(learn(3, 2, 'x'))).toBe('x');
  });

  it('learner: a repeated learn from the same sender in a round counts once', () => {
    const l = new Learner(1, three);
    expect(l.handleLearn(learn(2, 2, 'x'))).toBeNull();
    expect(l.handleLearn(learn(2, 2, 'x'))).toBeNull();
    expect(l.handleLearn(learn(3, 2, 'x'))).toBe('x');
  });

  it('learner: learns of different rounds are tallied separately', () => {
    const l = new Learner(1, three);
    expect(l.handleLearn(learn(1, 1, 'a'))).toBeNull();
    expect(l.handleLearn(learn(2, 2, 'b'))).toBeNull();
    expect(l.handleLearn(learn(3, 2, 'b'))).toBe('b');
  });

  it('learner: after the first quorum every learn returns null', () => {
    const l = new Learner(1, three);
    l.handleLearn(learn(1, 1, 'a'));
    expect(l.handleLearn(learn(2, 1, 'a'))).toBe('a');
    expect(l.handleLearn(learn(3, 1, 'a'))).toBeNull();
    expect(l.handleLearn(learn(1, 4, 'a'))).toBeNull();
    expect(l.handleLearn(learn(2, 4, 'a'))).toBeNull();
  });
});

describe('student API: every handler', () => {
  it('handlers never mutate their input (messages are frozen here, so a write throws)', () => {
    const a = new Acceptor(1, three);
    const { p, crnd } = proposerInRound();
    const l = new Learner(1, three);
    expect(() => {
      a.handlePrepare(prepare(2, crnd));
      a.handleAccept(accept(2, crnd, 'v'));
      p.handlePromise(promise(1, 2, crnd));
      p.handlePromise(promise(3, 2, crnd));
      l.handleLearn(learn(1, crnd, 'v'));
      l.handleLearn(learn(2, crnd, 'v'));
    }).not.toThrow();
  });

  it('outputs are fresh objects, never the input and never shared between calls', () => {
    const a = new Acceptor(1, three);
    const acc = accept(2, 2, 'x');
    const l1 = a.handleAccept(acc);
    const l2 = a.handleAccept(acc);
    expect(l1).not.toBe(l2);
    expect(l1).not.toBe(acc);
    l1!.val = 'changed';
    expect(a.handlePrepare(prepare(3, 3))).toMatchObject({ vval: 'x' });
  });
});
