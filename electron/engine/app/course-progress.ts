/**
 * The student's progress through the course, per chapter (predicted, broke, fixed, played), in
 * `course.json` at the workspace root, so it survives a restart. The merge is pure
 * (`mergeChapterProgress`); the store only reads and writes the file. A corrupt file is set aside,
 * never overwritten silently, and progress starts over.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { ChapterProgress } from '../../api.js';
import { writeFileAtomic } from '../workspace/index.js';

export const EMPTY_CHAPTER_PROGRESS: ChapterProgress = { predicted: false, broke: false, fixed: false, played: false };

/** What a host records after a step: a prediction (with its rightness), a break, a fix, a play. */
export interface ChapterStepRecord {
  prediction?: { choice: string; right: boolean };
  broke?: boolean;
  fixed?: boolean;
  played?: boolean;
}

/** The progress after a step: flags only ever turn on; the latest prediction is kept. */
export function mergeChapterProgress(before: ChapterProgress, step: ChapterStepRecord): ChapterProgress {
  const next: ChapterProgress = { ...before };
  if (step.prediction) {
    next.predicted = true;
    next.prediction = step.prediction.choice;
    next.predictedRight = step.prediction.right;
  }
  if (step.broke) next.broke = true;
  if (step.fixed) next.fixed = true;
  if (step.played) next.played = true;
  return next;
}

interface CourseFile {
  format: 'paxlab-course/1';
  chapters: Record<string, ChapterProgress>;
}

export class CourseProgressStore {
  private data: CourseFile;

  constructor(private readonly file: string) {
    this.data = this.load();
  }

  get(chapterId: string): ChapterProgress {
    return { ...EMPTY_CHAPTER_PROGRESS, ...this.data.chapters[chapterId] };
  }

  record(chapterId: string, step: ChapterStepRecord): ChapterProgress {
    const next = mergeChapterProgress(this.get(chapterId), step);
    this.data.chapters[chapterId] = next;
    writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + '\n');
    return { ...next };
  }

  private load(): CourseFile {
    const empty: CourseFile = { format: 'paxlab-course/1', chapters: {} };
    if (!existsSync(this.file)) return empty;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as CourseFile;
      if (parsed?.format !== 'paxlab-course/1' || typeof parsed.chapters !== 'object' || parsed.chapters === null) throw new Error('not a course file');
      return parsed;
    } catch {
      renameSync(this.file, `${this.file}.corrupt-${Date.now()}`);
      return empty;
    }
  }
}
