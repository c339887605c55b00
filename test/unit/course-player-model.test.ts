/**
 * The course player's pure parts: the stage a student is on given their progress, the chapter
 * badge, the progress merge and its store in the workspace (survives a restart, a corrupt file set
 * aside), and narration stepping over a real pinned run of chapter 4's naive protocol.
 */
import { afterEach, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { ChapterProgress } from '../../electron/api.js';
import { chapterBadge, courseCounts, nextStage, stageDone, stageOpen, STAGES } from '../../renderer/src/views/course/course-model.js';
import { applyNarrationKey, clampStep, narrationKey, stepView } from '../../renderer/src/views/course/narration-model.js';
import { CourseProgressStore, EMPTY_CHAPTER_PROGRESS, mergeChapterProgress } from '../../electron/engine/app/course-progress.js';
import { loadChapter, resolveNarration } from '../../electron/engine/chapters/index.js';
import { runPinnedSim } from '../../electron/engine/pinned/index.js';
import { TraceIndex } from '../../renderer/src/diagram/trace-index.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'paxlab-course-model-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const P = (p: Partial<ChapterProgress>): ChapterProgress => ({ ...EMPTY_CHAPTER_PROGRESS, ...p });

describe('stages and badges', () => {
  test('a student goes frame → break → fix → play as the progress fills in', () => {
    expect(nextStage(P({}))).toBe('frame');
    expect(nextStage(P({ predicted: true }))).toBe('break');
    expect(nextStage(P({ predicted: true, broke: true }))).toBe('fix');
    expect(nextStage(P({ predicted: true, broke: true, fixed: true }))).toBe('play');
    // Broke without predicting (progress from another window): asked to predict first.
    expect(nextStage(P({ broke: true }))).toBe('predict');
  });

  test('Break opens only after a prediction; the other stages are always open', () => {
    expect(stageOpen(P({}), 'break')).toBe(false);
    expect(stageOpen(P({ predicted: true }), 'break')).toBe(true);
    for (const s of STAGES.filter((x) => x !== 'break')) expect(stageOpen(P({}), s)).toBe(true);
  });

  test('badges and course counts', () => {
    expect(chapterBadge(P({})).text).toBe('Not started');
    expect(chapterBadge(P({ predicted: true, broke: true }))).toEqual({ cls: 'warn', text: '2 of 4 steps' });
    expect(chapterBadge(P({ predicted: true, broke: true, fixed: true }))).toEqual({ cls: 'ok', text: 'Fixed' });
    expect(chapterBadge(P({ fixed: true, played: true })).text).toBe('Fixed · played');
    expect(courseCounts([{ progress: P({}) }, { progress: P({ played: true }) }, { progress: P({ fixed: true }) }])).toEqual({ fixed: 1, started: 2, total: 3 });
  });
});

describe('progress merge and store', () => {
  const step = fc.record(
    {
      prediction: fc.record({ choice: fc.constantFrom('a', 'b', 'c'), right: fc.boolean() }),
      broke: fc.boolean(),
      fixed: fc.boolean(),
      played: fc.boolean(),
    },
    { requiredKeys: [] },
  );

  test('flags only ever turn on; the latest prediction is kept', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let p = EMPTY_CHAPTER_PROGRESS;
        for (const s of steps) {
          const next = mergeChapterProgress(p, s);
          for (const k of ['predicted', 'broke', 'fixed', 'played'] as const) if (p[k]) expect(next[k]).toBe(true);
          if (s.prediction) expect([next.prediction, next.predictedRight]).toEqual([s.prediction.choice, s.prediction.right]);
          else expect(next.prediction).toBe(p.prediction);
          p = next;
        }
        for (const k of ['broke', 'fixed', 'played'] as const) expect(p[k]).toBe(steps.some((s) => s[k] === true));
      }),
    );
  });

  test('progress survives a new store on the same file (a restart); a corrupt file is set aside', () => {
    const dir = tmp();
    const file = path.join(dir, 'course.json');
    const a = new CourseProgressStore(file);
    a.record('chapter-4', { prediction: { choice: 'granted', right: true } });
    a.record('chapter-4', { broke: true });
    a.record('chapter-2', { played: true });
    const b = new CourseProgressStore(file);
    expect(b.get('chapter-4')).toEqual(P({ predicted: true, prediction: 'granted', predictedRight: true, broke: true }));
    expect(b.get('chapter-2')).toEqual(P({ played: true }));
    expect(b.get('chapter-7')).toEqual(EMPTY_CHAPTER_PROGRESS);

    writeFileSync(file, '{ not json');
    const c = new CourseProgressStore(file);
    expect(c.get('chapter-4')).toEqual(EMPTY_CHAPTER_PROGRESS);
    expect(readdirSync(dir).some((f) => f.startsWith('course.json.corrupt-'))).toBe(true);
    c.record('chapter-0', { fixed: true });
    expect(new CourseProgressStore(file).get('chapter-0').fixed).toBe(true);
  });
});

