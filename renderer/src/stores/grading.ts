/**
 * Running a lab's public tests: the tests to run as soon as the run starts (`grade-started`), each
 * verdict as it arrives (`grade-progress`: trace tests first, while scenarios and the search go on),
 * then the full report. The report belongs to the text that was graded; the lab view says when the
 * editor holds something else.
 */
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type { GradeReportView, GradeTestRef, Verdict } from '../api/types.js';
import { messageOf, useAppStore } from './app.js';
import { useWorkspaceStore } from './workspace.js';
import { downloadText } from '../util/download.js';

export interface GradingRun {
  running: boolean;
  /** The host's id of the run (known from its first event), for exporting its failing runs. */
  runId: string | null;
  done: number;
  total: number;
  /** Every test of the run, in order, before their verdicts arrive. */
  tests: GradeTestRef[];
  /** Verdicts as they stream in, replaced by the report's when it arrives. */
  verdicts: Verdict[];
  report: GradeReportView | null;
  /** The student's text the report belongs to. */
  gradedText: string | null;
  error: string | null;
}

export const useGradingStore = defineStore('grading', () => {
  const app = useAppStore();
  const workspace = useWorkspaceStore();
  const runs = reactive<Record<string, GradingRun>>({});

  function run(labId: string): GradingRun {
    runs[labId] ??= { running: false, runId: null, done: 0, total: 0, tests: [], verdicts: [], report: null, gradedText: null, error: null };
    return runs[labId];
  }

  async function grade(labId: string): Promise<void> {
    const r = run(labId);
    if (r.running) return;
    Object.assign(r, { running: true, runId: null, done: 0, total: 0, tests: [], verdicts: [], report: null, gradedText: null, error: null });
    try {
      await workspace.flush(labId);
      const file = Object.values(workspace.files).find((f) => f.labId === labId);
      const text = file?.diskText ?? null;
      const report = await app.need().gradeLab(labId);
      r.report = report;
      r.runId = report.runId;
      r.gradedText = text;
      r.verdicts = report.verdicts;
      r.done = r.total = report.total;
      if (report.error) r.error = report.error;
      // The build's diagnostics of the graded text show in the editor while it holds that text.
      if (file && text !== null) workspace.recordCheck(file, text, { ok: report.built, diagnostics: report.diagnostics }, 'grade');
    } catch (err) {
      r.error = messageOf(err);
    } finally {
      r.running = false;
    }
  }

  /** Save a verdict's whole failing run to the workspace's traces and offer it as a download. */
  async function exportRun(labId: string, verdict: Verdict): Promise<void> {
    const r = run(labId);
    const name = `${labId}-${verdict.id.replace(/[^A-Za-z0-9]+/g, '-')}${verdict.seed !== undefined ? `-seed-${verdict.seed}` : ''}.jsonl`;
    try {
      const out = await app
        .need()
        .exportTrace(r.runId ? { run: { runId: r.runId, verdictId: verdict.id }, name } : { events: verdict.trace ?? [], name });
      downloadText(out.name, out.text);
      app.notify(`Failing run saved as ${out.name}`);
    } catch (err) {
      app.notify(`Export failed: ${messageOf(err)}`, 'error');
    }
  }

  app.onEvent((e) => {
    if (e.type === 'grade-started') {
      const r = runs[e.labId];
      if (!r || !r.running) return;
      r.runId = e.runId;
      r.tests = e.tests;
      r.total = e.tests.length;
      return;
    }
    if (e.type !== 'grade-progress') return;
    const r = runs[e.labId];
    if (!r || !r.running) return;
    r.runId ??= e.runId;
    r.done = e.done;
    r.total = e.total;
    if (e.verdict && !r.verdicts.some((v) => v.id === e.verdict!.id)) r.verdicts.push(e.verdict);
  });

  return { runs, run, grade, exportRun };
});
