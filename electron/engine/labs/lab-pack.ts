import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { labsDir } from './paths.js';
import { MANIFEST_SCHEMA, NODE_MANIFEST_SCHEMA, type LabManifest, type NodeLabManifest } from './manifest-schema.js';
import { SCENARIO_SCHEMA, type ScenarioScript } from './scenario-schema.js';
import { ROLE_SPECS, type RoleName } from './role-spec.js';
import { messageProblems } from './message-shape.js';
import { parseRoleTrace, type RoleTrace } from './role-trace.js';
import { differenceKinds } from './output-differences.js';

/** A lab pack folder is broken or missing: the message says what and where. */
export class LabError extends Error {}

export interface LabSummary {
  id: string;
  title: string;
  role: string;
  points: number;
  dir: string;
  /** Set when the pack cannot be loaded (its manifest is broken): the other packs still list. */
  error?: string;
}

export interface LoadedTrace {
  file: string;
  trace: RoleTrace;
}

/**
 * The validators, compiled on first use. The schemas are this project's own constants, so ajv does
 * not check them against its meta-schema at run time (test/unit/lab-packs.test.ts does): that
 * check alone cost a CLI run tens of milliseconds of start-up.
 */
let ajv: Ajv | undefined;
let manifestValidator: ValidateFunction<LabManifest> | undefined;
let scenarioValidator: ValidateFunction<ScenarioScript> | undefined;
const compiler = () => (ajv ??= new Ajv({ allErrors: true, strict: false, validateSchema: false }));
let nodeManifestValidator: ValidateFunction<NodeLabManifest> | undefined;
const manifestSchema = () => (manifestValidator ??= compiler().compile<LabManifest>(MANIFEST_SCHEMA));
const nodeManifestSchema = () => (nodeManifestValidator ??= compiler().compile<NodeLabManifest>(NODE_MANIFEST_SCHEMA));
const scenarioSchema = () => (scenarioValidator ??= compiler().compile<ScenarioScript>(SCENARIO_SCHEMA));

function schemaErrors(errors: ValidateFunction['errors']): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(top)'} ${e.message}`).join('; ');
}

/** One lab pack on disk: its validated manifest and accessors for its parts. */
export class LabPack {
  constructor(
    readonly manifest: LabManifest,
    readonly dir: string,
    /** A whole-node lab's manifest as written (provider-specific fields included); absent for a role lab. */
    readonly nodeManifest?: NodeLabManifest,
  ) {}

  /** 'node' for a whole-node lab (manifest `kind: "node"`), else 'role'. */
  get kind(): 'role' | 'node' {
    return this.nodeManifest ? 'node' : 'role';
  }

  get id(): string {
    return this.manifest.id;
  }
  /** The role's spec (role labs only: a node lab has none). */
  get role() {
    return ROLE_SPECS[this.manifest.role as RoleName];
  }
  file(rel: string): string {
    return path.join(this.dir, rel);
  }
  get starterPath(): string {
    return this.file(this.manifest.files.starter);
  }
  /**
   * The reference implementation. A student installation has none (docs/builds.md): asking for it
   * there is a LabError that says so; {@link hasReference} tells first.
   */
  get referencePath(): string {
    const file = this.file(this.manifest.files.reference);
    if (!existsSync(file)) {
      throw new LabError(`lab '${this.id}' has no reference implementation here (${file}): a student installation ships none; use the repository or an instructor build`);
    }
    return file;
  }
  get hasReference(): boolean {
    return existsSync(this.file(this.manifest.files.reference));
  }
  /** Whether this installation holds the lab's hidden traces (an instructor's does, a student's does not). */
  get hasHiddenTests(): boolean {
    // A node lab's hidden tests sit beside its public ones; only an instructor's installation ships its tests and reference.
    if (this.kind === 'node') return this.hasReference;
    return existsSync(this.traceDir('hidden'));
  }
  get instructionsPath(): string {
    return this.file(this.manifest.files.instructions);
  }
  traceDir(set: 'public' | 'hidden'): string {
    return path.join(this.file(this.manifest.files.traces), set);
  }
  ruleText(id: string): string | undefined {
    return this.manifest.rules.find((r) => r.id === id)?.text;
  }

