/**
 * The grading side of the sandbox: spawns the child (dist/sandbox.js) with `process.execPath` and
 * ELECTRON_RUN_AS_NODE=1, a heap cap and no code generation from strings; sends it jobs; enforces a
 * per-call time limit (the silence allowed between two progress reports) by killing it; explains
 * every death (time limit, heap limit, exit, crash). After a death the next job gets a fresh child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { sandboxEntry, paxlabRoot } from '../labs/paths.js';
import type { ChildReply, SerializedError } from './sandbox-protocol.js';

export interface SandboxLimits {
  /** Longest a job may go without reporting progress (per student call), in ms. */
  timeoutMs: number;
  /** Heap cap of the child, in MB. */
  memoryMb: number;
  /** Time to load the student's module, in ms (default max(timeoutMs, 5000)). */
  startTimeoutMs?: number;
}

export interface SandboxJob {
  kind: string;
  payload: unknown;
}

export type SandboxFailureReason =
  /** the job went silent for longer than the time limit; the child was killed */
  | 'timeout'
  /** the child ran out of its heap cap */
  | 'memory'
  /** the child exited (student code ended the process) */
  | 'exit'
  /** the child died of a signal */
  | 'crash'
  /** the student's module could not be loaded */
  | 'load'
  /** the job handler threw (an error that escaped the job's own checks) */
  | 'job-error';

export type SandboxOutcome =
  | { ok: true; value: unknown; progress: unknown[]; output: string }
  | {
      ok: false;
      reason: SandboxFailureReason;
      message: string;
      progress: unknown[];
      error?: SerializedError;
      output: string;
      exitCode?: number | null;
      signal?: string | null;
    };

export type StartResult =
  | { ok: true; exports: string[] }
  | { ok: false; reason: SandboxFailureReason; message: string; error?: SerializedError; output: string };

const OUTPUT_CAP = 16 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // No sandbox child outlives the grader, whatever way it ends.
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

function permissionFlags(bundlePath: string): string[] {
  const flags = process.allowedNodeEnvironmentFlags;
  const allow = [sandboxEntry(), path.join(paxlabRoot(), 'package.json'), bundlePath].map((p) => `--allow-fs-read=${p}`);
  if (flags.has('--permission')) return ['--permission', ...allow];
  if (flags.has('--experimental-permission')) return ['--experimental-permission', '--no-warnings', ...allow];
  return [];
}

interface Child {
  proc: ChildProcess;
  /** stdout and stderr, interleaved, capped (what student code printed, and any V8 fatal error). */
  output: string;
  onReply: ((r: ChildReply) => void) | null;
  onClose: ((code: number | null, signal: string | null) => void) | null;
  closed: { code: number | null; signal: string | null } | null;
  /** Resident memory once the module was loaded (Linux only; 0 elsewhere). */
  baselineMb: number;
  started: Promise<StartResult>;
}

export class Sandbox {
  private child: Child | null = null;
  private nextId = 1;
  /** How many children were started (1 + respawns after deaths). */
  spawnCount = 0;

  constructor(
    readonly bundlePath: string,
    readonly limits: SandboxLimits,
  ) {}

  /** Start the child (if none is running) and load the module. */
  start(): Promise<StartResult> {
    if (!this.child) this.child = this.spawnChild();
    return this.child.started;
  }

