/**
 * The realm student code runs in: a fresh V8 context holding nothing but standard ECMAScript
 * built-ins and a console that only records. No `process`, `require`, timers, network, files,
 * WebAssembly, shared or off-heap memory, finalizers, clocks or randomness; no code generation from
 * strings; its microtasks never run (the harness never asks for them). The harness never hands a
 * value of its own into this realm: inputs are made by the realm's own intrinsics (captured before
 * student code runs), outputs are read out by harness code (read-out.ts).
 */
import vm from 'node:vm';
import { ownData } from './read-out.js';

/** Globals student code may use. They reach it as parameters of the function that wraps the module:
 *  a contextified global is looked up through an interceptor, some 200 times slower than a local. */
export const STUDENT_GLOBALS = [
  'Object', 'Function', 'Array', 'Number', 'parseFloat', 'parseInt', 'Boolean', 'String', 'Symbol', 'RegExp',
  'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
  'JSON', 'Math', 'Map', 'BigInt', 'Set', 'WeakMap', 'WeakSet', 'Proxy', 'Reflect', 'Promise',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape', 'isFinite', 'isNaN',
] as const;

/**
 * Removed from the realm. Off-heap or shared memory (a heap cap does not bound it), code that runs
 * outside any call (finalizers), clocks (handlers are deterministic) and ICU objects (off-heap too).
 */
export const REMOVED_GLOBALS = [
  'ArrayBuffer', 'SharedArrayBuffer', 'Atomics', 'DataView', 'WebAssembly',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array',
  'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array', 'FinalizationRegistry', 'WeakRef', 'Intl', 'Date',
] as const;

/** What student code may print per drain (the console keeps the first part and says it cut). */
export const CONSOLE_LIMIT = 64 * 1024;

/**
 * The trusted kit, evaluated in the realm before any student code: it captures the intrinsics the
 * harness uses to build values there, installs the recording console, replaces Math.random, locks
 * the stack-trace hook (Node calls the realm's `Error.prepareStackTrace` while formatting a stack,
 * which would let student code run while the harness reads an error) and removes the globals above.
 * Only its own captured functions are used after that, so patches of the realm's built-ins by
 * student code do not reach it.
 */
const KIT = `"use strict";
const G = globalThis, O = Object, R = Reflect, S = String, J = JSON;
const defineProperty = O.defineProperty, freeze = O.freeze, apply = R.apply;
const stringify = J.stringify, slice = S.prototype.slice;
const intrinsics = freeze({
  ObjectPrototype: O.prototype, ArrayPrototype: Array.prototype, FunctionPrototype: Function.prototype,
  MapPrototype: Map.prototype, SetPrototype: Set.prototype, ErrorPrototype: Error.prototype, PromisePrototype: Promise.prototype,
  Array: Array, Map: Map, Set: Set, JSON: J, jsonParse: J.parse,
});
let buf = '';
let cut = false;
const LIMIT = ${CONSOLE_LIMIT};
function show(v) {
  try {
    if (typeof v === 'string') return v;
    if (v !== null && typeof v === 'object') {
      const s = apply(stringify, J, [v]);
      if (typeof s === 'string') return s;
    }
    return S(v);
  } catch (e) {
    return '[unprintable]';
  }
}
function write(line) {
  if (cut) return;
  const room = LIMIT - buf.length;
  if (line.length <= room) { buf += line; return; }
  buf += apply(slice, line, [0, room > 0 ? room : 0]) + '\\n[output cut at ' + LIMIT + ' characters]\\n';
  cut = true;
}
function printer(prefix) {
  return function () {
    let line = prefix;
    for (let i = 0; i < arguments.length; i++) line += (i > 0 ? ' ' : '') + show(arguments[i]);
    write(line + '\\n');
  };
}
const log = printer('');
const console = freeze({
  log: log, info: log, debug: log, trace: log, dir: log, table: log,
  warn: printer(''), error: printer(''), assert: function (ok) { if (!ok) write('Assertion failed\\n'); },
});
defineProperty(Math, 'random', {
  value: function random() { throw new TypeError('Math.random is not available to role code: handlers must be deterministic'); },
  writable: false, enumerable: false, configurable: false,
});
defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, enumerable: false, configurable: false });
defineProperty(G, 'Error', { value: Error, writable: false, enumerable: false, configurable: false });
const names = ${JSON.stringify(STUDENT_GLOBALS)};
const globals = O.create(null);
for (let i = 0; i < names.length; i++) globals[names[i]] = G[names[i]];
const removed = ${JSON.stringify(REMOVED_GLOBALS)};
for (let i = 0; i < removed.length; i++) delete G[removed[i]];
defineProperty(G, 'console', { value: console, writable: true, enumerable: false, configurable: true });
return freeze({
  intrinsics: intrinsics,
  globals: freeze(globals),
  console: console,
  drain: function () { const s = buf; buf = ''; cut = false; return s; },
});`;