describe('narration stepping', () => {
  test('keys and clamping', () => {
    expect(narrationKey('n')).toBe('next');
    expect(narrationKey(']')).toBe('next');
    expect(narrationKey('p')).toBe('prev');
    expect(narrationKey('Home')).toBe('first');
    expect(narrationKey('End')).toBe('last');
    expect(narrationKey('x')).toBeNull();
    expect(applyNarrationKey(0, 5, 'prev')).toBe(0);
    expect(applyNarrationKey(4, 5, 'next')).toBe(4);
    expect(applyNarrationKey(2, 5, 'last')).toBe(4);
    expect(applyNarrationKey(2, 5, null)).toBe(2);
    expect(clampStep(7, 0)).toBe(0);
  });

  test("over chapter 4's naive run: each step frames its events, the run unfolds and never goes back", async () => {
    const pack = loadChapter('chapter-4');
    const dir = tmp();
    const out = path.join(dir, 'starter.mjs');
    await build({ entryPoints: [pack.starterPath], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
    const { Node } = (await import(pathToFileURL(out).href)) as { Node: never };
    const run = runPinnedSim(pack.script('story'), Node);
    const lines = resolveNarration(pack.course.narration.story!, run);
    // The diagram hides nothing here: index = position among the events after the meta line.
    const idx = new TraceIndex();
    for (const e of run.trace) idx.append(e);
    const indexOfSeq = (seq: number) => {
      const i = idx.indexOfSeq(seq);
      return i < idx.length && idx.events[i].seq === seq ? i : -1;
    };
    let limit = 0;
    lines.forEach((line, s) => {
      const v = stepView(lines, s, indexOfSeq, idx.length);
      expect(v.limit).toBeGreaterThanOrEqual(limit);
      limit = v.limit;
      expect(v.indices.map((i) => idx.events[i].seq)).toEqual([...line.seqs].sort((a, b) => a - b));
      if (line.seqs.length) {
        expect(v.focus).not.toBeNull();
        expect(v.limit).toBeGreaterThan(v.focus![1]);
      }
    });
    expect(stepView(lines, lines.length - 1, indexOfSeq, idx.length).limit).toBe(idx.length);
    expect(stepView(lines, 0, indexOfSeq, idx.length).limit).toBeLessThan(idx.length);
    // A step pointing at events the diagram hides keeps the reach of the steps before it.
    const hidden = stepView([{ text: 'a', seqs: [lines[0].seqs[0]!] }, { text: 'b', seqs: [999_999] }, { text: 'c', seqs: [] }], 1, indexOfSeq, idx.length);
    expect(hidden.focus).toBeNull();
    expect(hidden.limit).toBe(indexOfSeq(lines[0].seqs[0]!) + 1);
    expect(existsSync(out)).toBe(true);
  });
});
