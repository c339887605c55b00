// Class runs over hostile submissions (test/fixtures/hostile): `paxlab grade-all` gives every
// attack on the class run its row with a clear status and score, the correct submissions beside
// them full points, and a grader that is stopped or killed costs its own row, never the run. (Each attack graded on its
// own is hostile.test.ts's.)
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listGradeTests } from '../../electron/engine/grading/index.js';
import { gradeClass, scoresCsv, type Submission } from '../../electron/engine/grading/grade-class.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hostile = path.join(root, 'test/fixtures/hostile');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'paxlab-hostile-class-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('grade-all over every hostile submission', () => {
  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [path.join(root, 'bin/paxlab.js'), ...args], { cwd: root, timeout: 600_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr });
      });
    });
  }

  it('writes a row for each, the correct ones at full score; a single file cannot import its neighbour', async () => {
    const subs = path.join(tmp, 'class');
    await mkdir(subs);
    // Each attack is graded on its own in hostile.test.ts; here, the ways to go after the grading
    // process or the class run itself (kill or stop the grader, exhaust the type checker, memory
    // outside the heap) and a row whose text needs a look of its own (ANSI escapes). Attacks on a
    // single grade (hangs, leaks, forged verdicts; the proposer's and learner's) are no different in
    // a class run: each grade is its own process.
    const names = ['kills-parent', 'stops-parent', 'type-bomb', 'off-heap', 'ansi-output'];
    const expected: string[] = [];
    for (const name of names) {
      const files = await readdir(path.join(hostile, name));
      expect(files, name).toContain('acceptor.ts');
      await mkdir(path.join(subs, name));
      await cp(path.join(hostile, name, 'acceptor.ts'), path.join(subs, name, 'acceptor.ts'));
      expected.push(name);
    }
    // Two correct submissions; alice's file lies next to mallory's, who only re-exports it.
    await cp(path.join(root, 'labs/01-acceptor/reference/acceptor.ts'), path.join(subs, 'alice.ts'));
    await cp(path.join(root, 'test/fixtures/acceptor/functional'), path.join(subs, 'bob'), { recursive: true });
    await writeFile(path.join(subs, 'mallory.ts'), "export { Acceptor } from './alice';\n");
    expected.push('alice', 'bob', 'mallory');
    const out = path.join(tmp, 'class-scores.csv');
    const r = await cli(['grade-all', 'acceptor', subs, '--out', out, '--jobs', '2']);
    expect(r.code, r.stderr).toBe(0);
    const rows = (await readFile(out, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe('student,status,score,max,passed,failed,reason');
    const byName = new Map(rows.slice(1).map((l) => [l.split(',')[0], l]));
    expect([...byName.keys()].sort()).toEqual(expected.sort());
    const n = (await listGradeTests('acceptor', { hidden: true })).length;
    expect(byName.get('alice')).toBe(`alice,graded,20,20,${n},0,`);
    expect(byName.get('bob')).toBe(`bob,graded,20,20,${n},0,`);
    expect(byName.get('mallory')).toMatch(/^mallory,build-error,0,20,0,\d+,"?build error: mallory\.ts:1:\d+: Could not resolve ""\.\/alice""/);
    expect(byName.get('type-bomb')).toMatch(/^type-bomb,build-error,0,20,0,\d+,"?build error: .*the type check exceeded its limit/);
    for (const [name, row] of byName) {
      expect(row, name).not.toMatch(/,grader-failed,/);
      if (!['alice', 'bob'].includes(name)) expect(row, name).toMatch(new RegExp(`^${name},(graded|build-error),0,20,`));
    }
  }, 900_000);

  it('a grader that is stopped or killed gets its row with the reason, and the class run goes on', async () => {
    const module = path.join(root, 'labs/03-learner/reference/learner.ts');
    const subs: Submission[] = ['stopped', 'killed', 'fine'].map((student) => ({ student, module, root: path.dirname(module) }));
    let spawned = 0;
    const { rows } = await gradeClass('learner', subs, {
      hidden: false,
      jobs: 1,
      max: 10,
      stoppedMs: 1500,
      onSpawn: (pid) => {
        const which = spawned++;
        if (which === 0) process.kill(pid, 'SIGSTOP');
        if (which === 1) setTimeout(() => process.kill(pid, 'SIGKILL'), 100);
      },
    });
    expect(rows.map((r) => [r.student, r.status])).toEqual([
      ['stopped', 'grader-failed'],
      ['killed', 'grader-failed'],
      ['fine', 'graded'],
    ]);
    expect(rows[0].reason).toMatch(/its grader was stopped \(a stop signal\) for 2 s and was killed/);
    expect(rows[1].reason).toMatch(/its grader was killed by SIGKILL without a report/);
    expect(rows[2].score).toBe(10);
    expect(scoresCsv(rows).trim().split('\n')).toHaveLength(4);
  }, 120_000);
});
