/**
 * A pinned execution: a script that says, step by step, what happens in a run — which held message
 * is delivered, lost or duplicated, which timer fires, who crashes or restarts, when each client
 * invokes its next operation or gives up waiting — and nothing else happens. The same script drives
 * the simulator and a real cluster (docs/chapters.md, "Pinned executions"). This module is the
 * format: types and validation with errors that name the step and the field.
 */
import type { NodeId } from '@paxlab/sdk';
import { type ModelName, type Op, opProblem } from '../history/index.js';

export const PINNED_FORMAT = 'paxlab-pinned/1';

/** A node (`1`, `"S1"`) or a client (`"c1"`). */
export type Who = number | string;

/**
 * Which held message copies a step means: every field given must match — sender, addressee, the
 * message's `kind`, and each field of `msg` (equal as JSON); `copy` picks a duplicate.
 */
export interface MessagePattern {
  from?: Who;
  to?: Who;
  kind?: string;
  msg?: Record<string, unknown>;
  copy?: number;
}

interface StepBase {
  /** A name narration and tests can point at; unique in the script. */
  label?: string;
  /** What the step stands for, for a human. */
  note?: string;
}

/** For message steps: act on every matching copy, or only the first (in send order). */
interface Many {
  all?: boolean;
  /** No matching copy is not an error: the step does nothing (another protocol may not send it). */
  optional?: boolean;
}

export type ScriptStep = StepBase &
  (
    | ({ do: 'deliver' } & MessagePattern & Many)
    | ({ do: 'drop' } & MessagePattern & Many)
    | ({ do: 'duplicate' } & MessagePattern & { optional?: boolean })
    | { do: 'settle'; except?: MessagePattern[]; max?: number }
    | { do: 'fire'; node: Who; timer: string; optional?: boolean }
    | { do: 'invoke'; client: string }
    | { do: 'timeout'; client: string }
    | { do: 'crash'; node: Who }
    | { do: 'restart'; node: Who }
    | { do: 'partition'; groups: Who[][] }
    | { do: 'heal' }
    | { do: 'cut'; a: Who; b: Who }
    | { do: 'restore'; a: Who; b: Who }
  );

export type StepKind = ScriptStep['do'];
export const STEP_KINDS: readonly StepKind[] = ['deliver', 'drop', 'duplicate', 'settle', 'fire', 'invoke', 'timeout', 'crash', 'restart', 'partition', 'heal', 'cut', 'restore'];

export interface PinnedScript {
  format: typeof PINNED_FORMAT;
  name: string;
  title: string;
  /** Nodes 1..n, named S1..Sn in steps. */
  nodes: number;
  /** The model the clients' history is judged by; by default the one their operations belong to. */
  model?: ModelName;
  /** Each client's operations, in order (clients c1, c2, … in order). */
  clients?: Record<string, Op[]>;
  steps: ScriptStep[];
}

export class PinnedScriptError extends Error {
  override name = 'PinnedScriptError';
}

/** `S2`, `2` → 2; `c1` → 'c1'; anything else → null. */
export function participant(w: unknown): NodeId | string | null {
  if (typeof w === 'number') return Number.isInteger(w) && w >= 1 ? w : null;
  if (typeof w !== 'string') return null;
  const s = /^S([1-9][0-9]*)$/.exec(w);
  if (s) return Number(s[1]);
  return /^c[1-9][0-9]*$/.test(w) ? w : null;
}

/** A participant as scripts and errors name it: S1, c1. */
export function participantName(p: NodeId | string): string {
  return typeof p === 'number' ? `S${p}` : p;
}

