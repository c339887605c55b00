/**
 * The sandbox child (bundled to dist/sandbox.js): loads one student bundle and runs jobs against it.
 * Started by sandbox.ts with a heap cap, no code generation from strings, and (where Node supports
 * it) the permission model limiting file reads to this file and the bundle.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { sandboxJob } from './sandbox-jobs.js';
import { EXIT_ERROR_NAME, REPLY_FD, type ChildReply, type JobRequest } from './sandbox-protocol.js';
import { serializeError } from './sandbox-values.js';
import './jobs/index.js';

const realExit = process.exit.bind(process);

// Student code may not end the process: process.exit throws instead, and the job reports it.
process.exit = ((code?: number | string | null) => {
  const err = new Error(`called process.exit(${code ?? ''})`);
  err.name = EXIT_ERROR_NAME;
  throw err;
}) as typeof process.exit;

// A timer or promise the student left behind must not kill the runner between calls.
process.on('uncaughtException', (e) => process.stderr.write(`uncaught in student code: ${serializeError(e).message}\n`));
process.on('unhandledRejection', (e) => process.stderr.write(`unhandled rejection in student code: ${serializeError(e).message}\n`));

function reply(msg: ChildReply): void {
  const buf = Buffer.from(JSON.stringify(msg) + '\n');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(REPLY_FD, buf, off);
    } catch (e) {
      // The pipe is full while the parent is busy: wait a moment, then retry.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

async function main(): Promise<void> {
  const bundle = process.argv[2];
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;
  } catch (e) {
    reply({ type: 'load-error', error: serializeError(e) });
    realExit(0);
    return;
  }
  reply({ type: 'ready', exports: Object.keys(mod) });

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('close', () => realExit(0));
  // One job at a time, in order.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue.then(() => runJob(JSON.parse(line) as JobRequest, mod));
  });
}

async function runJob(req: JobRequest, mod: Record<string, unknown>): Promise<void> {
  const handler = sandboxJob(req.kind);
  if (!handler) {
    reply({ type: 'failed', id: req.id, error: { name: 'Error', message: `unknown sandbox job kind '${req.kind}'` } });
    return;
  }
  try {
    const value = await handler(req.payload, { module: mod, progress: (data) => reply({ type: 'progress', id: req.id, data }) });
    reply({ type: 'done', id: req.id, value: value ?? null });
  } catch (e) {
    reply({ type: 'failed', id: req.id, error: serializeError(e) });
  }
}

void main();
