/**
 * Gradescope's results.json (autograder specification): a score and one entry per test. Students
 * see it, so hidden tests name only their rule (report-redact.ts).
 */
import { formatDiagnostic } from '../build/diagnostics.js';
import { cleanText } from './clean-text.js';
import type { GradeReport } from './grade.js';
import { redactHidden } from './report-redact.js';
import { formatTestFailure } from './report-text.js';

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  stdout_visibility: 'hidden' | 'visible';
  tests: Array<{
    name: string;
    number: string;
    score: number;
    max_score: number;
    status: 'passed' | 'failed';
    output: string;
    tags: string[];
    visibility: 'visible' | 'after_published';
  }>;
}

export function toGradescope(report: GradeReport): GradescopeResults {
  const r = redactHidden(report);
  const output = cleanText(
    r.status === 'build-error'
      ? `Your module does not build:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`
      : r.status === 'load-error'
        ? `Your module does not load: ${r.loadError?.message ?? ''}\n${r.loadError?.stack ?? ''}`
        : `${r.counts.passed} of ${r.counts.total} tests passed.${r.confinement && !r.confinement.confined ? `\n${r.confinement.summary}` : ''}`,
  );
  return {
    score: r.score,
    execution_time: Math.round(r.durationMs / 1000),
    output,
    stdout_visibility: 'hidden',
    tests: r.tests.map((t, i) => ({
      name: `${t.set === 'hidden' ? '[hidden] ' : ''}${t.title} (${t.name})`,
      number: String(i + 1),
      score: t.points,
      max_score: t.maxPoints,
      status: t.passed ? 'passed' : 'failed',
      output: t.passed ? '' : formatTestFailure(t).join('\n'),
      tags: [t.kind, ...(t.failure ? [t.failure.rule.id] : [])],
      // Hidden tests show once grades are published, never before.
      visibility: t.set === 'hidden' ? 'after_published' : 'visible',
    })),
  };
}
