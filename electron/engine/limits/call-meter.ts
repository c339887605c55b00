/**
 * The main-thread side of the watchdog (watchdog-protocol.ts): starts the watchdog thread and marks
 * each call's start and end in the shared control block — a few stores per call, no system call.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CallMeter } from '../realm/student-calls.js';
import { CONTROL_BYTES, NAME_BYTES, NAME_OFFSET, SLOT, type WatchdogConfig } from './watchdog-protocol.js';

export class SharedCallMeter implements CallMeter {
  private readonly ctl: Int32Array;
  private readonly nameBytes: Uint8Array;
  private readonly encoder = new TextEncoder();
  private lastName = '';
  private readonly worker: Worker;

  /** `distDir` holds watchdog.js (the bundle of watchdog-worker.ts). */
  constructor(distDir: string, opts: { rssCapMb: number; sampleMs?: number }) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.ctl = new Int32Array(control, 0, CONTROL_BYTES / 4);
    this.nameBytes = new Uint8Array(control, NAME_OFFSET, NAME_BYTES);
    this.ctl[SLOT.node] = this.ctl[SLOT.step] = this.ctl[SLOT.seed] = -1;
    const workerData: WatchdogConfig = { control, rssCapMb: opts.rssCapMb, sampleMs: opts.sampleMs ?? 10, parentPid: process.ppid };
    this.worker = new Worker(path.join(distDir, 'watchdog.js'), { workerData, stdout: false, stderr: false });
    // The watchdog runs as long as the process; it must not keep an idle process alive.
    this.worker.unref();
  }

  /** The CPU limit of each call from now on (ms; 0: none). */
  setLimit(ms: number): void {
    Atomics.store(this.ctl, SLOT.limitMs, Math.max(0, Math.round(ms)));
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
    Atomics.add(this.ctl, SLOT.seq, 1);
    Atomics.store(this.ctl, SLOT.inCall, 1);
  }

  leave(): void {
    Atomics.store(this.ctl, SLOT.inCall, 0);
  }
}
