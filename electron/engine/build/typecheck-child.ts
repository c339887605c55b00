/**
 * The type checker's own process (bundled to dist/typecheck.js). A type can be made to cost any
 * amount of time and memory (a few lines of mapped template types exhaust a gigabyte), so the check
 * runs here, under a heap cap and a CPU time limit per check enforced by the watchdog thread
 * (limits/), never in the grading process. It lives as long as its parent and keeps TypeScript's
 * parsed library files between requests.
 */
import { writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SharedCallMeter } from '../limits/call-meter.js';
import { prepareTypeCheck, typeCheck } from './typecheck.js';

/** A check of `entry`, or (`prepare`) only loading TypeScript and parsing the shared files. */
export type TypeCheckRequest = { id: number; sdkEntry: string } & ({ prepare: true } | { prepare?: false; entry: string; root: string });

export interface TypeCheckOptions {
  cpuMs: number;
  rssCapMb: number;
}

const REPLY_FD = 3;

function main(): void {
  const opts = JSON.parse(process.argv[2] ?? '{}') as TypeCheckOptions;
  const meter = new SharedCallMeter(path.dirname(fileURLToPath(import.meta.url)), { rssCapMb: opts.rssCapMb });
  meter.setLimit(opts.cpuMs);
  const reply = (msg: object) => writeSync(REPLY_FD, JSON.stringify(msg) + '\n');
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('close', () => process.exit(0));
  rl.on('line', (line) => {
    const req = JSON.parse(line) as TypeCheckRequest;
    meter.enter(req.prepare ? 'preparing the type check' : 'the type check', -1, -1);
    try {
      if (req.prepare) {
        prepareTypeCheck(req.sdkEntry);
        reply({ id: req.id, diagnostics: [] });
      } else {
        reply({ id: req.id, diagnostics: typeCheck(req.entry, req.sdkEntry, req.root) });
      }
    } catch (e) {
      reply({ id: req.id, error: (e as Error).message });
    } finally {
      meter.leave();
    }
  });
}

main();
