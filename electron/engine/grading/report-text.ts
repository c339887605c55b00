/** The human-readable grade report for a terminal (colour only when asked, i.e. on a TTY). */
import { formatDiagnostic } from '../build/diagnostics.js';
import type { GradeReport } from './grade.js';
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

const json = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v));
const indent = (text: string, pad: string) => text.split('\n').map((l) => pad + l).join('\n');

function callText(call: string | undefined, input: unknown): string {
  if (!call) return '';
  if (call.startsWith('new ')) return call;
  return `${call}(${input === undefined ? '' : json(input)})`;
}

export function formatTestFailure(t: TestResult, p: Palette = palette(false)): string[] {
  const f = t.failure;
  if (!f) return [];
  const lines: string[] = [];
  lines.push(`${p.bold('rule')} ${f.rule.id}: ${f.rule.text}`);
  if (f.testing) lines.push(`${p.dim('while testing')} ${f.testing.id}: ${f.testing.text}`);
  if (f.step !== undefined) lines.push(`${p.bold(`step ${f.step}`)}: ${callText(f.call, f.input)}${f.note ? p.dim(`   (${f.note})`) : ''}`);
  lines.push(p.red(f.message));
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
  if (f.stack) lines.push('stack:', indent(f.stack.split('\n').slice(1).join('\n') || f.stack, '  '));
  if (f.output) lines.push('your code printed:', indent(f.output.trimEnd(), '  '));
  if (f.checker) lines.push(`${p.bold('checker')} ${f.checker}${f.seed !== undefined ? `   ${p.dim(`(reproduce with --seed ${f.seed})`)}` : ''}`);
  if (f.diagram) lines.push('trace:', indent(f.diagram.trimEnd(), '  '));
  return lines;
}

export function formatReportText(r: GradeReport, opts: { color?: boolean } = {}): string {
  const p = palette(opts.color ?? false);
  const out: string[] = [`${p.bold(`${r.lab.id}`)} — ${r.lab.title}   ${p.dim(r.module)}`];
  for (const d of r.diagnostics) out.push(`  ${d.severity === 'error' ? p.red(formatDiagnostic(d)) : p.yellow(formatDiagnostic(d))}`);
  if (r.status === 'build-error') {
    out.push(p.red('The module does not build; no test ran.'));
  } else if (r.status === 'load-error') {
    out.push(p.red(`The module does not load: ${r.loadError?.message ?? ''}`));
    if (r.loadError?.stack) out.push(indent(r.loadError.stack, '  '));
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
    for (const n of t.notes) out.push(`    ${p.yellow('note:')} ${n}`);
  }
  const summary = `${r.counts.passed} passed, ${r.counts.failed} failed of ${r.counts.total}` + (r.hidden ? ' (public and hidden)' : ' (public)');
  const capped = r.safety?.capped ? p.red(` (capped: safety broken)`) : '';
  out.push(`${p.bold('Score')} ${r.score}/${r.maxScore}${capped}   ${r.passed ? p.green(summary) : p.red(summary)}   ${p.dim(`${r.durationMs} ms`)}`);
  return out.join('\n') + '\n';
}
