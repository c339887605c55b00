// One test per rule of the Multi-Paxos role API (docs/multi-paxos-api.md), against the reference
// roles of lab 04. A test's name is the rule id it pins.
import { describe, expect, it } from 'vitest';
import { NO_ROUND, NOOP, ownedRoundAbove } from '@paxlab/sdk';
import type { MultiAcceptMsg, MultiClusterConfig, MultiLearnMsg, MultiPrepareMsg, MultiPromiseMsg, SlotVote } from '@paxlab/sdk';
import { Acceptor } from '../../labs/04-multi-paxos/reference/acceptor.js';
import { Proposer } from '../../labs/04-multi-paxos/reference/proposer.js';
import { Learner } from '../../labs/04-multi-paxos/reference/learner.js';

const three: MultiClusterConfig = { nodes: [1, 2, 3], alpha: 3 };
const five: MultiClusterConfig = { nodes: [1, 2, 3, 4, 5], alpha: 2 };

const prepare = (from: number, crnd: number, slot = 1): MultiPrepareMsg => Object.freeze({ kind: 'prepare', from, crnd, slot });
const accept = (from: number, slot: number, rnd: number, val: string): MultiAcceptMsg => Object.freeze({ kind: 'accept', from, slot, rnd, val });
const vote = (slot: number, vrnd: number, vval: string): SlotVote => Object.freeze({ slot, vrnd, vval });
const promise = (from: number, to: number, rnd: number, votes: SlotVote[] = [], slot = 1): MultiPromiseMsg =>
  Object.freeze({ kind: 'promise', to, from, rnd, slot, votes: Object.freeze([...votes]) as SlotVote[] });
const learn = (from: number, slot: number, rnd: number, val: string): MultiLearnMsg => Object.freeze({ kind: 'learn', from, slot, rnd, val });

/** Node 1 of 3, active in round 1 after promises from 1 and 2 (no votes). */
function activeProposer(config = three): Proposer {
  const p = new Proposer(1, config);
  p.startRound(NO_ROUND);
  p.handlePromise(promise(1, 1, 1));
  p.handlePromise(promise(2, 1, 1));
  return p;
}

describe('Multi-Paxos API: every role', () => {
  it('multi-paxos.role.constructor: roles take (id, config); firstSlot is where the log starts', () => {
    const p = new Proposer(2, { ...three, firstSlot: 40 });
    expect(p.startRound(NO_ROUND)).toEqual({ kind: 'prepare', from: 2, crnd: 2, slot: 40 });
    expect(new Proposer(2, three).startRound(NO_ROUND).slot).toBe(1);
  });

  it('multi-paxos.role.pure: outputs are new objects and inputs stay unchanged', () => {
    const a = new Acceptor(1, three);
    const m = accept(2, 1, 2, 'x');
    const first = a.handleAccept(m)!;
    const again = a.handleAccept(m)!;
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    const p1 = a.handlePrepare(prepare(3, 3))!;
    const p2 = a.handlePrepare(prepare(2, 5))!;
    expect(p2.votes).not.toBe(p1.votes);
    expect(m).toEqual({ kind: 'accept', from: 2, slot: 1, rnd: 2, val: 'x' });
    // Frozen inputs: a role that wrote into one would have thrown above.
    const p = new Proposer(1, three);
    p.startRound(NO_ROUND);
    p.handlePromise(promise(2, 1, 1, [vote(1, 1, 'a')]));
    const accs = p.handlePromise(promise(3, 1, 1));
    expect(accs).toEqual([{ kind: 'accept', from: 1, slot: 1, rnd: 1, val: 'a' }]);
  });

  it('rounds are owned: ownedRoundAbove gives the smallest round of a node above a bound', () => {
    expect([0, 1, 2, 5, 6, 7].map((r) => ownedRoundAbove(2, three, r))).toEqual([2, 2, 5, 8, 8, 8]);
  });
});

