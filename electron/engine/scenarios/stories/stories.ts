/**
 * The seed stories: the Basic Paxos examples of the course material (paxos-blog-post: Examples 1–5
 * and the dueling proposers), each a script for the story cluster and the message sequence the story
 * tells, as data. A test runs every script on the reference roles and compares message for message.
 */
import { StoryCluster, expandStoryLines, storyLines, type StoryStep } from './story-cluster.js';
import type { TraceEvent } from '../../trace/events.js';

export interface SeedStory {
  name: string;
  title: string;
  /** What the story shows, in one or two sentences. */
  about: string;
  script: StoryStep[];
  /** The expected sends, crashes, restarts and decisions, compact (see expandStoryLines). */
  expected: string[];
}

const phase = (kind: 'prepare' | 'promise' | 'accept' | 'learn', from?: string[]): StoryStep => ({ do: 'deliver', kind, ...(from ? { from } : {}) });

/** Example 1: a first round with no earlier votes decides the proposer's value. */
const round1: StoryStep[] = [{ do: 'propose', p: 'P1', value: '5' }, { do: 'prepare', p: 'P1' }, phase('prepare'), phase('promise'), phase('accept'), phase('learn')];
const round1Lines = [
  'P1 → A1..A5 prepare(1)',
  'A1..A5 → P1 promise(1,-,-)',
  'P1 → A1..A5 accept(1,5)',
  'A1..A5 → L1..L5 learn(1,5)',
  'L1..L5 decides 5',
];

/** The dueling proposers: each new PREPARE overtakes the other's ACCEPT, so nothing is ever voted. */
function duel(rounds: number): { script: StoryStep[]; lines: string[] } {
  const script: StoryStep[] = [{ do: 'propose', p: 'P1', value: '5' }, { do: 'propose', p: 'P2', value: '7' }];
  const lines: string[] = [];
  const proposers = ['P1', 'P2'];
  const roundOf = (i: number) => (i % 2 === 0 ? 1 + 3 * (i / 2) : 2 + 3 * ((i - 1) / 2));
  for (let i = 0; i < rounds; i++) {
    const p = proposers[i % 2];
    const value = p === 'P1' ? '5' : '7';
    const r = roundOf(i);
    script.push({ do: 'prepare', p }, phase('prepare'));
    lines.push(`${p} → A1..A5 prepare(${r})`, `A1..A5 → ${p} promise(${r},-,-)`);
    // The other proposer's ACCEPT arrives after this PREPARE was promised: refused, no LEARN.
    if (i > 0) script.push(phase('accept'));
    script.push(phase('promise'));
    lines.push(`${p} → A1..A5 accept(${r},${value})`);
  }
  return { script, lines };
}

const dueling = duel(6);

