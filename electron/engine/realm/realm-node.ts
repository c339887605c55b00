/**
 * One student node (a `PaxosNode` class instance) in the student realm, driven by harness code: it
 * is constructed with a realm-side NodeContext made by the node kit (node-kit.ts), every call goes
 * through StudentCalls (metered, a throw read out as data), and after each call the effects the node
 * asked for are drained from the kit and read out as data, then validated here by named rules. The
 * simulator's stand-in (guarded-node.ts) and the node-level search (node-search/) both use it.
 */
import type { NodeId } from '@paxlab/sdk';
import { hostAccess } from '../grading/host-access.js';
import { ownData, readJson, type ThrownValue } from './read-out.js';
import type { StudentCalls } from './student-calls.js';
import { isStudentPromise } from './student-realm.js';

/** A validated effect of one call, as plain harness data. */
export type NodeEffect =
  | { op: 'send'; to: NodeId; msg: Record<string, unknown> & { kind: string } }
  | { op: 'broadcast'; self: boolean; msg: Record<string, unknown> & { kind: string } }
  | { op: 'setTimer'; name: string; delayMs: number }
  | { op: 'cancelTimer'; name: string }
  | { op: 'decide'; value: string | number | boolean | null; slot: number }
  | { op: 'reply'; id: string; result: string }
  | { op: 'redirect'; id: string; to: NodeId }
  | { op: 'reject'; id: string; reason: string }
  | { op: 'save'; text: string }
  | { op: 'log'; text: string };

/** A misuse of the context, judged by a named rule (api-rules.ts). The effect was not carried out. */
export interface NodeProblem {
  rule: string;
  message: string;
}

/** What one call did. */
export interface NodeCallResult {
  effects: NodeEffect[];
  problems: NodeProblem[];
  /** The student's code threw (its effects up to the throw are in `effects`). */
  thrown?: ThrownValue;
  /** Set when the throw was a reach for something node code does not have (process, timers, …). */
  host?: string;
  /** The handler does not exist (or is a getter). */
  missing?: string;
}

/** Per-call inputs the node reads from its context. */
export interface NodeCallInputs {
  now: number;
  /** Seed of this call's `random()` sequence (32 bits). */
  seed: number;
  /** The node's stable storage as saved JSON text (undefined: never saved). */
  stored: string | undefined;
}

/** The node API's handlers, in the order the harness calls them. */
export const NODE_HANDLERS = ['onStart', 'onMessage', 'onTimer', 'onClientRequest'] as const;
export type NodeHandler = (typeof NODE_HANDLERS)[number];

interface Kit {
  ctx: object;
  begin: (...a: unknown[]) => unknown;
  drain: () => unknown;
}

/** Construct the student's node class in the realm; a throw or a non-object is the student's. */
export function constructRealmNode(
  calls: StudentCalls,
  cls: unknown,
  exportName: string,
  id: NodeId,
  nodes: readonly NodeId[],
  options: unknown,
  inputs: NodeCallInputs,
): { ok: true; node: RealmNode; result: NodeCallResult } | { ok: false; result: NodeCallResult } {
  const kit = calls.realm.makeNodeContext(id, nodes);
  Reflect.apply(kit.begin, undefined, [inputs.now, inputs.seed, inputs.stored]);
  const args: unknown[] = [kit.ctx];
  if (options !== undefined) args.push(calls.realm.fromJson(options));
  const r = calls.construct(cls, args, id);
  const node = new RealmNode(calls, kit, id, nodes, exportName, {} as object);
  const result = node.collect();
  if (!r.ok) return { ok: false, result: withThrow(result, r.thrown) };
  if (r.value === null || typeof r.value !== 'object') {
    return { ok: false, result: withThrow(result, { name: 'TypeError', message: `new ${exportName}(ctx) did not make an object` }) };
  }
  return { ok: true, node: node.withInner(r.value), result };
}

function withThrow(result: NodeCallResult, thrown: ThrownValue): NodeCallResult {
  const host = hostAccess(thrown);
  return { ...result, thrown, ...(host ? { host } : {}) };
}

