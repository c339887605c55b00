/** `paxlab lab check <lab-id>`: exit 0 when the pack is sound (every mutant caught), 1 otherwise. */
import { UsageError } from '../main.js';
import { checkLab, LabError, type LabCheckReport } from '../../engine/grading/index.js';

export function formatLabCheck(r: LabCheckReport): string {
  const out: string[] = [`lab ${r.lab}`];
  const changed = r.traces.files.filter((f) => f.status !== 'unchanged').length;
  // A lab may grade with scenarios or service tests only: no recorded traces to compare then.
  if (r.traces.files.length === 0) out.push('  traces: none recorded');
  else out.push(`  traces: ${r.traces.files.length} recorded, ${changed ? `${changed} out of date` : 'all equal to a fresh recording'}`);
  out.push(`  rules: ${r.coverage.rules}, ${r.coverage.uncovered.length ? `not exercised: ${r.coverage.uncovered.join(', ')}` : 'each exercised by a test'}`);
  out.push(`  reference: ${r.reference.passed ? 'passes every test' : `FAILS: ${r.reference.failed.join('; ')}`}`);
  out.push(`  starter: ${r.starter.builds ? `builds, fails ${r.starter.failed}/${r.starter.total} tests (rules: ${r.starter.reasons.join(', ')})` : 'DOES NOT BUILD'}`);
  out.push(`  mutants:`);
  for (const m of r.mutants) {
    const ok = m.caught && m.missed.length === 0 && m.expected.length > 0;
    out.push(`    ${ok ? '✓' : '✗'} ${m.file}: ${m.bug}`);
    if (!m.built) {
      out.push('        DOES NOT BUILD');
      continue;
    }
    if (!m.caught) out.push(`        NOT CAUGHT (${m.kinds.join(', ')} tests)`);
    const expected = m.expected.map((e) => `${e} ${m.missed.includes(e) ? '✗ not named' : '✓'}`);
    out.push(`        expects: ${expected.length ? expected.join(', ') : '(no // expect-rule: line)'}`);
    if (m.caught) {
      const byRule = new Map<string, string[]>();
      for (const c of m.caughtBy) byRule.set(c.rule, [...(byRule.get(c.rule) ?? []), c.test]);
      const named = [...byRule].map(([rule, tests]) => `${rule} (${tests[0]}${tests.length > 1 ? ` +${tests.length - 1}` : ''})`);
      out.push(`        caught by ${m.caughtBy.length} test(s): ${named.join(', ')}`);
    }
  }
  const caught = r.mutants.filter((m) => m.caught).length;
  out.push(`  kill rate: ${caught}/${r.mutants.length} = ${(r.killRate * 100).toFixed(0)}%`);
  for (const p of r.problems) out.push(`  problem: ${p}`);
  out.push(r.ok ? 'OK' : 'FAILED');
  return out.join('\n') + '\n';
}

export async function run(labId: string, opts: { json?: boolean; full?: boolean; mutant?: string[] }): Promise<number> {
  let report: LabCheckReport;
  try {
    report = await checkLab(labId, { full: opts.full, ...(opts.mutant?.length ? { mutants: opts.mutant } : {}) });
  } catch (e) {
    if (e instanceof LabError) throw new UsageError(e.message);
    throw e;
  }
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatLabCheck(report));
  return report.ok ? 0 : 1;
}
