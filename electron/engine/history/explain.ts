/** Verdicts as text, for the CLI and reports. */
import type { Operation } from './history.js';
import type { ExactlyOnceResult } from './exactly-once.js';
import type { LinearizabilityResult } from './linearizability.js';
import { describeOp, describeResult } from './ops.js';

/** `c1 put(x, "3") → null (#12..#19)`. */
export function operationText(o: Operation): string {
  const outcome = o.status === 'ok' ? describeResult(o.op, o.result) : o.status === 'fail' ? 'failed' : 'unknown';
  const span = `#${o.call}..${Number.isFinite(o.ret) ? `#${o.ret}` : '?'}`;
  return `${o.client} ${describeOp(o.op)} → ${outcome} (${span})`;
}

export function linearizabilityText(r: LinearizabilityResult): string {
  const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const parts = r.model === 'log' ? '' : `, ${plural(r.partitions, 'key')}`;
  const counts = `${plural(r.operations, 'operation')} judged${parts}, ${plural(r.steps, 'search step')}`;
  if (r.verdict === 'ok') return `linearizable (${r.model} model): ${counts}\n`;
  if (r.verdict === 'unknown') return `unknown (${r.model} model): ${r.reason}\n  ${counts}\n`;
  const lines = [`NOT linearizable (${r.model} model)${r.model === 'log' ? '' : ` on key ${JSON.stringify(r.key)}`}: ${counts}`];
  if (r.views) {
    const v = (o: Operation) => `${o.client} saw ${describeResult(o.op, o.result)} (after ${describeOp(o.op)}, #${o.ret})`;
    lines.push(`  conflicting views: ${v(r.views.a)}; ${v(r.views.b)} — neither is a prefix of the other`);
  }
  lines.push(`  longest order that fits (${r.linearization.length} operations):`);
  const shown = r.linearization.length > 12 ? [...r.linearization.slice(0, 4), null, ...r.linearization.slice(-7)] : r.linearization;
  shown.forEach((o) => lines.push(o ? `    ${operationText(o)}` : `    … ${r.linearization.length - 11} more …`));
  lines.push(`  cannot follow it: ${operationText(r.stuck)}`);
  lines.push(`  because ${r.reason}`);
  return lines.join('\n') + '\n';
}

export function exactlyOnceText(r: ExactlyOnceResult): string {
  if (r.keys.length === 0) return '';
  if (r.ok && !r.incomplete) return `appends exactly once: ${r.keys.length} ${r.keys.length === 1 ? 'key' : 'keys'}, every acknowledged append once, in each client's order\n`;
  const lines = [r.ok ? 'appends: not judged on every key' : 'appends NOT exactly once:'];
  for (const m of r.messages) lines.push(`  ${m}`);
  for (const k of r.keys) if (k.problem) lines.push(`  ${k.problem}`);
  return lines.join('\n') + '\n';
}
