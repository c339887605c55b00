/**
 * Turning whatever student code returns or holds into plain JSON for the grading process. Runs in
 * the sandbox child; pure and defensive (a getter that throws or a cycle must not break grading).
 */
import type { SerializedError } from './sandbox-protocol.js';

/** A handler's result: plain JSON, or a description of why it is not JSON. */
export type DescribedValue = { json: unknown } | { garbage: string };

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'a Map';
  if (v instanceof Set) return 'a Set';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') {
    const ctor = (v as object).constructor;
    return typeof ctor === 'function' && ctor.name ? `a ${ctor.name}` : 'an object';
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

/**
 * `undefined` becomes `null` ("no output"). Objects must hold only JSON data (a message class
 * instance is fine: only its own enumerable fields count, as on the wire).
 */
export function describeValue(v: unknown): DescribedValue {
  if (v === undefined) return { json: null };
  try {
    return { json: toJson(v, '', new Set()) };
  } catch (e) {
    return { garbage: (e as Error).message };
  }
}

function toJson(v: unknown, at: string, seen: Set<object>): unknown {
  const where = at ? ` at '${at}'` : '';
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${v}${where} is not a JSON number`);
    return v;
  }
  if (typeof v !== 'object') throw new Error(`${typeName(v)}${where} is not JSON data`);
  if (seen.has(v)) throw new Error(`a cycle${where}`);
  if (v instanceof Map || v instanceof Set || v instanceof Date || ArrayBuffer.isView(v) || v instanceof Promise) {
    throw new Error(`${typeName(v)}${where} is not a message`);
  }
  seen.add(v);
  try {
    if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${at}[${i}]`, seen));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) throw new Error(`field '${at ? `${at}.` : ''}${k}' is undefined`);
      out[k] = toJson(x, at ? `${at}.${k}` : k, seen);
    }
    return out;
  } finally {
    seen.delete(v);
  }
}

const MAX_DEPTH = 6;
const MAX_ITEMS = 64;

/**
 * A readable picture of a student's object: enumerable own fields, Maps as objects (or entry lists
 * when keys are not primitive), Sets as arrays; functions left out, depth and size capped.
 */
export function snapshotState(v: unknown, depth = 0, seen = new Set<object>()): unknown {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return v ?? null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (seen.has(v as object)) return '[Circular]';
  if (depth >= MAX_DEPTH) return `[${typeName(v)}]`;
  seen.add(v as object);
  try {
    if (v instanceof Map) {
      const entries = [...v.entries()].slice(0, MAX_ITEMS);
      if (entries.every(([k]) => typeof k === 'string' || typeof k === 'number')) {
        return Object.fromEntries(entries.map(([k, x]) => [String(k), snapshotState(x, depth + 1, seen)]));
      }
      return entries.map(([k, x]) => [snapshotState(k, depth + 1, seen), snapshotState(x, depth + 1, seen)]);
    }
    if (v instanceof Set) return [...v].slice(0, MAX_ITEMS).map((x) => snapshotState(x, depth + 1, seen));
    if (Array.isArray(v)) return v.slice(0, MAX_ITEMS).map((x) => snapshotState(x, depth + 1, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).slice(0, MAX_ITEMS)) {
      let x: unknown;
      try {
        x = (v as Record<string, unknown>)[k];
      } catch {
        x = '[unreadable]';
      }
      const s = snapshotState(x, depth + 1, seen);
      if (s !== undefined) out[k] = s;
    }
    return out;
  } finally {
    seen.delete(v as object);
  }
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  let message: string;
  try {
    message = typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  } catch {
    message = String(e);
  }
  return { name: 'thrown value', message };
}

/** The first place two JSON values differ, for "mutated its input" verdicts. */
export function firstDifference(before: unknown, after: unknown, at = ''): { path: string; before: unknown; after: unknown } | null {
  if (before === after) return null;
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of keys) {
      const d = firstDifference(before[k], after[k], at ? `${at}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  return { path: at || '(the whole value)', before, after };
}
