/** Running a lab's public tests: progress as `grade-progress` events arrive, then the full report. */
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type { GradeReportView, Verdict } from '../api/types.js';
import { messageOf, useAppStore } from './app.js';
import { useWorkspaceStore } from './workspace.js';

export interface GradingRun {
  running: boolean;
  done: number;
  total: number;
  /** Verdicts as they stream in, replaced by the report's when it arrives. */
  verdicts: Verdict[];
  report: GradeReportView | null;
  error: string | null;
}

export const useGradingStore = defineStore('grading', () => {
  const app = useAppStore();
  const workspace = useWorkspaceStore();
  const runs = reactive<Record<string, GradingRun>>({});

  function run(labId: string): GradingRun {
    runs[labId] ??= { running: false, done: 0, total: 0, verdicts: [], report: null, error: null };
    return runs[labId];
  }

  async function grade(labId: string): Promise<void> {
    const r = run(labId);
    if (r.running) return;
    Object.assign(r, { running: true, done: 0, total: 0, verdicts: [], report: null, error: null });
    try {
      await workspace.flush(labId);
      const report = await app.need().gradeLab(labId);
      r.report = report;
      r.verdicts = report.verdicts;
      r.done = r.total = report.total;
      if (report.error) r.error = report.error;
    } catch (err) {
      r.error = messageOf(err);
    } finally {
      r.running = false;
    }
  }

  app.onEvent((e) => {
    if (e.type !== 'grade-progress') return;
    const r = runs[e.labId];
    if (!r || !r.running) return;
    r.done = e.done;
    r.total = e.total;
    if (e.verdict && !r.verdicts.some((v) => v.id === e.verdict!.id)) r.verdicts.push(e.verdict);
  });

  return { runs, run, grade };
});
