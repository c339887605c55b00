/**
 * The main-thread side of the TS worker: an object with the method shape the codemirror-ts
 * `*Worker` extensions call (each returns a promise). Starting it twice reuses the same worker.
 */
import type { WorkerShape } from '@valtown/codemirror-ts/worker';
import type { SdkTypeFile } from '../api/types.js';

let shared: Promise<WorkerShape> | null = null;

export function tsWorker(loadSdk: () => Promise<SdkTypeFile[]>): Promise<WorkerShape> {
  shared ??= start(loadSdk).catch((err) => {
    shared = null;
    throw err;
  });
  return shared;
}

async function start(loadSdk: () => Promise<SdkTypeFile[]>): Promise<WorkerShape> {
  const worker = new Worker(new URL('./ts-worker.ts', import.meta.url), { type: 'module', name: 'typescript' });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let next = 1;
  worker.onmessage = (ev: MessageEvent<{ id: number; ok: boolean; value?: unknown; error?: string }>) => {
    const p = pending.get(ev.data.id);
    if (!p) return;
    pending.delete(ev.data.id);
    if (ev.data.ok) p.resolve(ev.data.value);
    else p.reject(new Error(ev.data.error));
  };
  worker.onerror = (ev) => {
    for (const p of pending.values()) p.reject(new Error(`TypeScript worker failed: ${ev.message}`));
    pending.clear();
  };
  const call = (method: string, arg?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, arg });
    });
  await call('setSdk', await loadSdk());
  await call('initialize');
  const shape = {
    initialize: () => call('initialize'),
    updateFile: (a: unknown) => call('updateFile', a),
    getLints: (a: unknown) => call('getLints', a),
    getAutocompletion: (a: unknown) => call('getAutocompletion', a),
    getHover: (a: unknown) => call('getHover', a),
    getEnv: () => call('getEnv'),
  };
  return shape as unknown as WorkerShape;
}