describe('Multi-Paxos API: acceptor', () => {
  it('multi-paxos.acceptor.prepare.higher: a higher PREPARE is promised for the whole log', () => {
    const a = new Acceptor(3, three);
    expect(a.handlePrepare(prepare(1, 1, 4))).toEqual({ kind: 'promise', to: 1, from: 3, rnd: 1, slot: 4, votes: [] });
    expect(a.handlePrepare(prepare(2, 5, 1))).toEqual({ kind: 'promise', to: 2, from: 3, rnd: 5, slot: 1, votes: [] });
  });

  it('multi-paxos.acceptor.prepare.not-higher: an equal or lower PREPARE gets null and changes nothing', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 5));
    expect(a.handlePrepare(prepare(2, 5))).toBeNull();
    expect(a.handlePrepare(prepare(1, 4))).toBeNull();
    // Round 5 is still the promise: an ACCEPT of round 5 is taken, one of round 4 is not.
    expect(a.handleAccept(accept(1, 1, 4, 'x'))).toBeNull();
    expect(a.handleAccept(accept(2, 1, 5, 'y'))).not.toBeNull();
  });

  it('multi-paxos.acceptor.promise.votes: the votes at or above the slot, one per slot, by slot', () => {
    const a = new Acceptor(1, three);
    a.handleAccept(accept(2, 7, 2, 'g'));
    a.handleAccept(accept(2, 3, 2, 'c'));
    a.handleAccept(accept(2, 5, 2, 'e'));
    a.handleAccept(accept(3, 3, 3, 'c2'));
    a.handleAccept(accept(3, 1, 3, 'a'));
    expect(a.handlePrepare(prepare(1, 4, 3))).toEqual({
      kind: 'promise',
      to: 1,
      from: 1,
      rnd: 4,
      slot: 3,
      votes: [
        { slot: 3, vrnd: 3, vval: 'c2' },
        { slot: 5, vrnd: 2, vval: 'e' },
        { slot: 7, vrnd: 2, vval: 'g' },
      ],
    });
    expect(a.handlePrepare(prepare(2, 5, 8))!.votes).toEqual([]);
  });

  it('multi-paxos.acceptor.accept.at-least: an ACCEPT at or above rnd is voted and answered with a LEARN', () => {
    const a = new Acceptor(2, three);
    a.handlePrepare(prepare(1, 4));
    expect(a.handleAccept(accept(1, 9, 4, 'v'))).toEqual({ kind: 'learn', from: 2, slot: 9, rnd: 4, val: 'v' });
    expect(a.handleAccept(accept(3, 2, 6, 'w'))).toEqual({ kind: 'learn', from: 2, slot: 2, rnd: 6, val: 'w' });
  });

  it('multi-paxos.acceptor.accept.lower: an ACCEPT below rnd gets null and changes nothing', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(3, 6));
    expect(a.handleAccept(accept(2, 1, 5, 'v'))).toBeNull();
    expect(a.handlePrepare(prepare(1, 7))!.votes).toEqual([]);
  });

  it('multi-paxos.acceptor.one-round: a promise or vote in any slot raises the round of every slot', () => {
    const a = new Acceptor(1, three);
    a.handlePrepare(prepare(2, 5, 10));
    // Promised for slots from 10 on, yet slot 2 refuses round 4 too: one round for the whole log.
    expect(a.handleAccept(accept(1, 2, 4, 'x'))).toBeNull();
    a.handleAccept(accept(3, 1, 6, 'y'));
    expect(a.handleAccept(accept(2, 8, 5, 'z'))).toBeNull();
    expect(a.handlePrepare(prepare(3, 6, 1))).toBeNull();
  });

  it('multi-paxos.acceptor.accept.repeat: the same ACCEPT again is answered again', () => {
    const a = new Acceptor(1, three);
    const first = a.handleAccept(accept(2, 3, 2, 'x'));
    expect(a.handleAccept(accept(2, 3, 2, 'x'))).toEqual(first);
  });

  it('multi-paxos.acceptor.accept.per-slot: a vote replaces only its own slot\'s vote', () => {
    const a = new Acceptor(1, three);
    a.handleAccept(accept(2, 1, 2, 'a'));
    a.handleAccept(accept(2, 2, 2, 'b'));
    a.handleAccept(accept(3, 2, 3, 'b2'));
    expect(a.handlePrepare(prepare(1, 4))!.votes).toEqual([
      { slot: 1, vrnd: 2, vval: 'a' },
      { slot: 2, vrnd: 3, vval: 'b2' },
    ]);
  });

  it('multi-paxos.acceptor.truncate: votes below the bound are forgotten', () => {
    const a = new Acceptor(1, three);
    for (let s = 1; s <= 4; s++) a.handleAccept(accept(2, s, 2, `v${s}`));
    a.truncate(3);
    expect(a.handlePrepare(prepare(3, 3, 1))!.votes.map((v) => v.slot)).toEqual([3, 4]);
  });
});

