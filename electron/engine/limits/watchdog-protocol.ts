/**
 * What a confined child process and its watchdog thread share, and what the watchdog tells the
 * parent. The child's main thread marks each student call (or type check) in a SharedArrayBuffer;
 * the watchdog thread samples it with the main thread's CPU time and the process's resident memory,
 * and when a call has used more CPU than allowed, or the process more memory, it writes one note on
 * its own pipe and kills the process. Harness work between calls is never charged.
 */

/** Int32 slots of the control block. */
export const SLOT = {
  /** Incremented when a call starts. */
  seq: 0,
  /** 1 while a call runs. */
  inCall: 1,
  node: 2,
  step: 3,
  seed: 4,
  /** The CPU limit of one call, ms (set per job). */
  limitMs: 5,
  /** Bytes of the call's name. */
  nameLength: 6,
} as const;

export const NAME_OFFSET = 64;
export const NAME_BYTES = 128;
export const CONTROL_BYTES = NAME_OFFSET + NAME_BYTES;

/** The child's file descriptor the watchdog writes notes on. */
export const WATCHDOG_FD = 4;

export interface WatchdogConfig {
  control: SharedArrayBuffer;
  /** Kill when resident memory exceeds this (MB). */
  rssCapMb: number;
  /** How often to sample, ms. */
  sampleMs: number;
  /** The parent's pid: the process ends itself when it is orphaned. */
  parentPid: number;
}

/** Which call a note is about (-1: not known). */
export interface CallWhere {
  name: string;
  node: number;
  step: number;
  seed: number;
}

export type WatchdogNote =
  /** Sent twice a second: the process is alive. */
  | { t: 'alive' }
  /** A call has run for a while (used to tell whose memory a later heap death was). */
  | { t: 'long'; seq: number }
  | { t: 'done'; seq: number }
  /** A call used more CPU than its limit; the process is killed right after. */
  | ({ t: 'cpu'; cpuMs: number; limitMs: number; rssMb: number; rssAtStartMb: number } & CallWhere)
  /** Resident memory went over the cap; the process is killed right after. */
  | ({ t: 'memory'; rssMb: number; capMb: number; inCall: boolean } & CallWhere);

export function parseNote(line: string): WatchdogNote | null {
  try {
    const n = JSON.parse(line) as WatchdogNote;
    return typeof n === 'object' && n !== null && typeof n.t === 'string' ? n : null;
  } catch {
    return null;
  }
}

/** "handleAccept on node 3 (step 4, seed 2)". */
export function describeCall(w: CallWhere): string {
  const bits = [w.node >= 0 ? `node ${w.node}` : null, w.step >= 0 ? `step ${w.step}` : null, w.seed >= 0 ? `seed ${w.seed}` : null].filter(Boolean);
  const name = w.name || 'a call';
  return bits.length ? `${name} (${bits.join(', ')})` : name;
}
