/** The course player's engine part, as the app service drives it (bound in course-engine.ts). */
import type { ChapterRunView, ChapterStoryView, CourseChapterDetail, CourseChapterSummary, Diagnostic } from '../../api.js';

export type ChapterRunParts = Omit<ChapterRunView, 'progress' | 'prediction' | 'diagnostics'>;
export type ChapterStoryParts = Omit<ChapterStoryView, 'progress'>;

export interface CoursePort {
  list(): Omit<CourseChapterSummary, 'progress'>[];
  /** Throws ApiError 'not-found' for an unknown chapter. */
  detail(chapterId: string): Omit<CourseChapterDetail, 'progress'>;
  predictAnswer(chapterId: string): { answer: string; why: string };
  scriptNames(chapterId: string): { predict: string; all: string[] };
  /** Build the node file (the naive starter, or the student's file) and run the script on real processes. */
  run(chapterId: string, code: 'naive' | 'student', script: string, studentFile?: string): Promise<{ built: true; run: ChapterRunParts } | { built: false; diagnostics: Diagnostic[] }>;
  story(chapterId: string, name: string): ChapterStoryParts;
  /** The pack's starter (the naive protocol), an absolute path. */
  starterFile(chapterId: string): string;
  /** The cluster and clients the chapter's random test uses, for the playground. */
  playSetup(chapterId: string): { nodes: number; clients: { count: number; workload: string } };
}
