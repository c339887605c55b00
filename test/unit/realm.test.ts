// The student realm and the harness's view of it: what student code can and cannot reach, and how
// harness code reads what it returns, throws or keeps without ever running student code.
import { describe, expect, it } from 'vitest';
import { guardedRoleClass, changeOf } from '../../electron/engine/realm/guarded-role.js';
import { readJson, readState, readThrown, sameJson } from '../../electron/engine/realm/read-out.js';
import { StudentCalls } from '../../electron/engine/realm/student-calls.js';
import { REMOVED_GLOBALS, StudentRealm } from '../../electron/engine/realm/student-realm.js';
import { cloneState, stateKey } from '../../electron/engine/search/state-codec.js';

/** Evaluate a module body (as build-student.ts emits it) in a fresh realm; returns its exports. */
function load(body: string): { calls: StudentCalls; realm: StudentRealm; exports: Map<string, unknown> } {
  const realm = new StudentRealm();
  const calls = new StudentCalls(realm);
  const r = calls.load(body, 'student.js');
  if (!r.ok) throw new Error(`${r.thrown.name}: ${r.thrown.message}`);
  return { calls, realm, exports: r.module.exports };
}

/** Run `expr` in a fresh realm and read its value out as JSON. */
function evalIn(expr: string): unknown {
  const { exports } = load(`const value = (() => { ${expr} })();\nreturn { value };`);
  const r = readJson(exports.get('value'));
  if ('garbage' in r) throw new Error(r.garbage);
  return r.json;
}

describe('the student realm', () => {
  it('holds standard built-ins only: no host object, no off-heap memory, no finalizers, no clock', () => {
    const present = evalIn(`return Object.getOwnPropertyNames(globalThis).filter((n) => typeof globalThis[n] !== 'undefined');`) as string[];
    for (const name of ['process', 'require', 'module', 'Buffer', 'setTimeout', 'setInterval', 'queueMicrotask', 'fetch', 'WebSocket', 'performance', 'structuredClone', ...REMOVED_GLOBALS]) {
      expect(present, name).not.toContain(name);
    }
    expect(present).toEqual(expect.arrayContaining(['Object', 'Array', 'Map', 'Set', 'JSON', 'Math', 'Promise', 'Proxy', 'Reflect', 'console']));
    expect(evalIn('return [typeof process, typeof require, typeof Date, typeof ArrayBuffer, typeof WebAssembly, typeof FinalizationRegistry, typeof Intl];')).toEqual(
      Array(7).fill('undefined'),
    );
  });

  it('generates no code from strings, by any constructor', () => {
    const out = evalIn(`
      const tries = [() => eval('1'), () => new Function('return 1')(), () => (function () {}).constructor('return 1')(),
        () => (async () => {}).constructor('return 1')(), () => Object.getPrototypeOf(function* () {}).constructor('yield 1')];
      return tries.map((t) => { try { t(); return 'ran'; } catch (e) { return e.name; } });`);
    expect(out).toEqual(Array(5).fill('EvalError'));
  });

  it('Math.random throws a clear error; Error.prepareStackTrace and the global Error are locked', () => {
    expect(evalIn(`try { Math.random(); return 'ran'; } catch (e) { return e.message; }`)).toMatch(/^Math\.random is not available to role code/);
    expect(
      evalIn(`const out = [];
        try { Error.prepareStackTrace = () => 'hooked'; out.push('set'); } catch (e) { out.push(e.name); }
        try { globalThis.Error = { prepareStackTrace: () => 'hooked' }; out.push('set'); } catch (e) { out.push(e.name); }
        out.push(typeof new Error('x').stack === 'string' && !new Error('x').stack.includes('hooked'));
        return out;`),
    ).toEqual(['TypeError', 'TypeError', true]);
  });

  it('microtasks and promise callbacks of student code never run', () => {
    const { exports } = load(`
      const log = [];
      const spin = () => Promise.resolve().then(() => { log.push(1); spin(); });
      spin();
      (async () => { await null; log.push('async'); })();
      return { log };`);
    expect(readJson(exports.get('log'))).toEqual({ json: [] });
  });

  it('the console records what student code prints, capped; nothing reaches the harness console', () => {
    const { exports, realm, calls } = load(`export_ = 0; function say() { console.log('hello', { a: 1 }, 2); console.error('oops'); for (let i = 0; i < 5000; i++) console.log('x'.repeat(100)); }
      return { say };`.replace('export_ = 0;', ''));
    const r = calls.call(exports.get('say') as () => unknown, undefined, [], 'say', -1);
    expect(r.ok).toBe(true);
    const printed = realm.drainOutput();
    expect(printed.startsWith('hello {"a":1} 2\noops\n')).toBe(true);
    expect(printed).toMatch(/\[output cut at 65536 characters\]\n$/);
    expect(printed.length).toBeLessThan(70 * 1024);
    expect(realm.drainOutput()).toBe('');
  });

  it("a module's own top-level names may shadow the built-ins it is handed", () => {
    const { exports } = load(`class Map { constructor() { this.mine = true; } }\nconst Set = 5;\nreturn { made: new Map(), Set };`);
    expect(readJson(exports.get('made'))).toEqual({ json: { mine: true } });
    expect(exports.get('Set')).toBe(5);
  });

  it('patching the realm\'s JSON, Array, Object or WeakSet changes nothing the harness reads', () => {
    const { exports, realm } = load(`
      JSON.stringify = () => '"same"'; JSON.parse = () => ({});
      Array.prototype.every = () => true; Array.prototype.some = () => false; Array.prototype.map = () => [];
      Object.keys = () => []; Object.getOwnPropertyDescriptor = () => undefined; WeakSet.prototype.has = () => false;
      Object.defineProperty(Object.prototype, 'extra', { get() { throw new Error('ran'); }, enumerable: false });
      return { value: { kind: 'promise', list: [1, 2, { deep: 'yes' }] } };`);
    expect(readJson(exports.get('value'))).toEqual({ json: { kind: 'promise', list: [1, 2, { deep: 'yes' }] } });
    // The harness builds inputs with the realm's original JSON.parse, captured before student code ran.
    const input = realm.fromJson({ kind: 'prepare', from: 1, crnd: 2 }) as object;
    expect(readJson(input)).toEqual({ json: { kind: 'prepare', from: 1, crnd: 2 } });
    expect(changeOf(input, { kind: 'prepare', from: 1, crnd: 2 }, realm.intrinsics.ObjectPrototype)).toBeNull();
  });
});

