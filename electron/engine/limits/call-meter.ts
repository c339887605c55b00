/**
 * The main-thread side of the watchdog (watchdog-protocol.ts): starts the watchdog thread, marks
 * each call's start and end in the shared control block (a few stores per call, no system call),
 * and runs jobs in a scope that a condemned call's interruption ends.
 */
import path from 'node:path';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import type { CallMeter } from '../realm/student-calls.js';
import { CONTROL_BYTES, NAME_BYTES, NAME_OFFSET, SLOT, WHY_JOB, type CallWhere, type WatchdogConfig } from './watchdog-protocol.js';

/** A call that used more CPU than its limit, as the watchdog measured it. */
export interface CpuLimitHit extends CallWhere {
  cpuMs: number;
  limitMs: number;
  rssMb: number;
  rssAtStartMb: number;
  /** The job's calls together used more than its budget (this call was running then). */
  budget?: boolean;
  budgetMs?: number;
}

/** A condemned call returned before its interruption landed: its job ends here all the same. */
class Condemned extends Error {}

const JOB = Symbol.for('paxlab.scoped-job');
/** Compiled in this (the harness's) context: the job it calls is a harness function, never handed to a student realm. */
const SCOPE = new vm.Script('globalThis[Symbol.for("paxlab.scoped-job")]()', { filename: 'paxlab-job-scope.js' });

export class SharedCallMeter implements CallMeter {
  private readonly ctl: Int32Array;
  private readonly nameBytes: Uint8Array;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private lastName = '';
  private current = 0;
  private readonly worker: Worker;

  /** `distDir` holds watchdog.js (the bundle of watchdog-worker.ts). */
  constructor(distDir: string, opts: { rssCapMb: number; sampleMs?: number; interrupt?: boolean }) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.ctl = new Int32Array(control, 0, CONTROL_BYTES / 4);
    this.nameBytes = new Uint8Array(control, NAME_OFFSET, NAME_BYTES);
    this.ctl[SLOT.node] = this.ctl[SLOT.step] = this.ctl[SLOT.seed] = -1;
    const interrupt = opts.interrupt ?? false;
    // A SIGINT that arrives outside a scope (it cannot, but a stray one must not end the process).
    if (interrupt) process.on('SIGINT', () => {});
    const workerData: WatchdogConfig = { control, interrupt, rssCapMb: opts.rssCapMb, sampleMs: opts.sampleMs ?? 10, parentPid: process.ppid };
    this.worker = new Worker(path.join(distDir, 'watchdog.js'), { workerData, stdout: false, stderr: false });
    // The watchdog runs as long as the process; it must not keep an idle process alive.
    this.worker.unref();
  }

  /** The CPU limit of each call from now on, and of all calls of a job together (ms; 0: none); starts the job's count. */
  setLimit(ms: number, jobBudgetMs = 0): void {
    Atomics.store(this.ctl, SLOT.limitMs, Math.max(0, Math.round(ms)));
    Atomics.store(this.ctl, SLOT.jobBudgetMs, Math.max(0, Math.round(jobBudgetMs)));
    Atomics.store(this.ctl, SLOT.jobUsedMs, 0);
  }

  /** The scenario seed (or -1) that later calls belong to. */
  setSeed(seed: number): void {
    this.ctl[SLOT.seed] = seed;
  }

  enter(name: string, node: number, step: number): void {
    if (name !== this.lastName) {
      const n = this.encoder.encodeInto(name, this.nameBytes).written;
      Atomics.store(this.ctl, SLOT.nameLength, n);
      this.lastName = name;
    }
    this.ctl[SLOT.node] = node;
    this.ctl[SLOT.step] = step;
    this.current = Atomics.add(this.ctl, SLOT.seq, 1) + 1;
    Atomics.store(this.ctl, SLOT.state, this.current);
  }

  leave(): void {
    if (Atomics.compareExchange(this.ctl, SLOT.state, this.current, 0) === this.current) return;
    // Condemned as it ended: the interruption is on its way; wait for it (interruptibly), so that it
    // ends this job and not a later one.
    for (let i = 0; i < 300; i++) Atomics.wait(this.ctl, SLOT.sleep, 0, 10);
    throw new Condemned('the call was condemned but not interrupted');
  }

  /**
   * Run `fn` (synchronous) in a scope a condemned call's interruption ends. Returns its value, or
   * which call ran past its limit; either way the meter is ready for the next call.
   */
  scoped<T>(fn: () => T): { ok: true; value: T } | { ok: false; limit: CpuLimitHit } {
    const g = globalThis as unknown as Record<symbol, unknown>;
    g[JOB] = fn;
    try {
      return { ok: true, value: SCOPE.runInThisContext({ breakOnSigint: true }) as T };
    } catch (e) {
      const interrupted = e instanceof Condemned || (e as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
      if (!interrupted || Atomics.load(this.ctl, SLOT.state) >= 0) throw e;
      return { ok: false, limit: this.condemned() };
    } finally {
      delete g[JOB];
    }
  }

  private condemned(): CpuLimitHit {
    // The watchdog fills in the figures before it sends the signal and marks it sent.
    for (let i = 0; i < 200 && Atomics.load(this.ctl, SLOT.sent) === 0; i++) Atomics.wait(this.ctl, SLOT.sleep, 0, 5);
    const len = Math.min(Atomics.load(this.ctl, SLOT.nameLength), NAME_BYTES);
    const hit: CpuLimitHit = {
      name: this.decoder.decode(this.nameBytes.slice(0, len)),
      node: this.ctl[SLOT.node],
      step: this.ctl[SLOT.step],
      seed: this.ctl[SLOT.seed],
      cpuMs: this.ctl[SLOT.cpuMs],
      limitMs: Atomics.load(this.ctl, SLOT.limitMs),
      rssMb: this.ctl[SLOT.rssMb],
      rssAtStartMb: this.ctl[SLOT.rssAtStartMb],
      ...(this.ctl[SLOT.why] === WHY_JOB ? { budget: true, budgetMs: Atomics.load(this.ctl, SLOT.jobBudgetMs) } : {}),
    };
    this.ctl[SLOT.why] = 0;
    Atomics.store(this.ctl, SLOT.sent, 0);
    Atomics.store(this.ctl, SLOT.state, 0);
    return hit;
  }
}
