// Trace I/O (JSON lines + schema), the text space-time diagram and `paxlab trace show`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulation } from '../../electron/engine/sim/index.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';
import { parseTrace, readTrace, serializeEvent, serializeTrace, TraceFormatError, writeTrace } from '../../electron/engine/trace/io.js';
import { TRACE_EVENT_TYPES, traceEventProblem } from '../../electron/engine/trace/schema.js';
import { TraceRecorder } from '../../electron/engine/trace/recorder.js';
import { renderTraceDiagram } from '../../electron/engine/trace/diagram.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'paxlab-trace-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run with a bit of everything: loss, dup, crash, restart, partition, heal, link, net, requests. */
function eventfulTrace(): TraceEvent[] {
  const s = new Simulation({
    nodes: 5,
    nodeClass: SingleDecreeNode,
    seed: 11,
    title: 'eventful',
    network: { loss: 0.2, dup: 0.2 },
    schedule: [
      { at: 2, action: 'crash', node: 1 },
      { at: 30, action: 'partition', groups: [[1, 2], [3, 4, 5]] },
      { at: 60, action: 'link', a: 3, b: 4, up: false },
      { at: 70, action: 'net', network: { loss: 0.1 } },
      { at: 200, action: 'heal' },
      { at: 220, action: 'restart', node: 1 },
    ],
  });
  s.clientRequest(1, 'a');
  s.clientRequest(3, 'b', 5);
  s.runUntil({ allDecided: true, timeMs: 5_000 });
  return s.trace;
}

