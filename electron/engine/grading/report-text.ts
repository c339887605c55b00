/**
 * The human-readable grade report for a terminal (colour only when asked, i.e. on a TTY). Every
 * string that came from student code is cleaned of control characters first (clean-text.ts).
 */
import { formatDiagnostic } from '../build/diagnostics.js';
import { cleanText as c } from './clean-text.js';
import type { GradeReport } from './grade.js';
import { redactHidden } from './report-redact.js';
import type { TestResult } from './verdict.js';

type Paint = (s: string) => string;
interface Palette {
  red: Paint;
  green: Paint;
  dim: Paint;
  bold: Paint;
  yellow: Paint;
}

function palette(color: boolean): Palette {
  const wrap = (code: number, reset: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[${reset}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

const json = (v: unknown) => (v === undefined ? 'undefined' : c(JSON.stringify(v) ?? String(v)));
const indent = (text: string, pad: string) => text.split('\n').map((l) => pad + l).join('\n');

function callText(call: string | undefined, input: unknown): string {
  if (!call) return '';
  if (call.startsWith('new ')) return c(call);
  return `${c(call)}(${input === undefined ? '' : json(input)})`;
}

export function formatTestFailure(t: TestResult, p: Palette = palette(false)): string[] {
  const f = t.failure;
  if (!f) return [];
  const lines: string[] = [];
  lines.push(`${p.bold('rule')} ${f.rule.id}: ${f.rule.text}`);
  if (f.testing) lines.push(`${p.dim('while testing')} ${f.testing.id}: ${f.testing.text}`);
  if (f.step !== undefined) lines.push(`${p.bold(`step ${f.step}`)}: ${callText(f.call, f.input)}${f.note ? p.dim(`   (${c(f.note)})`) : ''}`);
  lines.push(p.red(c(f.message)));
  if (f.expected !== undefined || f.actual !== undefined) {
    lines.push(`expected: ${json(f.expected)}`);
    if (f.actual !== undefined) lines.push(`actual:   ${json(f.actual)}`);
  }
  if (f.inputsSoFar.length) {
    lines.push('inputs so far:');
    for (const s of f.inputsSoFar) lines.push(`  ${s.step}. ${callText(s.call, s.input)} → ${json(s.output)}`);
  }
  if (f.stateBefore !== undefined) lines.push(`your state before: ${json(f.stateBefore)}`);
  if (f.state !== undefined) lines.push(`your state after:  ${json(f.state)}`);
  if (f.stack) lines.push('stack:', indent(c(f.stack.split('\n').slice(1).join('\n') || f.stack), '  '));
  if (f.output) lines.push('your code printed:', indent(c(f.output.trimEnd()), '  '));
  if (f.checker) lines.push(`${p.bold('checker')} ${f.checker}${f.seed !== undefined ? `   ${p.dim(`(reproduce with --seed ${f.seed})`)}` : ''}`);
  if (f.diagram) lines.push('trace:', indent(c(f.diagram.trimEnd()), '  '));
  return lines;
}

/**
 * `forStudents`: hidden tests show their rule only (report-redact.ts). The instructor's run (the
 * default: only an instructor runs hidden tests from the command line) shows everything.
 */
export function formatReportText(report: GradeReport, opts: { color?: boolean; forStudents?: boolean } = {}): string {
  const p = palette(opts.color ?? false);
  const r = opts.forStudents ? redactHidden(report) : report;
  const out: string[] = [`${p.bold(`${r.lab.id}`)} — ${r.lab.title}   ${p.dim(c(r.module))}`];
  for (const d of r.diagnostics) out.push(`  ${d.severity === 'error' ? p.red(c(formatDiagnostic(d))) : p.yellow(c(formatDiagnostic(d)))}`);
  if (r.confinement && !r.confinement.confined) out.push(p.yellow(`warning: ${r.confinement.summary}`));
  if (r.status === 'build-error') {
    out.push(p.red('The module does not build; no test ran.'));
  } else if (r.status === 'load-error') {
    out.push(p.red(`The module does not load: ${c(r.loadError?.message ?? '')}`));
    if (r.loadError?.stack) out.push(indent(c(r.loadError.stack), '  '));
    if (r.loadError?.output) out.push('your code printed:', indent(c(r.loadError.output.trimEnd()), '  '));
  }
  if (r.safety) {
    // A broken safety property leads: it matters more than any other failure.
    const cap = r.safety.capped ? `; the score is capped at ${r.safety.maxScore}/${r.maxScore}` : '';
    out.push(p.red(p.bold(`SAFETY BROKEN: ${r.safety.checkers.join(', ')} (${r.safety.tests.join(', ')})${cap}`)));
  }
  for (const t of r.tests) {
    const mark = t.passed ? p.green('✓') : p.red('✗');
    const pts = p.dim(`${t.points}/${t.maxPoints}`);
    out.push(`${mark} ${t.id}  ${p.dim(t.title)}  ${pts}`);
    if (!t.passed) out.push(...formatTestFailure(t, p).map((l) => indent(l, '    ')));
    for (const n of t.notes) out.push(`    ${p.yellow('note:')} ${c(n)}`);
  }
  const summary = `${r.counts.passed} passed, ${r.counts.failed} failed of ${r.counts.total}` + (r.hidden ? ' (public and hidden)' : ' (public)');
  const capped = r.safety?.capped ? p.red(` (capped: safety broken)`) : '';
  out.push(`${p.bold('Score')} ${r.score}/${r.maxScore}${capped}   ${r.passed ? p.green(summary) : p.red(summary)}   ${p.dim(`${r.durationMs} ms`)}`);
  return out.join('\n') + '\n';
}
