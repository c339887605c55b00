// `paxlab grade --traces DIR` as a real CLI process: each failing run is written as a trace file
// (JSON lines, the trace format) that `paxlab trace show` draws — all five nodes and the conflicting
// decisions of a proposer that breaks agreement — and `--json` stays one JSON document on stdout.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrace } from '../../electron/engine/trace/io.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin', 'paxlab.js');
const run = promisify(execFile);
let dir: string;
let out: { stdout: string; stderr: string };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-grade-traces-'));
  const mutant = path.join(root, 'labs', '02-proposer', 'mutants', 'ignores-promised-values.ts');
  out = await run(process.execPath, [cli, 'grade', 'proposer', mutant, '--only', 'scenario,search', '--json', '--traces', dir], { cwd: root }).catch(
    (e: { stdout: string; stderr: string; code: number }) => {
      // Exit code 1: some tests fail, as they should.
      if (e.code !== 1) throw e;
      return e;
    },
  );
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The seed of the split-vote run the report says failed (which seed breaks depends on the node's timing). */
function splitVoteSeed(): number {
  const report = JSON.parse(out.stdout) as { tests: { id: string; failure?: { seed?: number } }[] };
  const seed = report.tests.find((t) => t.id === 'scenario:split-vote')?.failure?.seed;
  expect(seed).toBeTypeOf('number');
  return seed!;
}
const splitVoteFile = () => `proposer-scenario-split-vote-seed-${splitVoteSeed()}.jsonl`;

describe('paxlab grade --traces', () => {
  it('writes one trace file per failing run and says where on stderr', async () => {
    const report = JSON.parse(out.stdout) as { tests: { id: string; passed: boolean }[] };
    const failed = report.tests.filter((t) => !t.passed).map((t) => t.id);
    expect(failed).toContain('scenario:split-vote');
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(failed.length);
    expect(files).toContain(splitVoteFile());
    expect(out.stderr).toMatch(new RegExp(`failing run of scenario:split-vote: .*${splitVoteFile().replace(/\./g, '\\.')} \\(\\d+ events; paxlab trace show `));
    for (const f of files) expect(readTrace(path.join(dir, f))[0].type).toBe('meta');
  });

  it('the file is the real run, ending with the violation, and trace show draws it', async () => {
    const file = path.join(dir, splitVoteFile());
    const events = readTrace(file);
    expect(events[0]).toMatchObject({ type: 'meta', source: 'sim', seed: splitVoteSeed(), nodes: [1, 2, 3, 4, 5] });
    expect(new Set(events.filter((e) => e.type === 'decide').map((e) => (e as { value: string }).value))).toEqual(new Set(['x', 'y']));
    expect(events[events.length - 1]).toMatchObject({ type: 'error', message: expect.stringMatching(new RegExp(`^violation \\(agreement\\): seed ${splitVoteSeed()}\\b`)) });

    const shown = await run(process.execPath, [cli, 'trace', 'show', file], { cwd: root });
    const lines = shown.stdout.split('\n');
    expect(lines[1]).toMatch(/N1\s+N2\s+N3\s+N4\s+N5/);
    expect(shown.stdout).toMatch(/DECIDE "x"/);
    expect(shown.stdout).toMatch(/DECIDE "y"/);
    expect(shown.stdout).toMatch(/ERROR violation \(agreement\)/);
  });
});
