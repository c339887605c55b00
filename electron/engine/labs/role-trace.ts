import type { ScenarioNode, ScenarioScript } from './scenario-schema.js';

/**
 * A recorded role trace (docs/grading.md): JSON lines, one header, then one line per handler call
 * with the rule it tests, the input, and the reference's output. Written by `paxlab trace record`,
 * never by hand.
 */
export const ROLE_TRACE_FORMAT = 'paxlab-role-trace/1';

export interface RoleTraceHeader {
  format: typeof ROLE_TRACE_FORMAT;
  lab: string;
  name: string;
  title: string;
  set: 'public' | 'hidden';
  weight: number;
  node: ScenarioNode;
}

export interface RoleTraceStep {
  step: number;
  rule: string;
  call: string;
  input?: unknown;
  /** The reference's output; `null` means "no output". */
  expect: unknown;
  note?: string;
  /** Which rule a wrong output breaks at this step, by kind of difference (scenario-schema.ts). */
  blame?: Record<string, string>;
}

export interface RoleTrace {
  header: RoleTraceHeader;
  steps: RoleTraceStep[];
}

export function traceHeaderFor(lab: string, s: ScenarioScript): RoleTraceHeader {
  return { format: ROLE_TRACE_FORMAT, lab, name: s.name, title: s.title, set: s.set, weight: s.weight ?? 1, node: s.node };
}

/** One JSON object per line, keys in a fixed order, so committed traces diff cleanly. */
export function serializeRoleTrace(trace: RoleTrace): string {
  const lines = [JSON.stringify(trace.header)];
  for (const s of trace.steps) {
    const line: Record<string, unknown> = { step: s.step, rule: s.rule };
    if (s.blame !== undefined) line.blame = s.blame;
    line.call = s.call;
    if (s.input !== undefined) line.input = s.input;
    line.expect = s.expect;
    if (s.note !== undefined) line.note = s.note;
    lines.push(JSON.stringify(line));
  }
  return lines.join('\n') + '\n';
}

export function parseRoleTrace(text: string, source = 'trace'): RoleTrace {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((l, i) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${source}:${i + 1}: not JSON: ${(e as Error).message}`);
    }
  });
  const header = parsed[0] as unknown as RoleTraceHeader | undefined;
  if (!header || header.format !== ROLE_TRACE_FORMAT) throw new Error(`${source}:1: expected a '${ROLE_TRACE_FORMAT}' header`);
  const steps = parsed.slice(1).map((o, i) => {
    if (typeof o.rule !== 'string' || typeof o.call !== 'string' || !('expect' in o) || o.step !== i + 1) {
      throw new Error(`${source}:${i + 2}: a step needs step (${i + 1}), rule, call and expect`);
    }
    return o as unknown as RoleTraceStep;
  });
  return { header, steps };
}
