/**
 * Chapter packs on disk (`labs/chapter-N-<slug>/`, docs/chapters.md): the manifest, the course texts
 * (frame, predict question, narration, playable seed stories), the pinned scripts and the tests,
 * each validated with an error that names the file and the field. What only an instructor has
 * (reference, mutants) may be absent: a student installation ships none.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { labsDir } from '../labs/paths.js';
import { SEED_STORIES } from '../scenarios/stories/stories.js';
import { type PinnedScript, validatePinnedScript } from '../pinned/script.js';
import { CHAPTER_MANIFEST_SCHEMA, type ChapterManifest } from './manifest.js';
import { type NarrationStep, narrationProblem } from './narration.js';
import { type ChapterTestDef, validateTestDef } from './tests.js';

export class ChapterError extends Error {
  override name = 'ChapterError';
}

export interface PredictQuestion {
  question: string;
  /** Which pinned script the question is about. */
  script: string;
  choices: Array<{ id: string; text: string }>;
  answer: string;
  why: string;
}

/** A seed story (engine/scenarios/stories) the chapter makes playable, with its narration. */
export interface ChapterStory {
  story: string;
  narration: NarrationStep[];
}

export interface ChapterCourse {
  /** The frame text (Markdown): what the protocol does, what will go wrong. */
  frame: string;
  predict: PredictQuestion;
  /** Per pinned script: its narration. */
  narration: Record<string, NarrationStep[]>;
  stories: ChapterStory[];
}

export interface ChapterSummary {
  id: string;
  number: number;
  title: string;
  dir: string;
  error?: string;
}

export class ChapterPack {
  constructor(
    readonly manifest: ChapterManifest,
    readonly dir: string,
    readonly course: ChapterCourse,
    readonly scripts: ReadonlyMap<string, PinnedScript>,
    readonly tests: readonly ChapterTestDef[],
  ) {}

  get id(): string {
    return this.manifest.id;
  }
  get number(): number {
    return this.manifest.chapter.number;
  }
  file(rel: string): string {
    return path.join(this.dir, rel);
  }
  get starterPath(): string {
    return this.file(this.manifest.files.starter);
  }
  get instructionsPath(): string {
    return this.file(this.manifest.files.instructions);
  }
  get hasReference(): boolean {
    return existsSync(this.file(this.manifest.files.reference));
  }
  get referencePath(): string {
    const f = this.file(this.manifest.files.reference);
    if (!existsSync(f)) throw new ChapterError(`chapter '${this.id}' has no reference here (${f}): a student installation ships none`);
    return f;
  }
  /** The mutants (absolute paths), sorted; none in a student installation. */
  mutants(): string[] {
    const dir = this.file(this.manifest.files.mutants);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => /\.(ts|js)$/.test(f))
      .sort()
      .map((f) => path.join(dir, f));
  }
  script(name: string): PinnedScript {
    const s = this.scripts.get(name);
    if (!s) throw new ChapterError(`chapter '${this.id}' has no script '${name}' (scripts: ${[...this.scripts.keys()].join(', ')})`);
    return s;
  }
  test(name: string): ChapterTestDef {
    const t = this.tests.find((x) => x.name === name);
    if (!t) throw new ChapterError(`chapter '${this.id}' has no test '${name}'`);
    return t;
  }
}

/** Everything the chapter player shows, as plain JSON (for the typed API to the renderer). */
export interface ChapterView {
  id: string;
  number: number;
  title: string;
  nodes: number;
  model: ChapterManifest['chapter']['model'];
  leadsTo: string[];
  handler: ChapterManifest['handler'];
  rules: ChapterManifest['rules'];
  /** Markdown. */
  frame: string;
  instructions: string;
  predict: PredictQuestion;
  /** The file the student edits, as shipped. */
  starter: { path: string; text: string };
  scripts: PinnedScript[];
  narration: Record<string, NarrationStep[]>;
  tests: ChapterTestDef[];
  stories: ChapterStory[];
}

