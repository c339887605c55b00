/**
 * `paxlab autograde <lab-id> <submission-dir> --results results.json`: what an autograder package's
 * run_autograder runs for each submission. Finds the role module in the submission, grades it with
 * the hidden tests and writes Gradescope's results.json, hidden tests without their inputs or
 * outputs. A results file is written whatever happens (no module, a grader failure), so the
 * student always gets an answer; exit 0 once it is written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatReportText, gradeModule, loadLab, toGradescope } from '../../engine/grading/index.js';
import type { GradescopeResults } from '../../engine/grading/index.js';
import { findSubmissionModule } from '../../engine/autograder/index.js';

export async function run(labId: string, submission: string, opts: { results: string; revealHidden?: boolean }): Promise<number> {
  const started = performance.now();
  const write = async (r: GradescopeResults) => {
    await mkdir(path.dirname(path.resolve(opts.results)), { recursive: true });
    await writeFile(opts.results, JSON.stringify(r, null, 2) + '\n');
  };
  const fail = (output: string): GradescopeResults => ({
    score: 0,
    execution_time: Math.round((performance.now() - started) / 1000),
    output,
    stdout_visibility: 'hidden',
    tests: [],
  });
  try {
    const lab = await loadLab(labId);
    const found = findSubmissionModule(submission, lab.manifest.role);
    if ('error' in found) {
      await write(fail(`Nothing was graded: ${found.error}.`));
      process.stdout.write(`autograde: ${found.error}\n`);
      return 0;
    }
    if (!lab.hasHiddenTests) process.stdout.write(`autograde: warning: lab '${lab.id}' has no hidden tests in this installation\n`);
    const report = await gradeModule(lab.id, found.module, { hidden: true, root: path.resolve(submission) });
    await write(toGradescope(report, { revealHidden: opts.revealHidden }));
    // For the instructor's log (Gradescope keeps stdout from students): the full verdicts.
    process.stdout.write(`autograde: graded ${path.relative(submission, found.module)}\n`);
    process.stdout.write(formatReportText(report, { color: false }));
    return 0;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    await write(fail(`The grader failed on this submission (not your fault: tell your instructor): ${why}`));
    process.stdout.write(`autograde: grader error: ${e instanceof Error ? (e.stack ?? why) : why}\n`);
    return 0;
  }
}