export interface RealmIntrinsics {
  readonly ObjectPrototype: object;
  readonly ArrayPrototype: object;
  readonly FunctionPrototype: object;
  readonly MapPrototype: object;
  readonly SetPrototype: object;
  readonly ErrorPrototype: object;
  readonly PromisePrototype: object;
  readonly Array: ArrayConstructor;
  readonly Map: MapConstructor;
  readonly Set: SetConstructor;
  readonly JSON: JSON;
  readonly jsonParse: (text: string) => unknown;
}

const realmPromises = new WeakSet<object>();

/**
 * Whether a promise belongs to a student realm. Student code may reject promises nobody handles;
 * a process hosting realms ignores those (and only those) unhandled rejections.
 */
export function isStudentPromise(p: unknown): boolean {
  if (typeof p !== 'object' || p === null) return false;
  const proto = Object.getPrototypeOf(p) as object | null;
  return proto !== null && realmPromises.has(proto);
}

/** A student realm, as the harness holds it. Every value in it is a realm value. */
export class StudentRealm {
  readonly context: vm.Context;
  readonly global: object;
  readonly intrinsics: RealmIntrinsics;
  private readonly console: object;
  private readonly globals: object;
  private readonly drainFn: () => unknown;

  constructor() {
    this.context = vm.createContext(Object.create(null), {
      name: 'student code',
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate',
    });
    this.global = vm.runInContext('globalThis', this.context) as object;
    const kit = vm.compileFunction(KIT, [], { parsingContext: this.context, filename: 'paxlab-realm-kit.js' });
    const made = Reflect.apply(kit, undefined, []) as object;
    const field = (o: object, k: string) => {
      const d = ownData(o, k);
      if (!d.ok) throw new Error(`the realm kit did not set up '${k}'`);
      return d.value;
    };
    const intr = field(made, 'intrinsics') as object;
    const read = {} as Record<string, unknown>;
    for (const k of ['ObjectPrototype', 'ArrayPrototype', 'FunctionPrototype', 'MapPrototype', 'SetPrototype', 'ErrorPrototype', 'PromisePrototype', 'Array', 'Map', 'Set', 'JSON', 'jsonParse']) {
      read[k] = field(intr, k);
    }
    this.intrinsics = Object.freeze(read) as unknown as RealmIntrinsics;
    this.console = field(made, 'console') as object;
    this.globals = field(made, 'globals') as object;
    this.drainFn = field(made, 'drain') as () => unknown;
    realmPromises.add(this.intrinsics.PromisePrototype);
  }

  /** A realm copy of JSON data made by the realm's own JSON.parse: no harness object goes in. */
  fromJson(value: unknown): unknown {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object') return value;
    return Reflect.apply(this.intrinsics.jsonParse, this.intrinsics.JSON, [JSON.stringify(value)]);
  }

  newArray(): unknown[] {
    return Reflect.construct(this.intrinsics.Array, []) as unknown[];
  }

  newMap(): Map<unknown, unknown> {
    return Reflect.construct(this.intrinsics.Map, []) as Map<unknown, unknown>;
  }

  newSet(): Set<unknown> {
    return Reflect.construct(this.intrinsics.Set, []) as Set<unknown>;
  }

  /** What student code printed since the last drain. */
  drainOutput(): string {
    const s = Reflect.apply(this.drainFn, undefined, []);
    return typeof s === 'string' ? s : '';
  }

  /**
   * Compile a student module (a function body, as build-student.ts emits it: the bundle with its
   * final export clause turned into `return { … }`) into a realm function that evaluates it and
   * returns its exports. Nothing runs yet; a syntax error throws here.
   */
  compileModule(body: string, filename: string): () => unknown {
    // The module is the body of an inner function, so its own top-level declarations may shadow the
    // parameters (a class named Map is fine); the prefix stays on line 1 so mapped lines stay right.
    const params = [...STUDENT_GLOBALS, 'globalThis', 'console', 'undefined', 'NaN', 'Infinity'];
    const source = `"use strict"; return (function () {${body}\n}).call(undefined);`;
    const fn = vm.compileFunction(source, params, { parsingContext: this.context, filename });
    const values = [...STUDENT_GLOBALS.map((g) => this.globalValue(g)), this.global, this.console, undefined, NaN, Infinity];
    return () => Reflect.apply(fn, undefined, values);
  }

  private globalValue(name: string): unknown {
    const d = ownData(this.globals, name);
    return d.ok ? d.value : undefined;
  }
}