export function chapterView(pack: ChapterPack): ChapterView {
  const m = pack.manifest;
  return {
    id: m.id,
    number: m.chapter.number,
    title: m.title,
    nodes: m.chapter.nodes,
    model: m.chapter.model,
    leadsTo: [...(m.chapter.leadsTo ?? [])],
    handler: { ...m.handler, sees: [...m.handler.sees] },
    rules: m.rules.map((r) => ({ ...r })),
    frame: pack.course.frame,
    instructions: readFileSync(pack.instructionsPath, 'utf8'),
    predict: JSON.parse(JSON.stringify(pack.course.predict)) as PredictQuestion,
    starter: { path: m.files.starter, text: readFileSync(pack.starterPath, 'utf8') },
    scripts: [...pack.scripts.values()].map((x) => JSON.parse(JSON.stringify(x)) as PinnedScript),
    narration: JSON.parse(JSON.stringify(pack.course.narration)) as Record<string, NarrationStep[]>,
    tests: pack.tests.map((t) => JSON.parse(JSON.stringify(t)) as ChapterTestDef),
    stories: JSON.parse(JSON.stringify(pack.course.stories)) as ChapterStory[],
  };
}

let validator: ValidateFunction<ChapterManifest> | undefined;
const manifestValidator = () => (validator ??= new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile<ChapterManifest>(CHAPTER_MANIFEST_SCHEMA));

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ChapterError(`${file}: ${(err as Error).message}`);
  }
}

/** Whether the folder holds a chapter pack (a manifest with kind "node"). */
export function isChapterDir(dir: string): boolean {
  const f = path.join(dir, 'manifest.json');
  if (!existsSync(f)) return false;
  try {
    // A chapter is a node lab with a place in the course; other node labs (kv-service) are not chapters.
    const m = JSON.parse(readFileSync(f, 'utf8')) as { kind?: unknown; chapter?: unknown };
    return m.kind === 'node' && m.chapter !== undefined;
  } catch {
    return false;
  }
}

function chapterDirs(): string[] {
  const root = labsDir();
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isChapterDir(path.join(root, e.name)))
    .map((e) => path.join(root, e.name))
    .sort();
}

export function readChapter(dir: string): ChapterPack {
  const where = path.join(dir, 'manifest.json');
  const data = readJson(where);
  const v = manifestValidator();
  if (!v(data)) throw new ChapterError(`${where}: ${(v.errors ?? []).map((e) => `${e.instancePath || '(top)'} ${e.message}`).join('; ')}`);
  const m = data;
  const at = (rel: string) => path.join(dir, rel);
  for (const key of ['instructions', 'starter', 'tests', 'scripts', 'course'] as const) {
    if (!existsSync(at(m.files[key]))) throw new ChapterError(`${where}: files.${key}: ${m.files[key]} does not exist`);
  }
  const scripts = new Map<string, PinnedScript>();
  for (const f of readdirSync(at(m.files.scripts)).filter((x) => x.endsWith('.json')).sort()) {
    const file = path.join(at(m.files.scripts), f);
    const s = validatePinnedScript(readJson(file), file);
    if (`${s.name}.json` !== f) throw new ChapterError(`${file}: name '${s.name}' must match the file name`);
    if (s.nodes !== m.chapter.nodes) throw new ChapterError(`${file}: the chapter's cluster has ${m.chapter.nodes} nodes, the script ${s.nodes}`);
    scripts.set(s.name, s);
  }
  const rules = m.rules.map((r) => r.id);
  const tests: ChapterTestDef[] = [];
  for (const f of readdirSync(at(m.files.tests)).filter((x) => x.endsWith('.json')).sort()) {
    const file = path.join(at(m.files.tests), f);
    const t = validateTestDef(readJson(file), file, rules);
    if (`${t.name}.json` !== f) throw new ChapterError(`${file}: name '${t.name}' must match the file name`);
    if (t.kind === 'pinned' && !scripts.has(t.script)) throw new ChapterError(`${file}: no script '${t.script}' in ${m.files.scripts}`);
    if (t.kind === 'random' && t.nodes !== m.chapter.nodes) throw new ChapterError(`${file}: the chapter's cluster has ${m.chapter.nodes} nodes, the test ${t.nodes}`);
    tests.push(t);
  }
  if (tests.length === 0) throw new ChapterError(`${at(m.files.tests)}: a chapter needs tests`);
  return new ChapterPack(m, dir, readCourse(at(m.files.course), scripts), scripts, tests);
}

