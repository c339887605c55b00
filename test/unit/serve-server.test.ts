/**
 * Browser mode's server in-process: static files with CSP, 127.0.0.1 only, the token and origin
 * checks of the WebSocket, and the PaxLabApi over it end to end with a real cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { ApiError, type AppEvent } from '../../electron/api.js';
import { createWebSocketApi, type WebSocketApi } from '../../electron/api-ws-client.js';
import { AppService } from '../../electron/engine/app/app-service.js';
import { startAppServer, type AppServer } from '../../electron/engine/app/app-server.js';
import { createEnginePorts } from '../../electron/engine/app/engine-ports.js';

let tmp: string;
let service: AppService;
let server: AppServer;
let api: WebSocketApi;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-serve-test-'));
  const renderer = path.join(tmp, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>PaxLab</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log("hi")');
  writeFileSync(path.join(tmp, 'secret.txt'), 'do not serve');
  service = await AppService.create({ workspaceDir: path.join(tmp, 'ws'), mode: 'browser', version: 'test', ports: createEnginePorts() });
  server = await startAppServer({ service, rendererDir: renderer, port: 0 });
  api = createWebSocketApi(server.url, server.token, { WebSocket: WebSocket as never });
});

afterAll(async () => {
  api?.close();
  await service?.shutdown();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

describe('paxlab serve server', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying the token', () => {
    const addr = server.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    const index = await get('/?token=x');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await get('/labs/acceptor')).body).toContain('<title>PaxLab</title>'); // client-side route
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await get(p);
      expect(r.status, p).not.toBe(200);
      expect(r.body).not.toContain('do not serve');
    }
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', { Host: 'evil.example:80' })).status).toBe(421);
  });

  it('requires the session token and our own origin on the WebSocket', async () => {
    const base = `ws://127.0.0.1:${server.port}/api`;
    expect(await upgradeStatus(base)).toBe(401);
    expect(await upgradeStatus(`${base}?token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${base}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(404);
    expect(await upgradeStatus(`${base}?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` })).toBe(101);
  });

  it('answers API calls, and bad input with errors that keep the connection', async () => {
    const info = await api.getAppInfo();
    expect(info).toMatchObject({ name: 'PaxLab', mode: 'browser', workspaceDir: path.join(tmp, 'ws') });
    const err = await api.startCluster({ nodes: 100 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('bad-argument');
    const notFound = await api.stopCluster('no-such-cluster').catch((e) => e);
    expect(notFound.code).toBe('not-found');
    // A garbage frame gets an error frame, and the connection stays usable.
    const raw = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    await new Promise((r) => raw.once('open', r));
    const reply = new Promise<string>((r) => raw.once('message', (d) => r(String(d))));
    raw.send('{not json');
    expect(JSON.parse(await reply)).toMatchObject({ id: -1, reply: { ok: false } });
    raw.close();
    expect(api.state).toBe('open');
    const types = await api.getSdkTypes();
    expect(types.map((t) => t.path)).toContain('/node_modules/@paxlab/sdk/index.d.ts');
    expect(types.find((t) => t.path.endsWith('messages.d.ts'))?.text).toContain('interface PrepareMsg');
  });

  it('runs a real cluster over the socket and streams its events', async () => {
    const events: AppEvent[] = [];
    const off = api.onEvent((e) => events.push(e));
    const cluster = await api.startCluster({ nodes: 3, seed: 7 });
    expect(cluster).toMatchObject({ nodes: [1, 2, 3], status: 'running' });
    const { requestId } = await api.clientRequest(cluster.clusterId, 1, 'hello');
    expect(typeof requestId).toBe('string');
    const decided = () =>
      events.some((e) => e.type === 'cluster-events' && e.events.some((t) => t.type === 'decide' && t.value === 'hello'));
    const end = Date.now() + 15_000;
    while (!decided()) {
      if (Date.now() > end) throw new Error('no decision event arrived');
      await new Promise((r) => setTimeout(r, 25));
    }
    const trace = await api.getClusterTrace(cluster.clusterId);
    expect(trace[0]).toMatchObject({ type: 'meta', source: 'cluster' });
    const streamed = events.flatMap((e) => (e.type === 'cluster-events' ? e.events : []));
    // The stream is the trace: same events, same order, no gaps.
    expect(streamed.map((e) => e.seq)).toEqual(trace.slice(0, streamed.length).map((e) => e.seq));

    await api.crashNode(cluster.clusterId, 2);
    const snap = await api.snapshotNode(cluster.clusterId, 2);
    expect(snap.up).toBe(false);
    await api.restartNode(cluster.clusterId, 2);
    expect((await api.snapshotNode(cluster.clusterId, 2)).up).toBe(true);
    const net = await api.setNetwork(cluster.clusterId, { loss: 0.1 });
    expect(net.loss).toBe(0.1);
    await api.partition(cluster.clusterId, [[1], [2, 3]]);
    await api.heal(cluster.clusterId);
    await api.setLink(cluster.clusterId, 1, 3, false);

    const exported = await api.exportTrace({ clusterId: cluster.clusterId, name: 'run1' });
    expect(exported.name).toBe('run1.jsonl');
    const imported = await api.importTrace('copy.jsonl', exported.text);
    expect(imported.events.length).toBeGreaterThan(5);
    expect((await api.listTraces()).map((t) => t.name).sort()).toEqual(['copy.jsonl', 'run1.jsonl']);
    expect((await api.readTrace('copy.jsonl')).length).toBe(imported.events.length);
    const bad = await api.importTrace('bad.jsonl', 'nonsense\n').catch((e) => e);
    expect(bad.code).toBe('bad-argument');

    await api.stopCluster(cluster.clusterId);
    const stopEnd = Date.now() + 2000;
    while (!events.some((e) => e.type === 'cluster-status' && e.status === 'stopped')) {
      if (Date.now() > stopEnd) throw new Error('no stopped status');
      await new Promise((r) => setTimeout(r, 20));
    }
    off();
  });
});
