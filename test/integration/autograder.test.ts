// `paxlab autograder` end to end, Gradescope played in a temporary folder: build the zip, unzip it
// into autograder/source keeping file modes (as Gradescope does), run setup.sh offline (no network
// namespace where the machine allows it), then run_autograder on a correct and on a broken
// submission, and read both results.json files.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { HIDDEN_DETAILS } from '../../electron/engine/grading/report-redact.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin', 'paxlab.js');
let tmp: string;
let zip: string;

/** Run in a fresh network namespace when the machine lets us: proof that nothing is downloaded. */
const offline = spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n'] : [];

function sh(cmd: string[], env: Record<string, string>) {
  const [exe, ...args] = [...offline, ...cmd];
  const r = spawnSync(exe, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Unzip with each entry's Unix mode, as Gradescope's unzip does. */
function unzip(file: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, z) => {
      if (err || !z) return reject(err);
      z.on('error', reject);
      z.on('end', () => resolve());
      z.on('entry', (entry: yauzl.Entry) => {
        const out = path.join(dest, entry.fileName);
        if (!out.startsWith(dest + path.sep)) return reject(new Error(`entry outside the folder: ${entry.fileName}`));
        mkdirSync(path.dirname(out), { recursive: true });
        z.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const w = createWriteStream(out);
          w.on('close', () => {
            chmodSync(out, (entry.externalFileAttributes >>> 16) & 0o777);
            z.readEntry();
          });
          stream.pipe(w);
        });
      });
      z.readEntry();
    });
  });
}

interface Results {
  score: number;
  output: string;
  tests: Array<{ name: string; score: number; max_score: number; status: string; output: string; visibility: string }>;
}

/** One Gradescope container: the installed package, a submission, run_autograder. */
function grade(files: Record<string, string>): Results {
  const ag = path.join(tmp, 'autograder');
  rmSync(path.join(ag, 'submission'), { recursive: true, force: true });
  rmSync(path.join(ag, 'results'), { recursive: true, force: true });
  for (const [rel, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ag, 'submission', rel)), { recursive: true });
    cpSync(source, path.join(ag, 'submission', rel));
  }
  mkdirSync(path.join(ag, 'submission'), { recursive: true });
  const r = sh([path.join(ag, 'run_autograder')], { AUTOGRADER_ROOT: ag, PAXLAB_HOME: path.join(tmp, 'opt', 'paxlab') });
  expect(r.code, r.err + r.out).toBe(0);
  return JSON.parse(readFileSync(path.join(ag, 'results', 'results.json'), 'utf8')) as Results;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'gradescope-'));
  zip = path.join(tmp, 'autograder.zip');
  const built = spawnSync(process.execPath, [cli, 'autograder', 'acceptor', '--out', zip], { encoding: 'utf8', timeout: 180_000 });
  expect(built.status, built.stderr).toBe(0);
  const source = path.join(tmp, 'autograder', 'source');
  mkdirSync(source, { recursive: true });
  await unzip(zip, source);
  // Gradescope puts run_autograder at the root of /autograder and runs it from there.
  cpSync(path.join(source, 'run_autograder'), path.join(tmp, 'autograder', 'run_autograder'));
  const setup = sh(['bash', path.join(source, 'setup.sh')], { PAXLAB_HOME: path.join(tmp, 'opt', 'paxlab') });
  expect(setup.code, setup.err).toBe(0);
  expect(setup.out).toMatch(/installed in .*opt\/paxlab \(Node v\d+/);
}, 240_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hiddenTraceTexts = () => {
  const dir = path.join(root, 'labs', '01-acceptor', 'traces', 'hidden');
  return spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.trim().split('\n').map((f) => readFileSync(path.join(dir, f), 'utf8'));
};

describe('the Gradescope autograder package', () => {
  it('installs from the zip alone: its own Node, the bundles, the lab with hidden traces, no reference or mutant', () => {
    const home = path.join(tmp, 'opt', 'paxlab');
    expect(readFileSync(path.join(home, 'node-path'), 'utf8').trim()).toBe(path.join(home, 'node', 'bin', 'node'));
    expect(existsSync(path.join(home, 'labs', '01-acceptor', 'traces', 'hidden'))).toBe(true);
    expect(existsSync(path.join(home, 'labs', '01-acceptor', 'reference'))).toBe(false);
    expect(existsSync(path.join(home, 'labs', '01-acceptor', 'mutants'))).toBe(false);
    expect(existsSync(path.join(home, 'labs', '02-proposer'))).toBe(false);
  });

  it('a correct submission gets full marks, hidden tests included', () => {
    const r = grade({ 'acceptor.ts': path.join(root, 'labs', '01-acceptor', 'reference', 'acceptor.ts') });
    expect(r.output).toMatch(/^(\d+) of \1 tests passed\.$/);
    expect(r.score).toBe(20);
    expect(r.tests.every((t) => t.status === 'passed')).toBe(true);
    const hidden = r.tests.filter((t) => t.visibility === 'after_published');
    expect(hidden.length).toBeGreaterThanOrEqual(5);
    expect(hidden.every((t) => /^\[hidden\] trace test \d+$/.test(t.name))).toBe(true);
  }, 180_000);

  it("a broken submission (in a sub-folder) loses points; its failed hidden tests name the rule, never the tests' inputs or outputs", () => {
    const r = grade({ 'src/acceptor.ts': path.join(root, 'labs', '01-acceptor', 'mutants', 'accept-ignores-round.ts') });
    expect(r.score).toBeLessThan(20);
    expect(r.score).toBeGreaterThan(0);
    const failedHidden = r.tests.filter((t) => t.visibility === 'after_published' && t.status === 'failed');
    expect(failedHidden.length).toBeGreaterThan(0);
    const rules = (JSON.parse(readFileSync(path.join(root, 'labs', '01-acceptor', 'manifest.json'), 'utf8')) as { rules: Array<{ id: string; text: string }> }).rules;
    const verdicts = new Set(
      [...rules, { id: 'api.no-throw', text: '' }].map((rule) => `This hidden test failed: your code breaks rule ${rule.id}: ${rule.text}\n(${HIDDEN_DETAILS}.)`),
    );
    // Exactly the public rule it broke (its text is the manifest's), and nothing else.
    for (const t of failedHidden) expect(verdicts.has(t.output), t.output).toBe(true);
    const everything = JSON.stringify(r);
    for (const trace of hiddenTraceTexts()) {
      const header = JSON.parse(trace.split('\n')[0]) as { title: string; name: string };
      expect(everything).not.toContain(header.title);
      expect(everything).not.toContain(header.name);
    }
    // Public failures keep their full verdict.
    expect(r.tests.some((t) => t.visibility === 'visible' && t.status === 'failed' && /expected/.test(t.output))).toBe(true);
  }, 180_000);

  it('a submission without the module still gets a results.json that says what to upload', () => {
    const notes = path.join(tmp, 'notes.txt');
    writeFileSync(notes, 'no code here');
    const r = grade({ 'notes.txt': notes });
    expect(r.score).toBe(0);
    expect(r.tests).toEqual([]);
    expect(r.output).toMatch(/no acceptor\.ts in the submission/);
  });
});
