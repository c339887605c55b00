// `paxlab run` as a user runs it, a real CLI process: slow networks decide (simulator and real
// nodes), a node killed while starting is reported and the run goes on, and no temporary folder
// outlives the run on any exit path (normal, error, SIGINT/SIGTERM, a killed node, and even a
// SIGKILLed supervisor, whose folders the next run sweeps).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, until } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin', 'paxlab.js');
const fixtures = path.join(import.meta.dirname, 'fixtures');

const tmpDirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A private TMPDIR: whatever the run leaves behind in it is visible. */
function privateTmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'run-test-'));
  tmpDirs.push(d);
  return d;
}

function runSync(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, 'run', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function start(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [cli, 'run', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => out, err: () => err };
}

/** The node processes a supervisor spawned: pid per node id, read from /proc. */
function nodeChildren(parent: number): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const i = argv.indexOf('--paxlab-node');
      if (i >= 0) found.set(Number(argv[i + 1]), Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

const decidedLines = (out: string) => out.split('\n').filter((l) => /node \d \[up {2}\] decided "x"/.test(l)).length;

describe('paxlab run on slow networks', () => {
  it('--delay 50-200 --sim decides on every node', () => {
    for (const seed of ['1', '2', '3']) {
      const r = runSync(['--delay', '50-200', '--sim', '--seed', seed]);
      expect(r.out, r.err).toMatch(/every live node decided "x"/);
      expect(r.code).toBe(0);
      expect(decidedLines(r.out)).toBe(5);
    }
  });

  it('--delay 50-200 decides on real node processes, and leaves no temporary folder', () => {
    const tmp = privateTmp();
    const r = runSync(['--delay', '50-200', '--timeout', '30000'], { TMPDIR: tmp });
    expect(r.out, r.err).toMatch(/every live node decided "x"/);
    expect(r.code).toBe(0);
    expect(decidedLines(r.out)).toBe(5);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('paxlab run when nodes are lost', () => {
  it('a node killed while starting is reported and the run goes on with the others', async () => {
    const tmp = privateTmp();
    const run = start(['--timeout', '20000'], {
      TMPDIR: tmp,
      PAXLAB_NODE_SCRIPT: path.join(fixtures, 'slow-start-node.cjs'),
      PAXLAB_TEST_REAL_NODE: path.join(root, 'dist', 'node.cjs'),
      PAXLAB_TEST_SLOW_NODE: '3',
    });
    let pid: number | undefined;
    expect(await until(() => (pid = nodeChildren(run.child.pid!).get(3)) !== undefined, 20_000, 10)).toBe(true);
    process.kill(pid!, 'SIGKILL');
    const { code } = await run.exited;
    expect(run.err()).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.out()).toMatch(/node 3 \[lost\] lost during start-up: node 3 exited \(signal SIGKILL\) before it was up/);
    expect(decidedLines(run.out())).toBe(4);
    expect(run.out()).toMatch(/every live node decided "x"/);
    expect(code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a node killed mid-run: the others decide and no temporary folder stays', async () => {
    const tmp = privateTmp();
    // A partition keeps the run from deciding before the kill: heal at 1.5 s.
    const run = start(['--timeout', '20000', '--crash', 'partition:1,2|3,4,5@0', 'heal@1500'], { TMPDIR: tmp });
    // Node 2 is up once it saved the promise it gave node 1's prepare: its journal exists.
    const journal = () => readdirSync(tmp).some((d) => d.startsWith('paxlab-store-') && existsSync(path.join(tmp, d, 'node-2.journal')));
    expect(await until(journal, 20_000, 10)).toBe(true);
    const pid = nodeChildren(run.child.pid!).get(2)!;
    process.kill(pid, 'SIGKILL');
    const { code } = await run.exited;
    expect(run.out()).toMatch(/node 2 \[down\] no decision/);
    expect(decidedLines(run.out())).toBe(4);
    expect(code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a cluster that cannot start at all: one clear line, exit 2, no temporary folder', () => {
    const tmp = privateTmp();
    const r = runSync(['--timeout', '5000'], { TMPDIR: tmp, PAXLAB_NODE_SCRIPT: path.join(fixtures, 'failing-node.cjs') });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^paxlab run: the cluster could not start: node \d exited \(code 1\) before it was up\n$/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('paxlab run cleans up on signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} mid-run kills every node and removes the temporary folders`, async () => {
      const tmp = privateTmp();
      // A cut that never heals: the run would wait for its whole timeout.
      const run = start(['--timeout', '60000', '--crash', 'partition:1,2|3,4,5@0'], { TMPDIR: tmp });
      expect(await until(() => nodeChildren(run.child.pid!).size === 5 && readdirSync(tmp).length === 2, 20_000, 10)).toBe(true);
      const pids = [...nodeChildren(run.child.pid!).values()];
      await new Promise((r) => setTimeout(r, 300));
      run.child.kill(signal);
      const { signal: got } = await run.exited;
      expect(got).toBe(signal);
      expect(await until(() => pids.every((p) => !isAlive(p)), 5_000)).toBe(true);
      expect(readdirSync(tmp)).toEqual([]);
    });
  }

  it('a SIGKILLed supervisor cannot clean up, but its nodes exit and the next run sweeps its folders', async () => {
    const tmp = privateTmp();
    const run = start(['--timeout', '60000', '--crash', 'partition:1,2|3,4,5@0'], { TMPDIR: tmp });
    expect(await until(() => nodeChildren(run.child.pid!).size === 5 && readdirSync(tmp).length === 2, 20_000, 10)).toBe(true);
    const pids = [...nodeChildren(run.child.pid!).values()];
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await until(() => pids.every((p) => !isAlive(p)), 5_000)).toBe(true);
    expect(readdirSync(tmp).sort().map((n) => n.replace(/-.*/, ''))).toEqual(['paxlab', 'paxlab']);
    const next = runSync(['--timeout', '10000'], { TMPDIR: tmp });
    expect(next.code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