  private spawnChild(): Child {
    if (!existsSync(sandboxEntry())) throw new Error(`the sandbox is not built (${sandboxEntry()} is missing): run \`npm run build\``);
    installExitHook();
    this.spawnCount++;
    const args = [
      `--max-old-space-size=${this.limits.memoryMb}`,
      '--disallow-code-generation-from-strings',
      ...permissionFlags(this.bundlePath),
      sandboxEntry(),
      this.bundlePath,
    ];
    const proc = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      // Nothing of the grader's environment leaks to student code (Windows needs SystemRoot).
      env: { ELECTRON_RUN_AS_NODE: '1', ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}) },
      windowsHide: true,
    });
    live.add(proc);
    const child: Child = { proc, output: '', onReply: null, onClose: null, closed: null, baselineMb: 0, started: null! };
    const collect = (d: Buffer) => {
      child.output += d.toString();
      if (child.output.length > OUTPUT_CAP * 2) child.output = child.output.slice(-OUTPUT_CAP);
    };
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    (proc.stdin as Writable).on('error', () => {}); // a dead child's stdin: the close handler reports it
    const replies = createInterface({ input: proc.stdio[3] as Readable, crlfDelay: Infinity });
    replies.on('line', (line) => {
      let msg: ChildReply;
      try {
        msg = JSON.parse(line) as ChildReply;
      } catch {
        return;
      }
      child.onReply?.(msg);
    });
    proc.on('close', (code, signal) => {
      live.delete(proc);
      child.closed = { code, signal };
      if (this.child === child) this.child = null;
      child.onClose?.(code, signal);
    });

    const startMs = this.limits.startTimeoutMs ?? Math.max(this.limits.timeoutMs, 5000);
    child.started = new Promise<StartResult>((resolve) => {
      const timer = setTimeout(() => {
        this.kill(child);
        resolve({ ok: false, reason: 'load', message: `the module did not finish loading within ${startMs} ms`, output: child.output });
      }, startMs);
      child.onReply = (r) => {
        if (r.type === 'ready') {
          clearTimeout(timer);
          child.baselineMb = residentMb(proc.pid) ?? 0;
          resolve({ ok: true, exports: r.exports });
        } else if (r.type === 'load-error') {
          clearTimeout(timer);
          resolve({ ok: false, reason: 'load', message: `loading the module threw: ${r.error.message}`, error: r.error, output: child.output });
        }
      };
      child.onClose = (code, signal) => {
        clearTimeout(timer);
        const d = describeDeath(code, signal, child.output);
        resolve({ ok: false, reason: 'load', message: `while loading the module, ${d.message}`, output: child.output });
      };
    });
    return child;
  }

  /**
   * Run one job (one at a time per sandbox). Resolves (never rejects) with the job's value, or with why it could not finish;
   * either way with every progress report received.
   */
  async run(job: SandboxJob, opts: { timeoutMs?: number; onProgress?: (data: unknown) => void } = {}): Promise<SandboxOutcome> {
    const started = await this.start();
    const progress: unknown[] = [];
    if (!started.ok) return { ...started, progress };
    const child = this.child;
    // Student code may have ended the process between loading and this job (from a timer).
    if (!child) return { ok: false, reason: 'crash', message: 'the process died before the job started', progress, output: '' };
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.limits.timeoutMs;
    const outputStart = child.output.length;
    const jobOutput = () => withoutV8Dump(child.output.slice(Math.min(outputStart, child.output.length)));

    return new Promise<SandboxOutcome>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let finished = false;
      let timedOut: { grownMb: number } | null = null;
      const finish = (o: SandboxOutcome) => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        child.onReply = null;
        child.onClose = null;
        resolve(o);
      };
      const arm = () => {
        if (timer) clearTimeout(timer);
        const seen = progress.length;
        timer = setTimeout(() => {
          // Replies that arrived while this process was busy are read in the poll phase; look again
          // after it before calling the job hung.
          setImmediate(() => {
            if (finished || progress.length !== seen) return;
            // Measure before killing: a job still collecting garbage near its heap cap when the
            // clock ran out has a memory problem, not a speed problem. The close handler decides.
            timedOut = { grownMb: (residentMb(child.proc.pid) ?? 0) - child.baselineMb };
            this.kill(child);
          });
        }, timeoutMs);
      };
      child.onReply = (r) => {
        if (!('id' in r) || r.id !== id) return;
        if (r.type === 'progress') {
          progress.push(r.data);
          opts.onProgress?.(r.data);
          arm();
        } else if (r.type === 'done') {
          finish({ ok: true, value: r.value, progress, output: jobOutput() });
        } else if (r.type === 'failed') {
          finish({ ok: false, reason: 'job-error', message: r.error.message, error: r.error, progress, output: jobOutput() });
        }
      };
      child.onClose = (code, signal) => {
        const d = describeDeath(code, signal, child.output);
        if (timedOut && d.reason !== 'memory') {
          if (timedOut.grownMb >= this.limits.memoryMb * 0.5) {
            const grew = Math.round(timedOut.grownMb);
            finish({ ok: false, reason: 'memory', message: `allocated without bound: grew by ${grew} MB (heap limit ${this.limits.memoryMb} MB) and ran past the time limit`, progress, output: jobOutput() });
          } else {
            finish({ ok: false, reason: 'timeout', message: `ran past the time limit of ${timeoutMs} ms`, progress, output: jobOutput() });
          }
          return;
        }
        finish({ ok: false, reason: d.reason, message: d.message, progress, output: jobOutput(), exitCode: code, signal });
      };
      if (child.closed) return child.onClose(child.closed.code, child.closed.signal);
      arm();
      (child.proc.stdin as Writable).write(JSON.stringify({ id, kind: job.kind, payload: job.payload }) + '\n');
    });
  }

  /** Kill a child now; the next job starts a fresh one. */
  private kill(child: Child): void {
    if (this.child === child) this.child = null;
    child.proc.kill('SIGKILL');
  }

  /** Stop the child (if any). */
  async close(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.closed) return;
    await new Promise<void>((resolve) => {
      c.proc.once('close', () => resolve());
      (c.proc.stdin as Writable).end();
      setTimeout(() => c.proc.kill('SIGKILL'), 500).unref();
    });
  }
}

/** V8's fatal out-of-memory report (GC log, native stack) means nothing to a student: cut it. */
function withoutV8Dump(output: string): string {
  const i = output.search(/\n?<--- Last few GCs --->/);
  return i < 0 ? output : output.slice(0, i);
}

/** A process's resident memory in MB, where /proc tells (Linux); otherwise undefined. */
function residentMb(pid: number | undefined): number | undefined {
  if (!pid || process.platform !== 'linux') return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function describeDeath(code: number | null, signal: string | null, output: string): { reason: SandboxFailureReason; message: string } {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(output)) {
    return { reason: 'memory', message: 'ran out of memory (the sandbox heap limit was reached)' };
  }
  if (signal) return { reason: 'crash', message: `the process was killed by ${signal}` };
  return { reason: 'exit', message: `the process exited with code ${code}` };
}

/**
 * Run one job in a fresh sandbox and stop it. `bundle` is the path of an ESM bundle, or its code
 * (written to a temporary file that is removed afterwards).
 */
export async function runInSandbox(
  bundle: string | { code: string },
  job: SandboxJob,
  opts: SandboxLimits & { onProgress?: (data: unknown) => void },
): Promise<SandboxOutcome> {
  let dir: string | null = null;
  let bundlePath: string;
  if (typeof bundle === 'string') bundlePath = bundle;
  else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-sandbox-'));
    bundlePath = path.join(dir, 'student.mjs');
    await writeFile(bundlePath, bundle.code);
  }
  const sandbox = new Sandbox(bundlePath, opts);
  try {
    return await sandbox.run(job, { onProgress: opts.onProgress });
  } finally {
    await sandbox.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
