/**
 * `paxlab grade-all <lab-id> <dir>`: grade every submission in a folder (a sub-folder holding the
 * role module, or a single module file), each in a grader process of its own, and write a CSV of
 * scores — always, with a row per submission, whatever happened to it — and, with --tests-csv, the
 * points of each test. Student files are only read.
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { UsageError } from '../main.js';
import { LabError, listGradeTests, loadLab } from '../../engine/grading/index.js';
import { findSubmissions, gradeClass, scoresCsv, testsCsv } from '../../engine/grading/grade-class.js';

export async function run(labId: string, dir: string, opts: { out?: string; testsCsv?: string; hidden?: boolean; jobs?: string }): Promise<number> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder of submissions`);
  const jobs = opts.jobs === undefined ? Math.max(1, os.availableParallelism?.() ?? 2) : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs: expected a positive integer, got '${opts.jobs}'`);
  let lab;
  try {
    lab = await loadLab(labId);
  } catch (e) {
    if (e instanceof LabError) throw new UsageError(e.message);
    throw e;
  }
  const hidden = opts.hidden ?? true;
  const subs = await findSubmissions(dir, lab.manifest.role);
  const out = opts.out ?? 'scores.csv';
  const { rows } = await gradeClass(labId, subs, {
    hidden,
    jobs,
    max: lab.manifest.points,
    onRow: (r) => process.stderr.write(`${r.student}: ${r.status === 'graded' ? `${r.score}/${r.max} (${r.passed} passed, ${r.failed} failed)` : `${r.status}: ${r.reason}`}\n`),
  });
  await writeFile(out, scoresCsv(rows));
  if (opts.testsCsv) {
    const ids = (await listGradeTests(labId, { hidden })).map((t) => t.id);
    await writeFile(opts.testsCsv, testsCsv(rows, ids));
  }
  process.stdout.write(`${rows.length} submission(s) graded; scores written to ${out}${opts.testsCsv ? `, points per test to ${opts.testsCsv}` : ''}\n`);
  return 0;
}