describe('Multi-Paxos API: proposer', () => {
  it('multi-paxos.proposer.start-round: the smallest owned round above crnd and the bound, for the first undecided slot', () => {
    const p = new Proposer(2, three);
    expect(p.startRound(NO_ROUND)).toEqual({ kind: 'prepare', from: 2, crnd: 2, slot: 1 });
    expect(p.startRound(NO_ROUND)).toEqual({ kind: 'prepare', from: 2, crnd: 5, slot: 1 });
    expect(p.startRound(9)).toEqual({ kind: 'prepare', from: 2, crnd: 11, slot: 1 });
    p.decided(1);
    expect(p.startRound(3)).toEqual({ kind: 'prepare', from: 2, crnd: 14, slot: 2 });
  });

  it('multi-paxos.proposer.start-round: a new round forgets the promises and makes the proposer inactive', () => {
    const p = activeProposer();
    expect(p.propose('a')).not.toBeNull();
    const { crnd } = p.startRound(NO_ROUND);
    expect(p.propose('b')).toBeNull();
    p.handlePromise(promise(2, 1, crnd));
    expect(p.propose('b')).toBeNull(); // one promise of the new round: no quorum yet
    p.handlePromise(promise(3, 1, crnd));
    expect(p.propose('b')).toMatchObject({ rnd: crnd });
  });

  it('multi-paxos.proposer.first-undecided: decided slots in any order move the first undecided slot', () => {
    const p = new Proposer(1, three);
    p.decided(2);
    p.decided(4);
    expect(p.startRound(NO_ROUND).slot).toBe(1);
    p.decided(1);
    expect(p.startRound(NO_ROUND).slot).toBe(3);
    p.decided(3);
    p.decided(3);
    expect(p.startRound(NO_ROUND).slot).toBe(5);
  });

  it('multi-paxos.proposer.promise.ignored: other rounds, repeated senders and late promises return []', () => {
    const p = new Proposer(1, three);
    const { crnd } = p.startRound(NO_ROUND);
    expect(p.handlePromise(promise(2, 1, crnd + 3, [vote(1, 2, 'x')]))).toEqual([]);
    expect(p.handlePromise(promise(2, 1, crnd, [vote(1, 1, 'a')]))).toEqual([]);
    expect(p.handlePromise(promise(2, 1, crnd, [vote(1, 1, 'a')]))).toEqual([]); // 2 again: still one promise
    // 2 and 3 are the quorum; a promise after it (a vote it never saw) changes nothing.
    expect(p.handlePromise(promise(3, 1, crnd))).toEqual([{ kind: 'accept', from: 1, slot: 1, rnd: crnd, val: 'a' }]);
    expect(p.handlePromise(promise(1, 1, crnd, [vote(1, 9, 'z'), vote(2, 9, 'z')]))).toEqual([]);
    expect(p.propose('c')).toEqual({ kind: 'accept', from: 1, slot: 2, rnd: crnd, val: 'c' });
  });

  it('multi-paxos.proposer.promise.quorum: the quorum returns accepts from the first undecided slot to the highest reported, skipping decided slots', () => {
    const p = new Proposer(3, { ...five, alpha: 5 });
    p.decided(1);
    p.decided(4);
    const { crnd, slot } = p.startRound(NO_ROUND);
    expect(slot).toBe(2);
    expect(p.handlePromise(promise(1, 3, crnd, [vote(2, 1, 'b')], 2))).toEqual([]);
    expect(p.handlePromise(promise(2, 3, crnd, [vote(5, 1, 'e')], 2))).toEqual([]);
    expect(p.handlePromise(promise(4, 3, crnd, [vote(4, 1, 'd')], 2))).toEqual([
      { kind: 'accept', from: 3, slot: 2, rnd: crnd, val: 'b' },
      { kind: 'accept', from: 3, slot: 3, rnd: crnd, val: NOOP },
      { kind: 'accept', from: 3, slot: 5, rnd: crnd, val: 'e' },
    ]);
    // The next free slot is past the highest reported one, not a hole below it; the window is
    // [2, 7) while slot 2 is undecided.
    expect(p.propose('f')).toEqual({ kind: 'accept', from: 3, slot: 6, rnd: crnd, val: 'f' });
    expect(p.propose('g')).toBeNull();
  });

  it('multi-paxos.proposer.promise.adopt: per slot, the value of the highest vrnd among the quorum', () => {
    const p = new Proposer(1, three);
    const { crnd } = p.startRound(7);
    p.handlePromise(promise(2, 1, crnd, [vote(1, 2, 'old'), vote(2, 5, 'new2')]));
    expect(p.handlePromise(promise(3, 1, crnd, [vote(1, 6, 'new1'), vote(2, 3, 'old2')]))).toEqual([
      { kind: 'accept', from: 1, slot: 1, rnd: crnd, val: 'new1' },
      { kind: 'accept', from: 1, slot: 2, rnd: crnd, val: 'new2' },
    ]);
  });

  it('multi-paxos.proposer.promise.no-op: a hole below the highest reported slot gets a no-op', () => {
    const p = new Proposer(1, three);
    const { crnd } = p.startRound(NO_ROUND);
    p.handlePromise(promise(2, 1, crnd, [vote(3, 2, 'c')]));
    expect(p.handlePromise(promise(3, 1, crnd)).map((a) => [a.slot, a.val])).toEqual([
      [1, NOOP],
      [2, NOOP],
      [3, 'c'],
    ]);
  });

  it('multi-paxos.proposer.propose.inactive: before its quorum propose returns null and keeps nothing', () => {
    const p = new Proposer(1, three);
    expect(p.propose('x')).toBeNull();
    const { crnd } = p.startRound(NO_ROUND);
    expect(p.propose('x')).toBeNull();
    p.handlePromise(promise(2, 1, crnd));
    // Not kept: the quorum's accepts do not carry it.
    expect(p.handlePromise(promise(3, 1, crnd))).toEqual([]);
    expect(p.propose('y')).toEqual({ kind: 'accept', from: 1, slot: 1, rnd: crnd, val: 'y' });
  });

  it('multi-paxos.proposer.propose.next-slot: an active proposer fills slot after slot in its round, no PREPARE in between', () => {
    const p = activeProposer();
    p.decided(2); // decided by someone else: skipped
    expect([p.propose('a'), p.propose('b')]).toEqual([
      { kind: 'accept', from: 1, slot: 1, rnd: 1, val: 'a' },
      { kind: 'accept', from: 1, slot: 3, rnd: 1, val: 'b' },
    ]);
    p.decided(1);
    p.decided(3);
    expect(p.propose('c')).toEqual({ kind: 'accept', from: 1, slot: 4, rnd: 1, val: 'c' });
  });

  it('multi-paxos.proposer.window: at most alpha slots in flight; a decision moves the window', () => {
    const p = activeProposer(); // alpha 3
    expect([p.propose('a'), p.propose('b'), p.propose('c')].map((a) => a?.slot)).toEqual([1, 2, 3]);
    expect(p.propose('d')).toBeNull();
    p.decided(2); // out of order: slot 1 is still the first undecided
    expect(p.propose('d')).toBeNull();
    p.decided(1);
    expect(p.propose('d')).toMatchObject({ slot: 4 });
    expect(p.propose('e')).toMatchObject({ slot: 5 });
    expect(p.propose('f')).toBeNull();
  });
});