export class RealmNode {
  constructor(
    readonly calls: StudentCalls,
    private readonly kit: Kit,
    readonly id: NodeId,
    readonly nodes: readonly NodeId[],
    readonly exportName: string,
    /** The student's node object in its realm. */
    readonly inner: object,
  ) {}

  /** The realm objects a node may keep that belong to its context, not its state (the search shares them between clones). */
  get contextObjects(): object[] {
    const out: object[] = [this.kit.ctx];
    for (const k of ['storage', 'nodes']) {
      const d = ownData(this.kit.ctx, k);
      if (d.ok && typeof d.value === 'object' && d.value !== null) out.push(d.value);
    }
    return out;
  }

  /** The same node around another realm object (a clone of its state), sharing the context. */
  withInner(inner: object): RealmNode {
    return new RealmNode(this.calls, this.kit, this.id, this.nodes, this.exportName, inner);
  }

  /** Call one handler with JSON-data arguments; the effects come back validated. */
  call(name: NodeHandler, args: unknown[], inputs: NodeCallInputs): NodeCallResult {
    const m = this.calls.method(this.inner, name);
    if (!m.ok) return { effects: [], problems: [], missing: `${this.exportName} ${m.why}` };
    Reflect.apply(this.kit.begin, undefined, [inputs.now, inputs.seed, inputs.stored]);
    const realmArgs = args.map((a) => this.calls.realm.fromJson(a));
    const r = this.calls.call(m.fn, this.inner, realmArgs, name, this.id);
    const result = this.collect();
    if (!r.ok) return withThrow(result, r.thrown);
    if (isStudentPromise(r.value)) {
      result.problems.push({ rule: 'api.sync-handler', message: `${name}() returned a Promise: node handlers are synchronous (an await's continuation never runs)` });
    }
    return result;
  }

  /** The node's own picture of itself (`snapshot()`), as data; undefined when it has none. */
  snapshot(): { ok: true; value: unknown } | { ok: false; why: string } | undefined {
    const m = this.calls.method(this.inner, 'snapshot');
    if (!m.ok) return undefined;
    Reflect.apply(this.kit.begin, undefined, [0, 1, undefined]);
    const r = this.calls.call(m.fn, this.inner, [], 'snapshot', this.id);
    this.collect();
    if (!r.ok) return { ok: false, why: `snapshot() threw ${r.thrown.name}: ${r.thrown.message}` };
    const out = readJson(r.value);
    return 'garbage' in out ? { ok: false, why: `snapshot() returned ${out.garbage}` } : { ok: true, value: out.json };
  }

  /** Drain the kit's buffer and read every record out as data, by harness code. */
  collect(): NodeCallResult {
    const drained = Reflect.apply(this.kit.drain, undefined, []) as object;
    const field = (o: object, k: string): unknown => {
      const d = ownData(o, k);
      return d.ok ? d.value : undefined;
    };
    const list = field(drained, 'effects') as object;
    const count = field(drained, 'count') as number;
    const effects: NodeEffect[] = [];
    const problems: NodeProblem[] = [];
    for (let i = 0; i < count; i++) {
      const rec = field(list, String(i)) as object;
      this.judge(rec, field, effects, problems);
    }
    if (field(drained, 'flooded') === true) problems.push({ rule: 'api.flood', message: `asked its context for more than ${count} things in one call (messages, timers, answers, log lines); the rest were dropped` });
    return { effects, problems };
  }

