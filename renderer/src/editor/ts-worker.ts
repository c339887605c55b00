/**
 * The TypeScript language service in a Web Worker, so typing never waits on the type checker.
 * A minimal request/response protocol over postMessage stands in for Comlink.
 */
import { createWorker } from '@valtown/codemirror-ts/worker';
import type { SdkTypeFile } from '../api/types.js';
import { createTsEnv } from './ts-env.js';

let sdk: SdkTypeFile[] = [];
const service = createWorker(() => createTsEnv(sdk));
type Method = keyof typeof service;

self.onmessage = async (ev: MessageEvent<{ id: number; method: Method | 'setSdk'; arg: unknown }>) => {
  const { id, method, arg } = ev.data;
  try {
    let value: unknown;
    if (method === 'setSdk') sdk = arg as SdkTypeFile[];
    else if (method === 'getEnv') value = null;
    else value = await (service[method] as (a: unknown) => unknown)(arg);
    self.postMessage({ id, ok: true, value });
  } catch (err) {
    self.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
