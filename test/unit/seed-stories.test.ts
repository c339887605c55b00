// The Basic Paxos examples of the course material, replayed on the reference roles step by step:
// each story's trace must match the message sequence the story tells, message for message.
import { describe, expect, it } from 'vitest';
import { SEED_STORIES, runStory } from '../../electron/engine/scenarios/stories/stories.js';
import { expandStoryLines, StoryCluster } from '../../electron/engine/scenarios/stories/story-cluster.js';
import { checkSafety, checkChosenInvariant } from '../../electron/engine/checkers/index.js';
import { parseTrace, serializeTrace } from '../../electron/engine/trace/io.js';

const story = (name: string) => SEED_STORIES.find((s) => s.name === name)!;
const decisions = (name: string) => runStory(story(name)).trace.filter((e) => e.type === 'decide');

describe('seed stories', () => {
  it('covers Examples 1-5, the dueling proposers and the distinguished proposer', () => {
    expect(SEED_STORIES.map((s) => s.name)).toEqual([
      'example-1-no-prior-votes',
      'example-2-later-round-keeps-5',
      'example-3-acceptor-down-for-a-round',
      'example-4-two-acceptors-down-in-round-1',
      'example-5-no-quorum-then-success',
      'dueling-proposers',
      'distinguished-proposer',
    ]);
  });

  for (const s of SEED_STORIES) {
    it(`${s.title}: the trace matches the story message for message`, () => {
      const { trace, lines, expected } = runStory(s);
      expect(lines).toEqual(expected);
      // A valid trace of the one format, and safe.
      expect(parseTrace(serializeTrace(trace))).toEqual(trace);
      for (const r of checkSafety(trace, { acceptors: [4, 5, 6, 7, 8] })) expect(r, r.message).toMatchObject({ ok: true });
    });
  }

  it('Example 1: all five learners decide 5', () => {
    expect(decisions('example-1-no-prior-votes').map((d) => (d as { value: string }).value)).toEqual(['5', '5', '5', '5', '5']);
  });

  it('Example 2: the second proposer proposes 5, not its client value 7', () => {
    const { lines } = runStory(story('example-2-later-round-keeps-5'));
    expect(lines.some((l) => l.includes('accept(2,7)'))).toBe(false);
    expect(lines).toContain('P2 → A1 accept(2,5)');
  });

  it('Example 5: the first round decides nothing, the second decides 5', () => {
    const { trace } = runStory(story('example-5-no-quorum-then-success'));
    const firstDecide = trace.find((e) => e.type === 'decide')!;
    const secondRound = trace.find((e) => e.type === 'send' && e.msg.kind === 'prepare' && e.msg.crnd === 2)!;
    expect(firstDecide.seq).toBeGreaterThan(secondRound.seq);
  });

  it('dueling proposers: six rounds, no vote, no decision', () => {
    const { trace } = runStory(story('dueling-proposers'));
    expect(trace.some((e) => e.type === 'send' && e.msg.kind === 'learn')).toBe(false);
    expect(decisions('dueling-proposers')).toHaveLength(0);
    expect(checkChosenInvariant(trace, { acceptors: [4, 5, 6, 7, 8] }).message).toMatch(/no value was chosen/);
  });

  it('a distinguished proposer ends the duel with a decision', () => {
    expect(decisions('distinguished-proposer')).toHaveLength(5);
  });

  it('a story that tells something else fails the comparison', () => {
    const s = story('example-1-no-prior-votes');
    const wrong = s.expected.map((l) => l.replace('promise(1,-,-)', 'promise(1,1,5)'));
    expect(runStory({ ...s, expected: wrong }).lines).not.toEqual(expandStoryLines(wrong));
  });

  it('the proposers own rounds 1,4,7 / 2,5,8 / 3,6,9', () => {
    const c = new StoryCluster('rounds');
    const rounds = (p: string) =>
      [1, 2, 3].map(() => {
        c.step({ do: 'prepare', p });
        const last = c.trace.at(-1)!;
        return last.type === 'send' ? last.msg.crnd : null;
      });
    expect([rounds('P1'), rounds('P2'), rounds('P3')]).toEqual([[1, 4, 7], [2, 5, 8], [3, 6, 9]]);
  });
});