function readCourse(dir: string, scripts: ReadonlyMap<string, PinnedScript>): ChapterCourse {
  const framePath = path.join(dir, 'frame.md');
  if (!existsSync(framePath)) throw new ChapterError(`${framePath} does not exist`);
  const frame = readFileSync(framePath, 'utf8');
  const predictPath = path.join(dir, 'predict.json');
  const predict = readJson(predictPath) as PredictQuestion;
  const bad = (why: string): never => {
    throw new ChapterError(`${predictPath}: ${why}`);
  };
  if (typeof predict.question !== 'string' || !predict.question) bad('question must be a non-empty string');
  if (!scripts.has(predict.script)) bad(`script must name a pinned script (${[...scripts.keys()].join(', ')})`);
  if (!Array.isArray(predict.choices) || predict.choices.length < 2) bad('choices must list at least two {id, text}');
  const ids = predict.choices.map((c) => c.id);
  if (predict.choices.some((c) => typeof c.id !== 'string' || typeof c.text !== 'string' || !c.text) || new Set(ids).size !== ids.length) bad('each choice needs a unique id and a text');
  if (!ids.includes(predict.answer)) bad(`answer must be one of the choices' ids (${ids.join(', ')})`);
  if (typeof predict.why !== 'string' || !predict.why) bad('why must say why the answer is right');
  const narrationPath = path.join(dir, 'narration.json');
  const narration = readJson(narrationPath) as Record<string, NarrationStep[]>;
  for (const [name, steps] of Object.entries(narration)) {
    const s = scripts.get(name);
    if (!s) throw new ChapterError(`${narrationPath}: no pinned script '${name}'`);
    const p = narrationProblem(steps, s.steps.flatMap((x) => (x.label ? [x.label] : [])));
    if (p) throw new ChapterError(`${narrationPath}: ${name}: ${p}`);
  }
  for (const name of scripts.keys()) if (!narration[name]) throw new ChapterError(`${narrationPath}: the script '${name}' has no narration`);
  const storiesPath = path.join(dir, 'stories.json');
  const stories = existsSync(storiesPath) ? (readJson(storiesPath) as ChapterStory[]) : [];
  if (!Array.isArray(stories)) throw new ChapterError(`${storiesPath}: a list of {story, narration}`);
  for (const st of stories) {
    if (!SEED_STORIES.some((s) => s.name === st.story)) throw new ChapterError(`${storiesPath}: no seed story '${String(st.story)}' (known: ${SEED_STORIES.map((s) => s.name).join(', ')})`);
    const p = narrationProblem(st.narration);
    if (p) throw new ChapterError(`${storiesPath}: ${st.story}: ${p}`);
  }
  return { frame, predict, narration, stories };
}

/** Every chapter pack, in course order; a broken one is listed with its error. */
export function listChapters(): ChapterSummary[] {
  return chapterDirs()
    .map((dir): ChapterSummary => {
      try {
        const p = readChapter(dir);
        return { id: p.id, number: p.number, title: p.manifest.title, dir };
      } catch (err) {
        return { id: path.basename(dir), number: Number.MAX_SAFE_INTEGER, title: '', dir, error: (err as Error).message };
      }
    })
    .sort((a, b) => a.number - b.number || a.id.localeCompare(b.id));
}

export function loadChapter(id: string): ChapterPack {
  // The ids a command accepts (a pack's manifest id, not its folder's name), for the error.
  const ids: string[] = [];
  for (const dir of chapterDirs()) {
    const m = readJson(path.join(dir, 'manifest.json')) as { id?: unknown };
    if (m.id === id) return readChapter(dir);
    ids.push(typeof m.id === 'string' ? m.id : path.basename(dir));
  }
  throw new ChapterError(`no chapter with id '${id}' (chapters: ${ids.join(', ') || 'none'})`);
}
