/**
 * What the node search needs of the nodes: their states interned as small integers, and the effect
 * of a handler on a state computed once and remembered. `RealmNodeMachine` does this for a student's
 * node class in the student realm: it clones a state by harness code (search/state-codec.ts, the
 * node's context kept as it is), runs the handler on the clone through the metered choke point, keys
 * the result and reads the effects out as data. The explorer itself only sees integers and data.
 */
import type { NodeId } from '@paxlab/sdk';
import { constructRealmNode, type NodeCallResult, type NodeEffect, type RealmNode } from '../realm/realm-node.js';
import type { StudentCalls } from '../realm/student-calls.js';
import { functionSource } from '../realm/read-out.js';
import { cloneRealmState, privateFields, realmStateKey, UncloneableStateError, type SharedValues } from '../search/state-codec.js';

export type NodeInput =
  | { type: 'message'; from: NodeId; msg: Record<string, unknown> }
  | { type: 'timer'; name: string }
  | { type: 'request'; request: { id: string; value: string; client: string; seq: number } };

/** A handler's failure, which the search reports as a violation with its rule. */
export interface StepFailure {
  rule: string;
  checker: string;
  message: string;
}

export interface NodeStep {
  /** The node's next state (an id), and its stable storage after the call (an id; 0: never saved). */
  state: number;
  stored: number;
  effects: NodeEffect[];
  failure?: StepFailure;
}

export interface NodeMachine {
  /** A fresh node `node` over storage `stored`, constructed and started (onStart). */
  boot(node: NodeId, stored: number): NodeStep;
  /** One handler call on state `state`; `inputKey` names the input for memoization. */
  step(node: NodeId, state: number, stored: number, input: NodeInput, inputKey: string): NodeStep;
  /** How many distinct node states and computed steps there are. */
  readonly counts: { states: number; steps: number };
}

/** The node states one search may intern (a node whose state keeps growing stops here, deterministically). */
export const MAX_NODE_STATES = 200_000;

export class NodeStateBudgetError extends Error {}

export class RealmNodeMachine implements NodeMachine {
  private readonly objects: RealmNode[] = [];
  private readonly ids = new Map<string, number>();
  private readonly storedTexts: Array<string | undefined> = [undefined];
  private readonly storedIds = new Map<string, number>();
  private readonly memo = new Map<string, NodeStep>();
  private readonly context = new Set<object>();
  /** Class constructors a node keeps in a field (a table of role classes) are code, not state: shared, keyed by identity. A closure is refused. */
  private readonly classIds = new WeakMap<object, number>();
  private readonly shared: SharedValues = {
    has: (o) => this.context.has(o) || (typeof o === 'function' && this.isClass(o)),
    key: (o) => (this.context.has(o) ? 'ctx' : `class#${this.classIds.get(o)}`),
  };
  private nextClass = 1;

  private isClass(fn: object): boolean {
    if (this.classIds.has(fn)) return true;
    if (!/^class[\s{]/.test(functionSource(fn))) return false;
    this.classIds.set(fn, this.nextClass++);
    return true;
  }
  private readonly privates: string[];

  constructor(
    private readonly calls: StudentCalls,
    private readonly cls: unknown,
    private readonly exportName: string,
    private readonly nodes: readonly NodeId[],
    private readonly options: unknown,
  ) {
    this.privates = privateFields(cls);
  }

  get counts() {
    return { states: this.objects.length, steps: this.memo.size };
  }

  boot(node: NodeId, stored: number): NodeStep {
    const key = `boot:${node}:${stored}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    if (this.privates.length > 0) {
      return this.remember(key, { state: 0, stored, effects: [], failure: { rule: 'node-search.uncloneable', checker: 'uncloneable', message: `keep your state cloneable: ${this.exportName} declares #private members (${this.privates.join(', ')}), which the search cannot copy; use ordinary fields (TypeScript's private is fine)` } });
    }
    const inputs = { now: 0, seed: 1, stored: this.storedTexts[stored] };
    const made = constructRealmNode(this.calls, this.cls, this.exportName, node, this.nodes, this.options, inputs);
    if (!made.ok) return this.remember(key, { state: 0, stored, effects: [], failure: failureOf('constructor', node, made.result)! });
    for (const o of made.node.contextObjects) this.context.add(o);
    const start = made.node.call('onStart', [], inputs);
    const result: NodeCallResult = { ...start, effects: [...made.result.effects, ...start.effects], problems: [...made.result.problems, ...start.problems] };
    return this.remember(key, this.finish(node, made.node, stored, result, 'onStart'));
  }

