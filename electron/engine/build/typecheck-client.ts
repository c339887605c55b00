/**
 * Type checks through one shared worker thread (dist/typecheck-worker.js) when it is built, else
 * in-process. The worker does not keep the process alive while idle.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { paxlabRoot } from '../labs/paths.js';
import type { Diagnostic } from './diagnostics.js';
import { typeCheck } from './typecheck.js';
import type { TypeCheckRequest } from './typecheck-worker.js';

type Reply = { id: number; diagnostics?: Diagnostic[]; error?: string };

let worker: Worker | null = null;
let broken = false;
let nextId = 1;
const pending = new Map<number, { resolve: (d: Diagnostic[]) => void; reject: (e: Error) => void }>();
/** SDK entries the worker was asked to prepare for. */
const prepared = new Set<string>();

function workerEntry(): string {
  return path.join(paxlabRoot(), 'dist', 'typecheck-worker.js');
}

function getWorker(): Worker | null {
  if (worker || broken) return worker;
  const entry = workerEntry();
  if (!existsSync(entry)) return null;
  worker = new Worker(entry);
  worker.unref();
  worker.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (pending.size === 0) worker?.unref();
    if (r.error !== undefined) p.reject(new Error(r.error));
    else p.resolve(r.diagnostics ?? []);
  });
  const fail = (e: Error) => {
    broken = true;
    worker = null;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the type-check worker exited with code ${code}`)));
  return worker;
}

/**
 * Start the worker loading TypeScript and parsing the library and SDK files now, so that a check
 * requested a moment later finds them ready. Does nothing without a worker: in-process, it would
 * only block the caller earlier.
 */
export function prepareTypeCheckAsync(sdkEntry: string): void {
  // Once per worker and SDK: later checks find the files parsed.
  if (prepared.has(sdkEntry)) return;
  const w = getWorker();
  if (!w) return;
  prepared.add(sdkEntry);
  const id = nextId++;
  // Not ref'd: a process that ends up needing no check (the module did not build) need not wait.
  // A failed preparation costs nothing: the check itself loads what it needs.
  pending.set(id, { resolve: () => {}, reject: () => {} });
  w.postMessage({ id, prepare: true, sdkEntry } satisfies TypeCheckRequest);
}

export async function typeCheckAsync(entry: string, sdkEntry: string, root: string): Promise<Diagnostic[]> {
  const w = getWorker();
  if (!w) return typeCheck(entry, sdkEntry, root);
  const id = nextId++;
  w.ref();
  try {
    return await new Promise<Diagnostic[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ id, entry, sdkEntry, root } satisfies TypeCheckRequest);
    });
  } catch {
    // The worker is gone or failed: check in-process rather than fail the grade.
    return typeCheck(entry, sdkEntry, root);
  }
}
