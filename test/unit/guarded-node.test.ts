// The guarded node: a student's PaxosNode class constructed in the student realm with a realm-side
// context whose effects are drained as data after each call and carried out on the harness's own
// context; hostile node code (patched built-ins, throws, floods, garbage, host access) is judged
// by named rules and never reaches the harness.
import { API_RULES } from '../../electron/engine/grading/api-rules.js';
import { describe, expect, it } from 'vitest';
import { guardedNodeClass } from '../../electron/engine/realm/guarded-node.js';
import { constructRealmNode } from '../../electron/engine/realm/realm-node.js';
import { StudentCalls } from '../../electron/engine/realm/student-calls.js';
import { StudentRealm } from '../../electron/engine/realm/student-realm.js';
import { Simulation } from '../../electron/engine/sim/simulation.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';

function load(body: string) {
  const realm = new StudentRealm();
  const calls = new StudentCalls(realm);
  const r = calls.load(body, 'student.js');
  if (!r.ok) throw new Error(`${r.thrown.name}: ${r.thrown.message}`);
  return { calls, realm, exports: r.module.exports };
}

function guarded(body: string) {
  const { calls, exports } = load(body);
  return guardedNodeClass(calls, exports.get('Node'), 'Node');
}

function run(body: string, opts: { nodes?: number; steps?: (sim: Simulation) => void; timeMs?: number } = {}) {
  const Cls = guarded(body);
  const sim = new Simulation({ nodes: opts.nodes ?? 2, nodeClass: Cls, seed: 7, protocol: 'test' });
  opts.steps?.(sim);
  sim.runUntil({ timeMs: opts.timeMs ?? 1000, maxEvents: 10_000 });
  return { trace: sim.trace, incidents: Cls.incidents, sim };
}

const of = (trace: TraceEvent[], type: string) => trace.filter((e) => e.type === type);

const ECHO = `
class Node {
  constructor(ctx, options) { this.ctx = ctx; this.options = options ?? null; this.heard = []; }
  onStart() {
    const saved = this.ctx.storage.load();
    this.boots = saved ? saved.boots + 1 : 1;
    this.ctx.storage.save({ boots: this.boots });
    if (this.ctx.id === 1) { this.ctx.setTimer('tick', 5); this.ctx.log('started', { boots: this.boots }); }
  }
  onTimer(name) {
    this.ctx.broadcast({ kind: 'ping', at: this.ctx.now(), r: this.ctx.random() }, { includeSelf: false });
  }
  onMessage(from, msg) {
    this.heard.push(msg.kind);
    if (msg.kind === 'ping') { this.ctx.send(from, { kind: 'pong', at: this.ctx.now() }); this.ctx.decide('v', 3); }
  }
  onClientRequest(r) { this.ctx.reply(r.id, 'done ' + r.value); }
  snapshot() { return { heard: this.heard, boots: this.boots, options: this.options }; }
}
return { Node };`;

