/**
 * Grading a class (`paxlab grade-all`): every submission in its own grader process, in a session of
 * its own, so that nothing one submission does — or that happens to its grader — stops the others.
 * A grader that dies, is stopped or never finishes gets its row with the reason, and the class run
 * always ends with every row. A submission that is a single file is first copied into a private
 * folder, so it cannot import a classmate's file lying next to it.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { killAllOnExit } from '../cluster/exit-hooks.js';
import { paxlabRoot } from '../labs/paths.js';
import { confinedSpawn, killTree } from '../limits/confined-spawn.js';
import type { GradeReport } from './grade.js';
import type { GradeChildRequest } from './grade-child-main.js';

const MODULE_EXT = /\.(ts|mts|js|mjs)$/;

export interface Submission {
  student: string;
  /** The module to grade, or null with the reason when none can be found. */
  module: string | null;
  root: string;
  /** A single module file (not a folder): graded from a private copy. */
  single?: boolean;
  error?: string;
}

/** Find each submission's role module: <role>.ts/.js in its folder, or the folder's only module, or a single file. */
export async function findSubmissions(dir: string, role: string): Promise<Submission[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  const subs: Submission[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isFile() && MODULE_EXT.test(e.name) && !e.name.endsWith('.d.ts')) {
      subs.push({ student: e.name.replace(MODULE_EXT, ''), module: full, root: dir, single: true });
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

export type RowStatus = 'graded' | 'build-error' | 'load-error' | 'no-module' | 'grader-failed';

export interface ClassRow {
  student: string;
  status: RowStatus;
  score: number;
  max: number;
  passed: number;
  failed: number;
  /** Why it is not a plain grade: the build error, the load error, what happened to its grader. */
  reason: string;
  /** Points per test id (tests that ran). */
  points: Record<string, number>;
}

export interface GraderWatch {
  /** A grader stopped (SIGSTOP, a debugger) this long is killed (default 5 s). */
  stoppedMs?: number;
  /** A grader that has not finished after this long (wall) is killed: a machine problem (default 20 min). */
  backstopMs?: number;
  /** Told the grader's pid once it runs (tests stop it to see it handled). */
  onSpawn?: (pid: number) => void;
}

function graderEntry(): string {
  return path.join(paxlabRoot(), 'dist', 'grade-child.js');
}

/** Whether a process is stopped (Linux: its /proc state is T or t). */
function isStopped(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't';
  } catch {
    return false;
  }
}

/** Grade one submission in a grader process of its own; never rejects. */
export async function gradeSubmission(labId: string, s: Submission, opts: { hidden: boolean; max: number } & GraderWatch): Promise<ClassRow> {
  const row = (status: RowStatus, reason: string, r?: GradeReport): ClassRow => ({
    student: s.student,
    status,
    score: r?.score ?? 0,
    max: r?.maxScore ?? opts.max,
    passed: r?.counts.passed ?? 0,
    failed: r?.counts.failed ?? 0,
    reason,
    points: Object.fromEntries((r?.tests ?? []).map((t) => [t.id, t.points])),
  });
  if (!s.module) return row('no-module', s.error ?? 'no module');
  let privateDir: string | null = null;
  let forget = () => {};
  let module = s.module;
  let root = s.root;
  try {
    if (s.single) {
      const d = (privateDir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-submission-')));
      forget = killAllOnExit(() => rmSync(d, { recursive: true, force: true }));
      module = path.join(d, path.basename(s.module));
      root = d;
      await copyFile(s.module, module);
    }
    const req: GradeChildRequest = { lab: labId, module, root, hidden: opts.hidden };
    const r = await runGrader(req, opts);
    if ('failure' in r) return row('grader-failed', r.failure);
    const report = r.report;
    if (report.status === 'build-error') {
      const d = report.diagnostics.find((x) => x.severity === 'error');
      return row('build-error', `build error: ${d ? `${d.file}:${d.line}:${d.column}: ${d.message}` : 'unknown'}`, report);
    }
    if (report.status === 'load-error') return row('load-error', `load error: ${report.loadError?.message ?? ''}`, report);
    const note = report.confinement && !report.confinement.confined ? report.confinement.summary : '';
    return row('graded', note, report);
  } catch (e) {
    return row('grader-failed', `the grader could not start: ${(e as Error).message}`);
  } finally {
    if (privateDir) await rm(privateDir, { recursive: true, force: true });
    forget();
  }
}

function runGrader(req: GradeChildRequest, watch: GraderWatch): Promise<{ report: GradeReport } | { failure: string }> {
  return new Promise((resolve) => {
    // The grader is ours (not student code): it gets our environment, and confines its own sandboxes.
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ELECTRON_RUN_AS_NODE: '1' };
    const proc: ChildProcess = confinedSpawn([graderEntry(), JSON.stringify(req)], { env });
    watch.onSpawn?.(proc.pid!);
    let out = '';
    let err = '';
    let killedFor: string | null = null;
    (proc.stdio[3] as Readable).on('data', (d: Buffer) => (out += d.toString()));
    proc.stdout!.on('data', () => {});
    proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const stopLimit = watch.stoppedMs ?? 5000;
    let stoppedFor = 0;
    const poll = setInterval(() => {
      if (proc.pid && isStopped(proc.pid)) {
        stoppedFor += 500;
        if (stoppedFor >= stopLimit) {
          killedFor = `its grader was stopped (a stop signal) for ${Math.round(stopLimit / 1000)} s and was killed`;
          killTree(proc);
        }
      } else stoppedFor = 0;
    }, 500);
    const backstopMs = watch.backstopMs ?? 20 * 60_000;
    const backstop = setTimeout(() => {
      killedFor = `its grader did not finish within ${Math.round(backstopMs / 60_000)} min (a machine problem) and was killed`;
      killTree(proc);
    }, backstopMs);
    proc.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(backstop);
      if (killedFor) return resolve({ failure: killedFor });
      try {
        const report = JSON.parse(out) as GradeReport;
        if (code === 0 && report && typeof report === 'object') return resolve({ report });
      } catch {
        // fall through: no report
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const last = err.trim().split('\n').slice(-1)[0];
      resolve({ failure: `its grader ${how} without a report${last ? ` (${last.slice(0, 300)})` : ''}` });
    });
  });
}

