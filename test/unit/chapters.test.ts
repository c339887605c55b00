/**
 * Every chapter pack, from its data: the naive protocol (the starter) fails each test that says so
 * with the named symptom; the reference fix passes every pinned execution; every mutant's header
 * names its bug and rules (test/integration/chapter-grading.test.ts grades the fix's random runs
 * and searches and every mutant through the real grading path); the narration points at events of
 * the run it tells. (That the fix differs from the starter only in the handler's body is
 * handler-region.test.ts's, with the scanner the Fix editor uses.)
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { PaxosNodeClass } from '@paxlab/sdk';
import { chapterView, firstFailure, listChapters, loadChapter, playStory, resolveNarration, runChapterTest } from '../../electron/engine/chapters/index.js';
import { runPinnedSim } from '../../electron/engine/pinned/index.js';

const chapters = listChapters();

async function nodeClass(file: string): Promise<PaxosNodeClass<any>> {
  const mod = (await import(pathToFileURL(file).href)) as { Node: PaxosNodeClass<any> };
  return mod.Node;
}

test('the player gets a chapter as plain JSON: texts, question, starter, scripts, narration, tests', () => {
  const view = chapterView(loadChapter('chapter-4'));
  expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  expect(view).toMatchObject({ id: 'chapter-4', number: 4, nodes: 2, model: 'lock', handler: { name: 'onClientRequest' }, predict: { script: 'story', answer: 'granted' } });
  expect(view.starter.text).toMatch(/onClientRequest\(r: ClientRequest\): void/);
  expect(view.scripts.map((s) => s.name).sort()).toEqual(['lost-learn', 'retry', 'story']);
  expect(Object.keys(view.narration).sort()).toEqual(['lost-learn', 'retry', 'story']);
  expect(view.frame).toMatch(/^# A crash and a takeover/);
});

test('the course has chapters 0 to 9, each pack loads', () => {
  expect(chapters.map((c) => [c.number, c.error])).toEqual(Array.from({ length: 10 }, (_, i) => [i, undefined]));
});

for (const summary of chapters) {
  describe(`${summary.id}: ${summary.title}`, () => {
    const pack = loadChapter(summary.id);


    // The fix's random runs, the search tests and the mutants run through the real grading path, once,
    // in the lab check of test/integration/chapter-grading.test.ts; here the cheap pinned runs give
    // an author quick feedback.
    for (const t of pack.tests) {
      if (t.kind === 'search') continue;
      if (t.starter) {
        test(`the naive protocol fails '${t.name}' with the symptom ${t.starter.symptom}`, async () => {
          const out = runChapterTest(pack, t, await nodeClass(pack.starterPath));
          expect(out.scriptError).toBeUndefined();
          expect(out.passed).toBe(false);
          expect(out.verdicts.filter((v) => !v.ok).map((v) => v.symptom)).toContain(t.starter!.symptom);
          const failed = out.verdicts.find((v) => v.symptom === t.starter!.symptom)!;
          expect(failed.events.length).toBeGreaterThan(0);
        });
      }
      if (t.kind === 'pinned') {
        test(`the fix passes '${t.name}'`, async () => {
          const out = runChapterTest(pack, t, await nodeClass(pack.referencePath));
          const why = out.scriptError ?? firstFailure(out)?.message;
          expect(out.passed, why).toBe(true);
        });
      }
    }

    test('every mutant says its bug and the rules a failing test must name (the lab check holds it to them)', () => {
      expect(pack.mutants().length).toBeGreaterThanOrEqual(2);
      for (const file of pack.mutants()) {
        const lines = readFileSync(file, 'utf8').split('\n');
        expect(lines[0], file).toMatch(/^\/\/ Bug: /);
        const rules = lines.slice(1).filter((l) => l.startsWith('// expect-rule: ')).map((l) => l.slice(16));
        expect(rules, file).toContain(pack.manifest.rules[0].id);
        expect(rules.some((r) => r.startsWith('chapter.') || r.startsWith('node-search.')), file).toBe(true);
      }
    });

    test('the narration points at events of the run it tells (the naive protocol\'s where it breaks, else the fix\'s); the predict question names a script', async () => {
      const starter = await nodeClass(pack.starterPath);
      const fix = await nodeClass(pack.referencePath);
      for (const [name, steps] of Object.entries(pack.course.narration)) {
        const breaks = pack.tests.some((t) => t.kind === 'pinned' && t.script === name && t.starter);
        const run = runPinnedSim(pack.script(name), breaks ? starter : fix);
        expect(run.error).toBeUndefined();
        const resolved = resolveNarration(steps, run);
        steps.forEach((s, i) => {
          if (s.at) expect(resolved[i].seqs.length, `narration step ${i + 1} of ${name}: ${s.text}`).toBeGreaterThan(0);
        });
      }
      expect(pack.scripts.has(pack.course.predict.script)).toBe(true);
    });

    for (const { story } of pack.course.stories) {
      test(`plays the seed story ${story}, each narration step pointing at its events`, () => {
        const played = playStory(pack, story);
        // The story as the course tells it, message for message.
        expect(played.lines).toEqual(played.expected);
        const steps = pack.course.stories.find((s) => s.story === story)!.narration;
        steps.forEach((s, i) => {
          if (s.at) expect(played.narration[i].seqs.length, `${story} narration step ${i + 1}: ${s.text}`).toBeGreaterThan(0);
        });
      });
    }
  });
}
