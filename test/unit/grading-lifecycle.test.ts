// The grader's own lifecycle around student code: the build must be good before any student code
// runs, every sandbox lives in a session of its own and is gone (with its temporary folders) when
// the grader stops, however it stops.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleStudentModule } from '../../electron/engine/build/index.js';
import { gradeModule, Sandbox } from '../../electron/engine/grading/index.js';
import { isAlive, until } from '../integration/helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'paxlab-lifecycle-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Processes whose command line mentions `needle` (Linux /proc). */
function processesMentioning(needle: string): number[] {
  if (process.platform !== 'linux') return [];
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle) && isAlive(Number(d))) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

describe('grading lifecycle', () => {
  it('code that fails the type check never runs', async () => {
    // A 60 s CPU limit: had the module been evaluated, its endless top-level loop would hold the grade that long.
    const r = await gradeModule('acceptor', path.join(root, 'test/fixtures/broken/type-error-runs-forever/acceptor.ts'), { limits: { callMs: 60_000 } });
    expect(r.status).toBe('build-error');
    expect(r.diagnostics.some((d) => d.source === 'type' && d.line === 7)).toBe(true);
    expect(r.durationMs).toBeLessThan(30_000);
  });

  it('a sandbox runs in a session of its own and its whole group is gone after close', async () => {
    const built = await bundleStudentModule(path.join(root, 'labs/03-learner/reference/learner.ts'), { exportName: 'Learner' });
    if (!built.ok) throw new Error('no build');
    const file = path.join(tmp, 'student.js');
    await writeFile(file, built.code);
    const sandbox = new Sandbox(file, { callCpuMs: 250, memoryMb: 64 });
    expect((await sandbox.start()).ok).toBe(true);
    const [pid] = processesMentioning(file);
    expect(pid).toBeGreaterThan(0);
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // pgrp and session are the child's own pid: nothing it does can reach the grader's group.
      expect([Number(fields[2]), Number(fields[3])]).toEqual([pid, pid]);
    }
    await sandbox.close();
    expect(await until(() => !isAlive(pid), 5000)).toBe(true);
  });

  it('a sandbox that stops answering altogether is killed and reported as the grader\'s problem, not the student\'s', async () => {
    const built = await bundleStudentModule(path.join(root, 'labs/03-learner/reference/learner.ts'), { exportName: 'Learner' });
    if (!built.ok) throw new Error('no build');
    const file = path.join(tmp, 'silent.js');
    await writeFile(file, built.code);
    const sandbox = new Sandbox(file, { callCpuMs: 250, memoryMb: 64, silenceMs: 1500 });
    try {
      expect((await sandbox.start()).ok).toBe(true);
      const [pid] = processesMentioning(file);
      // A machine problem: the process is stopped from outside (student code cannot signal anything).
      process.kill(pid, 'SIGSTOP');
      const out = await sandbox.run({ kind: 'replay', payload: { exportName: 'Learner', node: { id: 1, nodes: [1, 2, 3] }, steps: [] } });
      expect(out).toMatchObject({ ok: false, reason: 'unresponsive' });
      expect(!out.ok && out.message).toMatch(/stopped answering .* a problem of the grading machine, not of your code/);
      const { judgeDeath } = await import('../../electron/engine/grading/sandbox-deaths.js');
      expect(judgeDeath('unresponsive')).toMatchObject({ reason: 'harness', rule: { id: 'harness' } });
      // The next job gets a fresh process.
      const again = await sandbox.run({ kind: 'replay', payload: { exportName: 'Learner', node: { id: 1, nodes: [1, 2, 3] }, steps: [] } });
      expect(again.ok).toBe(true);
      expect(sandbox.spawnCount).toBe(2);
    } finally {
      await sandbox.close();
    }
  });

  it('a grade stopped by SIGTERM leaves no sandbox process and no temporary folder behind', async () => {
    const privateTmp = await mkdtemp(path.join(tmp, 'tmpdir-'));
    const grader = spawn(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', 'acceptor', path.join(root, 'test/fixtures/hostile/hangs-everywhere/acceptor.ts')], {
      env: { ...process.env, TMPDIR: privateTmp },
      stdio: 'ignore',
    });
    // Wait until its sandbox runs student code (its bundle sits in the private temp folder).
    expect(await until(() => processesMentioning(privateTmp).length > 0, 20_000)).toBe(true);
    const children = processesMentioning(privateTmp);
    grader.kill('SIGTERM');
    await new Promise((resolve) => grader.once('exit', resolve));
    expect(await until(() => children.every((p) => !isAlive(p)), 5000)).toBe(true);
    expect(readdirSync(privateTmp)).toEqual([]);
  }, 60_000);

  it("an orphaned sandbox (its grader killed outright) ends itself", async () => {
    const privateTmp = await mkdtemp(path.join(tmp, 'orphan-'));
    const grader = spawn(process.execPath, [path.join(root, 'bin/paxlab.js'), 'grade', 'acceptor', path.join(root, 'labs/01-acceptor/reference/acceptor.ts')], {
      env: { ...process.env, TMPDIR: privateTmp },
      stdio: 'ignore',
    });
    expect(await until(() => processesMentioning(privateTmp).length > 0, 20_000)).toBe(true);
    const children = processesMentioning(privateTmp);
    grader.kill('SIGKILL');
    await new Promise((resolve) => grader.once('exit', resolve));
    expect(await until(() => children.every((p) => !isAlive(p)), 5000)).toBe(true);
    expect(existsSync(privateTmp)).toBe(true);
  }, 60_000);
});
