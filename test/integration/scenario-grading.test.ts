// Cluster scenario and search tests inside `grade`, on real sandboxes (the references' full grades
// are test/unit/grading.test.ts's): every unsafe mutant of the three role labs is one the search
// must catch, scenarios alone catch unsafe roles, a seed reproduces a scenario failure, and
// `paxlab search` answers 0 / 1 / 2.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeModule, mutantHeader } from '../../electron/engine/grading/index.js';
import { readTrace } from '../../electron/engine/trace/io.js';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const LABS = [
  { id: 'acceptor', dir: '01-acceptor', file: 'acceptor.ts' },
  { id: 'proposer', dir: '02-proposer', file: 'proposer.ts' },
  { id: 'learner', dir: '03-learner', file: 'learner.ts' },
];

/**
 * Mutants whose bug cannot break safety: they lose liveness (caught by scenarios or trace tests) or
 * are saved by quorum intersection. Every other mutant is unsafe and must be caught without traces.
 */
const SAFE: Record<string, string> = {
  'acceptor/accept-needs-higher.ts': 'refuses accepts it should take: fewer votes, never a wrong one',
  'acceptor/accept-once-per-round.ts': 'ignores retransmitted accepts: liveness only',
  'acceptor/prepare-promises-equal.ts': 're-promises the same round to its only owner, which counts each acceptor once',
  'acceptor/promise-old-round.ts': 'promises carry a round the proposer ignores: liveness only',
  'acceptor/promise-swaps-from-to.ts': 'promises go to the wrong node and are ignored: liveness only',
  'proposer/accept-sent-not-reset.ts': 'never sends an accept in a later round: liveness only',
  'proposer/first-round-one.ts': 'two proposers share rounds, but acceptors never promise one round twice: one quorum per round',
  'proposer/forgets-client-value.ts': 'proposes nothing it should: liveness only',
  'proposer/late-promise-constrains.ts': 'a late promise only stops propose() from sending: liveness only',
  'proposer/next-round-plus-one.ts': 'rounds collide like first-round-one: one quorum per round',
  'proposer/propose-keeps-first-value.ts': 'proposes the first client value instead of the last: still a proposed value',
  'learner/waits-for-everyone.ts': 'waits for every acceptor: decides late or never, never wrongly',
};

const tmp: string[] = [];
afterAll(async () => {
  for (const d of tmp) await rm(d, { recursive: true, force: true });
});

describe('scenario and search tests in grade', () => {
  it('every unsafe mutant of the three role labs names a search rule, which lab check proves the search reports', async () => {
    // `paxlab lab check` (test/unit/lab-packs.test.ts) grades each mutant with the kinds of the rules
    // its header expects and requires a failing test to name each of them: a mutant that expects a
    // `search.*` rule is caught by the search with no trace's help. So here it is enough that every
    // unsafe mutant expects one, and that the safe ones (which no search can catch) do not.
    const unsafeWithout: string[] = [];
    const safeWith: string[] = [];
    let unsafe = 0;
    for (const lab of LABS) {
      const dir = path.join(root, 'labs', lab.dir, 'mutants');
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort()) {
        // Read as lab check reads it.
        const searchRule = (await mutantHeader(path.join(dir, file))).expected.some((r) => r.startsWith('search.'));
        if (SAFE[`${lab.id}/${file}`]) {
          if (searchRule) safeWith.push(`${lab.id}/${file}`);
        } else {
          unsafe++;
          if (!searchRule) unsafeWithout.push(`${lab.id}/${file}`);
        }
      }
    }
    expect(unsafeWithout).toEqual([]);
    expect(safeWith).toEqual([]);
    expect(unsafe).toBeGreaterThanOrEqual(20);
  });

  it('scenarios alone catch an unsafe acceptor, proposer and learner: agreement broken in a named run', async () => {
    for (const [lab, file] of [['acceptor', '01-acceptor/mutants/accept-ignores-round.ts'], ['proposer', '02-proposer/mutants/ignores-promised-values.ts'], ['learner', '03-learner/mutants/quorum-too-small.ts']] as const) {
      const report = await gradeModule(lab, path.join(root, 'labs', file), { only: ['scenario'] });
      const violations = report.tests.filter((t) => !t.passed && t.failure?.reason === 'violation');
      expect(violations.length, file).toBeGreaterThan(0);
      expect(violations.every((t) => t.kind === 'scenario' && t.failure!.rule.id.startsWith('scenario.')), file).toBe(true);
    }
  }, 120_000);

  it('a scenario failure names its seed, and --seed N reproduces the same run exactly', async () => {
    const mutant = path.join(root, 'labs', '03-learner', 'mutants', 'quorum-too-small.ts');
    const first = await gradeModule('learner', mutant, { only: ['scenario'] });
    const failure = first.tests.find((t) => !t.passed && t.kind === 'scenario')!.failure!;
    expect(failure.reason).toBe('violation');
    expect(failure.seed).toBeTypeOf('number');
    expect(failure.checker).toBeTruthy();
    expect(failure.diagram).toBeTruthy();
    const again = await gradeModule('learner', mutant, { only: ['scenario'], seed: failure.seed });
    const same = again.tests.find((t) => t.id === first.tests.find((x) => x.failure === failure)!.id)!;
    expect(same.failure?.seed).toBe(failure.seed);
    expect(same.failure?.trace).toEqual(failure.trace);
  }, 120_000);
});

describe('paxlab search', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-search-'));
    tmp.push(dir);
  });
  const cli = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [path.join(root, 'bin', 'paxlab.js'), 'search', ...args], { cwd: dir });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout, err: x.stderr };
    }
  };

  it('exits 0 when no violation is found within the bounds', async () => {
    const r = await cli('proposer', path.join(root, 'labs', '02-proposer', 'reference', 'proposer.ts'), '--depth', '10');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/states\/s/);
    expect(r.out).toMatch(/no violation within the bounds/);
  }, 60_000);

  it('exits 1 with the shortest counterexample as a diagram and a trace file', async () => {
    const tracePath = path.join(dir, 'cx.jsonl');
    const r = await cli('proposer', path.join(root, 'labs', '02-proposer', 'mutants', 'ignores-promised-values.ts'), '--trace', tracePath);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chosen-invariant/);
    expect(r.out).toMatch(/shortest counterexample: 14 steps/);
    expect(r.out).toMatch(/promise rnd=2 vrnd=1 vval="v1"/);
    const trace = readTrace(tracePath);
    expect(trace[0]).toMatchObject({ type: 'meta', source: 'search' });
  }, 60_000);

  it('exits 1 with --json and reports the search statistics', async () => {
    const r = await cli('acceptor', path.join(root, 'labs', '01-acceptor', 'mutants', 'prepare-keeps-rnd.ts'), '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ verdict: 'violation', exhausted: false });
    expect(report.statesExplored).toBeGreaterThan(0);
    expect(report.violation.trace.length).toBeGreaterThan(1);
  }, 60_000);

  it('exits 2 when the module cannot be built, or the lab does not exist', async () => {
    const broken = path.join(dir, 'broken.ts');
    await writeFile(broken, 'export class Acceptor { handlePrepare( {\n');
    const r = await cli('acceptor', broken);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.ts:\d+:\d+/);
    expect((await cli('no-such-lab', broken)).code).toBe(2);
  }, 60_000);
});