  step(node: NodeId, state: number, stored: number, input: NodeInput, inputKey: string): NodeStep {
    const key = `${node}:${state}:${stored}:${inputKey}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const base = this.objects[state];
    const run = () => {
      const copy = base.withInner(cloneRealmState(base.inner, this.calls.realm, this.shared));
      const inputs = { now: 0, seed: 1, stored: this.storedTexts[stored] };
      const [name, args] = input.type === 'message' ? (['onMessage', [input.from, input.msg]] as const) : input.type === 'timer' ? (['onTimer', [input.name]] as const) : (['onClientRequest', [input.request]] as const);
      return { copy, name, result: copy.call(name, [...args], inputs) };
    };
    let first;
    try {
      first = run();
    } catch (e) {
      if (e instanceof UncloneableStateError) return this.remember(key, { state, stored, effects: [], failure: { rule: 'node-search.uncloneable', checker: 'uncloneable', message: e.message } });
      throw e;
    }
    const out = this.finish(node, first.copy, stored, first.result, first.name);
    if (!out.failure) {
      // Determinism: the same handler on another clone of the same state must do the same.
      const again = run();
      const againOut = this.finish(node, again.copy, stored, again.result, again.name);
      if (againOut.state !== out.state || JSON.stringify(againOut.effects) !== JSON.stringify(out.effects)) {
        return this.remember(key, { ...out, failure: { rule: 'node-search.determinism', checker: 'determinism', message: `node ${node}'s ${first.name} did different things on two copies of the same state: handlers must be deterministic (use ctx.random(), not your own source of chance)` } });
      }
    }
    return this.remember(key, out);
  }

  private finish(node: NodeId, n: RealmNode, stored: number, r: NodeCallResult, call: string): NodeStep {
    const failure = failureOf(call, node, r);
    let next = stored;
    const effects: NodeEffect[] = [];
    for (const e of r.effects) {
      if (e.op === 'save') next = this.internStored(e.text);
      else effects.push(e);
    }
    if (failure) return { state: 0, stored: next, effects, failure };
    let key: string;
    try {
      key = realmStateKey(n.inner, this.calls.realm, this.shared);
    } catch (e) {
      if (e instanceof UncloneableStateError) return { state: 0, stored: next, effects, failure: { rule: 'node-search.uncloneable', checker: 'uncloneable', message: e.message } };
      throw e;
    }
    const tagged = `${node}|${key}`;
    let id = this.ids.get(tagged);
    if (id === undefined) {
      if (this.objects.length >= MAX_NODE_STATES) throw new NodeStateBudgetError(`more than ${MAX_NODE_STATES} distinct node states`);
      id = this.objects.length;
      this.objects.push(n);
      this.ids.set(tagged, id);
    }
    return { state: id, stored: next, effects };
  }

  private internStored(text: string): number {
    let id = this.storedIds.get(text);
    if (id === undefined) {
      id = this.storedTexts.length;
      this.storedTexts.push(text);
      this.storedIds.set(text, id);
    }
    return id;
  }

  private remember(key: string, s: NodeStep): NodeStep {
    this.memo.set(key, s);
    return s;
  }
}

function failureOf(call: string, node: NodeId, r: NodeCallResult): StepFailure | undefined {
  if (r.missing) return { rule: 'api.handler', checker: 'handler-error', message: `node ${node}: ${r.missing}` };
  if (r.thrown) return { rule: r.host ? 'api.no-host' : call === 'constructor' ? 'api.constructor' : 'api.no-throw', checker: 'handler-error', message: `node ${node}'s ${call} ${r.host ?? `threw ${r.thrown.name}: ${r.thrown.message}`}` };
  const p = r.problems[0];
  if (p) return { rule: p.rule, checker: 'handler-error', message: `node ${node}'s ${call}: ${p.message}` };
  return undefined;
}
