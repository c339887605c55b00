/**
 * A student's whole node (a `PaxosNode` class) seen from the harness: a harness class the simulator
 * (or a test runner over it) constructs like any node class, `new Node(ctx, options?)`, which
 * constructs the student's class in the student realm with a realm-side context (realm-node.ts),
 * calls its handlers through the one metered choke point, and carries out the effects it drained —
 * sends, timers, decisions, answers, saves, log lines — on the real harness context. The real context
 * never enters the realm; what the node reads from it (`now()`, `random()`, `storage.load()`) is
 * handed in per call as data.
 *
 * A misuse of the context (a send to a non-node, a message that is not JSON, a flood, a bad timer)
 * is not carried out; it is recorded as an incident naming its rule, and the call is reported to
 * the simulator as an error (an `error` event in the trace), like a handler that threw.
 */
import type { ClientRequest, NodeContext, NodeId, PaxosNode } from '@paxlab/sdk';
import type { ThrownValue } from './read-out.js';
import { constructRealmNode, type NodeCallInputs, type NodeCallResult, type NodeHandler, type RealmNode } from './realm-node.js';
import { StudentError } from './guarded-role.js';
import type { StudentCalls } from './student-calls.js';

/** Something the student's node did that a named rule forbids (the first few of a run are kept). */
export interface NodeIncident {
  /** The rule (api.*, docs/grading.md "Node labs"). */
  rule: string;
  node: NodeId;
  /** The call it happened in: 'constructor', 'onStart', 'onMessage', … */
  call: string;
  /** Virtual time of the call. */
  t: number;
  message: string;
  thrown?: ThrownValue;
}

const THROW_RULE = 'api.no-throw';
const HOST_RULE = 'api.no-host';
const MAX_INCIDENTS = 20;

export interface GuardedNode extends PaxosNode<any> {
  readonly realmNode: RealmNode | null;
}

export type GuardedNodeClass = (new (ctx: NodeContext<any>, options?: unknown) => GuardedNode) & {
  readonly studentClass: unknown;
  readonly calls: StudentCalls;
  /** Incidents of every node made from this class so far, in order (at most 20). */
  readonly incidents: NodeIncident[];
};

/** A node's misuse of its context, reported to the simulator as an error of that call. */
export class NodeMisuseError extends Error {
  override name = 'NodeMisuseError';
}

/** The guarded stand-in for the node class a student module exports. */
export function guardedNodeClass(calls: StudentCalls, cls: unknown, exportName: string): GuardedNodeClass {
  const incidents: NodeIncident[] = [];
  const note = (i: NodeIncident) => {
    if (incidents.length < MAX_INCIDENTS) incidents.push(i);
  };

  const Guarded = class implements GuardedNode {
    static readonly studentClass = cls;
    static readonly calls = calls;
    static readonly incidents = incidents;
    readonly realmNode: RealmNode | null = null;
    private stored: string | undefined;
    private readonly real: NodeContext<any>;

    constructor(ctx: NodeContext<any>, options?: unknown) {
      this.real = ctx;
      const saved = ctx.storage.load();
      this.stored = saved === undefined ? undefined : JSON.stringify(saved);
      const made = constructRealmNode(calls, cls, exportName, ctx.id, [...ctx.nodes], options, this.inputs());
      if (!made.ok) {
        const t = made.result.thrown!;
        note({ rule: made.result.host ? HOST_RULE : 'api.constructor', node: ctx.id, call: 'constructor', t: ctx.now(), message: made.result.host ?? `new ${exportName}(ctx) threw ${t.name}: ${t.message}`, thrown: t });
        throw new StudentError(t);
      }
      this.realmNode = made.node;
      this.carryOut('constructor', made.result);
    }

    onStart(): void {
      this.invoke('onStart', []);
    }
    onMessage(from: NodeId, msg: unknown): void {
      this.invoke('onMessage', [from, msg]);
    }
    onTimer(name: string): void {
      this.invoke('onTimer', [name]);
    }
    onClientRequest(request: ClientRequest): void {
      const r: Record<string, unknown> = { id: request.id, value: request.value };
      if (request.client !== undefined) r.client = request.client;
      if (request.seq !== undefined) r.seq = request.seq;
      this.invoke('onClientRequest', [r]);
    }
    snapshot(): unknown {
      const s = this.realmNode?.snapshot();
      if (s === undefined) return undefined;
      return s.ok ? s.value : { error: s.why };
    }

    private inputs(): NodeCallInputs {
      return { now: this.real.now(), seed: Math.floor(this.real.random() * 0x1_0000_0000) | 0, stored: this.stored };
    }

    private invoke(name: NodeHandler, args: unknown[]): void {
      const node = this.realmNode;
      if (!node) return;
      const r = node.call(name, args, this.inputs());
      if (r.missing) {
        if (!incidents.some((i) => i.rule === 'api.handler' && i.call === name)) note({ rule: 'api.handler', node: this.real.id, call: name, t: this.real.now(), message: r.missing });
        return;
      }
      this.carryOut(name, r);
    }

    /** Carry out the valid effects in order; then report a throw or a misuse to the simulator. */
    private carryOut(call: string, r: NodeCallResult): void {
      const ctx = this.real;
      for (const e of r.effects) {
        switch (e.op) {
          case 'send':
            ctx.send(e.to, e.msg);
            break;
          case 'broadcast':
            ctx.broadcast(e.msg, { includeSelf: e.self });
            break;
          case 'setTimer':
            ctx.setTimer(e.name, e.delayMs);
            break;
          case 'cancelTimer':
            ctx.cancelTimer(e.name);
            break;
          case 'decide':
            ctx.decide(e.value as string, e.slot);
            break;
          case 'reply':
            ctx.reply(e.id, e.result);
            break;
          case 'redirect':
            ctx.redirect(e.id, e.to);
            break;
          case 'reject':
            ctx.reject(e.id, e.reason);
            break;
          case 'save':
            this.stored = e.text;
            ctx.storage.save(JSON.parse(e.text));
            break;
          case 'log':
            ctx.log(e.text);
            break;
        }
      }
      const t = ctx.now();
      for (const p of r.problems) note({ rule: p.rule, node: ctx.id, call, t, message: `${call}: ${p.message}` });
      if (r.thrown) {
        note({ rule: r.host ? HOST_RULE : THROW_RULE, node: ctx.id, call, t, message: r.host ?? `${call} threw ${r.thrown.name}: ${r.thrown.message}`, thrown: r.thrown });
        throw new StudentError(r.thrown);
      }
      if (r.problems.length > 0) throw new NodeMisuseError(r.problems.map((p) => `${p.message} (${p.rule})`).join('; '));
    }
  };
  return Guarded as unknown as GuardedNodeClass;
}
