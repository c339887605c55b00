/**
 * A student's role object seen from the harness: a harness object that implements the role API
 * (AcceptorRole, ProposerRole, LearnerRole) by calling the student's realm object through
 * StudentCalls. The reference node (labs/paxos-node), the scenario simulations, the playground's
 * node processes and the state-space search all hold these, never the realm object itself. Inputs
 * are copied into the realm; outputs come back as JSON data read by harness code; a throw comes
 * back as a harness Error carrying the student's name and message.
 */
import type { ClusterConfig, NodeId } from '@paxlab/sdk';
import { ROLE_SPECS, roleConfig, type RoleName } from '../labs/role-spec.js';
import { ownData, prototypeOf, readJson, sameJson, type ReadOut, type ThrownValue } from './read-out.js';
import type { StudentCalls } from './student-calls.js';

/** What one handler call did, judged by harness code. */
export type RoleCallOutcome =
  | { kind: 'returned'; out: ReadOut; mutated: InputChange | null }
  | { kind: 'threw'; thrown: ThrownValue; mutated: InputChange | null }
  | { kind: 'missing'; message: string };

/** The student's code threw: name, message and stack are the student's, as strings. */
export class StudentError extends Error {
  constructor(readonly thrown: ThrownValue) {
    super(thrown.message);
    this.name = thrown.name;
    if (thrown.stack !== undefined) this.stack = thrown.stack;
  }
}

/** A result that is not JSON data; shows as its description when printed. */
export class NotData {
  constructor(readonly description: string) {}
  toJSON(): string {
    return this.description;
  }
}

/** Fields the playground's node snapshot shows (numbers, strings, null only). */
const PEEKED = ['rnd', 'vrnd', 'vval', 'crnd'] as const;

export interface GuardedRole {
  /** The student's object in its realm (the search clones and keys it). */
  readonly inner: object;
  readonly node: NodeId;
  /** Call a handler and judge what it did. */
  callRaw(name: string, input: unknown, step?: number): RoleCallOutcome;
  /** The same role around another realm object (a clone). */
  withInner(inner: object): GuardedRole;
}

export type GuardedRoleClass = (new (id: NodeId, config: ClusterConfig) => GuardedRole) & {
  /** The student's class, a realm function (for the search's check of #private members). */
  readonly studentClass: unknown;
  readonly calls: StudentCalls;
};

/** The guarded stand-in for one role class a student module exports. */
export function guardedRoleClass(calls: StudentCalls, cls: unknown, exportName: string): GuardedRoleClass {
  const realm = calls.realm;
  const Guarded = class implements GuardedRole {
    static readonly studentClass = cls;
    static readonly calls = calls;
    declare readonly inner: object;
    declare readonly node: NodeId;

    constructor(id: NodeId, config: ClusterConfig, inner?: object) {
      this.node = id;
      if (inner) {
        this.inner = inner;
        return;
      }
      // The cluster, and for a multi-decree role (lab 04) its window and first slot.
      const r = calls.construct(cls, [id, realm.fromJson(roleConfig(config))], id);
      if (!r.ok) throw new StudentError(r.thrown);
      if (r.value === null || typeof r.value !== 'object') throw new StudentError({ name: 'TypeError', message: `new ${exportName}() did not make an object` });
      this.inner = r.value;
    }

    withInner(inner: object): GuardedRole {
      return new Guarded(this.node, { nodes: [] }, inner);
    }

    callRaw(name: string, input: unknown, step = -1): RoleCallOutcome {
      const m = calls.method(this.inner, name);
      if (!m.ok) return { kind: 'missing', message: `${exportName} ${m.why}` };
      const arg = input === undefined ? undefined : realm.fromJson(input);
      const r = calls.call(m.fn, this.inner, arg === undefined ? [] : [arg], name, this.node, step);
      const mutated = arg !== null && typeof arg === 'object' ? changeOf(arg, input, realm.intrinsics.ObjectPrototype) : null;
      if (!r.ok) return { kind: 'threw', thrown: r.thrown, mutated };
      return { kind: 'returned', out: readJson(r.value), mutated };
    }

    /** The handler as the role API calls it: the output as data, a throw as a StudentError. */
    invoke(name: string, input?: unknown): unknown {
      const r = this.callRaw(name, input);
      if (r.kind === 'missing') throw new TypeError(r.message);
      if (r.kind === 'threw') throw new StudentError(r.thrown);
      return 'garbage' in r.out ? new NotData(r.out.garbage) : r.out.json;
    }

    /** A primitive own field of the student's object (for snapshots), or undefined. */
    peek(field: string): unknown {
      const d = ownData(this.inner, field);
      return d.ok && (d.value === null || typeof d.value === 'number' || typeof d.value === 'string') ? d.value : undefined;
    }
  };
  const proto = Guarded.prototype as unknown as Record<string, unknown>;
  for (const spec of Object.values(ROLE_SPECS)) {
    for (const name of Object.keys(spec.methods)) {
      Object.defineProperty(proto, name, {
        value: function (this: InstanceType<typeof Guarded>, input?: unknown) {
          return this.invoke(name, input);
        },
        writable: true,
        configurable: true,
      });
    }
  }
  for (const f of PEEKED) {
    Object.defineProperty(proto, f, {
      get(this: InstanceType<typeof Guarded>) {
        return this.peek(f);
      },
      configurable: true,
    });
  }
  return Guarded as unknown as GuardedRoleClass;
}

export function isGuardedRole(v: unknown): v is GuardedRole {
  return typeof v === 'object' && v !== null && typeof (v as GuardedRole).callRaw === 'function' && typeof (v as GuardedRole).withInner === 'function';
}

export function isGuardedRoleClass(v: unknown): v is GuardedRoleClass {
  return typeof v === 'function' && 'studentClass' in v && 'calls' in v;
}

/** How an input was changed: the first differing field, before and after (JSON, or a description). */
export interface InputChange {
  path: string;
  before: unknown;
  after: unknown;
  /** One line: "rnd was 3, became 103". */
  text: string;
}

/** How a realm input differs from the data it was made from, or null when it is untouched. */
export function changeOf(realmInput: object, original: unknown, objectPrototype: object): InputChange | null {
  if (prototypeOf(realmInput) !== objectPrototype) return { path: '(the whole value)', before: original, after: 'another prototype', text: 'its prototype was changed' };
  const now = readJson(realmInput);
  if ('garbage' in now) return { path: '(the whole value)', before: original, after: now.garbage, text: `it became ${now.garbage}` };
  if (sameJson(now.json, original)) return null;
  return firstChange(original, now.json, '') ?? { path: '(the whole value)', before: original, after: now.json, text: 'its fields were deleted and added again' };
}

function firstChange(before: unknown, after: unknown, at: string): InputChange | null {
  if (sameJson(before, after)) return null;
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) {
      const d = firstChange(before[k], after[k], at ? `${at}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v).slice(0, 80));
  const path = at || '(the whole value)';
  return { path, before: before ?? null, after: after ?? null, text: `${path} was ${show(before)}, became ${show(after)}` };
}

