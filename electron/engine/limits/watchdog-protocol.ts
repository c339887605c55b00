/**
 * What a confined child process and its watchdog thread share, and what the watchdog tells the
 * parent. The child's main thread marks each student call (or type check) in a SharedArrayBuffer;
 * the watchdog thread samples it with the main thread's CPU time and the process's resident memory.
 * Harness work between calls is never charged.
 *
 * When a call has used more CPU than its limit, the watchdog condemns it (compare-and-swap on
 * `state`, so a call that ends at that instant is either condemned or not, never half) and, in a
 * sandbox, interrupts it: the job runs inside a `breakOnSigint` scope, and a SIGINT ends the job
 * there; the child reports the limit and goes on with a fresh realm, no new process needed. Where
 * that is not set up (the type checker), or when the interruption does not land, it writes a note
 * on its own pipe and kills the process. Memory over the cap always kills.
 */

/** Int32 slots of the control block. */
export const SLOT = {
  /** The running call's sequence number (> 0); 0 between calls; minus it once condemned. */
  state: 0,
  /** The sequence number of the last call started. */
  seq: 1,
  node: 2,
  step: 3,
  seed: 4,
  /** The CPU limit of one call, ms (set per job). */
  limitMs: 5,
  /** Bytes of the call's name. */
  nameLength: 6,
  /** Set by the watchdog once the interrupting signal is sent. */
  sent: 7,
  /** Filled in when a call is condemned: CPU it used, and resident memory then and at its start (MB). */
  cpuMs: 8,
  rssMb: 9,
  rssAtStartMb: 10,
  /** Never written: the main thread sleeps on it, interruptibly. */
  sleep: 11,
  /** CPU all calls of one job may use together, ms (0: no budget), and what they used so far. */
  jobBudgetMs: 12,
  jobUsedMs: 13,
  /** Why the call was condemned: 1 its own limit, 2 the job's budget. */
  why: 14,
} as const;

export const NAME_OFFSET = 64;
export const WHY_CALL = 1;
export const WHY_JOB = 2;
export const NAME_BYTES = 128;
export const CONTROL_BYTES = NAME_OFFSET + NAME_BYTES;

/** The child's file descriptor the watchdog writes notes on. */
export const WATCHDOG_FD = 4;

export interface WatchdogConfig {
  control: SharedArrayBuffer;
  /** Interrupt a condemned call with SIGINT (the sandbox's jobs run in breakOnSigint scopes) rather than kill the process. */
  interrupt: boolean;
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
  /** A call used more CPU than its limit and could not be interrupted; the process is killed right after. */
  | ({ t: 'cpu'; cpuMs: number; limitMs: number; rssMb: number; rssAtStartMb: number; budget?: boolean } & CallWhere)
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
