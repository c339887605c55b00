/**
 * Reading values out of the student realm, by harness code only. Whatever student code returns,
 * throws or keeps is walked with the harness's own `Object`/`Reflect` functions (captured here, in a
 * realm student code cannot reach): own data properties only, so no getter, Proxy trap, `toJSON` or
 * `toString` of theirs ever runs while the harness reads. Sizes, depth and cycles are capped, so a
 * huge or cyclic value becomes a short description, never a huge report.
 */
import { types } from 'node:util';

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
const objectKeys = Object.keys;
const isArray = Array.isArray;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const functionToString = Function.prototype.toString;
const { isProxy, isMap, isSet, isDate, isPromise, isRegExp, isWeakMap, isWeakSet, isBoxedPrimitive, isNativeError, isGeneratorObject, isAnyArrayBuffer, isArrayBufferView } = types;

export type OwnData = { ok: true; value: unknown } | { ok: false; why: 'missing' | 'accessor' | 'proxy' };

/** An own data property of `o`, read without running any code of its owner's. */
export function ownData(o: object, key: PropertyKey): OwnData {
  if (isProxy(o)) return { ok: false, why: 'proxy' };
  const d = getOwnPropertyDescriptor(o, key);
  if (!d) return { ok: false, why: 'missing' };
  if (!('value' in d)) return { ok: false, why: 'accessor' };
  return { ok: true, value: d.value };
}

/** A data property found on `o` or its prototype chain (a method, `name`, `message`); never a getter. */
export function inheritedData(o: object, key: PropertyKey): OwnData {
  let at: object | null = o;
  for (let hops = 0; at !== null && hops < 64; hops++) {
    if (isProxy(at)) return { ok: false, why: 'proxy' };
    const d = getOwnPropertyDescriptor(at, key);
    if (d) return 'value' in d ? { ok: true, value: d.value } : { ok: false, why: 'accessor' };
    at = getPrototypeOf(at) as object | null;
  }
  return { ok: false, why: 'missing' };
}

/** Own enumerable string keys (Object.keys does not run code on an ordinary object). */
export function ownKeys(o: object): string[] {
  return isProxy(o) ? [] : objectKeys(o);
}

export function prototypeOf(o: object): object | null {
  return isProxy(o) ? null : (getPrototypeOf(o) as object | null);
}

/** The class name of an object, for messages ('a Foo'), read from data properties only. */
export function className(o: object): string | null {
  const proto = prototypeOf(o);
  if (!proto) return null;
  const ctor = ownData(proto, 'constructor');
  if (!ctor.ok || typeof ctor.value !== 'function') return null;
  const name = ownData(ctor.value, 'name');
  return name.ok && typeof name.value === 'string' && name.value ? name.value : null;
}

/** What kind of thing `v` is, in words ('a Map', 'a Proxy', 'a function', 'an object'). */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'function':
      return isProxy(v) ? 'a Proxy' : 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return 'a bigint';
    case 'number':
      return Number.isFinite(v) ? 'a number' : String(v);
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
  }
  const o = v as object;
  if (isProxy(o)) return 'a Proxy';
  if (isArray(o)) return 'an array';
  if (isMap(o)) return 'a Map';
  if (isSet(o)) return 'a Set';
  if (isDate(o)) return 'a Date';
  if (isPromise(o)) return 'a Promise';
  if (isRegExp(o)) return 'a RegExp';
  if (isWeakMap(o)) return 'a WeakMap';
  if (isWeakSet(o)) return 'a WeakSet';
  if (isNativeError(o)) return 'an Error';
  if (isGeneratorObject(o)) return 'a generator';
  if (isBoxedPrimitive(o)) return 'a boxed primitive';
  if (isAnyArrayBuffer(o) || isArrayBufferView(o)) return 'binary data';
  const name = className(o);
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** Objects that are never JSON data, whatever their fields. */
function opaque(o: object): boolean {
  return isProxy(o) || isMap(o) || isSet(o) || isDate(o) || isPromise(o) || isRegExp(o) || isWeakMap(o) || isWeakSet(o) ||
    isBoxedPrimitive(o) || isGeneratorObject(o) || isAnyArrayBuffer(o) || isArrayBufferView(o) || typeof o === 'function';
}

export interface ReadLimits {
  /** Values (array elements, fields) in all. */
  maxItems: number;
  /** Characters in all strings and keys. */
  maxChars: number;
  maxDepth: number;
}

