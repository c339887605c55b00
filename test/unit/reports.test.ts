import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { formatLabCheck } from '../../electron/cli/commands/lab-check.js';
import { expectSoundPack } from '../support/sound-pack.js';
import { gradeModule, HIDDEN_DETAILS, listGradeTests, loadLab, toGradescope, toJUnitXml, formatReportText, xmlEscape, type GradeReport, type LabCheckReport } from '../../electron/engine/grading/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(root, 'test/fixtures');

/** A small XML 1.0 well-formedness check: balanced tags, quoted attributes, escaped text. */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const entity = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  let pos = 0;
  let roots = 0;
  for (const m of body.matchAll(/<[^>]*>/g)) {
    const text = body.slice(pos, m.index);
    if (text.includes('<') || entity.test(text)) throw new Error(`bad text before ${m[0]}`);
    if (stack.length === 0 && text.trim()) throw new Error('text outside the root element');
    pos = m.index! + m[0].length;
    const tag = m[0];
    const close = /^<\/([A-Za-z_][\w.-]*)\s*>$/.exec(tag);
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>$/.exec(tag);
    if (close) {
      if (stack.pop() !== close[1]) throw new Error(`unbalanced </${close[1]}>`);
    } else if (open) {
      if (entity.test(open[2])) throw new Error(`unescaped & in ${tag}`);
      if (stack.length === 0) roots++;
      if (!open[3]) stack.push(open[1]);
    } else throw new Error(`malformed tag ${tag}`);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (body.slice(pos).trim()) throw new Error('text after the root element');
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

const gradescopeSchema = {
  type: 'object',
  required: ['score', 'tests'],
  properties: {
    score: { type: 'number', minimum: 0 },
    execution_time: { type: 'number' },
    output: { type: 'string' },
    tests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'score', 'max_score', 'status', 'visibility'],
        properties: {
          name: { type: 'string', minLength: 1 },
          score: { type: 'number' },
          max_score: { type: 'number' },
          status: { enum: ['passed', 'failed'] },
          output: { type: 'string' },
          visibility: { enum: ['visible', 'hidden', 'after_due_date', 'after_published'] },
        },
      },
    },
  },
};
const validGradescope = new Ajv().compile(gradescopeSchema);

function cli(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/paxlab.js'), ...args], { cwd, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr });
    });
  });
}

