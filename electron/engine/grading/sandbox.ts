/**
 * The grading side of the sandbox: spawns the child (dist/sandbox.js) confined (limits/), loads the
 * student's module into it once the build is known to be good, sends it jobs, and explains every
 * death: a student call past its CPU time limit or over the memory cap (the child's watchdog names
 * the call), a heap exhausted, a child that stopped answering (the grader's problem, never the
 * student's). After a death the next job gets a fresh child.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { killAllOnExit } from '../cluster/exit-hooks.js';
import { confinedSpawn, killTree, onWatchdogNotes } from '../limits/confined-spawn.js';
import { describeCall, type CallWhere, type WatchdogNote } from '../limits/watchdog-protocol.js';
import { paxlabRoot, sandboxEntry } from '../labs/paths.js';
import type { ChildOptions, ChildReply, SerializedError } from './sandbox-protocol.js';
import { confinementFlags } from './confinement.js';

export interface SandboxLimits {
  /** CPU time one student call may use (evaluating the module, the constructor, each handler), ms. */
  callCpuMs: number;
  /** Heap cap of the child, MB. */
  memoryMb: number;
  /**
   * Whose fault a death by memory is. 'student' (trace and scenario jobs): the harness's own memory
   * there is small and bounded, so the memory was the student's. 'in-call' (the search, whose
   * tables grow with its budget): only a death during a student call is theirs; otherwise it is the
   * grader's limit and is reported so.
   */
  memoryBlame?: 'student' | 'in-call';
  /** Backstop for a child that sends nothing at all (no reply, no watchdog note), wall ms (default 60 000). */
  silenceMs?: number;
}

export interface SandboxJob {
  kind: string;
  payload: unknown;
}

export type SandboxFailureReason =
  /** a student call used more CPU time than its limit; the child was killed */
  | 'timeout'
  /** the student's code used more memory than the sandbox allows */
  | 'memory'
  /** the grader's own memory limit was reached outside student code (a search too big for its cap) */
  | 'grader-memory'
  /** the child stopped answering altogether (a machine problem) */
  | 'unresponsive'
  /** the child exited, or died of a signal nobody here sent: not something student code can do */
  | 'exit'
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
      /** The student call that ran too long or used too much memory, as the watchdog named it. */
      call?: CallWhere;
      exitCode?: number | null;
      signal?: string | null;
    };

export type StartResult =
  | { ok: true; exports: string[] }
  | { ok: false; reason: SandboxFailureReason; message: string; error?: SerializedError; output: string };

const OUTPUT_CAP = 16 * 1024;

/**
 * CPU all student calls of one job (one test) may use together: a correct submission's calls in
 * the largest test (a search: tens of thousands of calls of a few microseconds) take well under
 * 100 ms; a submission whose every call stays just under the per-call limit would otherwise hold a
 * grader for hours.
 */
export function jobBudgetMs(callCpuMs: number): number {
  return Math.max(2000, 8 * callCpuMs);
}
const DEFAULT_SILENCE_MS = 60_000;

/** Resident memory the watchdog allows: the heap cap, young generation and Node's own ~60 MB, with room. */
export function rssCapMb(memoryMb: number): number {
  return Math.round(memoryMb * 1.5 + 160);
}

/** The OS cap of the child's data segment: above the watchdog's, a backstop for allocations it cannot see. */
export function dataCapMb(memoryMb: number): number {
  return Math.round(memoryMb * 2 + 512);
}

/** The last part of a stream of text, and how much was ever written (so a job can take what came since it began). */
class Tail {
  text = '';
  written = 0;
  add(s: string): void {
    this.text += s;
    this.written += s.length;
    if (this.text.length > OUTPUT_CAP * 2) this.text = this.text.slice(-OUTPUT_CAP);
  }
  /** What was written since `mark` (a value of `written`), as much of it as is kept. */
  since(mark: number): string {
    const n = this.written - mark;
    return n <= 0 ? '' : this.text.slice(-Math.min(n, this.text.length));
  }
}

