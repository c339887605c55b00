/**
 * Generic cloning and canonical keys for students' role objects. The search keeps one frozen copy of
 * every distinct role state and runs handlers on clones of it, so a role's whole state must live in
 * plain data reachable from its own fields: primitives, arrays, Maps, Sets, plain objects and
 * instances of the student's own classes (their prototypes are kept). Anything else (a function,
 * a closure, a WeakMap, a Promise) cannot be copied or compared, and the student is told which field.
 */

/** The role's state cannot be cloned or compared; `path` names the field (e.g. `promises.get(2).cb`). */
export class UncloneableStateError extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`keep your state cloneable: field ${path} holds ${what}`);
  }
}

const OPAQUE = [WeakMap, WeakSet, Promise, WeakRef] as const;

function describe(v: unknown): string | null {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'bigint') return null;
  if (v !== null && typeof v === 'object') {
    for (const c of OPAQUE) if (v instanceof c) return `a ${c.name}`;
  }
  return null;
}

/** A deep copy that keeps prototypes, Map and Set order, and refuses what it cannot copy faithfully. */
export function cloneState<T>(value: T, path = 'this'): T {
  return copy(value, path, new Map()) as T;
}

function copy(v: unknown, path: string, seen: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') {
    const bad = describe(v);
    if (bad) throw new UncloneableStateError(path, bad);
    return v;
  }
  const done = seen.get(v);
  if (done !== undefined) return done;
  const bad = describe(v);
  if (bad) throw new UncloneableStateError(path, bad);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (let i = 0; i < v.length; i++) out.push(copy(v[i], `${path}[${i}]`, seen));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    seen.set(v, out);
    for (const [k, x] of v) out.set(copy(k, `${path} key`, seen), copy(x, `${path}.get(${String(k)})`, seen));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    seen.set(v, out);
    for (const x of v) out.add(copy(x, `${path} element`, seen));
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  const out = Object.create(Object.getPrototypeOf(v)) as Record<string, unknown>;
  seen.set(v, out);
  for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k], `${path}.${k}`, seen);
  return out;
}

/**
 * A canonical string for a state: equal for states that behave alike as far as we can tell from
 * their data. Map entries and Set elements are sorted, object keys too, so the order in which
 * promises arrived does not split one state into many.
 */
export function stateKey(value: unknown, path = 'this'): string {
  return key(value, path, 0);
}

function key(v: unknown, path: string, depth: number): string {
  if (depth > 64) throw new UncloneableStateError(path, 'a structure nested too deeply (a cycle?)');
  switch (typeof v) {
    case 'undefined':
      return 'u';
    case 'boolean':
      return v ? 't' : 'f';
    case 'number':
      return Object.is(v, -0) ? '0' : String(v);
    case 'string':
      return JSON.stringify(v);
    case 'bigint':
      return `${v}n`;
    case 'function':
    case 'symbol':
      throw new UncloneableStateError(path, describe(v) ?? typeof v);
  }
  if (v === null) return 'n';
  const bad = describe(v);
  if (bad) throw new UncloneableStateError(path, bad);
  if (Array.isArray(v)) return `[${v.map((x, i) => key(x, `${path}[${i}]`, depth + 1)).join(',')}]`;
  if (v instanceof Map) {
    const entries = [...v].map(([k, x]) => `${key(k, `${path} key`, depth + 1)}:${key(x, `${path}.get(${String(k)})`, depth + 1)}`);
    return `M{${entries.sort().join(',')}}`;
  }
  if (v instanceof Set) return `S{${[...v].map((x) => key(x, `${path} element`, depth + 1)).sort().join(',')}}`;
  if (v instanceof Date) return `D${v.getTime()}`;
  const o = v as Record<string, unknown>;
  const fields = Object.keys(o)
    .sort()
    .map((k) => `${k}=${key(o[k], `${path}.${k}`, depth + 1)}`);
  const proto = Object.getPrototypeOf(o);
  const tag = proto === Object.prototype || proto === null ? '' : (proto.constructor?.name ?? '?');
  return `${tag}{${fields.join(',')}}`;
}

/**
 * The private `#members` a class (or a class it extends) declares. They cannot be read or copied from
 * outside the class (a copy fails the class's brand check), so such a role cannot be searched. Found in the class
 * source; TypeScript's `private` keyword is a compile-time check only and is fine.
 */
export function privateFields(cls: unknown): string[] {
  const found = new Set<string>();
  for (let c = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const src = Function.prototype.toString.call(c);
    for (const m of src.matchAll(/(?:this\.|^\s*(?:static\s+)?)(#[A-Za-z_$][\w$]*)/gm)) found.add(m[1]);
  }
  return [...found];
}