/** One sample event per type, for schema checks. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  meta: { type: 'meta', format: 'paxlab-trace/1', source: 'sim', nodes: [1, 2, 3] },
  send: { type: 'send', id: 1, from: 1, to: 2, msg: { kind: 'prepare', from: 1, crnd: 1 } },
  deliver: { type: 'deliver', id: 1, from: 1, to: 2, msg: { kind: 'prepare', from: 1, crnd: 1 }, copy: 0 },
  drop: { type: 'drop', id: 1, from: 1, to: 2, reason: 'loss', copy: 0 },
  duplicate: { type: 'duplicate', id: 1, from: 1, to: 2, copy: 1 },
  delay: { type: 'delay', id: 1, from: 1, to: 2, copy: 0, ms: 4 },
  timer: { type: 'timer', node: 1, name: 'retry' },
  crash: { type: 'crash', node: 1 },
  restart: { type: 'restart', node: 1 },
  partition: { type: 'partition', groups: [[1], [2, 3]] },
  heal: { type: 'heal' },
  link: { type: 'link', a: 1, b: 2, up: false },
  net: { type: 'net', network: { loss: 0.1, dup: 0, minDelayMs: 1, maxDelayMs: 5 } },
  decide: { type: 'decide', node: 1, value: 'x', slot: 0 },
  'client-request': { type: 'client-request', node: 1, request: 'c1', value: 'x' },
  'client-reply': { type: 'client-reply', node: 1, request: 'c1', result: 'x' },
  error: { type: 'error', message: 'boom' },
  log: { type: 'log', node: 2, text: 'hello' },
  start: { type: 'start', node: 1, at: 12.5 },
  invoke: { type: 'invoke', client: 'c1', request: 'c1:1', op: { f: 'put', key: 'x', value: '1' }, node: 2 },
  ok: { type: 'ok', client: 'c1', request: 'c1:1', result: null, node: 2 },
  fail: { type: 'fail', client: 'c1', request: 'c1:2', reason: 'not chosen' },
  info: { type: 'info', client: 'c2', request: 'c2:1', reason: 'timed out' },
};

describe('trace format 2: clients', () => {
  const line = (o: object, seq: number) => JSON.stringify({ seq, t: seq, lc: seq, ...o });
  const meta = (format: string) => ({ type: 'meta', format, source: 'sim', nodes: [1, 2] });

  it('a client is a participant: messages to and from c1, history events on its lane', () => {
    const text = [
      line({ ...meta('paxlab-trace/2'), clients: ['c1'], model: 'kv' }, 0),
      line(SAMPLES.invoke, 1),
      line({ type: 'send', id: 1, from: 'c1', to: 2, msg: { kind: 'request', request: 'c1:1' } }, 2),
      line({ type: 'deliver', id: 1, from: 'c1', to: 2, msg: { kind: 'request', request: 'c1:1' }, copy: 0 }, 3),
      line({ type: 'send', id: 2, from: 2, to: 'c1', msg: { kind: 'reply', request: 'c1:1', result: 'null' } }, 4),
      line({ type: 'drop', id: 2, from: 2, to: 'c1', reason: 'loss', copy: 0 }, 5),
      line(SAMPLES.info, 6),
    ].join('\n');
    expect(parseTrace(text).map((e) => e.type)).toEqual(['meta', 'invoke', 'send', 'deliver', 'send', 'drop', 'info']);
    expect(() => parseTrace(line({ ...meta('paxlab-trace/2') }, 0) + '\n' + line({ type: 'send', id: 1, from: 'client', to: 2, msg: { kind: 'x' } }, 1))).toThrow(/line 2/);
  });

  it('the reader still accepts paxlab-trace/1, but not clients in it', () => {
    expect(parseTrace(line(meta('paxlab-trace/1'), 0) + '\n' + line(SAMPLES.crash, 1))).toHaveLength(2);
    expect(() => parseTrace(line(meta('paxlab-trace/1'), 0) + '\n' + line(SAMPLES.invoke, 1))).toThrow(/'invoke' event exists only in paxlab-trace\/2/);
    expect(() => parseTrace(line(meta('paxlab-trace/3'), 0))).toThrow(/line 1/);
  });

  it('the writer writes paxlab-trace/2', () => {
    expect(eventfulTrace()[0]).toMatchObject({ type: 'meta', format: 'paxlab-trace/2' });
  });
});

describe('trace I/O', () => {
  it('serialize → parse → serialize is the identity, and covers every event type of the run', () => {
    const trace = eventfulTrace();
    const text = serializeTrace(trace);
    const back = parseTrace(text);
    expect(back).toEqual(JSON.parse(JSON.stringify(trace)));
    expect(serializeTrace(back)).toBe(text);
    const types = new Set(trace.map((e) => e.type));
    for (const t of ['meta', 'send', 'deliver', 'drop', 'duplicate', 'delay', 'timer', 'crash', 'restart', 'partition', 'heal', 'link', 'net', 'decide', 'client-request', 'client-reply']) {
      expect(types.has(t as TraceEvent['type']), t).toBe(true);
    }
  });

  it('keys are written in one canonical order whatever order the object has', () => {
    const a = { seq: 3, t: 1, lc: 2, type: 'drop', id: 7, from: 1, to: 2, reason: 'loss', copy: 0 } as TraceEvent;
    const b = { copy: 0, reason: 'loss', to: 2, from: 1, id: 7, type: 'drop', lc: 2, t: 1, seq: 3 } as TraceEvent;
    expect(serializeEvent(b)).toBe(serializeEvent(a));
    expect(serializeEvent(a)).toBe('{"seq":3,"t":1,"lc":2,"type":"drop","id":7,"from":1,"to":2,"reason":"loss","copy":0}');
  });

  it('the schema accepts a sample of every event type and knows every type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...TRACE_EVENT_TYPES].sort());
    for (const [type, e] of Object.entries(SAMPLES)) expect(traceEventProblem({ seq: 1, t: 0, lc: 0, ...e }), type).toBeNull();
  });

  it('the reader rejects bad lines and names each one', () => {
    const good = serializeTrace(eventfulTrace()).split('\n');
    const lines = [...good.slice(0, 6)];
    lines[2] = '{not json';
    lines[3] = lines[3].replace(/"type":"[a-z-]+"/, '"type":"teleport"');
    lines[4] = lines[4].replace(/"t":\d+/, '"t":"soon"');
    lines[5] = lines[5].replace(/^\{/, '{"extra":1,');
    let err: unknown;
    try {
      parseTrace(lines.join('\n'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceFormatError);
    const problems = (err as TraceFormatError).problems;
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(problems[0].message).toMatch(/not JSON/);
    expect(problems[1].message).toMatch(/unknown event type "teleport"/);
    expect(problems[2].message).toMatch(/t must be number/);
    expect(problems[3].message).toMatch(/additional properties 'extra'/);
    expect((err as Error).message).toMatch(/line 3: not JSON/);
  });

  it('the reader requires meta first, only first, and seq in order', () => {
    const meta = JSON.stringify({ seq: 0, t: 0, lc: 0, type: 'meta', format: 'paxlab-trace/1', source: 'sim', nodes: [1] });
    const crash = (seq: number) => JSON.stringify({ seq, t: 0, lc: 1, type: 'crash', node: 1 });
    expect(() => parseTrace(crash(0))).toThrow(/line 1: the first event must be 'meta'/);
    expect(() => parseTrace([meta, meta.replace('"seq":0', '"seq":1')].join('\n'))).toThrow(/line 2: 'meta' may only be the first/);
    expect(() => parseTrace([meta, crash(2)].join('\n'))).toThrow(/line 2: seq 2 out of order \(expected 1\)/);
    expect(() => parseTrace('\n\n')).toThrow(/empty trace/);
    expect(parseTrace([meta, crash(1), ''].join('\r\n'))).toHaveLength(2);
  });

  it('writeTrace and readTrace round-trip through a file; a missing file is a clear error', () => {
    const trace = eventfulTrace();
    const file = path.join(dir, 'run.jsonl');
    writeTrace(file, trace);
    expect(readFileSync(file, 'utf8')).toBe(serializeTrace(trace));
    expect(readTrace(file)).toEqual(JSON.parse(JSON.stringify(trace)));
    expect(() => readTrace(path.join(dir, 'nope.jsonl'))).toThrow(/no such trace file/);
  });
});

describe('text space-time diagram', () => {
  it('draws node columns, message arrows, drops, crashes, restarts, decisions and partitions', () => {
    const trace = eventfulTrace();
    const out = renderTraceDiagram(trace);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/eventful · source sim · seed 11/);
    expect(lines[1]).toMatch(/^\s+N1\s+N2\s+N3\s+N4\s+N5$/);
    expect(out).toMatch(/•─+[^\n]*prepare crnd=\d+[^\n]*▶|◀[^\n]*prepare crnd=\d+[^\n]*•/);
    expect(out).toMatch(/✗[^\n]*\[loss\]|\[loss\]/);
    expect(out).toContain('╳ CRASH');
    expect(out).toContain('↻ RESTART');
    expect(out).toMatch(/★ DECIDE "(a|b)"/);
    expect(out).toMatch(/^\s+30 ═+ partition \{1,2\} \| \{3,4,5\} ═+$/m);
    expect(out).toMatch(/ heal ═/);
    expect(out).not.toContain('heartbeat');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(120);
  });

  it('an arrow runs from the sender column to the receiver column', () => {
    const e: TraceEvent[] = [
      { seq: 0, t: 0, lc: 0, type: 'meta', format: 'paxlab-trace/1', source: 'sim', nodes: [1, 2, 3] },
      { seq: 1, t: 5, lc: 2, type: 'deliver', id: 1, from: 3, to: 1, msg: { kind: 'promise', to: 1, from: 3, rnd: 4, vrnd: 0, vval: null }, copy: 0 },
    ];
    const line = renderTraceDiagram(e, { width: 30 }).split('\n')[3];
    const header = renderTraceDiagram(e, { width: 30 }).split('\n')[1];
    expect(line.indexOf('◀')).toBe(header.indexOf('N1') + 1);
    expect(line.indexOf('•')).toBe(header.indexOf('N3') + 1);
    expect(line).toContain('promise rnd=4 vrnd=0 vval=null');
  });

  it('types and kinds choose what is drawn', () => {
    const trace = eventfulTrace();
    const onlyDecide = renderTraceDiagram(trace, { types: ['decide'] }).split('\n').slice(3).filter(Boolean);
    expect(onlyDecide.length).toBe(trace.filter((e) => e.type === 'decide').length);
    expect(onlyDecide.every((l) => l.includes('★ DECIDE'))).toBe(true);
    const beats = renderTraceDiagram(trace, { types: ['deliver'], kinds: ['heartbeat'] });
    expect(beats).toContain('heartbeat');
    expect(beats).not.toContain('prepare');
  });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'paxlab.js'), ...args], { cwd: root, env: { ...process.env, COLUMNS: '120' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('paxlab trace show', () => {
  it('prints the diagram of a trace file', async () => {
    const file = path.join(dir, 'show.jsonl');
    writeTrace(file, eventfulTrace());
    const r = await cli(['trace', 'show', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/N1\s+N2\s+N3\s+N4\s+N5/);
    expect(r.stdout).toContain('★ DECIDE');
  });

  it('exits 2 with a clear message for a missing or invalid file', async () => {
    const missing = await cli(['trace', 'show', path.join(dir, 'missing.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such trace file/);
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"seq":0,"t":0,"lc":0,"type":"meta","format":"paxlab-trace/1","source":"sim","nodes":[1]}\n{"oops":1}\n');
    const invalid = await cli(['trace', 'show', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/line 2/);
    const badType = await cli(['trace', 'show', bad, '--types', 'deliver,bogus']);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/unknown event type\(s\) bogus/);
  });
});

describe('paxlab trace show with clients', () => {
  it('draws a column per client with its invocations and results', () => {
    const r = new TraceRecorder({ source: 'sim', nodes: [1, 2], clients: ['c1'] });
    r.record({ type: 'invoke', t: 0, client: 'c1', request: 'c1:1', op: { f: 'put', key: 'x', value: '1' }, node: 2 });
    r.record({ type: 'send', t: 0, id: 1, from: 'c1', to: 2, msg: { kind: 'request', request: 'c1:1' } });
    r.record({ type: 'deliver', t: 1, id: 1, from: 'c1', to: 2, msg: { kind: 'request', request: 'c1:1' }, copy: 0 });
    r.record({ type: 'ok', t: 2, client: 'c1', request: 'c1:1', result: null, node: 2 });
    const text = renderTraceDiagram(r.events, { maxLineWidth: 200 });
    expect(text).toMatch(/N1\s+N2\s+c1/);
    expect(text).toMatch(/▷ c1:1 put \{"key":"x","value":"1"\} → N2/);
    expect(text).toMatch(/◀─+• request request="c1:1"/);
    expect(text).toMatch(/✓ c1:1 null/);
  });
});
