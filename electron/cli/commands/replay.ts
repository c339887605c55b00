/**
 * `paxlab replay <cluster-trace.jsonl>`: rerun a recorded real-cluster run with the same node code
 * in one process and check that it reproduces every recorded send, decision and reply. Exit 0
 * reproduced, 1 diverged (the first event where it did is named), 2 unreadable or not replayable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PaxosNodeClass } from '@paxlab/sdk';
import { readTrace, TraceFormatError } from '../../engine/trace/io.js';
import { referenceNodeFor, replayClusterTrace, replayText } from '../../engine/replay/index.js';
import { UsageError } from '../main.js';

interface ReplayCliOptions {
  module?: string;
  json?: boolean;
}

export async function run(file: string, opts: ReplayCliOptions = {}): Promise<number> {
  const given = opts.module ? await loadNodeClass(opts.module) : null;
  let events;
  try {
    events = readTrace(file);
  } catch (err) {
    if (!(err instanceof TraceFormatError)) throw err;
    process.stdout.write(opts.json ? JSON.stringify({ verdict: 'unreplayable', reason: err.message }) + '\n' : `cannot replay: ${err.message}\n`);
    return 2;
  }
  // Without a module: the reference node the trace's meta line names (single-decree or Multi-Paxos).
  const report = replayClusterTrace(events, { nodeClass: given ?? referenceNodeFor(events) });
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : replayText(report));
  return report.verdict === 'reproduced' ? 0 : report.verdict === 'diverged' ? 1 : 2;
}

/** A node module exporting its class as `Node` or default: built JS as it is, TypeScript bundled first. */
async function loadNodeClass(file: string): Promise<PaxosNodeClass<any>> {
  let target = path.resolve(file);
  let tmp: string | null = null;
  try {
    if (/\.[cm]?tsx?$/.test(target)) {
      const { build } = await import('esbuild');
      tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-replay-'));
      const out = path.join(tmp, 'node.mjs');
      await build({ entryPoints: [target], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
      target = out;
    }
    const mod = (await import(pathToFileURL(target).href)) as Record<string, unknown>;
    const cls = mod.Node ?? mod.default;
    if (typeof cls !== 'function') throw new UsageError(`${file} exports no node class (as Node or default)`);
    return cls as PaxosNodeClass<any>;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot load the node module ${file}: ${(err as Error).message}`);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
