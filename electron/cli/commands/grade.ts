/** `paxlab grade <lab-id> <module>`: exit 0 every test passes, 1 some fail, 2 cannot build or load. */
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../main.js';
import { gradeModule, LabError, loadLab, formatReportText, redactHidden, toGradescope, toJUnitXml, type TestKindName } from '../../engine/grading/index.js';
import { writeFailingRuns } from '../../engine/failing-run/index.js';

const KINDS: TestKindName[] = ['trace', 'scenario', 'search'];

export function parseOnly(only: string | undefined): TestKindName[] | undefined {
  if (only === undefined) return undefined;
  const kinds = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of kinds) if (!KINDS.includes(k as TestKindName)) throw new UsageError(`--only: unknown test kind '${k}' (use ${KINDS.join(', ')})`);
  return kinds as TestKindName[];
}

export function parseSeed(seed: string | undefined): number | undefined {
  if (seed === undefined) return undefined;
  if (!/^-?\d+$/.test(seed)) throw new UsageError(`--seed: expected an integer, got '${seed}'`);
  return Number(seed);
}

export async function run(
  labId: string,
  modulePath: string,
  opts: { json?: boolean; hidden?: boolean; junit?: string; gradescope?: string; seed?: string; only?: string; traces?: string; root?: string; forStudents?: boolean },
): Promise<number> {
  const only = parseOnly(opts.only);
  const seed = parseSeed(opts.seed);
  let report;
  try {
    if (opts.hidden && !(await loadLab(labId)).hasHiddenTests) {
      process.stderr.write(`paxlab grade: this installation has no hidden tests for lab '${labId}' (a student installation ships none): graded on the public tests only, a preview of the instructor's grade\n`);
    }
    report = await gradeModule(labId, modulePath, { hidden: opts.hidden, only, seed, root: opts.root });
  } catch (e) {
    if (e instanceof LabError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.junit) await writeFile(opts.junit, toJUnitXml(report));
  if (opts.gradescope) await writeFile(opts.gradescope, JSON.stringify(toGradescope(report), null, 2) + '\n');
  // JUnit and Gradescope always hide the hidden tests' details; text and JSON do with --for-students.
  if (opts.json) process.stdout.write(JSON.stringify(opts.forStudents ? redactHidden(report) : report, null, 2) + '\n');
  else process.stdout.write(formatReportText(report, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, forStudents: opts.forStudents }));
  if (opts.traces) {
    // On stderr, so `--json` output stays one JSON document.
    const written = writeFailingRuns(opts.traces, report);
    if (written.length === 0) process.stderr.write('no failing run to write\n');
    for (const w of written) process.stderr.write(`failing run of ${w.test}: ${w.file} (${w.events} events; paxlab trace show ${w.file})\n`);
  }
  if (report.status !== 'graded') return 2;
  return report.passed ? 0 : 1;
}