  /**
   * The scenario scripts, validated against the schema, the role's handlers and the rule list. A
   * student installation ships none (they hold the hidden tests' inputs): then there are none.
   */
  async scenarios(): Promise<ScenarioScript[]> {
    const dir = this.file(this.manifest.files.scenarios);
    if (!existsSync(dir)) return [];
    const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    const out: ScenarioScript[] = [];
    for (const f of names) {
      const where = path.join(dir, f);
      let data: unknown;
      try {
        data = JSON.parse(await readFile(where, 'utf8'));
      } catch (e) {
        throw new LabError(`${where}: not JSON: ${(e as Error).message}`);
      }
      const validate = scenarioSchema();
      if (!validate(data)) throw new LabError(`${where}: ${schemaErrors(validate.errors)}`);
      const problems = this.scenarioProblems(data, f);
      if (problems.length) throw new LabError(`${where}: ${problems.join('; ')}`);
      out.push(data);
    }
    return out;
  }

  private scenarioProblems(s: ScenarioScript, file: string): string[] {
    const problems: string[] = [];
    if (`${s.name}.json` !== file) problems.push(`name '${s.name}' must match the file name`);
    if (!s.node.nodes.includes(s.node.id)) problems.push(`node.id ${s.node.id} is not in node.nodes`);
    // A lab of several classes: one scenario drives one object, so its handlers share one owner.
    const owners = new Set(s.steps.map((st) => this.role.methods[st.call]?.owner).filter((o) => o !== undefined));
    if (owners.size > 1) problems.push(`the steps call handlers of several classes (${[...owners].join(', ')}); a scenario tests one`);
    if (this.role.exports && s.node.alpha === undefined) problems.push('node.alpha (the window) is required for a multi-decree role');
    s.steps.forEach((step, i) => {
      const at = `step ${i + 1}`;
      const spec = this.role.methods[step.call];
      if (!spec) return problems.push(`${at}: '${step.call}' is not a handler of the ${this.manifest.role}`);
      if (!this.ruleText(step.rule)) problems.push(`${at}: unknown rule '${step.rule}'`);
      const kinds = differenceKinds(spec);
      for (const [d, rule] of Object.entries(step.blame ?? {})) {
        if (!kinds.includes(d)) problems.push(`${at}: blame: '${d}' is not a difference of ${step.call}'s output (${kinds.join(', ')})`);
        if (!this.ruleText(rule)) problems.push(`${at}: blame: unknown rule '${rule}'`);
      }
      if (spec.input === 'none') {
        if (step.input !== undefined) problems.push(`${at}: ${step.call}() takes no input`);
      } else {
        for (const p of messageProblems(step.input, spec.input)) problems.push(`${at}: input: ${p}`);
      }
    });
    return problems;
  }

  /** The recorded traces of one set, sorted by name. Missing folder = none. */
  async traces(set: 'public' | 'hidden'): Promise<LoadedTrace[]> {
    const dir = this.traceDir(set);
    if (!existsSync(dir)) return [];
    const names = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
    const out: LoadedTrace[] = [];
    for (const f of names) {
      const file = path.join(dir, f);
      try {
        out.push({ file, trace: parseRoleTrace(await readFile(file, 'utf8'), file) });
      } catch (e) {
        throw new LabError((e as Error).message);
      }
    }
    return out;
  }

  /** The known-buggy mutants (absolute paths), sorted. */
  async mutants(): Promise<string[]> {
    const dir = this.file(this.manifest.files.mutants);
    if (!existsSync(dir)) return [];
    return (await readdir(dir))
      .filter((f) => /\.(ts|js|mts|mjs)$/.test(f))
      .sort()
      .map((f) => path.join(dir, f));
  }
}

