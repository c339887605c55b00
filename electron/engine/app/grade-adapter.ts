import { gradeModule } from '../grading/index.js';
import type { GradePort } from './ports.js';
import { toVerdict } from './verdict-view.js';

/** The engine's grader, public tests only (what a student may see), in the renderer's terms. */
export function engineGrader(): GradePort {
  return {
    async grade(labId, modulePath, onProgress) {
      const report = await gradeModule(labId, modulePath, {
        hidden: false,
        onProgress: (done, total, result) => onProgress(done, total, result ? toVerdict(result) : undefined),
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
        verdicts: report.tests.map(toVerdict),
        diagnostics,
        ...(report.status === 'load-error'
          ? { error: `the module built but could not be loaded: ${report.loadError?.message ?? 'unknown error'}` }
          : {}),
      };
    },
  };
}