interface Child {
  proc: ChildProcess;
  /** What the child wrote on stdout and stderr (a V8 fatal error, a harness error), its last part. */
  raw: Tail;
  /** What student code printed, from the replies, its last part. */
  printed: Tail;
  onReply: ((r: ChildReply) => void) | null;
  onClose: ((code: number | null, signal: string | null) => void) | null;
  closed: { code: number | null; signal: string | null } | null;
  /** The watchdog's last word before killing the child (cpu or memory). */
  verdict: Extract<WatchdogNote, { t: 'cpu' | 'memory' }> | null;
  /** A student call has been running for a while (the watchdog said 'long', not yet 'done'). */
  inLongCall: boolean;
  /** We killed it for silence. */
  silent: boolean;
  silenceTimer: NodeJS.Timeout | null;
  loaded: Promise<StartResult> | null;
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

  /** Start a child without loading the module yet (Node boots while the build is checked). */
  prewarm(): void {
    this.child ??= this.spawnChild();
  }

  /** Start the child (if none is running) and load the module. */
  start(): Promise<StartResult> {
    const child = (this.child ??= this.spawnChild());
    child.loaded ??= this.load(child);
    return child.loaded;
  }


  private spawnChild(): Child {
    if (!existsSync(sandboxEntry())) throw new Error(`the sandbox is not built (${sandboxEntry()} is missing): run \`npm run build\``);
    this.spawnCount++;
    const options: ChildOptions = { rssCapMb: rssCapMb(this.limits.memoryMb) };
    const args = [
      `--max-old-space-size=${this.limits.memoryMb}`,
      '--disallow-code-generation-from-strings',
      ...confinementFlags([sandboxEntry(), path.join(path.dirname(sandboxEntry()), 'watchdog.js'), path.join(paxlabRoot(), 'package.json'), this.bundlePath]),
      sandboxEntry(),
      this.bundlePath,
      JSON.stringify(options),
    ];
    const proc = confinedSpawn(args, { dataCapMb: dataCapMb(this.limits.memoryMb) });
    const child: Child = { proc, raw: new Tail(), printed: new Tail(), onReply: null, onClose: null, closed: null, verdict: null, inLongCall: false, silent: false, silenceTimer: null, loaded: null };
    const collect = (d: Buffer) => child.raw.add(d.toString());
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    (proc.stdin as Writable).on('error', () => {}); // a dead child's stdin: the close handler reports it
    const heard = () => this.armSilence(child);
    createInterface({ input: proc.stdio[3] as Readable, crlfDelay: Infinity }).on('line', (line) => {
      let msg: ChildReply;
      try {
        msg = JSON.parse(line) as ChildReply;
      } catch {
        return;
      }
      heard();
      if (msg.output) child.printed.add(msg.output);
      child.onReply?.(msg);
    });
    onWatchdogNotes(proc, (n) => {
      heard();
      if (n.t === 'long') child.inLongCall = true;
      else if (n.t === 'done') child.inLongCall = false;
      else if (n.t === 'cpu' || n.t === 'memory') child.verdict = n;
    });
    proc.on('close', (code, signal) => {
      if (child.silenceTimer) clearTimeout(child.silenceTimer);
      child.closed = { code, signal };
      if (this.child === child) this.child = null;
      child.onClose?.(code, signal);
    });
    heard();
    return child;
  }

  private armSilence(child: Child): void {
    if (child.closed) return;
    if (child.silenceTimer) clearTimeout(child.silenceTimer);
    child.silenceTimer = setTimeout(() => {
      child.silent = true;
      this.kill(child);
    }, this.limits.silenceMs ?? DEFAULT_SILENCE_MS);
    // Idle children (between grades) must not keep the grading process alive.
    child.silenceTimer.unref();
  }