/** Far more than any message needs, far less than a report can hold. */
export const OUTPUT_LIMITS: ReadLimits = { maxItems: 2000, maxChars: 16 * 1024, maxDepth: 32 };

export type ReadOut = { json: unknown } | { garbage: string };

class NotJson extends Error {}

/**
 * A handler's result as JSON data: primitives, arrays and objects with own enumerable data fields
 * (a class instance counts by its own fields, as on the wire). `undefined` is "no output" (null).
 * Anything else — a getter, a Proxy, a Map, a function, a cycle, too much — is garbage, described.
 */
export function readJson(v: unknown, limits: ReadLimits = OUTPUT_LIMITS): ReadOut {
  if (v === undefined) return { json: null };
  const budget = { items: limits.maxItems, chars: limits.maxChars };
  try {
    return { json: toJson(v, '', 0, new Set(), budget, limits) };
  } catch (e) {
    if (e instanceof NotJson) return { garbage: e.message };
    if (e instanceof RangeError) return { garbage: 'a value nested too deeply' };
    throw e;
  }
}

function spend(budget: { items: number; chars: number }, items: number, chars: number): void {
  budget.items -= items;
  budget.chars -= chars;
  if (budget.items < 0 || budget.chars < 0) throw new NotJson('a value too large to be a message (more than a few KB)');
}

