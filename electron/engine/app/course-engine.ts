/**
 * The course player's engine side: chapters as the player shows them, pinned executions on real
 * node processes (the naive protocol for Break, the student's file for Fix — built like a submission
 * and run in child processes, never in this process), and the seed stories with narration. The
 * Predict answer stays here until the run that reveals it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, type ChapterCheckView, type CourseChapterDetail, type Diagnostic, type TraceHighlight } from '../../api.js';
import { ChapterError, SYMPTOMS, chapterView, judgePinned, listChapters, loadChapter, playStory, resolveNarration, type ChapterPack, type CheckVerdict, type PinnedTestDef } from '../chapters/index.js';
import { PinnedHarnessError, runPinnedCluster } from '../pinned/cluster-runner.js';
import type { PinnedRun } from '../pinned/run.js';
import { SEED_STORIES } from '../scenarios/stories/stories.js';
import { buildStudentModule } from '../build/index.js';
import type { NodeCommand } from './cluster-adapter.js';
import type { ChapterRunParts, ChapterStoryParts, CoursePort } from './course-port.js';

function pack(id: string): ChapterPack {
  try {
    return loadChapter(id);
  } catch (err) {
    if (err instanceof ChapterError && /no chapter with id/.test(err.message)) throw new ApiError('not-found', err.message);
    throw err;
  }
}

function symptomsOf(p: ChapterPack): string[] {
  return [...new Set(p.tests.flatMap((t) => (t.starter ? [SYMPTOMS[t.starter.symptom]] : [])))];
}

export function checkView(v: CheckVerdict): ChapterCheckView {
  return { check: v.check, ok: v.ok, ...(v.symptom ? { symptom: v.symptom, symptomText: SYMPTOMS[v.symptom] } : {}), message: v.message, events: [...v.events] };
}

/** The events the failing checks point at, labelled by the symptom, each seq once. */
export function runHighlights(checks: readonly ChapterCheckView[]): TraceHighlight[] {
  const out: TraceHighlight[] = [];
  const seen = new Set<number>();
  for (const c of checks) {
    if (c.ok) continue;
    for (const seq of c.events) {
      if (seen.has(seq)) continue;
      seen.add(seq);
      out.push({ seq, label: c.symptomText ?? c.check });
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** A pinned run judged by every pinned test of its script, narrated. */
export function judgeRun(p: ChapterPack, run: PinnedRun, script: string): Omit<ChapterRunParts, 'code'> {
  const tests = p.tests.filter((t): t is PinnedTestDef => t.kind === 'pinned' && t.script === script);
  const seen = new Set<string>();
  const checks = tests
    .flatMap((t) => judgePinned(run, t))
    .filter((v) => (seen.has(v.check) ? false : (seen.add(v.check), true)))
    .map(checkView);
  return {
    chapterId: p.id,
    script,
    source: run.source,
    trace: run.trace,
    steps: run.steps.map((s) => ({ ...s })),
    ...(run.error ? { error: { ...run.error } } : {}),
    checks,
    passed: !run.error && checks.every((c) => c.ok),
    narration: resolveNarration(p.course.narration[script] ?? [], run),
    highlights: runHighlights(checks),
  };
}

export function engineCourse(nodeCommand?: NodeCommand): CoursePort {
  return {
    list() {
      return listChapters().map((c) => {
        if (c.error) return { id: c.id, number: c.number, title: c.title || c.id, handler: '', symptoms: [], error: c.error };
        const p = loadChapter(c.id);
        return { id: p.id, number: p.number, title: p.manifest.title, handler: p.manifest.handler.name, symptoms: symptomsOf(p) };
      });
    },

    detail(id) {
      const p = pack(id);
      const v = chapterView(p);
      const detail: Omit<CourseChapterDetail, 'progress'> = {
        id: v.id,
        number: v.number,
        title: v.title,
        nodes: v.nodes,
        model: v.model,
        leadsTo: v.leadsTo,
        handler: { name: v.handler.name, about: v.handler.about, sees: [...v.handler.sees] },
        rules: v.rules.map((r) => ({ id: r.id, text: r.text })),
        frame: v.frame,
        instructions: v.instructions,
        // The answer and its why stay with the host until Break reveals them.
        predict: { question: v.predict.question, script: v.predict.script, choices: v.predict.choices.map((c) => ({ ...c })) },
        file: path.basename(p.starterPath),
        scripts: v.scripts.map((s) => ({ name: s.name, title: s.title })),
        stories: v.stories.map((s) => ({ name: s.story, title: playableTitle(s.story) })),
        play: this.playSetup(id),
      };
      return detail;
    },

    predictAnswer(id) {
      const q = pack(id).course.predict;
      return { answer: q.answer, why: q.why };
    },

    scriptNames(id) {
      const p = pack(id);
      return { predict: p.course.predict.script, all: [...p.scripts.keys()] };
    },

    async run(id, code, script, studentFile) {
      const p = pack(id);
      if (!p.scripts.has(script)) throw new ApiError('not-found', `chapter '${id}' has no script '${script}' (scripts: ${[...p.scripts.keys()].join(', ')})`);
      const entry = code === 'naive' ? p.starterPath : studentFile;
      if (!entry) throw new ApiError('bad-argument', 'no student file to run');
      const built = await buildStudentModule(entry, { exportName: 'Node' });
      if (!built.ok) {
        const diagnostics: Diagnostic[] = built.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, message: d.message, source: d.source }));
        return { built: false, diagnostics };
      }
      const dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-course-'));
      try {
        const module = path.join(dir, 'node.js');
        writeFileSync(module, built.code);
        let run: PinnedRun;
        try {
          run = await runPinnedCluster(p.script(script), { studentNode: module }, { title: `${p.id}: ${p.script(script).title}`, ...(nodeCommand ? { nodeCommand } : {}) });
        } catch (err) {
          // The harness's own limit (a node that did not start in time) is said as that.
          if (err instanceof PinnedHarnessError) throw new ApiError('unavailable', `the pinned execution could not go on: ${err.message}`);
          throw err;
        }
        return { built: true, run: { ...judgeRun(p, run, script), code } };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },

    starterFile(id) {
      return pack(id).starterPath;
    },

    playSetup(id) {
      const p = pack(id);
      const random = p.tests.find((t) => t.kind === 'random');
      const w = random?.kind === 'random' ? random.clients.workload : undefined;
      // The playground takes the workload's text form; a test that spells it as an object plays a default.
      const clients = random?.kind === 'random' && typeof w === 'string' ? { count: random.clients.count, workload: w } : { count: 2, workload: `${p.manifest.chapter.model}:ops=4` };
      return { nodes: p.manifest.chapter.nodes, clients };
    },

    story(id, name) {
      const p = pack(id);
      let played;
      try {
        played = playStory(p, name);
      } catch (err) {
        if (err instanceof ChapterError) throw new ApiError('not-found', err.message);
        throw err;
      }
      const parts: ChapterStoryParts = {
        chapterId: p.id,
        story: name,
        title: played.story.title,
        about: played.story.about,
        trace: played.trace,
        lines: played.lines,
        reproduced: played.lines.join('\n') === played.expected.join('\n'),
        narration: played.narration,
      };
      return parts;
    },
  };
}

function playableTitle(name: string): string {
  return SEED_STORIES.find((s) => s.name === name)?.title ?? name;
}