  private load(child: Child): Promise<StartResult> {
    return new Promise<StartResult>((resolve) => {
      const output = () => (child.printed.text + withoutV8Dump(child.raw.text)).slice(-OUTPUT_CAP);
      child.onReply = (r) => {
        if (r.type === 'ready') {
          child.onReply = child.onClose = null;
          resolve({ ok: true, exports: r.exports });
        } else if (r.type === 'load-error') {
          child.onReply = child.onClose = null;
          resolve({ ok: false, reason: 'load', message: `loading the module threw ${r.error.name}: ${r.error.message}`, error: r.error, output: output() });
        } else if (r.type === 'limit') {
          child.onReply = child.onClose = null;
          const d = this.overLimit(r.hit);
          resolve({ ok: false, reason: d.reason, message: `while loading the module, ${d.message}`, output: output() });
        }
      };
      child.onClose = (code, signal) => {
        const d = this.explain(child, code, signal, 'evaluating the module');
        resolve({ ok: false, reason: d.reason === 'timeout' || d.reason === 'memory' ? d.reason : 'load', message: `while loading the module, ${d.message}`, output: output() });
      };
      if (child.closed) return child.onClose(child.closed.code, child.closed.signal);
      (child.proc.stdin as Writable).write(JSON.stringify({ load: true, limitMs: this.limits.callCpuMs }) + '\n');
    });
  }

  /**
   * Run one job (one at a time per sandbox). Resolves (never rejects) with the job's value, or with why it could not finish;
   * either way with every progress report received.
   */
  async run(job: SandboxJob, opts: { callCpuMs?: number; onProgress?: (data: unknown) => void } = {}): Promise<SandboxOutcome> {
    const started = await this.start();
    const progress: unknown[] = [];
    if (!started.ok) return { ...started, progress };
    const child = this.child;
    if (!child || child.closed) return { ok: false, reason: 'crash', message: 'the sandbox process died before the job started', progress, output: '' };
    const id = this.nextId++;
    const limitMs = opts.callCpuMs ?? this.limits.callCpuMs;
    const printedMark = child.printed.written;
    const rawMark = child.raw.written;
    const jobOutput = () => (child.printed.since(printedMark) + withoutV8Dump(child.raw.since(rawMark))).slice(-OUTPUT_CAP);

    return new Promise<SandboxOutcome>((resolve) => {
      let finished = false;
      const finish = (o: SandboxOutcome) => {
        if (finished) return;
        finished = true;
        child.onReply = null;
        child.onClose = null;
        resolve(o);
      };
      child.onReply = (r) => {
        if (!('id' in r) || r.id !== id) return;
        if (r.type === 'progress') {
          progress.push(r.data);
          opts.onProgress?.(r.data);
        } else if (r.type === 'done') {
          finish({ ok: true, value: r.value, progress, output: jobOutput() });
        } else if (r.type === 'failed') {
          finish({ ok: false, reason: 'job-error', message: r.error.message, error: r.error, progress, output: jobOutput() });
        } else if (r.type === 'limit') {
          // Interrupted at the limit; the child goes on with a fresh realm for the next job.
          const d = this.overLimit(r.hit);
          finish({ ok: false, reason: d.reason, message: d.message, call: r.hit, progress, output: jobOutput() });
        }
      };
      child.onClose = (code, signal) => {
        const d = this.explain(child, code, signal, 'the job');
        finish({ ok: false, reason: d.reason, message: d.message, call: d.call, progress, output: jobOutput(), exitCode: code, signal });
      };
      if (child.closed) return child.onClose(child.closed.code, child.closed.signal);
      (child.proc.stdin as Writable).write(JSON.stringify({ id, kind: job.kind, payload: job.payload, limitMs, budgetMs: jobBudgetMs(limitMs) }) + '\n');
    });
  }

  /**
   * A call past its CPU limit: a time-limit verdict, or a memory one when the process grew by half
   * its heap cap meanwhile (code still collecting garbage near its cap when the clock ran out has a
   * memory problem, not a speed problem).
   */
  private overLimit(v: CallWhere & { limitMs: number; rssMb: number; rssAtStartMb: number; budget?: boolean; budgetMs?: number }): { reason: SandboxFailureReason; message: string; call: CallWhere } {
    if (v.budget) {
      const budget = v.budgetMs ?? jobBudgetMs(v.limitMs);
      return { reason: 'timeout', call: v, message: `your code used more than ${Math.round(budget / 1000)} s of CPU time in this test, over many calls (each under the limit of one call); it was stopped in ${describeCall(v)}` };
    }
    const grown = v.rssMb - v.rssAtStartMb;
    if (grown >= this.limits.memoryMb * 0.5) {
      return { reason: 'memory', call: v, message: `${describeCall(v)} allocated without bound: grew by ${grown} MB (memory limit ${this.limits.memoryMb} MB) and ran past the CPU time limit` };
    }
    return { reason: 'timeout', call: v, message: `${describeCall(v)} ran past the CPU time limit of ${v.limitMs} ms` };
  }

