import { gradeModule, listGradeTests } from '../grading/index.js';
import { prepareTypeCheck } from '../build/build-student.js';
import type { GradePort } from './ports.js';
import { toVerdictWithRun } from './verdict-view.js';
import type { TraceEvent } from '../trace/events.js';
import type { TestResult } from '../grading/verdict.js';
import type { Verdict } from '../../api.js';

/** The engine's grader, public tests only (what a student may see), in the renderer's terms. */
export function engineGrader(): GradePort {
  return {
    prepare: () => prepareTypeCheck(),
    async list(labId) {
      const tests = await listGradeTests(labId, { hidden: false });
      return tests.map((t) => ({ id: t.id, name: t.title || t.name, kind: t.kind }));
    },
    async grade(labId, modulePath, onProgress) {
      const runs = new Map<string, TraceEvent[]>();
      // A result streams as progress and comes again in the report: turned into a view once.
      const views = new WeakMap<TestResult, Verdict>();
      const view = (result: TestResult): Verdict => {
        let verdict = views.get(result);
        if (verdict) return verdict;
        const out = toVerdictWithRun(result);
        verdict = out.verdict;
        if (out.run) runs.set(verdict.id, out.run.events);
        views.set(result, verdict);
        return verdict;
      };
      const report = await gradeModule(labId, modulePath, {
        hidden: false,
        onProgress: (done, total, result) => onProgress(done, total, result ? view(result) : undefined),
      });
      const diagnostics = report.diagnostics.map((d) => ({
        file: d.file,
        line: d.line,
        column: d.column,
        severity: d.severity,
        message: d.message,
        source: d.source,
      }));
      return {
        built: report.status === 'graded',
        score: report.score,
        maxScore: report.maxScore,
        passed: report.counts.passed,
        failed: report.counts.failed,
        total: report.counts.total,
        verdicts: report.tests.map(view),
        diagnostics,
        runs,
        ...(report.safety ? { safety: { ...report.safety } } : {}),
        ...(report.status === 'load-error'
          ? { error: `the module built but could not be loaded: ${report.loadError?.message ?? 'unknown error'}` }
          : {}),
      };
    },
  };
}
