/**
 * `paxlab search <lab-id> <module>`: builds the student's role module and runs the state-space search
 * of the lab's first search configuration (scenario-tests/search.json) with it among reference roles,
 * in the sandbox, and says whether the goal (a value chosen, a learner decides) was reached. Exit 0:
 * no violation within the bounds and the goal reached; 1: a counterexample (printed as a diagram,
 * written with --trace) or the goal unreached; 2: the module cannot be built or loaded, or bad input.
 */
import { buildStudentModule, formatDiagnostic } from '../../engine/build/index.js';
import { LabError, loadLab } from '../../engine/grading/index.js';
import { LabConfigError, loadSearchTests } from '../../engine/scenarios/lab-config.js';
import type { SearchJobResult, SearchJobPayload } from '../../engine/search/search-job.js';
import { counterexampleDiagram, goalFailureMessage, goalSummary, runSearchJob, searchSummary, searchTiming } from '../../engine/search/search-kind.js';
import { writeTrace } from '../../engine/trace/io.js';
import { UsageError } from '../main.js';

function positive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`${flag}: expected a positive number, got '${v}'`);
  return n;
}

export async function run(labId: string, modulePath: string, opts: { depth?: string; states?: string; trace?: string; json?: boolean }): Promise<number> {
  const depth = positive(opts.depth, '--depth');
  const states = positive(opts.states, '--states');
  let lab;
  let tests;
  try {
    lab = await loadLab(labId);
    tests = await loadSearchTests(lab.dir);
  } catch (e) {
    if (e instanceof LabError || e instanceof LabConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (lab.manifest.role === 'multi-paxos') throw new UsageError(`lab '${labId}' has the multi-decree search (scenario-tests/multi-search.json): run it with \`paxlab grade ${labId} <module> --only search\``);
  if (tests.length === 0) throw new UsageError(`lab '${labId}' has no search configuration (scenario-tests/search.json)`);
  const test = tests[0];
  const options = { ...test.options, ...(depth ? { maxDepth: Math.floor(depth) } : {}), ...(states ? { maxStates: Math.floor(states) } : {}) };

  const build = await buildStudentModule(modulePath, { exportName: lab.manifest.export });
  if (!build.ok) {
    process.stderr.write(`paxlab: cannot build ${modulePath}:\n${build.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}\n`);
    return 2;
  }
  const payload: SearchJobPayload = { exportName: lab.manifest.export, role: lab.manifest.role as SearchJobPayload['role'], options };
  const outcome = await runSearchJob(build.code, payload, lab.manifest.limits.callMs);
  if (!outcome.ok) {
    process.stderr.write(`paxlab: the search could not run: ${outcome.message}\n${outcome.output ? outcome.output.trimEnd() + '\n' : ''}`);
    return outcome.reason === 'load' ? 2 : 1;
  }
  const res = outcome.value as SearchJobResult;
  if (!res.ok) {
    process.stderr.write(`paxlab: ${res.message}\n`);
    return 2;
  }
  const r = res.report;
  if (r.violation && opts.trace) writeTrace(opts.trace, r.violation.trace);
  if (opts.json) {
    process.stdout.write(JSON.stringify({ lab: lab.id, module: modulePath, test: test.name, ...r }, null, 2) + '\n');
  } else {
    const out: string[] = [`search ${lab.id}: ${test.title}`, `  ${searchSummary(r)}`, `  ${searchTiming(r)}`];
    if (r.note) out.push(`  note: ${r.note}`);
    if (r.goalReached) out.push(`✓ ${goalSummary(r)}`);
    if (r.verdict === 'ok' || r.verdict === 'goal-unreached') out.push(`✓ no violation ${r.exhausted ? 'in the whole state space' : 'within the bounds'}`);
    if (r.verdict === 'goal-unreached') out.push(`✗ goal not reached: ${goalFailureMessage(r, payload.role)}`);
    else if (r.verdict === 'error') out.push(`✗ ${r.error}`);
    else if (r.violation) {
      out.push(`✗ ${r.violation.checker}: ${r.violation.message}`, `  shortest counterexample: ${r.violation.depth} steps`, '', counterexampleDiagram(r.violation.trace));
      if (opts.trace) out.push(`trace written to ${opts.trace}`);
    }
    process.stdout.write(out.join('\n') + '\n');
  }
  return r.verdict === 'ok' ? 0 : 1;
}