  private judge(rec: object, field: (o: object, k: string) => unknown, effects: NodeEffect[], problems: NodeProblem[]): void {
    const op = field(rec, 'op') as string;
    const bad = (rule: string, message: string) => problems.push({ rule, message });
    const prim = (k: string): unknown => {
      const v = field(rec, k);
      return typeof v === 'object' && v !== null ? { notPrimitive: field(v, 'notPrimitive') } : v;
    };
    const shown = (v: unknown) => (typeof v === 'object' && v !== null ? String((v as { notPrimitive: unknown }).notPrimitive) : typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v));
    const isNode = (v: unknown): v is NodeId => typeof v === 'number' && this.nodes.includes(v);
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);
    const message = (): (Record<string, unknown> & { kind: string }) | string => {
      const why = field(rec, 'bad');
      if (typeof why === 'string') return `the message is ${why}`;
      const text = field(rec, 'text') as string;
      const m = JSON.parse(text) as unknown;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) return `the message is ${Array.isArray(m) ? 'an array' : m === null ? 'null' : `a ${typeof m}`}, not an object with a string 'kind'`;
      if (typeof (m as { kind?: unknown }).kind !== 'string') return "the message has no string 'kind'";
      return m as Record<string, unknown> & { kind: string };
    };
    switch (op) {
      case 'send': {
        const to = prim('to');
        if (!isNode(to)) return void bad('api.send-target', `send() to ${shown(to)}, which is not a node of the cluster (${this.nodes.join(', ')})`);
        const msg = message();
        if (typeof msg === 'string') return void bad('api.message', `send() to node ${to}: ${msg}`);
        return void effects.push({ op: 'send', to, msg });
      }
      case 'broadcast': {
        const msg = message();
        if (typeof msg === 'string') return void bad('api.message', `broadcast(): ${msg}`);
        return void effects.push({ op: 'broadcast', self: field(rec, 'self') !== false, msg });
      }
      case 'setTimer': {
        const name = str(prim('name'));
        const delay = prim('delay');
        if (name === null) return void bad('api.timer', `setTimer() with the name ${shown(prim('name'))}: a timer's name is a string`);
        if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) return void bad('api.timer', `setTimer('${name}', ${shown(delay)}): the delay must be a number of ms >= 0`);
        return void effects.push({ op: 'setTimer', name, delayMs: delay });
      }
      case 'cancelTimer': {
        const name = str(prim('name'));
        if (name === null) return void bad('api.timer', `cancelTimer() with the name ${shown(prim('name'))}: a timer's name is a string`);
        return void effects.push({ op: 'cancelTimer', name });
      }
      case 'decide': {
        const value = prim('value');
        const slot = prim('slot') ?? 0;
        if (typeof value === 'object' && value !== null) return void bad('api.decide', `decide() with ${shown(value)}: a decided value is a string`);
        if (value === undefined) return void bad('api.decide', 'decide() without a value');
        if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0) return void bad('api.decide', `decide(…, ${shown(slot)}): a slot is an integer >= 0`);
        return void effects.push({ op: 'decide', value: value as string, slot });
      }
      case 'reply':
      case 'reject': {
        const id = str(prim('id'));
        const k = op === 'reply' ? 'result' : 'reason';
        const v = prim(k);
        if (id === null) return void bad('api.answer', `${op}() with the request id ${shown(prim('id'))}: a request id is a string`);
        if (typeof v === 'object' && v !== null) return void bad('api.answer', `${op}('${id}', ${shown(v)}): the ${k} is a string`);
        const text = v === undefined ? '' : String(v);
        return void effects.push(op === 'reply' ? { op, id, result: text } : { op, id, reason: text });
      }
      case 'redirect': {
        const id = str(prim('id'));
        const to = prim('to');
        if (id === null) return void bad('api.answer', `redirect() with the request id ${shown(prim('id'))}: a request id is a string`);
        if (!isNode(to)) return void bad('api.send-target', `redirect('${id}', ${shown(to)}): ${shown(to)} is not a node of the cluster (${this.nodes.join(', ')})`);
        return void effects.push({ op: 'redirect', id, to });
      }
      case 'save': {
        const why = field(rec, 'bad');
        if (typeof why === 'string') return void bad('api.storage', `storage.save(): the state is ${why}`);
        return void effects.push({ op: 'save', text: field(rec, 'text') as string });
      }
      case 'log':
        return void effects.push({ op: 'log', text: String(field(rec, 'text')) });
    }
  }
}
