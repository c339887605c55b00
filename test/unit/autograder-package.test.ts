// The parts of `paxlab autograder`: which file of a submission is graded, what the package holds,
// and Gradescope results that never show a hidden test's inputs or outputs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findSubmissionModule, packageEntries } from '../../electron/engine/autograder/index.js';
import { gradeModule, loadLab, toGradescope } from '../../electron/engine/grading/index.js';
import { paxlabRoot } from '../../electron/engine/labs/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function submission(files: string[]): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'submission-'));
  dirs.push(d);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    writeFileSync(path.join(d, f), 'export {};\n');
  }
  return d;
}

describe('findSubmissionModule', () => {
  it('prefers the file named after the role, the shallowest one, in any case', () => {
    const d = submission(['helpers.ts', 'deep/src/acceptor.ts', 'src/Acceptor.ts']);
    expect(findSubmissionModule(d, 'acceptor')).toEqual({ module: path.join(d, 'src', 'Acceptor.ts') });
  });

  it("takes the only module, skipping declarations, tests, node_modules and dot folders", () => {
    const d = submission(['mine.ts', 'mine.test.ts', 'types.d.ts', 'node_modules/x/acceptor.ts', '.git/acceptor.ts']);
    expect(findSubmissionModule(d, 'acceptor')).toEqual({ module: path.join(d, 'mine.ts') });
  });

  it('says what to upload when there is no module or no way to choose', () => {
    expect(findSubmissionModule(submission(['README.md']), 'learner')).toEqual({ error: 'no learner.ts in the submission (upload your learner.ts)' });
    expect(findSubmissionModule(submission(['a.ts', 'b.ts']), 'learner')).toEqual({ error: expect.stringMatching(/2 modules and none is named learner\.ts/) });
    expect(findSubmissionModule(path.join(os.tmpdir(), 'no-such-submission'), 'learner')).toEqual({ error: expect.stringMatching(/cannot read the submission folder/) });
  });
});

describe('packageEntries', () => {
  it("holds the bundles, the SDK, the lab's hidden traces and the native esbuild; no reference, mutant or scenario script", async () => {
    const lab = await loadLab('proposer');
    const entries = packageEntries({ root: paxlabRoot(), lab, nodeBinary: process.execPath, nodeMajor: 20, version: '0.0.0' });
    const paths = entries.map((e) => e.zipPath);
    expect(paths).toEqual(expect.arrayContaining(['setup.sh', 'run_autograder', 'paxlab/dist/cli.js', 'paxlab/dist/sandbox.js', 'paxlab/labs/sdk/index.ts', 'paxlab/labs/02-proposer/manifest.json', 'node/bin/node']));
    expect(paths.some((p) => p.startsWith('paxlab/labs/02-proposer/traces/hidden/'))).toBe(true);
    expect(paths.some((p) => p.startsWith(`paxlab/node_modules/@esbuild/${process.platform}-${process.arch}/`))).toBe(true);
    expect(paths.filter((p) => /\/(reference|mutants|scenarios)\/|01-acceptor|03-learner|\.map$/.test(p))).toEqual([]);
    const mode = (p: string) => entries.find((e) => e.zipPath === p)!.mode;
    expect([mode('setup.sh'), mode('run_autograder'), mode('node/bin/node')]).toEqual([0o755, 0o755, 0o755]);
    expect(packageEntries({ root: paxlabRoot(), lab, nodeBinary: null, nodeMajor: 20, version: '0.0.0' }).some((e) => e.zipPath.startsWith('node/'))).toBe(false);
  });
});

describe('Gradescope results', () => {
  it('a hidden test shows its number, kind and broken rule; its title, name, inputs and outputs stay out', async () => {
    const mutant = path.join(paxlabRoot(), 'labs', '03-learner', 'mutants', 'quorum-too-small.ts');
    const report = await gradeModule('learner', mutant, { hidden: true, only: ['trace'] });
    const hidden = report.tests.filter((t) => t.set === 'hidden');
    expect(hidden.some((t) => !t.passed && t.failure?.input !== undefined)).toBe(true);
    const gs = toGradescope(report);
    const shown = gs.tests.filter((t) => t.visibility === 'after_published');
    expect(shown.map((t) => t.name)).toEqual(hidden.map((_, i) => `[hidden] trace test ${i + 1}`));
    const text = shown.map((t) => `${t.name}\n${t.output}\n${t.tags.join(' ')}`).join('\n');
    for (const t of hidden) {
      expect(text).not.toContain(t.title);
      expect(text).not.toContain(`(${t.name})`);
      if (t.failure?.input !== undefined) expect(text).not.toContain(JSON.stringify(t.failure.input));
      if (t.failure?.expected) expect(text).not.toContain(JSON.stringify(t.failure.expected));
    }
    // The instructor can still ask for everything.
    const full = toGradescope(report, { revealHidden: true });
    const failing = hidden.find((t) => !t.passed && t.failure?.input !== undefined)!;
    const fullText = full.tests.filter((t) => t.visibility === 'after_published').map((t) => t.output).join('\n');
    expect(fullText).toContain(JSON.stringify(failing.failure!.input)); // the check above can fail
    expect(full.tests.filter((t) => t.visibility === 'after_published').map((t) => t.name)).toEqual(hidden.map((t) => `[hidden] ${t.title} (${t.name})`));
  });
});
