/**
 * The course half of the app service: chapters with the student's progress, Break and Fix runs
 * (one at a time: each starts real node processes), the Predict answer revealed with the run that
 * shows it, and the seed stories. Progress lives in the workspace (course-progress.ts).
 */
import path from 'node:path';
import { ApiError, type ChapterProgress, type ChapterProgressPatch, type ChapterRunView, type ChapterStoryView, type CourseChapterDetail, type CourseChapterSummary } from '../../api.js';
import type { Workspace } from '../workspace/index.js';
import { CourseProgressStore } from './course-progress.js';
import type { CoursePort } from './course-port.js';

export class CourseHost {
  private readonly progress: CourseProgressStore;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly port: CoursePort | undefined,
    private readonly workspace: Workspace,
    /** The chapter's starter text, for creating the student's file on first use. */
    private readonly starter: (chapterId: string, name: string) => Promise<string>,
  ) {
    this.progress = new CourseProgressStore(path.join(workspace.root, 'course.json'));
  }

  /** Whether the prediction was right is told after Break, not before. */
  private shown(chapterId: string): ChapterProgress {
    return hideVerdict(this.progress.get(chapterId));
  }

  private recordStep(chapterId: string, step: Parameters<CourseProgressStore['record']>[1]): ChapterProgress {
    return hideVerdict(this.progress.record(chapterId, step));
  }

  private need(): CoursePort {
    if (!this.port) throw new ApiError('unavailable', 'this PaxLab has no course');
    return this.port;
  }

  /** The chapter's naive protocol (its starter file in the pack). */
  starterFile(chapterId: string): string {
    return this.need().starterFile(chapterId);
  }

  /** The chapters' ids (none without a course). */
  chapterIds(): string[] {
    return this.port ? this.port.list().map((c) => c.id) : [];
  }

  async list(): Promise<CourseChapterSummary[]> {
    return this.need().list().map((c) => ({ ...c, progress: this.shown(c.id) }));
  }

  async detail(chapterId: string): Promise<CourseChapterDetail> {
    return { ...this.need().detail(chapterId), progress: this.shown(chapterId) };
  }

  async run(chapterId: string, code: 'naive' | 'student', script?: string): Promise<ChapterRunView> {
    const port = this.need();
    if (this.running) throw new ApiError('conflict', 'a chapter run is already going on; wait for it to end');
    const names = port.scriptNames(chapterId);
    const name = script ?? names.predict;
    let studentFile: string | undefined;
    if (code === 'student') {
      const file = port.detail(chapterId).file;
      this.workspace.open(chapterId, file, await this.starter(chapterId, file));
      studentFile = this.workspace.filePath(chapterId, file);
    }
    const go = port.run(chapterId, code, name, studentFile);
    this.running = go;
    let out: Awaited<typeof go>;
    try {
      out = await go;
    } finally {
      this.running = null;
    }
    if (!out.built) {
      return {
        chapterId, script: name, code, source: 'cluster', trace: [], steps: [], checks: [], passed: false, narration: [], highlights: [],
        diagnostics: out.diagnostics, progress: this.shown(chapterId),
      };
    }
    const run = out.run;
    let progress: ChapterProgress;
    let prediction: ChapterRunView['prediction'];
    if (code === 'naive') {
      progress = this.recordStep(chapterId, { broke: name === names.predict || undefined });
      if (name === names.predict) {
        const { answer, why } = port.predictAnswer(chapterId);
        const chosen = progress.prediction ?? null;
        prediction = { chosen, answer, right: chosen === answer, why };
      }
    } else {
      progress = this.recordStep(chapterId, { fixed: (run.passed && name === names.predict) || undefined });
    }
    return { ...run, ...(prediction ? { prediction } : {}), progress };
  }

  async story(chapterId: string, name: string): Promise<ChapterStoryView> {
    const parts = this.need().story(chapterId, name);
    return { ...parts, progress: this.recordStep(chapterId, { played: true }) };
  }

  async record(chapterId: string, patch: ChapterProgressPatch): Promise<ChapterProgress> {
    const port = this.need();
    port.detail(chapterId); // an unknown chapter is 'not-found', never a stray entry
    if (patch.prediction !== undefined) {
      const { answer } = port.predictAnswer(chapterId);
      const choices = port.detail(chapterId).predict.choices.map((c) => c.id);
      if (!choices.includes(patch.prediction)) throw new ApiError('bad-argument', `'${patch.prediction}' is not one of the choices (${choices.join(', ')})`);
      return this.recordStep(chapterId, { prediction: { choice: patch.prediction, right: patch.prediction === answer }, ...(patch.played ? { played: true } : {}) });
    }
    return this.recordStep(chapterId, { ...(patch.played ? { played: true } : {}) });
  }
}

function hideVerdict(p: ChapterProgress): ChapterProgress {
  if (p.broke) return p;
  const { predictedRight: _hidden, ...rest } = p;
  return rest;
}
