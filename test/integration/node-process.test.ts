// The node process and its supervisor: failures inside a node are reported, never silent; hung and
// orphaned nodes do not survive; student role modules are loaded into the reference node.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile, writeFile } from 'node:fs/promises';
import { bundleStudentModule } from '../../electron/engine/build/index.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runSingleDecreeCluster, startCluster } from '../../electron/engine/cluster/index.js';
import type { Cluster } from '../../electron/engine/cluster/index.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';
import { readStorageFile } from '../../electron/node/storage.js';
import { isAlive, until } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const misbehaving = path.join(here, 'fixtures/misbehaving-node.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-node-test-'));
const clusters: Cluster[] = [];
function cluster(...args: Parameters<typeof startCluster>): Cluster {
  const c = startCluster(...args);
  clusters.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.shutdown()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const errors = (c: Cluster) => c.trace.filter((e): e is Extract<TraceEvent, { type: 'error' }> => e.type === 'error');
const logs = (c: Cluster, node: number) =>
  c.trace.filter((e): e is Extract<TraceEvent, { type: 'log' }> => e.type === 'log' && e.node === node).map((e) => e.text);

describe('node process', () => {
  it('reports a handler that throws as an error event and keeps running', async () => {
    const c = cluster({ nodes: 2, nodeProgram: { module: misbehaving } });
    await c.ready;
    c.clientRequest(1, 'throw');
    c.clientRequest(1, 'fine');
    await c.waitFor((cl) => cl.decisions().get(1) === 'fine', 5000);
    const err = errors(c).find((e) => e.node === 1);
    expect(err?.message).toMatch(/^onClientRequest threw: Error: boom from the fixture/);
    expect(c.trace.some((e) => e.type === 'client-reply' && e.node === 1 && e.result === 'fine')).toBe(true);
    expect(logs(c, 1)).toContain('misbehaving node 1 started');
    expect((await c.snapshot(1)).state).toEqual({ seen: 2 });
  });

  it('captures stdout as log events and reports an unexpected exit as a crash', async () => {
    const c = cluster({ nodes: 2, nodeProgram: { module: misbehaving } });
    await c.ready;
    c.clientRequest(2, 'print');
    await c.waitFor((cl) => logs(cl, 2).includes('stdout: hello on stdout'), 5000);
    c.clientRequest(2, 'exit');
    await c.waitFor((cl) => cl.trace.some((e) => e.type === 'crash' && e.node === 2), 5000);
    expect(errors(c).map((e) => e.message)).toContain('node 2 exited unexpectedly (code 7)');
    expect(c.isRunning(2)).toBe(false);
    await c.restart(2);
    expect(c.isRunning(2)).toBe(true);
  });

  it('stops a node gracefully and restarts it with a fresh instance', async () => {
    const c = cluster({ nodes: 2, nodeProgram: { module: misbehaving } });
    await c.ready;
    c.clientRequest(2, 'before');
    await c.waitFor((cl) => cl.decisions().get(2) === 'before', 5000);
    const pid = c.pid(2)!;
    await c.stop(2);
    expect(isAlive(pid)).toBe(false);
    expect(logs(c, 2)).toContain('stopped by the supervisor');
    expect(errors(c)).toEqual([]); // a requested stop is not a failure
    expect(c.clientRequest(2, 'lost')).toBe('r2');
    expect(errors(c).map((e) => e.message)).toEqual(['client request r2 not delivered: node 2 is not running']);
    await c.restart(2);
    expect((await c.snapshot(2)).state).toEqual({ seen: 0 });
    await expect(c.restart(2)).rejects.toThrow(/node 2 is running/);
  });

  it('kills a node that hangs', async () => {
    const c = cluster({ nodes: 2, nodeProgram: { module: misbehaving }, hangTimeoutMs: 600 });
    await c.ready;
    const pid = c.pid(1)!;
    c.clientRequest(1, 'hang');
    await c.waitFor((cl) => cl.trace.some((e) => e.type === 'crash' && e.node === 1), 5000);
    expect(errors(c).some((e) => e.node === 1 && /hung \(no heartbeat for \d+ ms\) and was killed/.test(e.message))).toBe(true);
    expect(await until(() => !isAlive(pid), 2000)).toBe(true);
    expect(c.isRunning(2)).toBe(true);
  });

  it('fails to start with a clear message when a module cannot be loaded', async () => {
    const c = cluster({ nodes: 1, nodeProgram: { roles: { acceptor: path.join(tmp, 'missing.js') } } });
    await expect(c.ready).rejects.toThrow(/node 1 could not start: cannot load the acceptor module .*missing\.js/);
    expect(errors(c).some((e) => /cannot load the acceptor module .*missing\.js/.test(e.message))).toBe(true);
  });

  it('runs student role modules inside the reference node', async () => {
    // Build the reference roles the way a student's module is built: one bundle per role, which the
    // node evaluates in a student realm.
    const roles: Record<string, string> = {};
    for (const [role, src, exportName] of [
      ['acceptor', 'labs/01-acceptor/reference/acceptor.ts', 'Acceptor'],
      ['proposer', 'labs/02-proposer/reference/proposer.ts', 'Proposer'],
      ['learner', 'labs/03-learner/reference/learner.ts', 'Learner'],
    ]) {
      roles[role] = path.join(tmp, `${role}.js`);
      const built = await bundleStudentModule(path.join(root, src), { exportName });
      if (!built.ok) throw new Error(JSON.stringify(built.diagnostics));
      await writeFile(roles[role], built.code);
    }
    const outcome = await runSingleDecreeCluster({ nodes: 3, propose: ['built'], loss: 0.1, dup: 0.1, seed: 3, timeoutMs: 10_000, nodeProgram: { roles } });
    expect(outcome.live).toEqual([1, 2, 3]);
    expect([...outcome.decisions.values()]).toEqual(['built', 'built', 'built']);
    expect(outcome.trace[0]).toMatchObject({ type: 'meta', source: 'cluster', nodes: [1, 2, 3] });
  });

  it("a student role in a node process cannot reach the node's process: the call throws, the node runs on", async () => {
    const dir = mkdtempSync(path.join(tmp, 'escape-'));
    const src = path.join(dir, 'acceptor.ts');
    await writeFile(
      src,
      [
        "import { Acceptor as Ref } from './ref.js';",
        'export class Acceptor extends Ref {',
        '  override handlePrepare(msg: Parameters<Ref["handlePrepare"]>[0]) {',
        '    (globalThis as unknown as { process: { exit(c: number): void } }).process.exit(3);',
        '    return super.handlePrepare(msg);',
        '  }',
        '}',
      ].join('\n'),
    );
    await writeFile(path.join(dir, 'ref.ts'), await readFile(path.join(root, 'labs/01-acceptor/reference/acceptor.ts'), 'utf8'));
    const built = await bundleStudentModule(src, { exportName: 'Acceptor' });
    if (!built.ok) throw new Error(JSON.stringify(built.diagnostics));
    const file = path.join(dir, 'acceptor.js');
    await writeFile(file, built.code);
    const c = cluster({ nodes: 3, nodeProgram: { roles: { acceptor: file } } });
    await c.ready;
    const pids = c.nodes.map((n) => c.pid(n)!);
    const threw = await until(() => logs(c, 2).some((t) => /acceptor\.handlePrepare threw: Cannot read properties of undefined \(reading 'exit'\)/.test(t)), 10_000);
    expect(threw).toBe(true);
    expect(pids.every(isAlive)).toBe(true);
  });

  it('keeps stable storage in a journal file per node, and removes the temporary folder at shutdown', async () => {
    const c = cluster({ nodes: 3, seed: 2 });
    await c.ready;
    c.clientRequest(1, 'stored');
    await c.waitFor((cl) => cl.decisions().size === 3, 10_000);
    const file = c.storageFile(2);
    expect(readStorageFile(file)).toMatchObject({ decided: 'stored' });
    expect(existsSync(`${file}.tmp`)).toBe(false);
    const pids = c.nodes.map((n) => c.pid(n)!);
    await c.shutdown();
    await c.shutdown(); // idempotent
    expect(existsSync(file)).toBe(false);
    expect(pids.some(isAlive)).toBe(false);
  });
});

describe('no orphans', () => {
  const tempDirs: string[] = [];
  afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('leaves no node process within 2 s after the supervisor is SIGKILLed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/supervisor-child.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      expect(await until(() => out.includes('\n'), 20_000), err).toBe(true);
      const { pids, dirs } = JSON.parse(out) as { pids: number[]; dirs: string[] };
      for (const d of dirs) tempDirs.push(d);
      expect(pids).toHaveLength(3);
      expect(pids.every(isAlive)).toBe(true);
      child.kill('SIGKILL');
      expect(await until(() => !pids.some(isAlive), 2000)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
