/**
 * The seed stories a chapter makes playable (engine/scenarios/stories: Examples 1–5, the dueling
 * and the distinguished proposers), run as they are and told with the chapter's narration. Story
 * narration names the story's roles: P1..P3, A1..A5, L1..L5.
 */
import { SEED_STORIES, runStory, type SeedStory } from '../scenarios/stories/stories.js';
import { nodeId } from '../scenarios/stories/story-cluster.js';
import type { TraceEvent } from '../trace/events.js';
import { participant } from '../pinned/script.js';
import { type ResolvedNarration, resolveNarration } from './narration.js';
import { ChapterError, type ChapterPack } from './pack.js';

export interface PlayedStory {
  story: SeedStory;
  trace: TraceEvent[];
  /** The story told message by message ("P1 → A1 prepare(1)"). */
  lines: string[];
  /** The lines the course's story tells; `lines` equals them when the story is reproduced. */
  expected: string[];
  narration: ResolvedNarration[];
}

/** A story's participant names: P1/A1/L1 are its roles, S1 and c1 as everywhere else. */
export function storyName(w: number | string): number | string | null {
  if (typeof w === 'string' && /^[PAL][1-9]$/.test(w)) return nodeId(w);
  return participant(w);
}

export function playStory(pack: ChapterPack, name: string): PlayedStory {
  const entry = pack.course.stories.find((s) => s.story === name);
  if (!entry) throw new ChapterError(`chapter '${pack.id}' does not play the story '${name}' (it plays: ${pack.course.stories.map((s) => s.story).join(', ') || 'none'})`);
  const story = SEED_STORIES.find((s) => s.name === name)!;
  const run = runStory(story);
  return { story, trace: run.trace, lines: run.lines, expected: run.expected, narration: resolveNarration(entry.narration, { trace: run.trace }, storyName) };
}
