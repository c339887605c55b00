/**
 * `paxlab serve` as a real child process: it prints its URL, binds 127.0.0.1, requires the token,
 * and implements the PaxLabApi over WebSocket end to end — labs, the workspace on disk, build
 * diagnostics, grading with progress, a real cluster with the student's acceptor — and a SIGTERM
 * stops it with every node process gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { AppEvent } from '../../electron/api.js';
import { createWebSocketApi, type WebSocketApi } from '../../electron/api-ws-client.js';
import { alive, waitUntil as until } from '../support/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let tmp: string;
let child: ChildProcess;
let url: string;
let token: string;
let api: WebSocketApi;
const events: AppEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-serve-it-'));
  const renderer = path.join(tmp, 'renderer');
  mkdirSync(renderer);
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>PaxLab</title>');
  child = spawn(process.execPath, [path.join(root, 'bin', 'paxlab.js'), 'serve', '--port', '0', '--workspace', path.join(tmp, 'ws')], {
    cwd: tmp,
    env: { ...process.env, PAXLAB_RENDERER_DIR: renderer },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${err}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^PaxLab serving at (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  token = new URL(url).searchParams.get('token')!;
  api = createWebSocketApi(url, token, { WebSocket: WebSocket as never });
  api.onEvent((e) => events.push(e));
});

afterAll(async () => {
  api?.close();
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('paxlab serve', () => {
  it('prints an http://127.0.0.1:PORT/ URL with a session token', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32,}$/);
  });

  it('rejects a bad or busy port with exit code 2 and a clear message', () => {
    const cli = path.join(root, 'bin', 'paxlab.js');
    const bad = spawnSync(process.execPath, [cli, 'serve', '--port', 'abc', '--workspace', path.join(tmp, 'ws2')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--port must be an integer/);
    const busy = spawnSync(process.execPath, [cli, 'serve', '--port', new URL(url).port, '--workspace', path.join(tmp, 'ws2')], {
      encoding: 'utf8',
      env: { ...process.env, PAXLAB_RENDERER_DIR: path.join(tmp, 'renderer') },
      timeout: 20_000,
    });
    expect(busy.status).toBe(2);
    expect(busy.stderr).toMatch(/is in use/);
  });

  it('refuses a WebSocket without the token', async () => {
    const u = new URL(url);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://${u.host}/api`);
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
  });

  it('lists the labs with their progress and opens a lab into the workspace', async () => {
    const labs = await api.listLabs();
    expect(labs.map((l) => l.id)).toEqual(['acceptor', 'proposer', 'learner', 'multi-paxos', 'kv-service']);
    expect(labs.every((l) => l.progress.status === 'not-started')).toBe(true);
    const lab = await api.getLab('acceptor');
    expect(lab.instructions).toMatch(/\S/);
    expect(lab.files[0].name).toBe('acceptor.ts');
    expect(lab.publicTraces.length).toBeGreaterThan(0);
    const file = await api.readLabFile('acceptor', 'acceptor.ts');
    expect(file.text).toBe(lab.files[0].starter);
    expect(readFileSync(path.join(tmp, 'ws', 'acceptor', 'acceptor.ts'), 'utf8')).toBe(file.text);
    expect((await api.listLabs()).find((l) => l.id === 'acceptor')!.progress.status).toBe('in-progress');
  });

  it('builds with diagnostics located in the student file', async () => {
    await api.writeLabFile('acceptor', 'acceptor.ts', 'export class Acceptor {\n  handlePrepare( {\n}\n');
    const build = await api.buildLab('acceptor');
    expect(build.ok).toBe(false);
    expect(build.diagnostics[0]).toMatchObject({ file: 'acceptor.ts', severity: 'error' });
    expect(build.diagnostics[0].line).toBeGreaterThanOrEqual(2);
  });

  it('grades the starter as failing and the reference as passing, with progress events', async () => {
    const lab = await api.getLab('acceptor');
    await api.writeLabFile('acceptor', 'acceptor.ts', lab.files[0].starter);
    const failing = await api.gradeLab('acceptor');
    expect(failing.built).toBe(true);
    expect(failing.failed).toBeGreaterThan(0);
    const bad = failing.verdicts.find((v) => !v.passed)!;
    expect(bad.rule?.id).toBeTruthy();
    expect(bad.trace?.[0]).toMatchObject({ type: 'meta' });

    const reference = readFileSync(path.join(root, 'labs', '01-acceptor', 'reference', 'acceptor.ts'), 'utf8');
    await api.writeLabFile('acceptor', 'acceptor.ts', reference);
    const passing = await api.gradeLab('acceptor');
    expect(passing).toMatchObject({ built: true, failed: 0 });
    expect(passing.score).toBe(passing.maxScore);
    const progress = events.filter((e) => e.type === 'grade-progress' && e.runId === passing.runId);
    expect(progress.length).toBe(passing.total);
    expect((await api.listLabs()).find((l) => l.id === 'acceptor')!.progress).toMatchObject({ status: 'passed' });
  });

  it("runs a cluster with the student's acceptor and stops every node on SIGTERM", async () => {
    const cluster = await api.startCluster({ nodes: 3, roles: { acceptor: 'student' } });
    expect(cluster.roles.acceptor).toBe('student');
    await api.clientRequest(cluster.clusterId, 1, 'v1');
    await until(
      () => events.some((e) => e.type === 'cluster-events' && e.events.some((t) => t.type === 'decide')),
      15_000,
      'a decision',
    );
    const pids: number[] = [];
    for (const n of cluster.nodes) pids.push(((await api.snapshotNode(cluster.clusterId, n)).state as { pid: number }).pid);
    expect(pids.every(alive)).toBe(true);

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  });
});
