// Hostile submissions (test/fixtures/hostile): every attack on the grader found so far is graded
// like any submission. None may score more than its honest twin (the same file with the attack
// region removed), every run must end with a clear verdict that names the reason, and the grader
// itself must never fail. (Class runs over them are hostile-class.test.ts's.)
import { createServer, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReportText, gradeModule, listGradeTests, runInSandbox, Sandbox, toGradescope, type GradeReport, type TestResult } from '../../electron/engine/grading/index.js';
import { bundleStudentModule } from '../../electron/engine/build/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hostile = path.join(root, 'test/fixtures/hostile');
type Lab = 'acceptor' | 'proposer' | 'learner';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'paxlab-hostile-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The submission without its attack: what its honest logic scores. */
export function honestTwin(source: string): string {
  return source.replace(/^[ \t]*\/\/ --- attack ---\n[\s\S]*?^[ \t]*\/\/ --- end attack ---\n/gm, '');
}

const twinScores = new Map<string, Promise<number>>();
async function twinScore(lab: Lab, source: string, only?: GradeOptionsOnly): Promise<number> {
  const honest = honestTwin(source);
  const key = `${lab}\n${only?.join(',') ?? 'all'}\n${honest}`;
  let p = twinScores.get(key);
  if (!p) {
    p = (async () => {
      const dir = await mkdtemp(path.join(tmp, 'twin-'));
      const file = path.join(dir, `${lab}.ts`);
      await writeFile(file, honest);
      const r = await gradeModule(lab, file, { hidden: true, only });
      expect(r.status, `the honest twin builds:\n${honest}`).toBe('graded');
      return r.score;
    })();
    twinScores.set(key, p);
  }
  return p;
}

// Attacks on the realm's resources and intrinsics are graded on traces and scenarios; those that
// forge verdicts (hooks on JSON, arrays, sets; pollution; escapes) and the search's own limits get
// every kind of test.
type GradeOptionsOnly = ('trace' | 'scenario' | 'search')[];

/** What every verdict must be: named, readable, small, and never the grader's own failure. */
function expectClearVerdicts(r: GradeReport): void {
  expect(['graded', 'build-error', 'load-error']).toContain(r.status);
  if (r.status === 'build-error') expect(r.diagnostics.some((d) => d.severity === 'error' && d.message.length > 10)).toBe(true);
  for (const t of r.tests) {
    if (t.passed) continue;
    const f = t.failure!;
    expect(f.reason, `${t.id}: ${f.message}`).not.toBe('harness');
    expect(f.rule.id, t.id).toMatch(/^(api|scenario|search|acceptor|proposer|learner)\./);
    expect(f.message.length, t.id).toBeGreaterThan(5);
    expect(f.message.length, t.id).toBeLessThan(4096);
    for (const k of ['input', 'expected', 'actual', 'state', 'stateBefore'] as const) {
      expect(JSON.stringify(f[k] ?? null).length, `${t.id}: ${k}`).toBeLessThan(8192);
    }
    expect((f.output ?? '').length, t.id).toBeLessThanOrEqual(16 * 1024);
  }
}

const failures = (r: GradeReport) => r.tests.filter((t) => !t.passed);
const reasons = (r: GradeReport) => new Set(failures(r).map((t) => `${t.failure!.reason} ${t.failure!.rule.id}`));
const someFailure = (r: GradeReport, pred: (t: TestResult) => boolean) => failures(r).some(pred);

interface Case {
  name: string;
  lab: Lab;
  only?: GradeOptionsOnly;
  check?: (r: GradeReport) => void;
}