async function readPack(dir: string): Promise<LabPack> {
  const where = path.join(dir, 'manifest.json');
  let data: unknown;
  try {
    data = JSON.parse(await readFile(where, 'utf8'));
  } catch (e) {
    throw new LabError(`${where}: ${(e as Error).message}`);
  }
  if (typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'node') return readNodePack(data, dir, where);
  const validate = manifestSchema();
  if (!validate(data)) throw new LabError(`${where}: ${schemaErrors(validate.errors)}`);
  const pack = new LabPack(data, dir);
  if (pack.role.exportName !== data.export) {
    throw new LabError(`${where}: a ${data.role} lab exports '${pack.role.exportName}' (docs/student-api.md), not '${data.export}'`);
  }
  for (const rule of data.rules) {
    for (const [call, kinds] of Object.entries(rule.covers ?? {})) {
      const spec = pack.role.methods[call];
      if (!spec) throw new LabError(`${where}: rule ${rule.id}: covers: '${call}' is not a handler of the ${data.role}`);
      const known = differenceKinds(spec);
      const bad = kinds.filter((k) => !known.includes(k));
      if (bad.length) throw new LabError(`${where}: rule ${rule.id}: covers.${call}: ${bad.join(', ')} (a difference is one of ${known.join(', ')})`);
    }
  }
  // What a student works from must be there; what only an instructor has (reference, scenario
  // scripts, mutants, hidden traces) may be absent: a student installation ships none of it.
  for (const key of ['instructions', 'starter'] as const) {
    const rel = data.files[key];
    if (!existsSync(pack.file(rel))) throw new LabError(`${where}: files.${key}: ${rel} does not exist`);
  }
  return pack;
}

/**
 * A whole-node lab. Its LabPack's `manifest` is the role-lab shape the rest of grading reads (role
 * 'node', the export, points, limits, rules); `nodeManifest` keeps what was written.
 */
function readNodePack(data: unknown, dir: string, where: string): LabPack {
  const validate = nodeManifestSchema();
  if (!validate(data)) throw new LabError(`${where}: ${schemaErrors(validate.errors)}`);
  const m: NodeLabManifest = { ...data, provider: data.provider ?? (data.chapter !== undefined ? 'chapter' : 'node-tests'), export: data.export ?? 'Node' };
  const view: LabManifest = {
    id: m.id,
    title: m.title,
    kind: 'node',
    role: 'node',
    export: m.export,
    points: m.points,
    limits: m.limits,
    ...(m.safety ? { safety: m.safety } : {}),
    files: { instructions: m.files.instructions, starter: m.files.starter, reference: m.files.reference, mutants: m.files.mutants, scenarios: m.files.scenarios ?? 'scenarios', traces: m.files.traces ?? 'traces' },
    rules: m.rules,
  };
  const pack = new LabPack(view, dir, m);
  for (const key of ['instructions', 'starter'] as const) {
    if (!existsSync(pack.file(m.files[key]))) throw new LabError(`${where}: files.${key}: ${m.files[key]} does not exist`);
  }
  return pack;
}

/** Every folder under labs/ with a manifest.json, sorted by folder name. */
async function packDirs(): Promise<string[]> {
  const root = labsDir();
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, 'manifest.json')))
    .map((e) => path.join(root, e.name))
    .sort();
}

export async function listLabs(): Promise<LabSummary[]> {
  return Promise.all(
    (await packDirs()).map(async (dir): Promise<LabSummary> => {
      try {
        const p = await readPack(dir);
        return { id: p.id, title: p.manifest.title, role: p.manifest.role, points: p.manifest.points, dir: p.dir };
      } catch (e) {
        return { id: path.basename(dir), title: '', role: '', points: 0, dir, error: (e as Error).message };
      }
    }),
  );
}

export async function loadLab(id: string): Promise<LabPack> {
  for (const dir of await packDirs()) {
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => '{}')) as { id?: unknown };
    if (manifest.id === id) return readPack(dir);
  }
  throw new LabError(`no lab with id '${id}' (see \`paxlab lab list\`)`);
}