describe('Multi-Paxos API: learner', () => {
  it('multi-paxos.learner.quorum: a quorum of distinct senders in one round of a slot decides it', () => {
    const l = new Learner(1, five);
    expect(l.handleLearn(learn(1, 3, 2, 'v'))).toBeNull();
    expect(l.handleLearn(learn(2, 3, 2, 'v'))).toBeNull();
    expect(l.handleLearn(learn(5, 3, 2, 'v'))).toEqual({ slot: 3, val: 'v' });
  });

  it('multi-paxos.learner.repeat: a sender repeating a LEARN counts once', () => {
    const l = new Learner(1, three);
    expect(l.handleLearn(learn(2, 1, 2, 'v'))).toBeNull();
    expect(l.handleLearn(learn(2, 1, 2, 'v'))).toBeNull();
    expect(l.handleLearn(learn(3, 1, 2, 'v'))).toEqual({ slot: 1, val: 'v' });
  });

  it('multi-paxos.learner.rounds-apart: LEARNs of different rounds are not added up', () => {
    const l = new Learner(1, three);
    expect(l.handleLearn(learn(1, 1, 1, 'a'))).toBeNull();
    expect(l.handleLearn(learn(2, 1, 2, 'b'))).toBeNull();
    expect(l.handleLearn(learn(3, 1, 2, 'b'))).toEqual({ slot: 1, val: 'b' });
  });

  it('multi-paxos.learner.once: a decided slot is reported once', () => {
    const l = new Learner(1, three);
    l.handleLearn(learn(1, 1, 1, 'a'));
    expect(l.handleLearn(learn(2, 1, 1, 'a'))).toEqual({ slot: 1, val: 'a' });
    expect(l.handleLearn(learn(3, 1, 1, 'a'))).toBeNull();
    l.handleLearn(learn(1, 1, 4, 'a'));
    expect(l.handleLearn(learn(2, 1, 4, 'a'))).toBeNull();
  });

  it('multi-paxos.learner.out-of-order: slots decide independently, higher ones first', () => {
    const l = new Learner(1, three);
    l.handleLearn(learn(1, 1, 1, 'a'));
    l.handleLearn(learn(1, 2, 1, 'b'));
    expect(l.handleLearn(learn(2, 2, 1, 'b'))).toEqual({ slot: 2, val: 'b' });
    expect(l.handleLearn(learn(2, 1, 1, 'a'))).toEqual({ slot: 1, val: 'a' });
  });

  it('multi-paxos.learner.truncate: tallies below the bound are forgotten', () => {
    const l = new Learner(1, three);
    l.handleLearn(learn(1, 1, 1, 'a'));
    l.handleLearn(learn(1, 5, 1, 'e'));
    l.truncate(3);
    expect(l.tallies.has(1)).toBe(false);
    expect(l.handleLearn(learn(2, 5, 1, 'e'))).toEqual({ slot: 5, val: 'e' });
  });
});