const CASES: Case[] = [
  { name: 'json-stringify-hook', lab: 'acceptor' },
  { name: 'array-patches', lab: 'acceptor' },
  {
    name: 'weakset-hook',
    lab: 'acceptor',
    check: (r) => expect(reasons(r)).toContain('not-fresh api.fresh-output'),
  },
  {
    name: 'mutates-input-with-hooks',
    lab: 'acceptor',
    check: (r) => {
      expect(reasons(r)).toContain('mutates-input api.no-mutation');
      expect(someFailure(r, (t) => t.kind === 'search' && t.failure!.checker === 'input-mutation')).toBe(true);
      expect(r.tests.filter((t) => t.kind === 'trace').every((t) => !t.passed)).toBe(true);
    },
  },
  {
    name: 'imports-reference',
    lab: 'acceptor',
    check: (r) => {
      expect(r.status).toBe('build-error');
      expect(r.diagnostics[0]).toMatchObject({ file: 'acceptor.ts', line: 3, source: 'import' });
      expect(r.diagnostics[0].message).toMatch(/^cannot use import\(\)/);
    },
  },
  {
    name: 'requires-fs',
    lab: 'acceptor',
    check: (r) => {
      expect(r.status).toBe('build-error');
      expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(/cannot use require\(\) \('node:fs'\)/);
    },
  },
  {
    name: 'kills-parent',
    lab: 'acceptor',
    check: (r) => expect(someFailure(r, (t) => t.failure!.rule.id === 'api.no-host' && /process is not available/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'stops-parent',
    lab: 'acceptor',
    check: (r) => expect(someFailure(r, (t) => t.failure!.rule.id === 'api.no-host' && /process is not available/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'type-bomb',
    lab: 'acceptor',
    check: (r) => {
      expect(r.status).toBe('build-error');
      expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'PAXLAB-TYPECHECK-LIMIT', message: expect.stringMatching(/^the type check exceeded its limit/) })]);
    },
  },
  {
    name: 'off-heap',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => /ArrayBuffer is not available/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'huge-return',
    lab: 'acceptor',
    only: ['trace'],
    check: (r) => {
      expect(someFailure(r, (t) => t.failure!.reason === 'garbage' && /too large to be a message/.test(t.failure!.message))).toBe(true);
      expect(JSON.stringify(r).length).toBeLessThan(100_000);
    },
  },
  {
    name: 'huge-string',
    lab: 'acceptor',
    only: ['trace'],
    check: (r) => expect(someFailure(r, (t) => t.failure!.reason === 'garbage' && /too large/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'ansi-output',
    lab: 'acceptor',
    check: (r) => {
      // No raw control character reaches a terminal or Gradescope's page (JSON quoting them as
      // \u001b is harmless text).
      const texts = [formatReportText(r), ...toGradescope(r).tests.map((t) => t.output)];
      // eslint-disable-next-line no-control-regex
      for (const text of texts) expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
      expect(formatReportText(r)).toMatch(/ALL TESTS PASSED/);
    },
  },
  {
    name: 'microtask-loop',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => /a Promise is not a message/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'finalization',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => t.failure!.rule.id === 'api.no-host' && /FinalizationRegistry is not available/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'stack-tricks',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => t.failure!.reason === 'throws' && t.failure!.call === 'handleAccept')).toBe(true),
  },
  {
    name: 'constructor-escape',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => t.failure!.rule.id === 'api.no-host' && /eval and new Function are not available/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'getter-output',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => /field 'rnd' is a getter, not data/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'proxy-output',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => /a Proxy is not a message/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'throws-proxy',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => {
      expect(someFailure(r, (t) => t.failure!.reason === 'throws' && /a Proxy/.test(t.failure!.message))).toBe(true);
      expect(someFailure(r, (t) => t.failure!.reason === 'throws' && t.failure!.call === 'handleAccept')).toBe(true);
    },
  },
  {
    name: 'prototype-pollution',
    lab: 'acceptor',
    check: (r) => expect(someFailure(r, (t) => /returned \{\}, not a promise message/.test(t.failure!.message))).toBe(true),
  },
  { name: 'eval-codegen', lab: 'acceptor', only: ['trace', 'scenario'], check: (r) => expect(reasons(r)).toContain('throws api.no-host') },
  { name: 'deep-recursion', lab: 'acceptor', only: ['trace', 'scenario'], check: (r) => expect(someFailure(r, (t) => /RangeError: Maximum call stack size exceeded/.test(t.failure!.message))).toBe(true) },
  { name: 'console-flood', lab: 'acceptor', only: ['trace', 'scenario'] },
  { name: 'async-handler', lab: 'acceptor', only: ['trace', 'scenario'], check: (r) => expect(someFailure(r, (t) => /a Promise is not a message/.test(t.failure!.message))).toBe(true) },
  { name: 'global-escape', lab: 'acceptor' },
  { name: 'rejects', lab: 'acceptor' },
  {
    name: 'huge-state',
    lab: 'acceptor',
    check: (r) => expect(someFailure(r, (t) => t.kind === 'search' && /more than 200,000 values \(a state too large to search\)/.test(t.failure!.message))).toBe(true),
  },
  {
    name: 'proxy-instance',
    lab: 'acceptor',
    only: ['trace', 'scenario'],
    check: (r) => expect(someFailure(r, (t) => t.failure!.reason === 'missing-handler' && /the object is a Proxy/.test(t.failure!.message))).toBe(true),
  },
  { name: 'reads-sandbox-bundle', lab: 'proposer' },
  {
    name: 'import-data-url',
    lab: 'proposer',
    check: (r) => {
      expect(r.status).toBe('build-error');
      expect(r.diagnostics[0]).toMatchObject({ file: 'proposer.ts', line: 4, source: 'import' });
      expect(r.diagnostics[0].message).toMatch(/cannot load code at run time/);
    },
  },
  { name: 'data-url-codegen', lab: 'proposer', check: (r) => expect(reasons(r)).toContain('throws api.no-host') },
];

