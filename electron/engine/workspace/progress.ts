import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { GradeRunSummary, LabProgress } from '../../api.js';
import { writeFileAtomic } from './atomic-write.js';

interface StoredLab {
  /** The student opened or edited the lab's files. */
  started: boolean;
  /** Best grading run so far. */
  score: number;
  maxScore: number;
  passed: boolean;
  lastGradedAt?: string;
  /** The latest run, whatever its score. */
  last?: GradeRunSummary;
}

interface ProgressFile {
  format: 'paxlab-progress/1';
  labs: Record<string, StoredLab>;
}

/**
 * The student's progress per lab, in `progress.json` at the workspace root. Keeps the BEST run (a
 * worse later run never takes away a passed lab) and, beside it, the latest run as it was. A corrupt file is set aside (never overwritten
 * silently) and progress starts over.
 */
export class ProgressStore {
  private data: ProgressFile;

  constructor(private readonly file: string) {
    this.data = this.load();
  }

  get(labId: string, maxScore = 0): LabProgress {
    const lab = this.data.labs[labId];
    if (!lab) return { status: 'not-started', score: 0, maxScore };
    return {
      status: lab.passed ? 'passed' : lab.started || lab.lastGradedAt ? 'in-progress' : 'not-started',
      score: lab.score,
      maxScore: lab.maxScore || maxScore,
      ...(lab.lastGradedAt ? { lastGradedAt: lab.lastGradedAt } : {}),
      ...(lab.last ? { last: { ...lab.last } } : {}),
    };
  }

  /** Mark a lab as started; returns true when that changed anything. */
  markStarted(labId: string): boolean {
    const lab = this.entry(labId);
    if (lab.started) return false;
    lab.started = true;
    this.save();
    return true;
  }

  recordGrade(labId: string, run: { score: number; maxScore: number; passed: boolean; failed?: number; total?: number; at?: Date }): LabProgress {
    const lab = this.entry(labId);
    lab.started = true;
    lab.lastGradedAt = (run.at ?? new Date()).toISOString();
    lab.last = { score: run.score, maxScore: run.maxScore, passed: run.passed, failed: run.failed ?? 0, total: run.total ?? 0, at: lab.lastGradedAt };
    lab.maxScore = run.maxScore;
    if (run.score >= lab.score) lab.score = run.score;
    lab.passed = lab.passed || run.passed;
    this.save();
    return this.get(labId);
  }

  private entry(labId: string): StoredLab {
    return (this.data.labs[labId] ??= { started: false, score: 0, maxScore: 0, passed: false });
  }

  private load(): ProgressFile {
    const empty: ProgressFile = { format: 'paxlab-progress/1', labs: {} };
    if (!existsSync(this.file)) return empty;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as ProgressFile;
      if (parsed?.format !== 'paxlab-progress/1' || typeof parsed.labs !== 'object' || parsed.labs === null) {
        throw new Error('not a progress file');
      }
      return parsed;
    } catch {
      renameSync(this.file, `${this.file}.corrupt-${Date.now()}`);
      return empty;
    }
  }

  private save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + '\n');
  }
}
