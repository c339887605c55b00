/**
 * `paxlab trace record`: run each scenario script against the lab's reference implementation (in
 * the sandbox, like any student) and write what it returns as the expected outputs. With `check`,
 * write nothing and report drift instead: CI fails when committed traces are not what the reference
 * produces now.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildStudentModule } from '../build/build-student.js';
import { formatDiagnostic } from '../build/diagnostics.js';
import { LabError, loadLab, type LabPack } from '../labs/lab-pack.js';
import { messageProblems } from '../labs/message-shape.js';
import { exportsOf, ownerOf } from '../labs/role-spec.js';
import { serializeRoleTrace, traceHeaderFor, type RoleTrace } from '../labs/role-trace.js';
import type { ScenarioScript } from '../labs/scenario-schema.js';
import { openSession, type Session } from './grade.js';
import type { StepOutcome } from './jobs/replay-job.js';

export type TraceFileStatus = 'unchanged' | 'written' | 'changed' | 'missing' | 'stale' | 'removed';

export interface RecordResult {
  lab: string;
  /** Paths relative to the lab folder. */
  files: Array<{ file: string; status: TraceFileStatus }>;
  /** In check mode: some committed trace differs from a fresh recording, is missing or is stale. */
  drift: boolean;
}

export async function recordLabTraces(labId: string, opts: { check?: boolean } = {}): Promise<RecordResult> {
  const lab = await loadLab(labId);
  const scenarios = await lab.scenarios();
  const fresh = await recordAll(lab, scenarios);
  const files: RecordResult['files'] = [];
  const rel = (f: string) => path.relative(lab.dir, f).split(path.sep).join('/');

  const wanted = new Set<string>();
  for (const trace of fresh) {
    const file = path.join(lab.traceDir(trace.header.set), `${trace.header.name}.jsonl`);
    wanted.add(file);
    const text = serializeRoleTrace(trace);
    const old = existsSync(file) ? await readFile(file, 'utf8') : null;
    if (old === text) files.push({ file: rel(file), status: 'unchanged' });
    else if (opts.check) files.push({ file: rel(file), status: old === null ? 'missing' : 'changed' });
    else {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      files.push({ file: rel(file), status: 'written' });
    }
  }
  for (const set of ['public', 'hidden'] as const) {
    const dir = lab.traceDir(set);
    if (!existsSync(dir)) continue;
    for (const f of (await readdir(dir)).filter((x) => x.endsWith('.jsonl'))) {
      const file = path.join(dir, f);
      if (wanted.has(file)) continue;
      if (opts.check) files.push({ file: rel(file), status: 'stale' });
      else {
        await rm(file);
        files.push({ file: rel(file), status: 'removed' });
      }
    }
  }
  files.sort((a, b) => a.file.localeCompare(b.file));
  return { lab: lab.id, files, drift: files.some((f) => ['changed', 'missing', 'stale'].includes(f.status)) };
}

/** The traces the reference produces for these scenarios (nothing written). */
export async function recordAll(lab: LabPack, scenarios: ScenarioScript[]): Promise<RoleTrace[]> {
  const build = await buildStudentModule(lab.referencePath, { exportName: exportsOf(lab.role) });
  if (!build.ok) throw new LabError(`the reference of '${lab.id}' does not build:\n${build.diagnostics.map(formatDiagnostic).join('\n')}`);
  const session = await openSession(build, lab.manifest.limits);
  try {
    const out: RoleTrace[] = [];
    for (const s of scenarios) out.push(await recordOne(lab, s, session));
    return out;
  } finally {
    await session.close();
  }
}

async function recordOne(lab: LabPack, s: ScenarioScript, session: Session): Promise<RoleTrace> {
  const payload = { exportName: ownerOf(lab.role, s.steps[0].call), node: s.node, steps: s.steps.map((st) => ({ call: st.call, input: st.input })) };
  const outcome = await session.sandbox.run({ kind: 'replay', payload });
  const reports = new Map((outcome.progress as StepOutcome[]).map((p) => [p.step, p]));
  const where = `scenario '${s.name}' of lab '${lab.id}'`;
  const steps = s.steps.map((st, i) => {
    const r = reports.get(i + 1);
    const problem = !r
      ? outcome.ok ? 'no report' : outcome.message
      : r.error ? `threw ${r.error.message}` : r.mutated ? 'mutated its input' : r.out && 'garbage' in r.out ? r.out.garbage : null;
    if (problem) throw new LabError(`${where}, step ${i + 1}: the reference ${problem}`);
    const expect = r!.out && 'json' in r!.out ? r!.out.json : null;
    const spec = lab.role.methods[st.call];
    if (spec.output !== 'void' && (expect === null ? !spec.nullable : messageProblems(expect, spec.output).length)) {
      throw new LabError(`${where}, step ${i + 1}: the reference returned ${JSON.stringify(expect)}, which is not a valid ${spec.output}`);
    }
    return { step: i + 1, rule: st.rule, blame: st.blame, call: st.call, input: st.input, expect, note: st.note };
  });
  return { header: traceHeaderFor(lab.id, s), steps };
}
