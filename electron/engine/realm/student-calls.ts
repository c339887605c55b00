/**
 * The one place student code is entered: evaluating the module, constructing a role, calling a
 * handler. Every call is metered (the sandbox charges its CPU time to that call and names it when it
 * runs too long) and every throw is read out as data, so nothing the student's code throws or
 * returns can break the harness around it.
 */
import { inheritedData, ownData, ownKeys, readThrown, type ThrownValue } from './read-out.js';
import type { StudentRealm } from './student-realm.js';

/** Marks where student code runs, so a watchdog can charge time to the call and name it. */
export interface CallMeter {
  /** A student call starts: `name` (e.g. 'handlePrepare'), the node it runs on and the step, where known (-1 otherwise). */
  enter(name: string, node: number, step: number): void;
  leave(): void;
}

export const NO_METER: CallMeter = { enter() {}, leave() {} };

export type CallResult = { ok: true; value: unknown } | { ok: false; thrown: ThrownValue };

export interface LoadedModule {
  /** Export name → realm value. */
  exports: Map<string, unknown>;
}

export class StudentCalls {
  constructor(
    readonly realm: StudentRealm,
    readonly meter: CallMeter = NO_METER,
  ) {}

  /** Evaluate a compiled module and read its exports (an object literal of data fields). */
  load(body: string, filename: string): { ok: true; module: LoadedModule } | { ok: false; thrown: ThrownValue } {
    let run: () => unknown;
    try {
      run = this.realm.compileModule(body, filename);
    } catch (e) {
      return { ok: false, thrown: readThrown(e) };
    }
    const r = this.run('module evaluation', -1, -1, run);
    if (!r.ok) return r;
    const ns = r.value;
    const exports = new Map<string, unknown>();
    if (ns !== null && typeof ns === 'object') {
      for (const k of ownKeys(ns)) {
        const d = ownData(ns, k);
        if (d.ok) exports.set(k, d.value);
      }
    }
    return { ok: true, module: { exports } };
  }

  /** `new cls(...args)`; args must be realm values. */
  construct(cls: unknown, args: unknown[], node: number, step = 0): CallResult {
    if (typeof cls !== 'function') return { ok: false, thrown: { name: 'TypeError', message: 'the export is not a class' } };
    return this.run('constructor', node, step, () => Reflect.construct(cls as new (...a: unknown[]) => unknown, args));
  }

  /** The method `name` of a realm object: a data property on it or its prototype chain. */
  method(obj: object, name: string): { ok: true; fn: (...a: unknown[]) => unknown } | { ok: false; why: string } {
    const d = inheritedData(obj, name);
    if (d.ok && typeof d.value === 'function') return { ok: true, fn: d.value as (...a: unknown[]) => unknown };
    if (!d.ok && d.why === 'accessor') return { ok: false, why: `${name} is a getter, not a method` };
    if (!d.ok && d.why === 'proxy') return { ok: false, why: 'the object is a Proxy' };
    return { ok: false, why: `has no method ${name}()` };
  }

  /** Call `fn` on `obj` with realm-value arguments, metered and guarded. */
  call(fn: (...a: unknown[]) => unknown, obj: unknown, args: unknown[], name: string, node: number, step = -1): CallResult {
    return this.run(name, node, step, () => Reflect.apply(fn, obj, args));
  }

  private run(name: string, node: number, step: number, body: () => unknown): CallResult {
    this.meter.enter(name, node, step);
    try {
      return { ok: true, value: body() };
    } catch (e) {
      // Read while still metered: formatting a stack costs time.
      return { ok: false, thrown: readThrown(e) };
    } finally {
      this.meter.leave();
    }
  }
}
