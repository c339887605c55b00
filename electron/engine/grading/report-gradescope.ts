/**
 * Gradescope's results.json (autograder specification): a score and one entry per test. Students
 * see it, so a hidden test is reported by its number, its kind and the rule it found broken — never
 * by what it fed or expected (report-redact.ts).
 */
import { formatDiagnostic } from '../build/diagnostics.js';
import { cleanText } from './clean-text.js';
import type { GradeReport } from './grade.js';
import { HIDDEN_DETAILS, redactHidden } from './report-redact.js';
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

export interface GradescopeOptions {
  /**
   * Show hidden tests as they are (name, title, inputs, expected and actual outputs). Off by
   * default: a results.json is shown to the student, and a hidden test's name and title describe
   * its inputs, so a hidden test is reported by its number, its kind and the rule it found broken
   * (the rules are public, in the lab's manifest).
   */
  revealHidden?: boolean;
}

export function toGradescope(report: GradeReport, opts: GradescopeOptions = {}): GradescopeResults {
  const r = opts.revealHidden ? report : redactHidden(report);
  let hiddenNo = 0;
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
    tests: r.tests.map((t, i) => {
      const secret = t.set === 'hidden' && !opts.revealHidden;
      if (secret) hiddenNo++;
      return {
        name: secret ? `[hidden] ${t.kind} test ${hiddenNo}` : `${t.set === 'hidden' ? '[hidden] ' : ''}${t.title} (${t.name})`,
        number: String(i + 1),
        score: t.points,
        max_score: t.maxPoints,
        status: t.passed ? 'passed' : 'failed',
        output: t.passed ? '' : secret ? hiddenFailure(t) : cleanText(formatTestFailure(t).join('\n')),
        tags: [t.kind, ...(t.failure ? [t.failure.rule.id] : [])],
        // Hidden tests show once grades are published, never before.
        visibility: t.set === 'hidden' ? 'after_published' : 'visible',
      };
    }),
  };
}

/** What a student may learn of a failed hidden test: the rule it found broken, nothing it used. */
function hiddenFailure(t: GradeReport['tests'][number]): string {
  const f = t.failure;
  if (!f) return 'This hidden test failed.';
  return `This hidden test failed: your code breaks rule ${f.rule.id}: ${f.rule.text}\n(${HIDDEN_DETAILS}.)`;
}