describe('hostile submissions score no more than their honest logic, with a clear verdict', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.lab})`, async () => {
      const file = path.join(hostile, c.name, `${c.lab}.ts`);
      const source = await readFile(file, 'utf8');
      expect(source).toMatch(/\/\/ --- attack ---/);
      const r = await gradeModule(c.lab, file, { hidden: true, only: c.only });
      expectClearVerdicts(r);
      // No points, nothing to compare: the twin is graded only when the attack scored something.
      if (r.score > 0) {
        const honest = await twinScore(c.lab, source, c.only);
        expect(r.score, `scored ${r.score}, its honest twin ${honest}`).toBeLessThanOrEqual(honest);
      }
      c.check?.(r);
    }, 120_000);
  }

  for (const lab of ['acceptor', 'proposer', 'learner'] as const) {
    it(`hangs-everywhere (${lab}): every test fails by name at the CPU limit, and the grade ends`, async () => {
      const r = await gradeModule(lab, path.join(hostile, 'hangs-everywhere', `${lab}.ts`), { hidden: true });
      expectClearVerdicts(r);
      expect(r.score).toBe(0);
      expect(r.tests.length).toBe((await listGradeTests(lab, { hidden: true })).length);
      for (const t of r.tests) {
        expect(t.failure, t.id).toMatchObject({ reason: 'timeout', rule: { id: 'api.time-limit' } });
        expect(t.failure!.message, t.id).toMatch(/\w+ \(node \d+.*\) ran past the CPU time limit of 250 ms/);
      }
    }, 120_000);
  }
});

describe('confinement, checked from outside', () => {
  it('the sandbox cannot open a TCP connection or send a UDP datagram to a listener on 127.0.0.1', async () => {
    const connections: Socket[] = [];
    const tcp = createServer((s) => {
      connections.push(s);
      s.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as { port: number }).port;
    const udp = createSocket('udp4');
    const datagrams: Buffer[] = [];
    udp.on('message', (m) => datagrams.push(m));
    await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
    try {
      const dir = await mkdtemp(path.join(tmp, 'exfil-'));
      const source = (await readFile(path.join(hostile, 'exfiltrates/acceptor.ts'), 'utf8')).replace('__PORT__', String(port));
      const file = path.join(dir, 'acceptor.ts');
      await writeFile(file, source);
      // Every kind of test, hidden traces included: the inputs it would have sent are the hidden tests'.
      const r = await gradeModule('acceptor', file, { hidden: true });
      expectClearVerdicts(r);
      // Its acceptor logic is correct: it passes, and no route let anything out.
      expect(r.score).toBe(r.maxScore);
      const printed = JSON.stringify(r);
      expect(printed).not.toMatch(/route [\w ()".]+: reached/);
      await new Promise((res) => setTimeout(res, 200));
      expect(connections.length).toBe(0);
      expect(datagrams.length).toBe(0);
    } finally {
      tcp.close();
      udp.close();
    }
  }, 120_000);

  it('the sandbox cannot read the harness or a reference: not by path, not by import(), not by a data: URL', async () => {
    // By path (every route a Node program has) and by a data: URL through generated code: graded above
    // (reads-sandbox-bundle, data-url-codegen). Here, a module that skips the build's checks and calls
    // import() itself, on a data: URL and on the sandbox's own bundle: nothing loads, nothing prints.
    const body = [
      'const tries = [];',
      "for (const u of ['data:text/javascript,process.stdout.write(\"LOADED\")', 'file://' + " + JSON.stringify(path.join(root, 'dist/sandbox.js')) + ", " + JSON.stringify(path.join(root, 'labs/02-proposer/reference/proposer.ts')) + ']) {',
      '  try { tries.push(import(u)); } catch (e) { tries.push(e.name); }',
      '}',
      'class Learner { constructor(id) { this.id = id; } handleLearn(msg) { return tries.length === 3 ? null : "broken"; } }',
      'return { Learner };',
    ].join('\n');
    const payload = { exportName: 'Learner', node: { id: 1, nodes: [1, 2, 3] }, steps: [{ call: 'handleLearn', input: { kind: 'learn', from: 1, rnd: 1, val: 'v' } }] };
    const out = await runInSandbox({ code: body }, { kind: 'replay', payload }, { callCpuMs: 2000, memoryMb: 64 });
    expect(out.ok, JSON.stringify(out)).toBe(true);
    expect(out.progress.map((p) => (p as { out?: unknown }).out)).toEqual([undefined, { json: null }]);
    expect(out.output).not.toMatch(/LOADED/);
  });

  it('a test whose calls each stay under the limit, but together burn CPU without end, fails on its budget', async () => {
    const built = await bundleStudentModule(path.join(hostile, 'slow-everywhere/acceptor.ts'), { exportName: 'Acceptor' });
    if (!built.ok) throw new Error(JSON.stringify(built.diagnostics));
    const dir = await mkdtemp(path.join(tmp, 'slow-'));
    await writeFile(path.join(dir, 'student.js'), built.code);
    const sandbox = new Sandbox(path.join(dir, 'student.js'), { callCpuMs: 250, memoryMb: 128 });
    try {
      const payload = { exportName: 'Acceptor', role: 'acceptor', schedule: 'loss', nodes: 5, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
      const out = await sandbox.run({ kind: 'scenario', payload });
      expect(out).toMatchObject({ ok: false, reason: 'timeout' });
      expect(!out.ok && out.message).toMatch(/^your code used more than 2 s of CPU time in this test, over many calls \(each under the limit of one call\); it was stopped in handle(Prepare|Accept) \(node \d, seed \d+\)$/);
      // Interrupted, not killed: the same process goes on with a fresh realm.
      const again = await sandbox.run({ kind: 'replay', payload: { exportName: 'Acceptor', node: { id: 1, nodes: [1, 2, 3] }, steps: [] } });
      expect(again.ok).toBe(true);
      expect(sandbox.spawnCount).toBe(1);
    } finally {
      await sandbox.close();
    }
  }, 120_000);
});