let mutantReport: GradeReport;
let buildErrorReport: GradeReport;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'paxlab-reports-'));
  const lab = await loadLab('proposer');
  mutantReport = await gradeModule('proposer', path.join(lab.dir, 'mutants', 'first-vote-wins.ts'), { hidden: true });
  buildErrorReport = await gradeModule('acceptor', path.join(fixtures, 'broken/type-error/acceptor.ts'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('report formats', () => {
  it('JUnit XML is well-formed, counts failures and escapes what students print', () => {
    const xml = toJUnitXml(mutantReport);
    assertWellFormedXml(xml);
    expect(xml).toMatch(new RegExp(`<testsuite name="proposer" tests="${mutantReport.tests.length}" failures="${mutantReport.counts.failed}"`));
    expect(xml).toContain('type="proposer.promise.quorum-constrained"');
    expect(xmlEscape('a<b & "c" \u0001')).toBe('a&lt;b &amp; &quot;c&quot; ');
    const nasty = structuredClone(mutantReport);
    nasty.tests[0].passed = false;
    nasty.tests[0].failure = { ...mutantReport.tests.find((t) => !t.passed)!.failure!, message: '</failure><x a="1"> & \u0007 ]]>', output: '<script>&' };
    assertWellFormedXml(toJUnitXml(nasty));
  });

  it('a build error becomes one JUnit error case with the diagnostics', () => {
    const xml = toJUnitXml(buildErrorReport);
    assertWellFormedXml(xml);
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('state.ts:4:9');
  });

  it('Gradescope results.json has the expected shape, points and visibility', () => {
    const gs = toGradescope(mutantReport);
    expect(validGradescope(gs), JSON.stringify(validGradescope.errors)).toBe(true);
    expect(gs.score).toBe(mutantReport.score);
    expect(gs.tests.reduce((s, t) => s + t.max_score, 0)).toBeCloseTo(30, 1);
    expect(gs.tests.filter((t) => t.visibility === 'after_published').length).toBe(mutantReport.tests.filter((t) => t.set === 'hidden').length);
    const failed = gs.tests.find((t) => t.status === 'failed')!;
    expect(failed.output).toMatch(/rule proposer\.promise\.quorum-constrained/);
    expect(failed.score).toBe(0);
    const broken = toGradescope(buildErrorReport);
    expect(validGradescope(broken)).toBe(true);
    expect(broken.score).toBe(0);
    expect(broken.output).toMatch(/does not build/);
  });

  it("hidden tests' inputs, outputs and printed text stay out of every student-visible report", async () => {
    const mutantReport = await gradeModule('acceptor', path.join(root, 'labs/01-acceptor/mutants/promise-swaps-from-to.ts'), { hidden: true, only: ['trace'] });
    const hiddenFailed = mutantReport.tests.filter((t) => t.set === 'hidden' && !t.passed);
    expect(hiddenFailed.length).toBeGreaterThan(0);
    // The instructor's report keeps everything.
    for (const t of hiddenFailed) expect(t.failure!.message).not.toBe(HIDDEN_DETAILS);
    // What only a hidden test shows (a public test may share an input).
    const shown = (t: (typeof mutantReport.tests)[number]) => [JSON.stringify(t.failure?.input), JSON.stringify(t.failure?.expected), t.failure?.message ?? ''];
    const publicText = formatReportText({ ...mutantReport, tests: mutantReport.tests.filter((t) => t.set === 'public') });
    const secrets = hiddenFailed.flatMap(shown).filter((x) => x && x !== 'undefined' && x.length > 12 && !publicText.includes(x));
    expect(secrets.length).toBeGreaterThan(0);
    const gs = toGradescope(mutantReport);
    const junit = toJUnitXml(mutantReport);
    const forStudents = formatReportText(mutantReport, { forStudents: true });
    for (const t of hiddenFailed) {
      const entry = gs.tests[mutantReport.tests.indexOf(t)];
      // Named by number and kind only: a hidden test's name and title describe its inputs.
      expect(entry.name).toMatch(/^\[hidden\] trace test \d+$/);
      expect(entry.visibility).toBe('after_published');
      expect(entry.output).toContain(`rule ${t.failure!.rule.id}`);
      expect(entry.output).toContain(HIDDEN_DETAILS);
    }
    for (const secret of secrets) {
      for (const [where, text] of [['gradescope', JSON.stringify(gs)], ['junit', junit], ['text for students', forStudents]] as const) {
        expect(text.includes(secret) || text.includes(xmlEscape(secret)), `${where} shows ${secret}`).toBe(false);
      }
    }
    expect(formatReportText(mutantReport)).toContain(hiddenFailed[0].failure!.message);
  });

  it('the terminal report has no colour unless asked, and names the rule of each failure', () => {
    const plain = formatReportText(mutantReport);
    expect(plain).not.toMatch(/\x1b\[/);
    expect(plain).toMatch(/rule proposer\.promise\.quorum-constrained/);
    expect(plain).toMatch(/inputs so far:/);
    expect(formatReportText(mutantReport, { color: true })).toMatch(/\x1b\[31m/);
  });
});

describe('paxlab CLI', () => {
  it('grade: exit 0 when every test passes', async () => {
    const r = await cli(['grade', 'acceptor', 'labs/01-acceptor/reference/acceptor.ts', '--hidden']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Score 20\/20/);
  });

  it('grade: exit 1 when a test fails; --json, --junit and --gradescope write their formats', async () => {
    const junit = path.join(tmp, 'junit.xml');
    const gs = path.join(tmp, 'results.json');
    const r = await cli(['grade', 'learner', 'labs/03-learner/mutants/mixes-rounds.ts', '--json', '--junit', junit, '--gradescope', gs]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as GradeReport;
    expect(report.status).toBe('graded');
    expect(report.passed).toBe(false);
    assertWellFormedXml(await readFile(junit, 'utf8'));
    expect(validGradescope(JSON.parse(await readFile(gs, 'utf8')))).toBe(true);
  });

  it('grade: exit 2 when the module does not build, with file:line:column', async () => {
    const r = await cli(['grade', 'acceptor', path.join(fixtures, 'broken/syntax-error/acceptor.ts')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/acceptor\.ts:8:30: error: Expected "\)"/);
  });

  it('grade: exit 2 for an unknown lab or bad flags, without a stack trace', async () => {
    const lab = await cli(['grade', 'nope', 'x.ts']);
    expect(lab.code).toBe(2);
    expect(lab.stderr).toMatch(/no lab with id 'nope'/);
    expect(lab.stderr).not.toMatch(/\n\s+at /);
    const only = await cli(['grade', 'learner', 'labs/03-learner/reference/learner.ts', '--only', 'trace,bogus']);
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/unknown test kind 'bogus'/);
  });

  it('grade-all: one CSV row per submission, broken ones included, student files untouched', async () => {
    const subs = path.join(tmp, 'subs');
    await mkdir(path.join(subs, 'alice'), { recursive: true });
    await cp(path.join(root, 'labs/03-learner/reference/learner.ts'), path.join(subs, 'alice/learner.ts'));
    await cp(path.join(root, 'labs/03-learner/mutants/returns-every-time.ts'), path.join(subs, 'bob.ts'));
    await mkdir(path.join(subs, 'carol'));
    await writeFile(path.join(subs, 'carol/learner.ts'), 'export class Learner { handleLearn( { }\n');
    await mkdir(path.join(subs, 'dave'));
    await cp(path.join(fixtures, 'learner/string-keys/learner.ts'), path.join(subs, 'dave/main.ts'));
    await mkdir(path.join(subs, 'erin'));
    const before = await snapshot(subs);
    const out = path.join(tmp, 'scores.csv');
    const perTest = path.join(tmp, 'tests.csv');
    const r = await cli(['grade-all', 'learner', subs, '--out', out, '--tests-csv', perTest, '--jobs', '2']);
    expect(r.code).toBe(0);
    const rows = (await readFile(out, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe('student,status,score,max,passed,failed,reason');
    const byName = Object.fromEntries(rows.slice(1).map((l) => [l.split(',')[0], l]));
    expect(Object.keys(byName).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    // grade-all grades like `grade --hidden`: every kind of test, hidden traces included.
    const tests = await listGradeTests('learner', { hidden: true });
    expect(new Set(tests.map((t) => t.kind))).toEqual(new Set(['trace', 'scenario', 'search']));
    expect(byName.alice).toBe(`alice,graded,10,10,${tests.length},0,`);
    expect(byName.dave).toBe(`dave,graded,10,10,${tests.length},0,`);
    expect(byName.bob).toMatch(/^bob,graded,[\d.]+,10,\d+,[1-9]\d*,$/);
    expect(byName.carol).toMatch(/^carol,build-error,0,10,0,\d+,"?build error: learner\.ts:\d+:\d+: Expected/);
    expect(byName.erin).toMatch(/^erin,no-module,0,10,0,0,no learner\.ts in the folder$/);
    // The per-test CSV: a column per test, the points each submission scored in it.
    const perRows = (await readFile(perTest, 'utf8')).trim().split('\n').map((l) => l.split(','));
    expect(perRows[0]).toEqual(['student', 'status', 'score', ...tests.map((t) => t.id)]);
    const alice = perRows.find((x) => x[0] === 'alice')!;
    expect(alice.slice(3).reduce((sum, p) => sum + Number(p), 0)).toBeCloseTo(10, 5);
    const erin = perRows.find((x) => x[0] === 'erin')!;
    expect(erin.slice(3).every((p) => p === '')).toBe(true);
    expect(await snapshot(subs)).toEqual(before);
  });

  it('lab list, trace record --check and lab check', async () => {
    const list = await cli(['lab', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^acceptor\s+acceptor\s+20 pts/m);
    const rec = await cli(['trace', 'record', 'learner', '--check']);
    expect(rec.code).toBe(0);
    expect(rec.stdout).toMatch(/up to date/);
    // The learner's lab check, through the CLI: a sound pack, and the text report of the same data
    // names each mutant with the rules its header expects and the tests that caught it.
    const check = await cli(['lab', 'check', 'learner', '--json']);
    expect(check.code, check.stderr).toBe(0);
    const report = JSON.parse(check.stdout) as LabCheckReport;
    expectSoundPack(report, 4);
    const text = formatLabCheck(report);
    expect(text).toMatch(new RegExp(`kill rate: ${report.mutants.length}/${report.mutants.length} = 100%`));
    expect(text).toMatch(/✓ mutants\/mixes-rounds\.ts: .*\n\s+expects: learner\.per-round ✓, search\.learner-safety ✓\n\s+caught by \d+ test\(s\): learner\.per-round \(trace:/);
    expect(text).not.toMatch(/not named/);
  }, 300_000);
});

async function snapshot(dir: string): Promise<Array<[string, string, number]>> {
  const out: Array<[string, string, number]> = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const f = path.join(e.parentPath, e.name);
    out.push([path.relative(dir, f), await readFile(f, 'utf8'), (await stat(f)).mtimeMs]);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}
