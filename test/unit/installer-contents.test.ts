// What each installer carries, resolved from the electron-builder configurations the way
// electron-builder resolves them (scripts/installer-files.js uses its config loader and globs), and
// that a student installation's lab folder is enough for the app and for a local (preview) grade.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS script without types
import { installerFiles } from '../../scripts/installer-files.js';
import { gradeModule, listLabs, loadLab } from '../../electron/engine/grading/index.js';
import { engineLabs } from '../../electron/engine/app/lab-files.js';

const root = path.resolve(import.meta.dirname, '../..');
type Installed = { path: string; source: string };

const student: Installed[] = await installerFiles('electron-builder.yml', root);
const instructor: Installed[] = await installerFiles('electron-builder.instructor.yml', root);
const sources = (list: Installed[]) => new Set(list.map((f) => f.source));

/** Every file of the repository's labs/ folder. */
function labFiles(dir = path.join(root, 'labs')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? labFiles(full) : [path.relative(root, full).split(path.sep).join('/')];
  });
}
const labIds = ['01-acceptor', '02-proposer', '03-learner', '04-multi-paxos'];
const answers = labFiles().filter((f) => /^labs\/[^/]+\/(reference|mutants|traces\/hidden|scenarios)\//.test(f) || f.startsWith('labs/paxos-node/'));

describe('the student installer', () => {
  it('resolves to a real file list (bundles, SDK, every lab)', () => {
    const paths = student.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['resources/app.asar/dist/cli.js', 'resources/dist/sandbox.js', 'resources/dist/node.cjs', 'resources/labs/sdk/index.ts']));
    expect(answers.length).toBeGreaterThan(60); // the repository does have answers to leave out
  });

  it('carries no hidden trace, no reference, no mutant, no scenario script and no reference node source', () => {
    const shipped = sources(student);
    expect(answers.filter((f) => shipped.has(f))).toEqual([]);
    expect(student.filter((f) => /\/(reference|mutants|hidden|scenarios|paxos-node)\//.test(f.path))).toEqual([]);
    // Source maps would carry the references' text (sourcesContent).
    expect(student.filter((f) => f.path.endsWith('.map'))).toEqual([]);
  });

  it('no shipped file holds the text of a hidden trace or of a mutant', async () => {
    const secrets: string[] = [];
    for (const f of answers.filter((a) => /\/(traces\/hidden|mutants)\//.test(a))) {
      const text = await readFile(path.join(root, f), 'utf8');
      if (f.endsWith('.jsonl')) {
        secrets.push(text.split('\n').slice(1).join('\n').trim()); // a hidden trace's steps: inputs and expected outputs
        continue;
      }
      // A mutant's bug: its longest line that is not in the lab's reference or starter.
      const lab = f.split('/').slice(0, 2).join('/');
      const known = new Set<string>();
      for (const other of labFiles().filter((x) => x.startsWith(`${lab}/reference/`) || x.startsWith(`${lab}/starter/`))) {
        for (const l of (await readFile(path.join(root, other), 'utf8')).split('\n')) known.add(l.trim());
      }
      const own = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 20 && !known.has(l));
      expect(own.length, `${f} differs from its reference`).toBeGreaterThan(0);
      secrets.push(own.sort((x, y) => y.length - x.length)[0]);
    }
    for (const f of student) {
      const text = readFileSync(path.join(root, f.source), 'utf8');
      for (const s of secrets) expect(text.includes(s), `${f.path} contains ${s}`).toBe(false);
    }
  });

  it('carries everything a student works from: manifest, instructions, starter, public traces, cluster-test settings', async () => {
    const shipped = sources(student);
    for (const id of labIds) {
      const manifest = JSON.parse(await readFile(path.join(root, 'labs', id, 'manifest.json'), 'utf8'));
      const cluster = manifest.role === 'multi-paxos' ? ['scenario-tests/service-scenarios.json', 'scenario-tests/multi-search.json'] : ['scenario-tests/scenarios.json', 'scenario-tests/search.json'];
      for (const rel of ['manifest.json', manifest.files.instructions, manifest.files.starter, ...cluster]) {
        expect(shipped.has(`labs/${id}/${rel}`), `${id}/${rel}`).toBe(true);
      }
      const publicTraces = labFiles().filter((f) => f.startsWith(`labs/${id}/traces/public/`));
      expect(publicTraces.length).toBeGreaterThan(0);
      for (const t of publicTraces) expect(shipped.has(t), t).toBe(true);
    }
  });
});

describe('the student installer and the course', () => {
  it('carries every chapter pack\'s manifest, instructions, starter, pinned scripts, tests and course texts, and no reference or mutant', () => {
    const shipped = sources(student);
    const chapters = readdirSync(path.join(root, 'labs')).filter((d) => d.startsWith('chapter-'));
    expect(chapters.length).toBe(10);
    for (const c of chapters) {
      for (const f of labFiles(path.join(root, 'labs', c))) {
        const rel = f.slice(`labs/${c}/`.length);
        expect(shipped.has(f), f).toBe(!/^(reference|mutants)\//.test(rel));
      }
    }
  });
});

describe('the student installer and the service lab', () => {
  it('carries kv-service\'s manifest, instructions, starter and service tests, and none of its reference or mutants', () => {
    const shipped = sources(student);
    const files = labFiles(path.join(root, 'labs', '05-kv-service'));
    for (const f of ['manifest.json', 'instructions.md', 'starter/node.ts', 'service-tests/service-tests.json', 'service-tests/search.json']) {
      expect(shipped.has(`labs/05-kv-service/${f}`), f).toBe(true);
    }
    for (const f of files) expect(shipped.has(f), f).toBe(!/^labs\/05-kv-service\/(reference|mutants)\//.test(f));
    expect(files.filter((f) => f.includes('/mutants/')).length).toBeGreaterThanOrEqual(15);
  });
});

describe('the instructor build', () => {
  it('is the student installer plus the answers', () => {
    const all = sources(instructor);
    for (const f of student) expect(all.has(f.source), f.source).toBe(true);
    expect(answers.filter((f) => !f.endsWith('.test.ts') && !all.has(f))).toEqual([]);
  });
});

describe('a student installation works without the answers', () => {
  let dir: string | null = null;
  afterEach(async () => {
    delete process.env.PAXLAB_LABS_DIR;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  /** Lay out the installer's labs folder, exactly its file list. */
  async function studentLabs(): Promise<string> {
    dir = await mkdtemp(path.join(os.tmpdir(), 'student-labs-'));
    for (const f of student.filter((x) => x.path.startsWith('resources/labs/'))) {
      await cp(path.join(root, f.source), path.join(dir, f.path.slice('resources/labs/'.length)));
    }
    process.env.PAXLAB_LABS_DIR = dir;
    return dir;
  }

  it('lists and loads every lab, and the app reads its instructions, starter and public traces', async () => {
    await studentLabs();
    const labs = await listLabs();
    expect(labs.map((l) => [l.id, l.error])).toEqual([
      ['acceptor', undefined],
      ['proposer', undefined],
      ['learner', undefined],
      ['multi-paxos', undefined],
      ['kv-service', undefined],
      ...Array.from({ length: 10 }, (_, n) => [`chapter-${n}`, undefined]),
    ]);
    for (const { id, role } of labs) {
      const pack = await loadLab(id);
      expect(pack.hasReference).toBe(false);
      expect(pack.hasHiddenTests).toBe(false);
      expect(await pack.traces('hidden')).toEqual([]);
      expect(await pack.mutants()).toEqual([]);
      expect(await pack.scenarios()).toEqual([]);
      expect(() => pack.referencePath).toThrow(/student installation ships none/);
      const app = await engineLabs.load(id);
      expect(app.files[0].starter.length).toBeGreaterThan(0);
      // A role lab's public tests are traces; a chapter's are its pinned scripts and tests.
      if (role !== 'node') expect(app.publicTraces.length).toBeGreaterThan(0);
    }
  });

  it('grades on the public tests; asking for hidden ones is no error, they are absent', async () => {
    await studentLabs();
    const reference = path.join(root, 'labs', '01-acceptor', 'reference', 'acceptor.ts');
    const publicOnly = await gradeModule('acceptor', reference, { only: ['trace'] });
    const withHidden = await gradeModule('acceptor', reference, { only: ['trace'], hidden: true });
    expect(publicOnly.status).toBe('graded');
    expect(publicOnly.passed).toBe(true);
    expect(publicOnly.tests.every((t) => t.set === 'public')).toBe(true);
    expect(withHidden.tests.map((t) => t.name)).toEqual(publicOnly.tests.map((t) => t.name));
    delete process.env.PAXLAB_LABS_DIR;
    const repo = await gradeModule('acceptor', reference, { only: ['trace'], hidden: true });
    expect(repo.tests.some((t) => t.set === 'hidden')).toBe(true);
  });
});
