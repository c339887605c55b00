/**
 * `paxlab chapter list` and `paxlab chapter run <id>`: the guided course from the command line. A
 * run plays one of the chapter's pinned executions — with the chapter's naive protocol (its
 * starter), the fix (`--fix`, where the pack has it) or a node module of yours (`--module`, run on
 * real processes only: your code never runs in this process) — judges it by the tests of that
 * script, prints the narration and the verdicts, and writes the trace. Exit 0 when every check
 * passes, 1 when one fails (or a step could not be carried out), 2 for bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PaxosNodeClass } from '@paxlab/sdk';
import { ChapterError, SYMPTOMS, judgePinned, listChapters, loadChapter, playStory, resolveNarration, type ChapterPack, type PinnedTestDef } from '../../engine/chapters/index.js';
import { runPinnedSim, type PinnedRun } from '../../engine/pinned/index.js';
import { PinnedHarnessError, runPinnedCluster } from '../../engine/pinned/cluster-runner.js';
import { buildStudentModule, formatDiagnostic } from '../../engine/build/index.js';
import { writeTrace } from '../../engine/trace/io.js';
import { UsageError } from '../main.js';

export async function list(): Promise<number> {
  for (const c of listChapters()) {
    if (c.error) {
      process.stdout.write(`  ?  ${c.id}  cannot be loaded: ${c.error}\n`);
      continue;
    }
    const pack = loadChapter(c.id);
    const symptoms = [...new Set(pack.tests.flatMap((t) => (t.starter ? [t.starter.symptom] : [])))];
    process.stdout.write(`${String(c.number).padStart(3)}  ${c.id.padEnd(10)} ${c.title}\n       edit ${pack.manifest.handler.name}; the naive protocol shows: ${symptoms.map((s) => SYMPTOMS[s]).join('; ') || '-'}\n`);
  }
  return 0;
}

/** `paxlab chapter story <id> [name]`: the seed stories a chapter plays, or one of them told with its narration. */
export async function story(id: string, name?: string): Promise<number> {
  let pack: ChapterPack;
  try {
    pack = loadChapter(id);
  } catch (err) {
    if (err instanceof ChapterError) throw new UsageError(err.message);
    throw err;
  }
  if (!name) {
    if (pack.course.stories.length === 0) process.stdout.write(`chapter '${id}' plays no seed story\n`);
    for (const s of pack.course.stories) process.stdout.write(`${s.story}\n`);
    return 0;
  }
  let played;
  try {
    played = playStory(pack, name);
  } catch (err) {
    if (err instanceof ChapterError) throw new UsageError(err.message);
    throw err;
  }
  process.stdout.write(`${played.story.title}\n${played.story.about}\n\n`);
  for (const l of played.lines) process.stdout.write(`  ${l}\n`);
  process.stdout.write('\n');
  played.narration.forEach((n, i) => process.stdout.write(`  ${i + 1}. ${n.text}\n`));
  return played.lines.join('\n') === played.expected.join('\n') ? 0 : 1;
}

interface RunOptions {
  script?: string;
  fix?: boolean;
  module?: string;
  cluster?: boolean;
  trace?: string;
  json?: boolean;
}

export async function run(id: string, opts: RunOptions = {}): Promise<number> {
  let pack: ChapterPack;
  try {
    pack = loadChapter(id);
  } catch (err) {
    if (err instanceof ChapterError) throw new UsageError(err.message);
    throw err;
  }
  const name = opts.script ?? pack.course.predict.script;
  if (!pack.scripts.has(name)) throw new UsageError(`chapter '${id}' has no script '${name}' (scripts: ${[...pack.scripts.keys()].join(', ')})`);
  if (opts.fix && opts.module) throw new UsageError('--fix and --module exclude each other');
  const script = pack.script(name);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-chapter-'));
  try {
    let result: PinnedRun;
    if (opts.module) {
      // A student's module: built as a submission and run on real node processes, never here.
      const built = await buildStudentModule(opts.module, { exportName: 'Node' });
      if (!built.ok) {
        for (const d of built.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
        return 2;
      }
      const studentNode = path.join(tmp, 'student-node.js');
      writeFileSync(studentNode, built.code);
      try {
        result = await runPinnedCluster(script, { studentNode });
      } catch (err) {
        if (!(err instanceof PinnedHarnessError)) throw err;
        process.stderr.write(`paxlab: the pinned execution could not go on: ${err.message}\n`);
        return 1;
      }
    } else {
      const file = opts.fix ? pack.referencePath : pack.starterPath;
      const module = await bundle(file, tmp);
      if (opts.cluster) result = await runPinnedCluster(script, { module });
      else {
        const mod = (await import(pathToFileURL(module).href)) as { Node?: PaxosNodeClass<any> };
        if (typeof mod.Node !== 'function') throw new UsageError(`${file} exports no Node class`);
        result = runPinnedSim(script, mod.Node);
      }
    }
    const tests = pack.tests.filter((t): t is PinnedTestDef => t.kind === 'pinned' && t.script === name);
    const verdicts = tests.flatMap((t) => judgePinned(result, t));
    const narration = resolveNarration(pack.course.narration[name] ?? [], result);
    if (opts.trace) writeTrace(opts.trace, result.trace);
    const passed = !result.error && verdicts.every((v) => v.ok);
    if (opts.json) {
      process.stdout.write(JSON.stringify({ chapter: id, script: name, source: result.source, passed, error: result.error ?? null, verdicts, narration, steps: result.steps }, null, 2) + '\n');
    } else {
      process.stdout.write(`${pack.manifest.title} — ${script.title} (${result.source}, ${opts.module ? opts.module : opts.fix ? 'the fix' : 'the naive protocol'})\n\n`);
      narration.forEach((n, i) => process.stdout.write(`  ${i + 1}. ${n.text}${n.seqs.length ? `  [#${n.seqs[0]}${n.seqs.length > 1 ? `..#${n.seqs[n.seqs.length - 1]}` : ''}]` : ''}\n`));
      process.stdout.write('\n');
      if (result.error) process.stdout.write(`  stopped: ${result.error.message}\n`);
      for (const v of verdicts) process.stdout.write(`  ${v.ok ? 'ok  ' : 'FAIL'} ${v.check}: ${v.ok ? v.message : `${SYMPTOMS[v.symptom!]} — ${v.message}`}\n`);
      if (opts.trace) process.stdout.write(`\n  trace: ${opts.trace} (paxlab trace show ${opts.trace})\n`);
    }
    return passed ? 0 : 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A pack's own node file (trusted) as one ES module with the SDK bundled in. */
async function bundle(file: string, dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = path.join(dir, 'node.mjs');
  await build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
  return out;
}
