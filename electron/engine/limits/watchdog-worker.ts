/**
 * The watchdog thread of a confined child (bundled to dist/watchdog.js; harness code, never student
 * code). It samples the control block the main thread writes at each call's start and end, the main
 * thread's CPU time and the process's resident memory; see watchdog-protocol.ts.
 *
 * CPU time, not wall time: a call is charged only while the main thread runs, so a loaded machine
 * never fails a correct handler, and an infinite loop is stopped after its limit of CPU.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { CONTROL_BYTES, NAME_BYTES, NAME_OFFSET, SLOT, WATCHDOG_FD, WHY_CALL, WHY_JOB, type CallWhere, type WatchdogConfig, type WatchdogNote } from './watchdog-protocol.js';

const cfg = workerData as WatchdogConfig;
const ctl = new Int32Array(cfg.control, 0, CONTROL_BYTES / 4);
const nameBytes = new Uint8Array(cfg.control, NAME_OFFSET, NAME_BYTES);
const decoder = new TextDecoder();

/** The main thread's CPU time in ms: its own /proc entry on Linux (GC helper threads and this
 *  thread excluded), the whole process's elsewhere. */
const mainThreadCpuMs: () => number = (() => {
  if (process.platform === 'linux') {
    try {
      const fd = openSync(`/proc/self/task/${process.pid}/stat`, 'r');
      const buf = Buffer.alloc(1024);
      const tickMs = 10; // USER_HZ is 100 on Linux
      const read = () => {
        const n = readSync(fd, buf, 0, buf.length, 0);
        const text = buf.toString('latin1', 0, n);
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) * tickMs;
      };
      if (Number.isFinite(read())) return read;
      closeSync(fd);
    } catch {
      // fall through to the process's CPU time
    }
  }
  return () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
})();

const rssMb = () => process.memoryUsage.rss() / (1024 * 1024);

function note(n: WatchdogNote): void {
  try {
    writeSync(WATCHDOG_FD, JSON.stringify(n) + '\n');
  } catch {
    // The parent is gone; the orphan check below ends the process.
  }
}

function where(): CallWhere {
  const len = Math.min(Atomics.load(ctl, SLOT.nameLength), NAME_BYTES);
  return { name: decoder.decode(nameBytes.slice(0, len)), node: ctl[SLOT.node], step: ctl[SLOT.step], seed: ctl[SLOT.seed] };
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // Not reached; keeps the type checker and a slow signal honest.
  for (;;) Atomics.wait(ctl, SLOT.sleep, 0, 1000);
}

/** How long (wall) a condemned call may take to be interrupted before the process is killed instead. */
const INTERRUPT_GRACE_MS = 2000;
const LONG_MS = 50;

let watched = 0;
let startCpu = 0;
let startRss = 0;
let longNoted = false;
let condemnedAt = 0;
let ticks = 0;
/** CPU at the last tick that found a call running (any call), for the job's budget. */
let lastInCallCpu = -1;

function condemn(state: number, why: number, used: number, rss: number): void {
  if (!cfg.interrupt) {
    note({ t: 'cpu', cpuMs: Math.round(used), limitMs: Atomics.load(ctl, SLOT.limitMs), rssMb: Math.round(rss), rssAtStartMb: Math.round(startRss), budget: why === WHY_JOB, ...where() });
    die();
  }
  // Condemn it, unless it ended this very moment; then interrupt its job.
  if (Atomics.compareExchange(ctl, SLOT.state, state, -state) !== state) return;
  ctl[SLOT.why] = why;
  ctl[SLOT.cpuMs] = Math.round(used);
  ctl[SLOT.rssMb] = Math.round(rss);
  ctl[SLOT.rssAtStartMb] = Math.round(startRss);
  condemnedAt = performance.now();
  process.kill(process.pid, 'SIGINT');
  Atomics.store(ctl, SLOT.sent, state);
}

function tick(): void {
  ticks++;
  const state = Atomics.load(ctl, SLOT.state);
  if (state > 0) {
    const cpu = mainThreadCpuMs();
    // The job's budget: CPU between two ticks that both found student code running (calls too
    // short for a tick to see count in proportion to how often ticks land in them).
    if (lastInCallCpu >= 0) Atomics.add(ctl, SLOT.jobUsedMs, Math.max(0, Math.round(cpu - lastInCallCpu)));
    lastInCallCpu = cpu;
    if (state !== watched) {
      if (longNoted) note({ t: 'done', seq: watched });
      watched = state;
      startCpu = cpu;
      startRss = rssMb();
      longNoted = false;
      condemnedAt = 0;
    }
    const used = cpu - startCpu;
    const limit = Atomics.load(ctl, SLOT.limitMs);
    const budget = Atomics.load(ctl, SLOT.jobBudgetMs);
    const overCall = limit > 0 && used > limit;
    const overJob = budget > 0 && Atomics.load(ctl, SLOT.jobUsedMs) > budget;
    if (overCall || overJob) condemn(state, overCall ? WHY_CALL : WHY_JOB, used, rssMb());
    else if (!longNoted && used >= LONG_MS) {
      longNoted = true;
      note({ t: 'long', seq: state });
    }
  } else {
    lastInCallCpu = -1;
    if (state < 0 && -state === watched && condemnedAt > 0 && performance.now() - condemnedAt > INTERRUPT_GRACE_MS) {
      // The interruption did not land (code V8 cannot interrupt): fall back to killing the process.
      note({ t: 'cpu', cpuMs: ctl[SLOT.cpuMs], limitMs: Atomics.load(ctl, SLOT.limitMs), rssMb: ctl[SLOT.rssMb], rssAtStartMb: ctl[SLOT.rssAtStartMb], budget: ctl[SLOT.why] === WHY_JOB, ...where() });
      die();
    } else if (state === 0 && watched !== 0) {
      if (longNoted) note({ t: 'done', seq: watched });
      watched = 0;
      longNoted = false;
      condemnedAt = 0;
    }
  }
  if (ticks % 5 === 0) {
    const rss = rssMb();
    if (rss > cfg.rssCapMb) {
      note({ t: 'memory', rssMb: Math.round(rss), capMb: cfg.rssCapMb, inCall: state !== 0, ...where() });
      die();
    }
  }
  if (ticks % Math.max(1, Math.round(500 / cfg.sampleMs)) === 0) {
    if (process.ppid !== cfg.parentPid) die(); // orphaned: nobody is waiting for this process
    note({ t: 'alive' });
  }
}

setInterval(tick, cfg.sampleMs);