function toJson(v: unknown, at: string, depth: number, seen: Set<object>, budget: { items: number; chars: number }, limits: ReadLimits): unknown {
  const where = at ? ` at '${at}'` : '';
  spend(budget, 1, 0);
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    spend(budget, 0, v.length);
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new NotJson(`${v}${where} is not a JSON number`);
    return v;
  }
  if (typeof v !== 'object') throw new NotJson(`${kindOf(v)}${where} is not JSON data`);
  const o = v as object;
  if (opaque(o)) throw new NotJson(`${kindOf(o)}${where} is not a message`);
  if (seen.has(o)) throw new NotJson(`a cycle${where}`);
  if (depth >= limits.maxDepth) throw new NotJson(`a value nested too deeply${where}`);
  seen.add(o);
  try {
    if (isArray(o)) {
      const len = ownData(o, 'length');
      const n = len.ok && typeof len.value === 'number' ? len.value : 0;
      spend(budget, n, 0);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const x = ownData(o, i);
        if (!x.ok) throw new NotJson(x.why === 'accessor' ? `a getter at '${at}[${i}]'` : `a hole at '${at}[${i}]'`);
        if (x.value === undefined) throw new NotJson(`undefined at '${at}[${i}]' is not JSON data`);
        out.push(toJson(x.value, `${at}[${i}]`, depth + 1, seen, budget, limits));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    const keys = objectKeys(o);
    spend(budget, keys.length, 0);
    for (const k of keys) {
      spend(budget, 0, k.length);
      const field = at ? `${at}.${k}` : k;
      const x = ownData(o, k);
      if (!x.ok) throw new NotJson(`field '${field}' is a getter, not data`);
      if (x.value === undefined) throw new NotJson(`field '${field}' is undefined`);
      // Defined, never assigned: a key named __proto__ stays a plain field.
      Object.defineProperty(out, k, { value: toJson(x.value, field, depth + 1, seen, budget, limits), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    seen.delete(o);
  }
}

/** Whether two JSON values (as readJson gives them) are equal, key order included. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isArray(a) !== isArray(b)) return false;
  const ka = objectKeys(a);
  const kb = objectKeys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[ka[i]], (b as Record<string, unknown>)[kb[i]])) return false;
  }
  return true;
}

const SNAP_DEPTH = 6;
const SNAP_ITEMS = 64;
const SNAP_CHARS = 200;

/**
 * A readable picture of a student's object for a verdict: enumerable own data fields, Maps as objects
 * (or entry lists when keys are not primitive), Sets as arrays; getters and Proxies named, not run;
 * functions left out; depth, size and string length capped.
 */
export function readState(v: unknown, depth = 0, seen = new Set<object>()): unknown {
  if (v === null || v === undefined || typeof v === 'boolean') return v ?? null;
  if (typeof v === 'string') return v.length > SNAP_CHARS ? `${v.slice(0, SNAP_CHARS)}… (${v.length} characters)` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return undefined;
  const o = v as object;
  if (isProxy(o)) return '[Proxy]';
  if (typeof o === 'function') return undefined;
  if (seen.has(o)) return '[Circular]';
  if (depth >= SNAP_DEPTH) return `[${kindOf(o)}]`;
  seen.add(o);
  try {
    if (isMap(o)) {
      const entries: Array<[unknown, unknown]> = [];
      const it = Reflect.apply(mapEntries, o, []) as Iterator<[unknown, unknown]>;
      for (let r = it.next(); !r.done && entries.length < SNAP_ITEMS; r = it.next()) entries.push(r.value);
      if (entries.every(([k]) => typeof k === 'number' || (typeof k === 'string' && k.length <= SNAP_CHARS))) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of entries) Object.defineProperty(out, String(k), { value: readState(x, depth + 1, seen), enumerable: true, writable: true, configurable: true });
        return out;
      }
      return entries.map(([k, x]) => [readState(k, depth + 1, seen), readState(x, depth + 1, seen)]);
    }
    if (isSet(o)) {
      const items: unknown[] = [];
      const it = Reflect.apply(setValues, o, []) as Iterator<unknown>;
      for (let r = it.next(); !r.done && items.length < SNAP_ITEMS; r = it.next()) items.push(readState(r.value, depth + 1, seen));
      return items;
    }
    if (isArray(o)) {
      const len = ownData(o, 'length');
      const n = Math.min(len.ok && typeof len.value === 'number' ? len.value : 0, SNAP_ITEMS);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const x = ownData(o, i);
        out.push(x.ok ? (readState(x.value, depth + 1, seen) ?? null) : x.why === 'accessor' ? '[getter]' : null);
      }
      return out;
    }
    if (opaque(o)) return `[${kindOf(o)}]`;
    const out: Record<string, unknown> = {};
    for (const k of objectKeys(o).slice(0, SNAP_ITEMS)) {
      const x = ownData(o, k);
      const s = x.ok ? readState(x.value, depth + 1, seen) : '[getter]';
      const name = k.length > SNAP_CHARS ? `${k.slice(0, SNAP_CHARS)}… (${k.length} characters)` : k;
      if (s !== undefined) Object.defineProperty(out, name, { value: s, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    seen.delete(o);
  }
}

export { mapEntries, setValues };

export interface ThrownValue {
  name: string;
  message: string;
  stack?: string;
}

const MESSAGE_CAP = 2000;
const STACK_CAP = 8000;
const cap = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (cut)` : s);

/**
 * What student code threw, as data: name, message and stack strings read from data properties.
 * A thrown Proxy, getter or non-string field is described, never run. Call it while the call is
 * still metered: formatting a stack runs V8's formatter, which the realm cannot hook (its
 * Error.prepareStackTrace is locked) but which costs time.
 */
export function readThrown(e: unknown): ThrownValue {
  if (e === null || typeof e !== 'object') {
    if (typeof e === 'function') return { name: 'thrown value', message: isProxy(e) ? 'a Proxy' : 'a function' };
    // String() of a primitive runs no code of the student's (not even for a symbol).
    const text = String(e);
    return { name: 'thrown value', message: cap(text, MESSAGE_CAP) };
  }
  if (isProxy(e)) return { name: 'thrown value', message: 'a Proxy' };
  const str = (r: OwnData) => (r.ok && typeof r.value === 'string' ? r.value : undefined);
  const name = str(inheritedData(e, 'name'));
  const message = str(inheritedData(e, 'message'));
  // V8 formats a stack when it is first read, reading name and message the ordinary way: a getter
  // of the student's may run (and throw) here. It runs metered; a throw only loses the stack.
  let stack: string | undefined;
  try {
    stack = str(ownData(e, 'stack'));
  } catch {
    stack = undefined;
  }
  if (name === undefined && message === undefined) {
    return { name: 'thrown value', message: `${kindOf(e)}${ownKeys(e).length ? ` with fields ${ownKeys(e).slice(0, 8).join(', ')}` : ''}` };
  }
  return { name: cap(name ?? 'Error', 200), message: cap(message ?? '', MESSAGE_CAP), ...(stack !== undefined ? { stack: cap(stack, STACK_CAP) } : {}) };
}

/** A realm function's source text (for the search's check of `#private` members). */
export function functionSource(fn: unknown): string {
  if (typeof fn !== 'function' || isProxy(fn)) return '';
  try {
    return Reflect.apply(functionToString, fn, []) as string;
  } catch {
    return '';
  }
}
