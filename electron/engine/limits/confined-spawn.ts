/**
 * Spawning a confined child (the sandbox, the type checker): in a session and process group of its
 * own (so killing it kills everything it started, and nothing it does can signal our group by
 * accident), with an empty environment, an OS cap on its data segment where the platform has one,
 * and a pipe for its watchdog's notes.
 *
 * Why RLIMIT_DATA and not RLIMIT_AS: V8 reserves large address ranges up front (an idle sandbox
 * child has ~1.5 GB of virtual size and 48 MB resident), so an address-space cap either breaks
 * start-up or caps nothing. RLIMIT_DATA (Linux ≥ 4.7) counts only private writable mappings: the
 * idle child has ~100 MB of it, and an allocation past the cap fails inside the child (an
 * ArrayBuffer allocation error, or V8's out-of-memory abort) instead of growing the machine's
 * memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { killAllOnExit } from '../cluster/exit-hooks.js';
import { parseNote, WATCHDOG_FD, type WatchdogNote } from './watchdog-protocol.js';

const SH = '/bin/sh';

export interface ConfinedSpawnOptions {
  /** Cap of the child's data segment (MB): RLIMIT_DATA where the platform enforces it. */
  dataCapMb?: number;
}

/** Whether `dataCapMb` is enforced by the OS here. */
export function dataCapSupported(): boolean {
  return process.platform === 'linux' && existsSync(SH);
}

/**
 * Start `process.execPath args…` confined. stdio: stdin (jobs), stdout and stderr (what it
 * prints), fd 3 (its replies), fd 4 (its watchdog's notes).
 */
export function confinedSpawn(args: string[], opts: ConfinedSpawnOptions & { env?: Record<string, string> } = {}): ChildProcess {
  // Nothing of our environment leaks to the child unless asked (Windows needs SystemRoot).
  const env = opts.env ?? { ELECTRON_RUN_AS_NODE: '1', ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}) };
  const stdio: Array<'pipe'> = ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'];
  let proc: ChildProcess;
  if (opts.dataCapMb !== undefined && dataCapSupported()) {
    // `ulimit -d` (KB) applies to the shell, which then becomes the child (exec keeps the pid).
    const kb = Math.round(opts.dataCapMb * 1024);
    proc = spawn(SH, ['-c', `ulimit -d ${kb} && exec "$0" "$@"`, process.execPath, ...args], { stdio, env, detached: true, windowsHide: true });
  } else {
    proc = spawn(process.execPath, args, { stdio, env, detached: process.platform !== 'win32', windowsHide: true });
  }
  // No confined child outlives the process that started it (exit, SIGINT, SIGTERM; after a SIGKILL
  // of ours, its watchdog notices it was orphaned and ends it).
  const off = killAllOnExit(() => killTree(proc));
  proc.on('close', off);
  return proc;
}

/** Kill a confined child and everything in its process group. */
export function killTree(proc: ChildProcess): void {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    if (proc.pid && process.platform !== 'win32') process.kill(-proc.pid, 'SIGKILL');
    else proc.kill('SIGKILL');
  } catch {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Call `onNote` for each watchdog note the child writes on fd 4. */
export function onWatchdogNotes(proc: ChildProcess, onNote: (n: WatchdogNote) => void): void {
  const stream = proc.stdio[WATCHDOG_FD] as Readable | null;
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    const n = parseNote(line);
    if (n) onNote(n);
  });
}
