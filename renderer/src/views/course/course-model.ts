/**
 * The course's view model, pure: a chapter's stages in order, which one a student should be on
 * given their progress, and the badge a chapter card shows. No Vue, no API: unit-tested as is.
 */
import type { ChapterProgress } from '../../api/types.js';

export const STAGES = ['frame', 'predict', 'break', 'fix', 'play'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_TITLES: Record<Stage, string> = {
  frame: 'Frame',
  predict: 'Predict',
  break: 'Break',
  fix: 'Fix',
  play: 'Play',
};

export function isStage(s: unknown): s is Stage {
  return typeof s === 'string' && (STAGES as readonly string[]).includes(s);
}

/** Whether the student has done a stage (the frame counts as read once they predicted). */
export function stageDone(p: ChapterProgress, stage: Stage): boolean {
  switch (stage) {
    case 'frame':
    case 'predict':
      return p.predicted;
    case 'break':
      return p.broke;
    case 'fix':
      return p.fixed;
    case 'play':
      return p.played;
  }
}

/** The first stage not done yet (Play once everything else is). */
export function nextStage(p: ChapterProgress): Stage {
  if (!p.predicted) return p.broke || p.fixed ? 'predict' : 'frame';
  if (!p.broke) return 'break';
  if (!p.fixed) return 'fix';
  return 'play';
}

/** Break waits for a prediction: the point of predicting is to commit before seeing. */
export function stageOpen(p: ChapterProgress, stage: Stage): boolean {
  if (stage === 'break') return p.predicted;
  return true;
}

export type ChapterBadge = { cls: 'neutral' | 'warn' | 'ok'; text: string };

export function chapterBadge(p: ChapterProgress): ChapterBadge {
  const done = (['predict', 'break', 'fix', 'play'] as const).filter((s) => stageDone(p, s)).length;
  if (p.fixed) return { cls: 'ok', text: p.played ? 'Fixed · played' : 'Fixed' };
  if (done === 0) return { cls: 'neutral', text: 'Not started' };
  return { cls: 'warn', text: `${done} of 4 steps` };
}

/** How far the whole course is: chapters fixed of all chapters. */
export function courseCounts(list: readonly { progress: ChapterProgress; error?: string }[]): { fixed: number; started: number; total: number } {
  let fixed = 0;
  let started = 0;
  for (const c of list) {
    if (c.progress.fixed) fixed++;
    if (c.progress.predicted || c.progress.broke || c.progress.fixed || c.progress.played) started++;
  }
  return { fixed, started, total: list.length };
}