export interface ClassRun {
  rows: ClassRow[];
}

/** Grade every submission in `dir` with `jobs` graders at a time; rows in the submissions' order. */
export async function gradeClass(
  labId: string,
  subs: Submission[],
  opts: { hidden: boolean; jobs: number; max: number; onRow?: (r: ClassRow) => void } & GraderWatch,
): Promise<ClassRun> {
  const rows: ClassRow[] = new Array(subs.length);
  let next = 0;
  const worker = async () => {
    while (next < subs.length) {
      const i = next++;
      rows[i] = await gradeSubmission(labId, subs[i], opts);
      opts.onRow?.(rows[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, subs.length) }, worker));
  return { rows };
}

export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per submission: its status, score and the reason when it is not a plain grade. */
export function scoresCsv(rows: ClassRow[]): string {
  const head = 'student,status,score,max,passed,failed,reason';
  return [head, ...rows.map((r) => [r.student, r.status, r.score, r.max, r.passed, r.failed, r.reason].map(csvField).join(','))].join('\n') + '\n';
}

/** One row per submission, one column per test (the points it scored; empty when the test did not run). */
export function testsCsv(rows: ClassRow[], testIds: string[]): string {
  const head = ['student', 'status', 'score', ...testIds].map(csvField).join(',');
  const lines = rows.map((r) => [r.student, r.status, r.score, ...testIds.map((id) => (id in r.points ? r.points[id] : ''))].map(csvField).join(','));
  return [head, ...lines].join('\n') + '\n';
}