const MESSAGE_KEYS = ['from', 'to', 'kind', 'msg', 'copy'];
const STEP_KEYS: Record<StepKind, string[]> = {
  deliver: [...MESSAGE_KEYS, 'all', 'optional'],
  drop: [...MESSAGE_KEYS, 'all', 'optional'],
  duplicate: [...MESSAGE_KEYS, 'optional'],
  settle: ['except', 'max'],
  fire: ['node', 'timer', 'optional'],
  invoke: ['client'],
  timeout: ['client'],
  crash: ['node'],
  restart: ['node'],
  partition: ['groups'],
  heal: [],
  cut: ['a', 'b'],
  restore: ['a', 'b'],
};

/** Check a script that came from JSON; throws PinnedScriptError naming the step and field. */
export function validatePinnedScript(input: unknown, where = 'pinned script'): PinnedScript {
  const fail = (why: string): never => {
    throw new PinnedScriptError(`${where}: ${why}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('not a JSON object');
  const s = input as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!['$schema', 'format', 'name', 'title', 'nodes', 'model', 'clients', 'steps'].includes(k)) fail(`unknown field '${k}'`);
  if (s.format !== PINNED_FORMAT) fail(`format must be "${PINNED_FORMAT}", got ${JSON.stringify(s.format)}`);
  if (typeof s.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(s.name)) fail(`name must be lowercase letters, digits and dashes, got ${JSON.stringify(s.name)}`);
  if (typeof s.title !== 'string' || s.title.length === 0) fail('title must be a non-empty string');
  if (typeof s.nodes !== 'number' || !Number.isInteger(s.nodes) || s.nodes < 1 || s.nodes > 15) fail(`nodes must be an integer in 1..15, got ${JSON.stringify(s.nodes)}`);
  const n = s.nodes as number;
  if (s.model !== undefined && s.model !== 'kv' && s.model !== 'lock' && s.model !== 'log') fail(`model must be kv, lock or log, got ${JSON.stringify(s.model)}`);
  const clientIds: string[] = [];
  if (s.clients !== undefined) {
    if (typeof s.clients !== 'object' || s.clients === null || Array.isArray(s.clients)) fail('clients must map client ids (c1, c2, …) to lists of operations');
    Object.entries(s.clients as Record<string, unknown>).forEach(([id, ops], i) => {
      if (id !== `c${i + 1}`) fail(`clients must be named c1, c2, … in order, got ${Object.keys(s.clients as object).join(', ')}`);
      if (!Array.isArray(ops)) fail(`clients.${id} must be a list of operations`);
      (ops as unknown[]).forEach((op, j) => {
        const bad = opProblem(op);
        if (bad) fail(`clients.${id}[${j}]: ${bad}`);
        if ((op as Op).f === 'exec' && /\s/.test((op as { value: string }).value)) fail(`clients.${id}[${j}]: a log command has no spaces`);
      });
      clientIds.push(id);
    });
  }
  if (!Array.isArray(s.steps) || s.steps.length === 0) fail('steps must be a non-empty list');
  const labels = new Set<string>();
  (s.steps as unknown[]).forEach((raw, i) => {
    const at = `step ${i + 1}`;
    const bad = (why: string): never => fail(`${at}: ${why}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('not an object');
    const st = raw as Record<string, unknown>;
    const kind = st.do as StepKind;
    if (!STEP_KINDS.includes(kind)) bad(`'do' must be one of ${STEP_KINDS.join(', ')}, got ${JSON.stringify(st.do)}`);
    for (const k of Object.keys(st)) if (k !== 'do' && k !== 'label' && k !== 'note' && !STEP_KEYS[kind].includes(k)) bad(`${kind} has no field '${k}' (fields: ${STEP_KEYS[kind].join(', ') || 'none'})`);
    if (st.label !== undefined) {
      if (typeof st.label !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(st.label)) bad(`label must be lowercase letters, digits and dashes, got ${JSON.stringify(st.label)}`);
      if (labels.has(st.label as string)) bad(`label '${String(st.label)}' is used twice`);
      labels.add(st.label as string);
    }
    if (st.note !== undefined && typeof st.note !== 'string') bad('note must be a string');
    const node = (key: string): void => {
      const p = participant(st[key]);
      if (typeof p !== 'number' || p > n) bad(`${key} must be a node S1..S${n}, got ${JSON.stringify(st[key])}`);
    };
    const client = (key: string): void => {
      if (typeof st[key] !== 'string' || !clientIds.includes(st[key] as string)) bad(`${key} must be a client of the script (${clientIds.join(', ') || 'none'}), got ${JSON.stringify(st[key])}`);
    };
    const bool = (key: string): void => {
      if (st[key] !== undefined && typeof st[key] !== 'boolean') bad(`${key} must be true or false`);
    };
    const pattern = (p: Record<string, unknown>, what: string): void => {
      for (const key of ['from', 'to'] as const) {
        if (p[key] === undefined) continue;
        const who = participant(p[key]);
        if (who === null || (typeof who === 'number' && who > n) || (typeof who === 'string' && !clientIds.includes(who))) {
          bad(`${what}${key} must be a node S1..S${n} or a client of the script, got ${JSON.stringify(p[key])}`);
        }
      }
      if (p.kind !== undefined && (typeof p.kind !== 'string' || p.kind.length === 0)) bad(`${what}kind must be a message kind`);
      if (p.msg !== undefined && (typeof p.msg !== 'object' || p.msg === null || Array.isArray(p.msg))) bad(`${what}msg must be an object of message fields`);
      if (p.copy !== undefined && (typeof p.copy !== 'number' || !Number.isInteger(p.copy) || p.copy < 0)) bad(`${what}copy must be an integer >= 0`);
    };
    switch (kind) {
      case 'deliver':
      case 'drop':
      case 'duplicate':
        pattern(st, '');
        bool('all');
        bool('optional');
        break;
      case 'settle':
        if (st.except !== undefined) {
          if (!Array.isArray(st.except)) bad('except must be a list of message patterns');
          (st.except as unknown[]).forEach((p, j) => {
            if (typeof p !== 'object' || p === null || Array.isArray(p)) bad(`except[${j}] must be a message pattern`);
            for (const k of Object.keys(p as object)) if (!MESSAGE_KEYS.includes(k)) bad(`except[${j}] has no field '${k}'`);
            pattern(p as Record<string, unknown>, `except[${j}].`);
          });
        }
        if (st.max !== undefined && (typeof st.max !== 'number' || !Number.isInteger(st.max) || st.max < 1)) bad('max must be a positive integer');
        break;
      case 'fire':
        node('node');
        if (typeof st.timer !== 'string' || st.timer.length === 0) bad('timer must be a timer name');
        bool('optional');
        break;
      case 'invoke':
      case 'timeout':
        client('client');
        break;
      case 'crash':
      case 'restart':
        node('node');
        break;
      case 'partition': {
        if (!Array.isArray(st.groups) || st.groups.length === 0 || !st.groups.every((g) => Array.isArray(g) && g.length > 0)) bad('groups must be a non-empty list of non-empty node lists');
        const seen = new Set<number>();
        for (const g of st.groups as unknown[][]) {
          for (const w of g) {
            const p = participant(w);
            if (typeof p !== 'number' || p > n) bad(`groups: ${JSON.stringify(w)} is not a node S1..S${n}`);
            if (seen.has(p as number)) bad(`groups: S${String(p)} is in two groups`);
            seen.add(p as number);
          }
        }
        break;
      }
      case 'cut':
      case 'restore':
        node('a');
        node('b');
        if (participant(st.a) === participant(st.b)) bad('a link joins two different nodes');
        break;
      case 'heal':
        break;
    }
  });
  return s as unknown as PinnedScript;
}

/** The step a label or a 1-based index names, as a 0-based index; -1 when there is none. */
export function stepIndex(script: PinnedScript, ref: string | number): number {
  if (typeof ref === 'number') return Number.isInteger(ref) && ref >= 1 && ref <= script.steps.length ? ref - 1 : -1;
  return script.steps.findIndex((s) => s.label === ref);
}