describe('the guarded node', () => {
  it('carries out what the node asked its realm-side context for, read out as data', () => {
    const { trace, incidents, sim } = run(ECHO, { steps: (s) => void s.clientRequest(2, 'x', 20, 'r1') });
    expect(incidents).toEqual([]);
    const sends = of(trace, 'send') as Extract<TraceEvent, { type: 'send' }>[];
    expect(sends.map((s) => [s.from, s.to, s.msg.kind])).toEqual([
      [1, 2, 'ping'],
      [2, 1, 'pong'],
    ]);
    // now() is the time of the event being handled, handed in per call.
    expect(sends[0].msg.at).toBe(5);
    expect(typeof sends[0].msg.r).toBe('number');
    expect(of(trace, 'decide')).toEqual([expect.objectContaining({ node: 2, value: 'v', slot: 3 })]);
    expect(of(trace, 'client-reply')).toEqual([expect.objectContaining({ node: 2, request: 'r1', result: 'done x' })]);
    expect(of(trace, 'log')).toEqual([expect.objectContaining({ node: 1, text: 'started {"boots":1}' })]);
    expect(sim.storedState(1)).toBe('{"boots":1}');
    expect(sim.snapshot(2)).toEqual({ heard: ['ping'], boots: 1, options: null });
  });

  it('hands stable storage in across a restart, and the options as realm data', () => {
    const Cls = guarded(ECHO);
    const sim = new Simulation({ nodes: 1, nodeClass: class extends (Cls as any) { constructor(ctx: any) { super(ctx, { machine: 'kv' }); } } as any, seed: 1 });
    sim.crash(1);
    sim.restart(1);
    expect(sim.storedState(1)).toBe('{"boots":2}');
    expect(sim.snapshot(1)).toEqual({ heard: [], boots: 2, options: { machine: 'kv' } });
  });

  it('gives the same run for the same seed (random() is seeded per call by the harness)', () => {
    const a = run(ECHO).trace;
    const b = run(ECHO).trace;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('serializes a message when it is sent: changing the object afterwards changes nothing', () => {
    const { trace } = run(`class Node { constructor(ctx) { this.ctx = ctx; }
      onStart() { if (this.ctx.id !== 1) return; const m = { kind: 'a', n: 1 }; this.ctx.send(2, m); m.n = 2; m.kind = 'b'; this.ctx.send(2, m); }
      onMessage() {} onTimer() {} onClientRequest() {} }
      return { Node };`);
    expect((of(trace, 'send') as Extract<TraceEvent, { type: 'send' }>[]).map((s) => s.msg)).toEqual([
      { kind: 'a', n: 1 },
      { kind: 'b', n: 2 },
    ]);
  });

  it('a node that patches the built-ins changes only its own code', () => {
    const { trace, incidents } = run(`
      Object.defineProperty(Object.prototype, 'op', { set() { throw new Error('setter ran'); }, get() { return 'send'; }, configurable: true });
      Object.defineProperty(Array.prototype, '0', { set() { throw new Error('index setter ran'); }, configurable: true });
      JSON.stringify = () => '{"kind":"forged"}';
      JSON.parse = () => ({ forged: true });
      Object.defineProperty = () => { throw new Error('defineProperty patched'); };
      Object.freeze = (o) => o;
      Reflect.apply = () => { throw new Error('apply patched'); };
      class Node { constructor(ctx) { this.ctx = ctx; }
        onStart() { if (this.ctx.id === 1) { this.ctx.send(2, { kind: 'real', n: 1 }); this.ctx.storage.save({ a: 1 }); } }
        onMessage(from, msg) { this.ctx.decide(JSON.stringify(msg), 0); } onTimer() {} onClientRequest() {} }
      return { Node };`);
    expect(incidents).toEqual([]);
    expect((of(trace, 'send') as Extract<TraceEvent, { type: 'send' }>[])[0].msg).toEqual({ kind: 'real', n: 1 });
    // The node's own JSON.stringify is its patched one; the kit's is not.
    expect(of(trace, 'decide')).toEqual([expect.objectContaining({ value: '{"kind":"forged"}' })]);
  });

  it('judges misuse of the context by named rules and carries out only the valid effects', () => {
    const { trace, incidents } = run(`
      class Node { constructor(ctx) { this.ctx = ctx; }
        onStart() {
          if (this.ctx.id !== 1) return;
          const cyclic = { kind: 'c' }; cyclic.self = cyclic;
          this.ctx.send(9, { kind: 'x' });
          this.ctx.send(2, cyclic);
          this.ctx.send(2, { kind: 'big', n: 10n });
          this.ctx.send(2, 'hello');
          this.ctx.send(2, { noKind: true });
          this.ctx.send(2, new Proxy({}, { get() { throw new Error('trap'); } }));
          this.ctx.send({ valueOf() { return 2; } }, { kind: 'x' });
          this.ctx.setTimer('t', -1);
          this.ctx.setTimer({}, 5);
          this.ctx.decide({ v: 1 }, 0);
          this.ctx.decide('v', 1.5);
          this.ctx.reply({}, 'x');
          this.ctx.redirect('r', 42);
          this.ctx.storage.save(() => 1);
          this.ctx.send(2, { kind: 'ok' });
        }
        onMessage() {} onTimer() {} onClientRequest() {} }
      return { Node };`);
    expect(incidents.map((i) => i.rule)).toEqual([
      'api.send-target', 'api.message', 'api.message', 'api.message', 'api.message', 'api.message', 'api.send-target',
      'api.timer', 'api.timer', 'api.decide', 'api.decide', 'api.answer', 'api.send-target', 'api.storage',
    ]);
    expect(incidents[1].message).toMatch(/circular/i);
    expect(incidents[2].message).toMatch(/BigInt/);
    expect(incidents[4].message).toMatch(/no string 'kind'/);
    // Only the one valid message went out; the call is an error event of node 1's onStart.
    expect((of(trace, 'send') as Extract<TraceEvent, { type: 'send' }>[]).map((s) => s.msg)).toEqual([{ kind: 'ok' }]);
    expect(of(trace, 'error')).toEqual([expect.objectContaining({ node: 1, message: expect.stringMatching(/^onStart threw: send\(\) to 9/) })]);
  });

  it('a flood of one call is cut at the limit and named', () => {
    const { trace, incidents } = run(`class Node { constructor(ctx) { this.ctx = ctx; }
      onStart() { if (this.ctx.id === 1) for (let i = 0; i < 1e6; i++) this.ctx.send(2, { kind: 'spam', i }); }
      onMessage() {} onTimer() {} onClientRequest() {} }
      return { Node };`, { timeMs: 0 });
    expect(incidents.map((i) => i.rule)).toEqual(['api.flood']);
    expect(of(trace, 'send')).toHaveLength(2000);
  });

  it('a throw, a reach for process and an async handler are the student\'s, named', () => {
    const { trace, incidents } = run(`class Node { constructor(ctx) { this.ctx = ctx; }
      onStart() { if (this.ctx.id === 1) { this.ctx.send(2, { kind: 'before' }); throw new RangeError('boom'); } }
      async onMessage() { await null; this.ctx.send(1, { kind: 'never' }); }
      onTimer() {} onClientRequest() { process.exit(1); } }
      return { Node };`, { steps: (s) => void s.clientRequest(2, 'x', 5, 'r1') });
    expect(incidents.map((i) => [i.rule, i.node, i.call])).toEqual([
      ['api.no-throw', 1, 'onStart'],
      ['api.sync-handler', 2, 'onMessage'],
      ['api.no-host', 2, 'onClientRequest'],
    ]);
    expect(incidents[0].thrown).toEqual(expect.objectContaining({ name: 'RangeError', message: 'boom' }));
    // Effects before the throw went out (as they would on a real node); the async part never ran.
    expect((of(trace, 'send') as Extract<TraceEvent, { type: 'send' }>[]).map((s) => s.msg.kind)).toEqual(['before']);
  });

  it('a constructor that throws or a missing handler is named; the simulation goes on', () => {
    const a = run(`class Node { constructor(ctx) { if (ctx.id === 2) throw new Error('no'); this.ctx = ctx; } onStart() {} }
      return { Node };`, { steps: (s) => void s.clientRequest(1, 'x', 5, 'r1') });
    expect(a.incidents.map((i) => [i.rule, i.node, i.call])).toEqual([
      ['api.constructor', 2, 'constructor'],
      ['api.handler', 1, 'onClientRequest'],
    ]);
    expect(a.incidents[1].message).toMatch(/has no method onClientRequest/);
    // The rule a student reads for it speaks of a node's constructor too, not only a role's.
    expect(API_RULES['api.constructor']).toMatch(/new Node\(ctx, options\)/);
  });

  it('no harness object reaches the node: its context is made of realm values', () => {
    const { trace, incidents } = run(`class Node { constructor(ctx) { this.ctx = ctx; }
      onStart() {
        if (this.ctx.id !== 1) return;
        const c = this.ctx;
        const probes = [
          Object.getPrototypeOf(c) === Object.prototype,
          Object.getPrototypeOf(c.send) === Function.prototype,
          Array.isArray(c.nodes) && Object.getPrototypeOf(c.nodes) === Array.prototype,
          Object.isFrozen(c),
          (() => { try { return c.send.constructor('return process')(); } catch (e) { return e.name; } })(),
          (() => { try { c.send = null; return 'replaced'; } catch (e) { return e.name; } })(),
        ];
        c.send(2, { kind: 'probes', probes });
      }
      onMessage() {} onTimer() {} onClientRequest() {} }
      return { Node };`);
    expect(incidents).toEqual([]);
    expect((of(trace, 'send')[0] as Extract<TraceEvent, { type: 'send' }>).msg.probes).toEqual([true, true, true, true, 'EvalError', 'TypeError']);
  });

  it('drains as plain harness data (no realm object in an effect)', () => {
    const { calls, exports } = load(ECHO);
    const made = constructRealmNode(calls, exports.get('Node'), 'Node', 2, [1, 2], undefined, { now: 0, seed: 1, stored: undefined });
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    const r = made.node.call('onMessage', [1, { kind: 'ping' }], { now: 42, seed: 3, stored: undefined });
    expect(r.effects).toEqual([
      { op: 'send', to: 1, msg: { kind: 'pong', at: 42 } },
      { op: 'decide', value: 'v', slot: 3 },
    ]);
    for (const e of r.effects) expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((r.effects[0] as { msg: object }).msg)).toBe(Object.prototype);
  });
});