  /** Why a child died, and whose fault it was. */
  private explain(child: Child, code: number | null, signal: string | null, what: string): { reason: SandboxFailureReason; message: string; call?: CallWhere } {
    const v = child.verdict;
    const blame = this.limits.memoryBlame ?? 'student';
    if (v?.t === 'cpu') return this.overLimit(v);
    if (v?.t === 'memory') {
      if (v.inCall || blame === 'student') return { reason: 'memory', call: v, message: `${v.inCall ? describeCall(v) : 'your code'} used too much memory (the process reached ${v.rssMb} MB, over the sandbox's ${v.capMb} MB)` };
      return { reason: 'grader-memory', message: `the grader ran out of memory outside your code (${v.rssMb} MB, over its ${v.capMb} MB limit): the grader's limit, not a fault of your code` };
    }
    // V8's out-of-memory abort, or its abort for a collection grown past what it can index.
    if (/heap out of memory|Reached heap limit|Allocation failed|out of memory|Fatal JavaScript invalid size error|invalid table size/i.test(child.raw.text)) {
      if (blame === 'student' || child.inLongCall) return { reason: 'memory', message: `ran out of memory (the sandbox's heap limit of ${this.limits.memoryMb} MB was reached)` };
      return { reason: 'grader-memory', message: `the grader ran out of memory outside your code (heap limit ${this.limits.memoryMb} MB): the grader's limit, not a fault of your code` };
    }
    if (child.silent) return { reason: 'unresponsive', message: `the sandbox stopped answering during ${what} (nothing for ${Math.round((this.limits.silenceMs ?? DEFAULT_SILENCE_MS) / 1000)} s): a problem of the grading machine, not of your code` };
    if (signal) return { reason: 'crash', message: `the sandbox process was killed by ${signal} during ${what} (not by your code, which cannot reach the process)` };
    return { reason: 'exit', message: `the sandbox process exited with code ${code} during ${what}` };
  }

  /** Kill a child now; the next job starts a fresh one. */
  private kill(child: Child): void {
    if (this.child === child) this.child = null;
    killTree(child.proc);
  }

  /** Stop the child (if any). */
  async close(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.closed) return;
    await new Promise<void>((resolve) => {
      c.proc.once('close', () => resolve());
      (c.proc.stdin as Writable).end();
      setTimeout(() => killTree(c.proc), 500).unref();
    });
  }
}

/** V8's fatal out-of-memory report (GC log, native stack) means nothing to a student: cut it. */
function withoutV8Dump(output: string): string {
  const i = output.search(/\n?<--- Last few GCs --->/);
  return i < 0 ? output : output.slice(0, i);
}

/**
 * Run one job in a fresh sandbox and stop it. `bundle` is the path of a built module, or its code
 * (written to a temporary file that is removed afterwards).
 */
export async function runInSandbox(
  bundle: string | { code: string },
  job: SandboxJob,
  opts: SandboxLimits & { onProgress?: (data: unknown) => void },
): Promise<SandboxOutcome> {
  let dir: string | null = null;
  let forget = () => {};
  let bundlePath: string;
  if (typeof bundle === 'string') bundlePath = bundle;
  else {
    const d = (dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-sandbox-')));
    forget = killAllOnExit(() => rmSync(d, { recursive: true, force: true }));
    bundlePath = path.join(dir, 'student.js');
    await writeFile(bundlePath, bundle.code);
  }
  const sandbox = new Sandbox(bundlePath, opts);
  try {
    return await sandbox.run(job, { onProgress: opts.onProgress });
  } finally {
    await sandbox.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    forget();
  }
}
