/**
 * Type checks through one shared child process (dist/typecheck.js), under a heap cap and a CPU time
 * limit per check: a type-level bomb fails that build with a clear diagnostic in seconds, and the
 * next check gets a fresh checker. In-process only when the child is not built (sources run
 * without `npm run build`). The child does not keep the process alive while idle.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { confinedSpawn, killTree, onWatchdogNotes } from '../limits/confined-spawn.js';
import type { WatchdogNote } from '../limits/watchdog-protocol.js';
import { paxlabRoot } from '../labs/paths.js';
import type { Diagnostic } from './diagnostics.js';
import type { TypeCheckOptions, TypeCheckRequest } from './typecheck-child.js';
import { typeCheck } from './typecheck.js';

/** CPU time one check may use: a cold check (TypeScript parsing its libraries) takes about 1 s. */
export const TYPECHECK_CPU_MS = 8_000;
/** Heap of the checker: the libraries and a student's files need under 100 MB. */
export const TYPECHECK_HEAP_MB = 384;

type Reply = { id: number; diagnostics?: Diagnostic[]; error?: string };
type Pending = { resolve: (d: Diagnostic[]) => void; reject: (e: Error) => void; entry?: string; root?: string };

interface Checker {
  proc: ChildProcess;
  pending: Map<number, Pending>;
  verdict: Extract<WatchdogNote, { t: 'cpu' | 'memory' }> | null;
  raw: string;
}

let checker: Checker | null = null;
let nextId = 1;
/** SDK entries the current checker was asked to prepare for. */
let prepared = new Set<string>();

function childEntry(): string {
  return path.join(paxlabRoot(), 'dist', 'typecheck.js');
}

function getChecker(): Checker | null {
  if (checker) return checker;
  const entry = childEntry();
  if (!existsSync(entry)) return null;
  const opts: TypeCheckOptions = { cpuMs: TYPECHECK_CPU_MS, rssCapMb: Math.round(TYPECHECK_HEAP_MB * 1.5 + 160) };
  const proc = confinedSpawn([`--max-old-space-size=${TYPECHECK_HEAP_MB}`, entry, JSON.stringify(opts)], { dataCapMb: TYPECHECK_HEAP_MB * 2 + 512 });
  const c: Checker = { proc, pending: new Map(), verdict: null, raw: '' };
  checker = c;
  prepared = new Set();
  (proc.stdin as Writable).on('error', () => {});
  proc.stdout!.on('data', () => {});
  proc.stderr!.on('data', (d: Buffer) => {
    c.raw = (c.raw + d.toString()).slice(-8192);
  });
  createInterface({ input: proc.stdio[3] as Readable, crlfDelay: Infinity }).on('line', (line) => {
    let r: Reply;
    try {
      r = JSON.parse(line) as Reply;
    } catch {
      return;
    }
    const p = c.pending.get(r.id);
    if (!p) return;
    c.pending.delete(r.id);
    idle(c);
    if (r.error !== undefined) p.reject(new Error(r.error));
    else p.resolve(r.diagnostics ?? []);
  });
  onWatchdogNotes(proc, (n) => {
    if (n.t === 'cpu' || n.t === 'memory') c.verdict = n;
  });
  proc.on('close', () => {
    if (checker === c) checker = null;
    const limit = limitDiagnostic(c);
    for (const p of c.pending.values()) {
      if (p.entry && limit) p.resolve([{ ...limit, file: path.relative(p.root ?? '', p.entry).split(path.sep).join('/') || limit.file }]);
      else p.reject(new Error('the type checker stopped'));
    }
    c.pending.clear();
  });
  idle(c);
  return c;
}

/** An idle checker must not keep the process alive. */
function idle(c: Checker): void {
  if (c.pending.size === 0) {
    c.proc.unref();
    for (const s of c.proc.stdio) (s as { unref?: () => void } | null)?.unref?.();
  }
}

function busy(c: Checker): void {
  c.proc.ref();
  for (const s of c.proc.stdio) (s as { ref?: () => void } | null)?.ref?.();
}

/** The build error for a check stopped by its limits, or null when the checker died otherwise. */
function limitDiagnostic(c: Checker): Diagnostic | null {
  const v = c.verdict;
  const oom = /heap out of memory|Reached heap limit|out of memory/i.test(c.raw);
  if (!v && !oom) return null;
  const what = v?.t === 'cpu' ? `${Math.round(TYPECHECK_CPU_MS / 1000)} s of CPU time` : `${TYPECHECK_HEAP_MB} MB of memory`;
  return {
    file: '',
    line: 1,
    column: 1,
    severity: 'error',
    source: 'type',
    code: 'PAXLAB-TYPECHECK-LIMIT',
    message: `the type check exceeded its limit (${what}): some type in this module is too expensive to check (a deeply recursive or exploding type); simplify it`,
  };
}

function request(c: Checker, req: TypeCheckRequest, p: Pending): void {
  c.pending.set(req.id, p);
  busy(c);
  (c.proc.stdin as Writable).write(JSON.stringify(req) + '\n');
}

/**
 * Start the checker loading TypeScript and parsing the library and SDK files now, so that a check
 * requested a moment later finds them ready. Does nothing without a checker process.
 */
export function prepareTypeCheckAsync(sdkEntry: string): void {
  const c = getChecker();
  if (!c || prepared.has(sdkEntry)) return;
  prepared.add(sdkEntry);
  // A failed preparation costs nothing: the check itself loads what it needs.
  request(c, { id: nextId++, prepare: true, sdkEntry }, { resolve: () => {}, reject: () => {} });
}

export async function typeCheckAsync(entry: string, sdkEntry: string, root: string): Promise<Diagnostic[]> {
  const c = getChecker();
  if (!c) return typeCheck(entry, sdkEntry, root);
  try {
    return await new Promise<Diagnostic[]>((resolve, reject) => request(c, { id: nextId++, entry, sdkEntry, root }, { resolve, reject, entry, root }));
  } catch (e) {
    // The checker failed for a reason of its own (not a limit): one more try in a fresh process.
    const again = getChecker();
    if (!again) throw e;
    return new Promise<Diagnostic[]>((resolve, reject) => request(again, { id: nextId++, entry, sdkEntry, root }, { resolve, reject, entry, root }));
  }
}

/** Stop the checker process (tests; the process's exit does it otherwise). */
export function stopTypeChecker(): void {
  if (checker) killTree(checker.proc);
  checker = null;
}
