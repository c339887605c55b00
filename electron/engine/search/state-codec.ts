/**
 * Generic cloning and canonical keys for role objects. The search keeps one copy of every distinct
 * role state and runs handlers on clones of it, so a role's whole state must live in plain data
 * reachable from its own fields: primitives, arrays, Maps, Sets, plain objects and instances of the
 * student's own classes (their prototypes are kept). Anything else (a function, a closure, a
 * WeakMap, a Promise, a getter, a Proxy) cannot be copied or compared, and the student is told
 * which field.
 *
 * A student's role is a guarded stand-in (realm/guarded-role.ts) around an object in the student's
 * realm. Its state is read by harness code with the harness's own built-ins (own data properties
 * only, no getter or trap ever runs) and cloned into realm objects made by the realm's own
 * constructors, so no harness intrinsic reaches student code and no patch of the realm's built-ins
 * changes a key. The reference roles are the harness's own objects and take the direct path.
 */
import { isGuardedRole, isGuardedRoleClass, type GuardedRole } from '../realm/guarded-role.js';
import { className, functionSource, kindOf, mapEntries, ownData, ownKeys, prototypeOf, setValues } from '../realm/read-out.js';
import type { StudentRealm } from '../realm/student-realm.js';
import { types } from 'node:util';

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
  if (isGuardedRole(value)) return cloneGuarded(value) as T;
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
  if (isGuardedRole(value)) return realmKey(value.inner, path, 0, guardedRealm(value), new Budget());
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
  const start = isGuardedRoleClass(cls) ? cls.studentClass : cls;
  for (let c: unknown = start, hops = 0; typeof c === 'function' && c !== Function.prototype && hops < 32; c = prototypeOf(c as object), hops++) {
    const src = functionSource(c);
    for (const m of src.matchAll(/(?:this\.|^\s*(?:static\s+)?)(#[A-Za-z_$][\w$]*)/gm)) found.add(m[1]);
  }
  return [...found];
}

// ---- the student's realm objects ------------------------------------------------------------

const realms = new WeakMap<GuardedRole, StudentRealm>();

function guardedRealm(g: GuardedRole): StudentRealm {
  let r = realms.get(g);
  if (!r) {
    const cls = (g as unknown as { constructor: { calls: { realm: StudentRealm } } }).constructor;
    r = cls.calls.realm;
    realms.set(g, r);
  }
  return r;
}

const defineProperty = Object.defineProperty;
const objectCreate = Object.create;
const setPrototypeOf = Object.setPrototypeOf;
const mapSet = Map.prototype.set;
const setAdd = Set.prototype.add;
const { isProxy, isMap, isSet, isWeakMap, isWeakSet, isPromise, isDate, isRegExp, isAnyArrayBuffer, isArrayBufferView, isBoxedPrimitive, isGeneratorObject } = types;

/** Why a realm value cannot be part of a searchable state, or null. */
function realmOpaque(v: object): string | null {
  if (isProxy(v)) return 'a Proxy';
  if (typeof v === 'function') return 'a function';
  if (isWeakMap(v) || isWeakSet(v) || isPromise(v) || isDate(v) || isRegExp(v) || isAnyArrayBuffer(v) || isArrayBufferView(v) || isBoxedPrimitive(v) || isGeneratorObject(v)) return kindOf(v);
  return null;
}

function field(o: object, k: PropertyKey, path: string): unknown {
  const d = ownData(o, k);
  if (d.ok) return d.value;
  throw new UncloneableStateError(path, d.why === 'accessor' ? 'a getter' : d.why === 'proxy' ? 'a Proxy' : 'nothing');
}

const data = (value: unknown) => ({ value, writable: true, enumerable: true, configurable: true });

/**
 * The most values one realm state may hold (array elements, fields, entries). Walking a state is
 * harness work, which no CPU limit stops: a state of four billion holes must be refused, not walked.
 */
export const MAX_STATE_VALUES = 200_000;

class Budget {
  left = MAX_STATE_VALUES;
  spend(n: number, path: string): void {
    this.left -= n;
    if (this.left < 0) throw new UncloneableStateError(path, `more than ${MAX_STATE_VALUES.toLocaleString('en-US')} values (a state too large to search)`);
  }
}

function cloneGuarded(g: GuardedRole): GuardedRole {
  const realm = guardedRealm(g);
  const inner = realmCopy(g.inner, 'this', new Map(), realm, new Budget()) as object;
  const copyRole = g.withInner(inner);
  realms.set(copyRole, realm);
  return copyRole;
}

/** A deep copy of a realm value as realm objects (arrays, Maps, Sets from the realm's constructors). */
function realmCopy(v: unknown, path: string, seen: Map<object, unknown>, realm: StudentRealm, budget: Budget): unknown {
  budget.spend(1, path);
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
    if (typeof v === 'symbol') throw new UncloneableStateError(path, 'a symbol');
    return v;
  }
  const o = v as object;
  const done = seen.get(o);
  if (done !== undefined) return done;
  const bad = realmOpaque(o);
  if (bad) throw new UncloneableStateError(path, bad);
  const proto = prototypeOf(o);
  if (Array.isArray(o)) {
    const out = realm.newArray();
    seen.set(o, out);
    const n = field(o, 'length', path) as number;
    budget.spend(n, path);
    for (let i = 0; i < n; i++) {
      const d = ownData(o, i);
      if (!d.ok && d.why !== 'missing') throw new UncloneableStateError(`${path}[${i}]`, 'a getter');
      defineProperty(out, i, data(realmCopy(d.ok ? d.value : undefined, `${path}[${i}]`, seen, realm, budget)));
    }
    if (proto !== realm.intrinsics.ArrayPrototype) setPrototypeOf(out, proto);
    return out;
  }
  if (isMap(o)) {
    const out = realm.newMap();
    seen.set(o, out);
    const it = Reflect.apply(mapEntries, o, []) as Iterator<[unknown, unknown]>;
    for (let r = it.next(); !r.done; r = it.next()) {
      const [k, x] = r.value;
      Reflect.apply(mapSet, out, [realmCopy(k, `${path} key`, seen, realm, budget), realmCopy(x, `${path}.get(${keyText(k)})`, seen, realm, budget)]);
    }
    if (proto !== realm.intrinsics.MapPrototype) setPrototypeOf(out, proto);
    return out;
  }
  if (isSet(o)) {
    const out = realm.newSet();
    seen.set(o, out);
    const it = Reflect.apply(setValues, o, []) as Iterator<unknown>;
    for (let r = it.next(); !r.done; r = it.next()) Reflect.apply(setAdd, out, [realmCopy(r.value, `${path} element`, seen, realm, budget)]);
    if (proto !== realm.intrinsics.SetPrototype) setPrototypeOf(out, proto);
    return out;
  }
  const out = objectCreate(proto) as object;
  seen.set(o, out);
  const keys = ownKeys(o);
  budget.spend(keys.length, path);
  for (const k of keys) defineProperty(out, k, data(realmCopy(field(o, k, `${path}.${k}`), `${path}.${k}`, seen, realm, budget)));
  return out;
}

/** A Map key as a path shows it (primitives only: an object key is never converted by student code). */
function keyText(k: unknown): string {
  return k === null || (typeof k !== 'object' && typeof k !== 'function') ? String(k) : `[${kindOf(k)}]`;
}

/** The canonical key of a realm value: the same shape as {@link stateKey}'s, read by harness code. */
function realmKey(v: unknown, path: string, depth: number, realm: StudentRealm, budget: Budget): string {
  if (depth > 64) throw new UncloneableStateError(path, 'a structure nested too deeply (a cycle?)');
  budget.spend(1, path);
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
    case 'symbol':
      throw new UncloneableStateError(path, 'a symbol');
  }
  if (v === null) return 'n';
  const o = v as object;
  const bad = realmOpaque(o);
  if (bad) throw new UncloneableStateError(path, bad);
  if (Array.isArray(o)) {
    const n = field(o, 'length', path) as number;
    budget.spend(n, path);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = ownData(o, i);
      if (!d.ok && d.why !== 'missing') throw new UncloneableStateError(`${path}[${i}]`, 'a getter');
      parts.push(realmKey(d.ok ? d.value : undefined, `${path}[${i}]`, depth + 1, realm, budget));
    }
    return `[${parts.join(',')}]`;
  }
  if (isMap(o)) {
    const entries: string[] = [];
    const it = Reflect.apply(mapEntries, o, []) as Iterator<[unknown, unknown]>;
    for (let r = it.next(); !r.done; r = it.next()) {
      const [k, x] = r.value;
      entries.push(`${realmKey(k, `${path} key`, depth + 1, realm, budget)}:${realmKey(x, `${path}.get(${keyText(k)})`, depth + 1, realm, budget)}`);
    }
    return `M{${entries.sort().join(',')}}`;
  }
  if (isSet(o)) {
    const items: string[] = [];
    const it = Reflect.apply(setValues, o, []) as Iterator<unknown>;
    for (let r = it.next(); !r.done; r = it.next()) items.push(realmKey(r.value, `${path} element`, depth + 1, realm, budget));
    return `S{${items.sort().join(',')}}`;
  }
  const keys = ownKeys(o);
  budget.spend(keys.length, path);
  const fields = keys.sort().map((k) => `${k}=${realmKey(field(o, k, `${path}.${k}`), `${path}.${k}`, depth + 1, realm, budget)}`);
  const proto = prototypeOf(o);
  const tag = proto === realm.intrinsics.ObjectPrototype || proto === null ? '' : (className(o) ?? '?');
  return `${tag}{${fields.join(',')}}`;
}