describe('reading out of the realm', () => {
  const realmValue = (expr: string) => load(`return { v: (() => { ${expr} })() };`).exports.get('v');

  it('only own data fields count; getters, Proxies, Maps, functions, cycles and undefined are garbage, named', () => {
    expect(readJson(realmValue(`const o = { a: 1 }; Object.defineProperty(o, 'b', { get() { throw new Error('ran'); }, enumerable: true }); return o;`))).toEqual({ garbage: "field 'b' is a getter, not data" });
    expect(readJson(realmValue(`return new Proxy({}, { ownKeys() { throw new Error('ran'); } });`))).toEqual({ garbage: 'a Proxy is not a message' });
    expect(readJson(realmValue(`return { m: new Map() };`))).toEqual({ garbage: "a Map at 'm' is not a message" });
    expect(readJson(realmValue(`return { f() {} };`))).toEqual({ garbage: "a function at 'f' is not JSON data" });
    expect(readJson(realmValue(`const o = { a: [] }; o.a.push(o); return o;`))).toEqual({ garbage: "a cycle at 'a[0]'" });
    expect(readJson(realmValue(`return { x: undefined };`))).toEqual({ garbage: "field 'x' is undefined" });
    expect(readJson(realmValue(`return { n: NaN };`))).toEqual({ garbage: "NaN at 'n' is not a JSON number" });
    expect(readJson(realmValue(`return Promise.resolve(1);`))).toEqual({ garbage: 'a Promise is not a message' });
    // A class instance counts by its own fields, as on the wire.
    expect(readJson(realmValue(`class Msg { constructor() { this.kind = 'learn'; } get extra() { return 1; } } return new Msg();`))).toEqual({ json: { kind: 'learn' } });
  });

  it('a huge value is "too large" at once, never walked or quoted', () => {
    const t0 = performance.now();
    expect(readJson(realmValue(`return new Array(2_000_000).fill(1);`))).toEqual({ garbage: 'a value too large to be a message (more than a few KB)' });
    expect(readJson(realmValue(`return { val: 'v'.repeat(1 << 24) };`))).toEqual({ garbage: 'a value too large to be a message (more than a few KB)' });
    expect(readJson(realmValue(`let o = {}; for (let i = 0; i < 10000; i++) o = { o }; return o;`))).toEqual({ garbage: expect.stringMatching(/nested too deeply/) });
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('a thrown Proxy, or an error with throwing or looping getters, is read as data', () => {
    const calls = new StudentCalls(new StudentRealm());
    const r = calls.load(`return {
      proxy() { throw new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } }); },
      getters() { const e = new Error('x'); Object.defineProperty(e, 'name', { get() { throw new Error('no'); } }); throw e; },
      plain() { throw 'just a string'; },
    };`, 'student.js');
    if (!r.ok) throw new Error(r.thrown.message);
    const call = (name: string) => calls.call(r.module.exports.get(name) as () => unknown, undefined, [], name, -1);
    expect(call('proxy')).toEqual({ ok: false, thrown: { name: 'thrown value', message: 'a Proxy' } });
    expect(call('getters')).toMatchObject({ ok: false, thrown: { name: 'Error', message: 'x' } });
    expect(call('plain')).toEqual({ ok: false, thrown: { name: 'thrown value', message: 'just a string' } });
    expect(readThrown(7)).toEqual({ name: 'thrown value', message: '7' });
  });

  it('a state picture names getters and Proxies, caps sizes and runs nothing', () => {
    const v = realmValue(`const o = { rnd: 3, promises: new Map([[1, { ok: true }]]), seen: new Set([1, 2]), big: 'y'.repeat(500) };
      Object.defineProperty(o, 'sneaky', { get() { throw new Error('ran'); }, enumerable: true }); o.p = new Proxy({}, {}); return o;`);
    const s = readState(v) as Record<string, unknown>;
    expect(s).toMatchObject({ rnd: 3, promises: { 1: { ok: true } }, seen: [1, 2], sneaky: '[getter]', p: '[Proxy]' });
    expect(String(s.big)).toMatch(/… \(500 characters\)$/);
  });

  it('sameJson compares with the harness\'s own functions, key order included', () => {
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { a: 1, b: [1, { c: null }] })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
  });
});

describe('the guarded role and the search codec over realm objects', () => {
  const source = `class Acceptor {
    constructor(id, config) { this.id = id; this.config = config; this.rnd = 0; this.votes = new Map(); this.seen = new Set(); this.log = []; }
    handlePrepare(msg) { if (msg.crnd <= this.rnd) return null; this.rnd = msg.crnd; this.seen.add(msg.from); this.log.push(msg.crnd);
      return { kind: 'promise', to: msg.from, from: this.id, rnd: msg.crnd, vrnd: 0, vval: null }; }
    handleAccept(msg) { msg.rnd = 99; return null; }
  }
  return { Acceptor };`;

  it('calls through the stand-in: outputs as data, input changes found, state cloned into the realm', () => {
    const { calls, realm, exports } = load(source);
    const Guarded = guardedRoleClass(calls, exports.get('Acceptor'), 'Acceptor');
    const a = new Guarded(2, { nodes: [1, 2, 3] });
    const r = a.callRaw('handlePrepare', { kind: 'prepare', from: 1, crnd: 4 });
    expect(r).toEqual({ kind: 'returned', out: { json: { kind: 'promise', to: 1, from: 2, rnd: 4, vrnd: 0, vval: null } }, mutated: null });
    expect(a.callRaw('handleAccept', { kind: 'accept', from: 1, rnd: 4, val: 'v' })).toMatchObject({ kind: 'returned', mutated: { path: 'rnd', before: 4, after: 99 } });
    expect(a.callRaw('nope', undefined)).toEqual({ kind: 'missing', message: 'Acceptor has no method nope()' });

    const copy = cloneState(a);
    expect(stateKey(copy)).toBe(stateKey(a));
    // The clone's collections are the realm's own, and it is a separate object.
    const inner = copy.inner as { votes: unknown; log: unknown[] };
    expect(Object.getPrototypeOf(inner.votes)).toBe(realm.intrinsics.MapPrototype);
    expect(Object.getPrototypeOf(inner.log)).toBe(realm.intrinsics.ArrayPrototype);
    copy.callRaw('handlePrepare', { kind: 'prepare', from: 3, crnd: 9 });
    expect(stateKey(copy)).not.toBe(stateKey(a));
    expect(stateKey(a)).toBe('Acceptor{config={nodes=[1,2,3]},id=2,log=[4],rnd=4,seen=S{1},votes=M{}}');
  });

  it('state the search cannot copy is named: a getter, a Proxy, a function', () => {
    const { calls, exports } = load(`class A { constructor() { this.ok = 1; Object.defineProperty(this, 'g', { get() { throw new Error('ran'); }, enumerable: true }); } }
      class B { constructor() { this.p = new Proxy({}, {}); } }
      class C { constructor() { this.f = () => 1; } }
      return { A, B, C };`);
    for (const [name, what] of [['A', 'a getter'], ['B', 'a Proxy'], ['C', 'a function']] as const) {
      const G = guardedRoleClass(calls, exports.get(name), name);
      expect(() => stateKey(new G(1, { nodes: [1] })), name).toThrow(new RegExp(`keep your state cloneable: field this\\.\\w+ holds ${what}`));
    }
  });
});
