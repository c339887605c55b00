/**
 * Worker-thread entry (bundled to dist/typecheck-worker.js): type-checks submissions off the main
 * thread, so that a grade can run the sandbox while TypeScript loads and checks. It lives as long
 * as its process and keeps TypeScript's parsed library files between requests.
 */
import { parentPort } from 'node:worker_threads';
import { typeCheck } from './typecheck.js';

export interface TypeCheckRequest {
  id: number;
  entry: string;
  sdkEntry: string;
  root: string;
}

parentPort?.on('message', (req: TypeCheckRequest) => {
  try {
    parentPort!.postMessage({ id: req.id, diagnostics: typeCheck(req.entry, req.sdkEntry, req.root) });
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: (e as Error).message });
  }
});