export const SEED_STORIES: SeedStory[] = [
  {
    name: 'example-1-no-prior-votes',
    title: 'Example 1: a first round with no prior votes decides 5',
    about: 'P1 runs round 1; every promise says "no vote yet", so P1 may propose its own value, and a quorum of learns decides it.',
    script: round1,
    expected: round1Lines,
  },
  {
    name: 'example-2-later-round-keeps-5',
    title: 'Example 2: a later proposer must propose 5 again',
    about: 'After round 1 chose 5, P2 (whose client asked for 7) runs round 2; the promises report the vote (1,5), so P2 proposes 5.',
    script: [...round1, { do: 'propose', p: 'P2', value: '7' }, { do: 'prepare', p: 'P2' }, phase('prepare'), phase('promise'), phase('accept'), phase('learn')],
    expected: [...round1Lines, 'P2 → A1..A5 prepare(2)', 'A1..A5 → P2 promise(2,1,5)', 'P2 → A1..A5 accept(2,5)', 'A1..A5 → L1..L5 learn(2,5)'],
  },
  {
    name: 'example-3-acceptor-down-for-a-round',
    title: 'Example 3: an acceptor is down for round 3 and back for round 4',
    about: 'A5 misses round 3, which still has a quorum; in round 4 A5 alone reports its older vote (1,5), the others (3,5): P1 proposes 5.',
    script: [
      ...round1,
      { do: 'crash', node: 'A5' },
      { do: 'prepare', p: 'P3' }, phase('prepare'), phase('promise'), phase('accept'), phase('learn'),
      { do: 'restart', node: 'A5' },
      { do: 'prepare', p: 'P1' }, phase('prepare'), phase('promise', ['A5', 'A1', 'A2', 'A3', 'A4']), phase('accept'), phase('learn'),
    ],
    expected: [
      ...round1Lines,
      'A5 crashes',
      'P3 → A1..A4 prepare(3)', 'P3 → A5 prepare(3) lost',
      'A1..A4 → P3 promise(3,1,5)',
      'P3 → A1..A4 accept(3,5)', 'P3 → A5 accept(3,5) lost',
      'A1..A4 → L1..L5 learn(3,5)',
      'A5 restarts',
      'P1 → A1..A5 prepare(4)',
      'A1..A4 → P1 promise(4,3,5)', 'A5 → P1 promise(4,1,5)',
      'P1 → A1..A5 accept(4,5)',
      'A1..A5 → L1..L5 learn(4,5)',
    ],
  },
  {
    name: 'example-4-two-acceptors-down-in-round-1',
    title: 'Example 4: two acceptors are down in the first round',
    about: 'A4 and A5 miss round 1, which decides 5 with A1..A3; in round 2 they promise (2,-,-), yet the quorum holds a (1,5) vote: 5 again.',
    script: [
      { do: 'crash', node: 'A4' }, { do: 'crash', node: 'A5' },
      ...round1,
      { do: 'restart', node: 'A4' }, { do: 'restart', node: 'A5' },
      { do: 'prepare', p: 'P2' }, phase('prepare'), phase('promise', ['A4', 'A5', 'A1', 'A2', 'A3']), phase('accept'), phase('learn'),
    ],
    expected: [
      'A4 crashes', 'A5 crashes',
      'P1 → A1..A3 prepare(1)', 'P1 → A4,A5 prepare(1) lost',
      'A1..A3 → P1 promise(1,-,-)',
      'P1 → A1..A3 accept(1,5)', 'P1 → A4,A5 accept(1,5) lost',
      'A1..A3 → L1..L5 learn(1,5)',
      'L1..L5 decides 5',
      'A4 restarts', 'A5 restarts',
      'P2 → A1..A5 prepare(2)',
      'A1..A3 → P2 promise(2,1,5)', 'A4,A5 → P2 promise(2,-,-)',
      'P2 → A1..A5 accept(2,5)',
      'A1..A5 → L1..L5 learn(2,5)',
    ],
  },
  {
    name: 'example-5-no-quorum-then-success',
    title: 'Example 5: a round fails for lack of a quorum, a later round succeeds',
    about: 'A4 and A5 are down before the PREPARE and A3 before the ACCEPT: only two votes, nothing is decided. In round 2 only A3 is still down; the quorum reports (1,5) and 5 is decided.',
    script: [
      { do: 'crash', node: 'A4' }, { do: 'crash', node: 'A5' },
      { do: 'propose', p: 'P1', value: '5' }, { do: 'prepare', p: 'P1' }, phase('prepare'), phase('promise'),
      { do: 'crash', node: 'A3' },
      phase('accept'), phase('learn'),
      { do: 'restart', node: 'A4' }, { do: 'restart', node: 'A5' },
      { do: 'propose', p: 'P2', value: '7' }, { do: 'prepare', p: 'P2' }, phase('prepare'), phase('promise'), phase('accept'), phase('learn'),
    ],
    expected: [
      'A4 crashes', 'A5 crashes',
      'P1 → A1..A3 prepare(1)', 'P1 → A4,A5 prepare(1) lost',
      'A1..A3 → P1 promise(1,-,-)',
      'P1 → A1,A2 accept(1,5)', 'P1 → A3..A5 accept(1,5) lost',
      'A3 crashes',
      'A1,A2 → L1..L5 learn(1,5)',
      'A4 restarts', 'A5 restarts',
      'P2 → A1,A2 prepare(2)', 'P2 → A3 prepare(2) lost', 'P2 → A4,A5 prepare(2)',
      'A1,A2 → P2 promise(2,1,5)', 'A4,A5 → P2 promise(2,-,-)',
      'P2 → A1,A2 accept(2,5)', 'P2 → A3 accept(2,5) lost', 'P2 → A4,A5 accept(2,5)',
      'A1,A2,A4,A5 → L1..L5 learn(2,5)',
      'L1..L5 decides 5',
    ],
  },
  {
    name: 'dueling-proposers',
    title: 'Dueling proposers never decide',
    about: 'P1 and P2 take turns: each PREPARE of a higher round reaches the acceptors before the other\'s ACCEPT, which is then refused. Six rounds, no vote, no decision.',
    script: dueling.script,
    expected: dueling.lines,
  },
  {
    name: 'distinguished-proposer',
    title: 'A distinguished proposer ends the duel',
    about: 'After the duel, only P1 proposes (a distinguished proposer): its round 10 is not overtaken and decides 5.',
    script: [...dueling.script, { do: 'prepare', p: 'P1' }, phase('prepare'), phase('accept'), phase('promise'), phase('accept'), phase('learn')],
    expected: [...dueling.lines, 'P1 → A1..A5 prepare(10)', 'A1..A5 → P1 promise(10,-,-)', 'P1 → A1..A5 accept(10,5)', 'A1..A5 → L1..L5 learn(10,5)', 'L1..L5 decides 5'],
  },
];

/** Runs a story's script on the reference roles. */
export function runStory(story: SeedStory): { trace: TraceEvent[]; lines: string[]; expected: string[] } {
  const trace = new StoryCluster(`${story.title} (seed story ${story.name})`).run(story.script);
  return { trace, lines: storyLines(trace), expected: expandStoryLines(story.expected) };
}
