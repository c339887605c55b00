/**
 * The sandbox child (bundled to dist/sandbox.js): harness code that evaluates one student module in
 * a student realm (electron/engine/realm) and runs jobs against it. Started by sandbox.ts in a
 * session of its own, with a heap cap, a data-segment cap, no code generation from strings and
 * (where Node has it) the permission model: this file, the watchdog and the bundle are all it may
 * read. Student code itself can read nothing at all: its realm holds no host object.
 */
import { readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SharedCallMeter } from '../limits/call-meter.js';
import { StudentCalls } from '../realm/student-calls.js';
import { StudentRealm } from '../realm/student-realm.js';
import { sandboxJob, type LoadedStudent } from './sandbox-jobs.js';
import { REPLY_FD, type ChildOptions, type ChildReply, type JobRequest, type LoadRequest } from './sandbox-protocol.js';
import './jobs/index.js';

// Harness bugs are reported, never silent (student code cannot reach these: it has no timers).
process.on('uncaughtException', (e) => process.stderr.write(`sandbox: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
// Student code may reject promises nobody handles (`Promise.reject()`, a refused import()): its
// realm's callbacks never run, so those are neither an error of the harness nor a reason to stop.
process.on('unhandledRejection', () => {});

function reply(msg: ChildReply): void {
  // A leading newline too: should an interruption ever cut a line short, only that line is lost.
  const buf = Buffer.from('\n' + JSON.stringify(msg) + '\n');
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

function main(): void {
  const bundlePath = process.argv[2];
  const opts = JSON.parse(process.argv[3] ?? '{}') as ChildOptions;
  const distDir = path.dirname(fileURLToPath(import.meta.url));
  // Windows has no SIGINT to send to oneself: there a call past its limit ends the process instead.
  const meter = new SharedCallMeter(distDir, { rssCapMb: opts.rssCapMb ?? 1024, interrupt: process.platform !== 'win32' });
  let realm = new StudentRealm();
  const output = () => {
    const s = realm.drainOutput();
    return s ? { output: s } : {};
  };
  let code = '';
  let loadLimitMs = 0;
  let student: LoadedStudent | null = null;

  /** Evaluate the module in a fresh realm (at start, and after an interrupted job left the old one half-way). */
  const evaluate = (): { ok: true; student: LoadedStudent } | { ok: false; reply: ChildReply } => {
    realm = new StudentRealm();
    const calls = new StudentCalls(realm, meter);
    meter.setLimit(loadLimitMs);
    const r = meter.scoped(() => calls.load(code, path.basename(bundlePath)));
    if (!r.ok) return { ok: false, reply: { type: 'limit', hit: r.limit, ...output() } };
    if (!r.value.ok) return { ok: false, reply: { type: 'load-error', error: r.value.thrown, ...output() } };
    return { ok: true, student: { realm, calls, exports: r.value.module.exports } };
  };

  const load = (req: LoadRequest) => {
    loadLimitMs = req.limitMs;
    try {
      code = readFileSync(bundlePath, 'utf8');
    } catch (e) {
      reply({ type: 'load-error', error: { name: 'Error', message: `cannot read the bundle: ${(e as Error).message}` } });
      return;
    }
    const r = evaluate();
    if (!r.ok) return reply(r.reply);
    student = r.student;
    reply({ type: 'ready', exports: [...r.student.exports.keys()], ...output() });
  };

  const runJob = async (req: JobRequest) => {
    const handler = sandboxJob(req.kind);
    if (!handler) {
      reply({ type: 'failed', id: req.id, error: { name: 'Error', message: `unknown sandbox job kind '${req.kind}'` } });
      return;
    }
    if (!student) {
      reply({ type: 'failed', id: req.id, error: { name: 'Error', message: 'the module is not loaded' } });
      return;
    }
    meter.setLimit(req.limitMs, req.budgetMs);
    meter.setSeed(-1);
    const current = student;
    try {
      // Synchronous job handlers run inside the scope a condemned call's interruption ends.
      const r = meter.scoped(() =>
        handler(req.payload, {
          student: current,
          progress: (data) => reply({ type: 'progress', id: req.id, data, ...output() }),
          setSeed: (seed) => meter.setSeed(seed),
        }),
      );
      if (!r.ok) {
        reply({ type: 'limit', id: req.id, hit: r.limit, ...output() });
        // The interrupted job left the realm half-way through a call: the next job gets a fresh one.
        const again = evaluate();
        student = again.ok ? again.student : null;
        return;
      }
      const value = await r.value;
      reply({ type: 'done', id: req.id, value: value ?? null, ...output() });
    } catch (e) {
      const err = e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { name: 'Error', message: String(e) };
      reply({ type: 'failed', id: req.id, error: err, ...output() });
    }
  };

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  // The parent closed our stdin: nobody wants results any more.
  rl.on('close', () => process.exit(0));
  // One request at a time, in order.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    const req = JSON.parse(line) as LoadRequest | JobRequest;
    queue = queue.then(() => ('load' in req ? load(req) : runJob(req)));
  });
}

main();
