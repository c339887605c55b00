/**
 * The goal of a search (DSLabs pairs invariants with goals): besides finding no violation, the search
 * must reach a state where something good happened, or a role that does nothing would pass as
 * "safe". This module names what was reached and, when nothing was, explains how far the protocol
 * got, from the messages and votes the search ever saw.
 */
import { msgLabel, type RoleKind, type SearchGoal } from './model.js';
import type { StateView, Transitions } from './explorer.js';

/** What the goal asks, for messages: "a value be chosen", "a learner decide". */
export const GOAL_WANTS: Record<Exclude<SearchGoal, 'none'>, string> = {
  chosen: 'a value be chosen (by a quorum of acceptors voting for it in one round)',
  decided: 'a learner decide',
};

/** Where the protocol stopped short of the goal, and whose step that was. */
export interface GoalMiss {
  /** The first step of the protocol nothing in the search ever took. */
  stage: 'prepare' | 'promise' | 'accept' | 'vote' | 'quorum' | 'decide';
  /** The role whose step that is. */
  role: RoleKind;
  message: string;
}

/** A one-line description of the goal state `s` reached, e.g. `"v1" is chosen in round 1 (acceptors 1, 2)`. */
export function describeGoal(tr: Transitions, s: StateView): string {
  const { values, hist } = tr.table;
  if (tr.opts.goal === 'decided') {
    const k = s.dec.findIndex((d) => d !== 0);
    return `learner ${tr.slots[tr.learnerSlots[k]].node} decides ${JSON.stringify(values[s.dec[k] - 1])}`;
  }
  const c = tr.chosen(s.h)!;
  const voters = s.h.map((id) => hist[id]).filter((e) => e.vote && e.rnd === c.rnd && e.val === c.val).map((e) => e.node).sort((a, b) => a - b);
  return `${JSON.stringify(values[c.val])} is chosen in round ${c.rnd} (acceptors ${voters.join(', ')} voted it)`;
}

/** The headline when the step that never happened is the student's role's own, e.g. "your acceptor never votes". */
export const NEVER: Record<GoalMiss['stage'], string | null> = {
  prepare: 'never sends a prepare',
  promise: 'never promises',
  accept: 'never sends an accept',
  vote: 'never votes',
  quorum: null,
  decide: 'never decides',
};

const MAX_LISTED = 4;

function list(items: string[]): string {
  const distinct = [...new Set(items)];
  const shown = distinct.slice(0, MAX_LISTED).join(', ');
  return distinct.length > MAX_LISTED ? `${shown}, … (${distinct.length} in all)` : shown;
}

/**
 * Why no state of the search reached the goal: the first protocol step that never happened in any
 * explored state (every message and vote the search ever produced is in the tables).
 */
export function explainMiss(tr: Transitions): GoalMiss {
  const { msgs, hist, values } = tr.table;
  const sent = (kind: string) => msgs.filter((m) => m.msg.kind === kind);
  const labels = (kind: string) => list(sent(kind).map((m) => `${msgLabel(m.msg)} from node ${m.from}`));
  if (sent('prepare').length === 0) {
    return { stage: 'prepare', role: 'proposer', message: 'no proposer ever sent a prepare (startRound returned nothing)' };
  }
  if (sent('promise').length === 0) {
    return { stage: 'promise', role: 'acceptor', message: `no acceptor ever answered a prepare with a promise (prepares sent: ${labels('prepare')})` };
  }
  if (sent('accept').length === 0) {
    return { stage: 'accept', role: 'proposer', message: `no proposer ever sent an accept, though acceptors promised (${labels('promise')})` };
  }
  const votes = hist.filter((e) => e.vote);
  if (votes.length === 0) {
    return { stage: 'vote', role: 'acceptor', message: `no acceptor ever voted: accepts were sent (${labels('accept')}) but never answered with a learn` };
  }
  // Every history the search reached is interned: was a value chosen in any of them?
  const anyChosen = tr.opts.goal === 'decided' && tr.histories.arrays.some((h) => tr.chosen(h) !== null);
  if (!anyChosen) {
    const v = list(votes.map((e) => `acceptor ${e.node} voted ${JSON.stringify(values[e.val])} in round ${e.rnd}`));
    return { stage: 'quorum', role: 'acceptor', message: `acceptors voted, but never a quorum (${tr.quorum} of ${tr.acceptorSlots.length}) for one value in one round (${v})` };
  }
  return {
    stage: 'decide',
    role: 'learner',
    message: `a value was chosen (a quorum of acceptors voted for it in one round), but handleLearn returned null for every learn (learns sent: ${labels('learn')})`,
  };
}
