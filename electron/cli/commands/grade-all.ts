/**
 * `paxlab grade-all <lab-id> <dir>`: grade every submission in a folder (a sub-folder holding the
 * role module, or a single module file) with parallel workers and write a CSV of scores. A broken
 * submission gets its row with the error; it never stops the run. Student files are only read.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../main.js';
import { gradeModule, LabError, loadLab } from '../../engine/grading/index.js';

const MODULE_EXT = /\.(ts|mts|js|mjs)$/;

export interface Submission {
  student: string;
  /** The module to grade, or null with the reason when none can be found. */
  module: string | null;
  root: string;
  error?: string;
}

export interface ScoreRow {
  student: string;
  score: number;
  max: number;
  passed: number;
  failed: number;
  error: string;
}

/** Find each submission's role module: <role>.ts/.js in its folder, or the folder's only module. */
export async function findSubmissions(dir: string, role: string): Promise<Submission[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  const subs: Submission[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isFile() && MODULE_EXT.test(e.name) && !e.name.endsWith('.d.ts')) {
      subs.push({ student: e.name.replace(MODULE_EXT, ''), module: full, root: dir });
    } else if (e.isDirectory()) {
      const files = (await readdir(full)).filter((f) => MODULE_EXT.test(f) && !f.endsWith('.d.ts'));
      const named = files.find((f) => f.replace(MODULE_EXT, '').toLowerCase() === role);
      const only = files.length === 1 ? files[0] : undefined;
      const pick = named ?? only;
      subs.push(
        pick
          ? { student: e.name, module: path.join(full, pick), root: full }
          : { student: e.name, module: null, root: full, error: files.length ? `several modules and none named ${role}.ts` : `no ${role}.ts in the folder` },
      );
    }
  }
  return subs;
}

export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: ScoreRow[]): string {
  const head = 'student,score,max,passed,failed,error';
  return [head, ...rows.map((r) => [r.student, r.score, r.max, r.passed, r.failed, r.error].map(csvField).join(','))].join('\n') + '\n';
}

export async function run(labId: string, dir: string, opts: { out?: string; hidden?: boolean; jobs?: string }): Promise<number> {
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
  const subs = await findSubmissions(dir, lab.manifest.role);
  const rows: ScoreRow[] = new Array(subs.length);
  let next = 0;
  const worker = async () => {
    while (next < subs.length) {
      const i = next++;
      const s = subs[i];
      rows[i] = await gradeOne(labId, s, opts.hidden ?? true, lab.manifest.points);
      const r = rows[i];
      process.stderr.write(`${r.student}: ${r.error ? `error: ${r.error}` : `${r.score}/${r.max} (${r.passed} passed, ${r.failed} failed)`}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, subs.length) }, worker));
  const out = opts.out ?? 'scores.csv';
  await writeFile(out, toCsv(rows));
  process.stdout.write(`${rows.length} submission(s) graded; scores written to ${out}\n`);
  return 0;
}

async function gradeOne(labId: string, s: Submission, hidden: boolean, max: number): Promise<ScoreRow> {
  const row = (score: number, passed: number, failed: number, error: string): ScoreRow => ({ student: s.student, score, max, passed, failed, error });
  if (!s.module) return row(0, 0, 0, s.error ?? 'no module');
  try {
    const r = await gradeModule(labId, s.module, { hidden, root: s.root });
    if (r.status === 'build-error') {
      const d = r.diagnostics.find((x) => x.severity === 'error');
      return row(0, 0, r.counts.total, `build error: ${d ? `${d.file}:${d.line}:${d.column}: ${d.message}` : 'unknown'}`);
    }
    if (r.status === 'load-error') return row(0, 0, r.counts.total, `load error: ${r.loadError?.message ?? ''}`);
    return row(r.score, r.counts.passed, r.counts.failed, '');
  } catch (e) {
    return row(0, 0, 0, `grader error: ${(e as Error).message}`);
  }
}
