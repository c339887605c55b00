/**
 * Worker-thread entry (bundled to dist/typecheck-worker.js): type-checks submissions off the main
 * thread, so that a grade can run the sandbox while TypeScript loads and checks. It lives as long
 * as its process and keeps TypeScript's parsed library files between requests.
 */
import { parentPort } from 'node:worker_threads';
import { prepareTypeCheck, typeCheck } from './typecheck.js';

/** A check of `entry`, or (`prepare`) only loading TypeScript and parsing the shared files. */
export type TypeCheckRequest = { id: number; sdkEntry: string } & ({ prepare: true } | { prepare?: false; entry: string; root: string });

parentPort?.on('message', (req: TypeCheckRequest) => {
  try {
    if (req.prepare) {
      prepareTypeCheck(req.sdkEntry);
      parentPort!.postMessage({ id: req.id, diagnostics: [] });
      return;
    }
    parentPort!.postMessage({ id: req.id, diagnostics: typeCheck(req.entry, req.sdkEntry, req.root) });
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: (e as Error).message });
  }
});
