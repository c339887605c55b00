/**
 * The course player's main-process handlers, with a mocked `electron` module (the binary cannot be
 * fetched here): the chapters with progress, Break on real node processes (never in main: every
 * node is another process), the Predict answer told only after Break, the student's file rerun,
 * progress kept in the workspace, a seed story, a chapter cluster in the playground, and bad input
 * answered with errors while main keeps running.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const h = vi.hoisted(() => ({
  state: {
    userData: '',
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    windows: [] as any[],
    privileged: [] as any[],
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
    headersHook: null as null | ((details: any, cb: (r: any) => void) => void),
    beforeRequest: null as null | ((details: any, cb: (r: any) => void) => void),
    permissionHandler: null as null | ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void),
    permissionCheck: null as null | (() => boolean),
    quitCalls: 0,
    sandboxEnabled: false,
  },
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const root = (await import('node:path')).resolve((await import('node:url')).fileURLToPath(new URL('../..', import.meta.url)));
  const s = h.state;
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => (name === 'userData' ? s.userData : os.tmpdir()),
    getVersion: () => '0.0.0-test',
    getAppPath: () => root,
    enableSandbox: () => {
      s.sandboxEnabled = true;
    },
    requestSingleInstanceLock: () => true,
    quit: () => {
      s.quitCalls++;
      // Like Electron: quitting emits before-quit, which may be prevented.
      const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      app.emit('before-quit', event);
    },
  });
  class FakeWebContents extends EventEmitter {
    sent: [string, unknown][] = [];
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed() {
      return false;
    }
  }
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => s.windows;
    webContents = new FakeWebContents();
    loadedUrl = '';
    constructor(readonly options: any) {
      super();
      s.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    async loadURL(url: string) {
      this.loadedUrl = url;
    }
    show() {}
  }
  return {
    app,
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, fn: any) => {
        if (s.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        s.handlers.set(channel, fn);
      },
      removeHandler: (channel: string) => s.handlers.delete(channel),
    },
    net: { fetch: (url: string) => fetch(url) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: any[]) => s.privileged.push(...schemes),
      handle: (scheme: string, fn: any) => s.protocolHandlers.set(scheme, fn),
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (fn: any) => {
            s.headersHook = fn;
          },
          onBeforeRequest: (fn: any) => {
            s.beforeRequest = fn;
          },
        },
        setPermissionRequestHandler: (fn: any) => {
          s.permissionHandler = fn;
        },
        setPermissionCheckHandler: (fn: any) => {
          s.permissionCheck = fn;
        },
      },
    },
  };
});

import { API_CHANNELS, API_METHODS, EVENT_CHANNEL } from '../../electron/api.js';

const s = h.state;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const trusted = { senderFrame: { url: 'app://paxlab/index.html' } };
const call = (method: string, ...args: unknown[]) => s.handlers.get(`paxlab:${method}`)!(trusted, ...args) as Promise<any>;

beforeAll(async () => {
  s.userData = mkdtempSync(path.join(os.tmpdir(), 'paxlab-electron-test-'));
  await import('../../electron/main/main.js');
  // main.ts starts the app; wait for the window to be loaded.
  const end = Date.now() + 10_000;
  while (!s.windows[0]?.loadedUrl) {
    if (Date.now() > end) throw new Error('the window was never loaded');
    await new Promise((r) => setTimeout(r, 10));
  }
});

afterAll(() => {
  rmSync(s.userData, { recursive: true, force: true });
});

describe('course handlers in the Electron main process', () => {
  it('registers one handler per course method', () => {
    for (const m of ['listCourse', 'getChapter', 'runChapterScript', 'playChapterStory', 'recordChapterProgress']) {
      expect(API_METHODS).toContain(m);
      expect(s.handlers.has(API_CHANNELS[m as (typeof API_METHODS)[number]])).toBe(true);
    }
  });

  it('walks chapter 4: predict, break on real nodes, rerun the fix from the workspace; progress kept', async () => {
    const list = await call('listCourse');
    expect(list.ok).toBe(true);
    expect(list.value.map((c: any) => c.id)).toEqual(Array.from({ length: 10 }, (_, i) => `chapter-${i}`));
    expect(list.value.every((c: any) => !c.error && !c.progress.predicted)).toBe(true);

    const detail = await call('getChapter', 'chapter-4');
    expect(detail.value.handler.name).toBe('onClientRequest');
    expect(detail.value.file).toBe('node.ts');
    // The answer stays in main until Break.
    expect(JSON.stringify(detail.value.predict)).not.toMatch(/"answer"|"why"/);

    const predicted = await call('recordChapterProgress', 'chapter-4', { prediction: 'refused' });
    expect(predicted.value).toMatchObject({ predicted: true, prediction: 'refused' });
    expect(predicted.value.predictedRight).toBeUndefined();

    const broke = await call('runChapterScript', 'chapter-4', 'naive');
    expect(broke.ok).toBe(true);
    expect(broke.value.source).toBe('cluster');
    const lin = broke.value.checks.find((c: any) => c.check === 'linearizable');
    expect(lin).toMatchObject({ ok: false, symptom: 'lock-held-twice' });
    expect(broke.value.highlights.length).toBeGreaterThanOrEqual(2);
    expect(broke.value.prediction).toMatchObject({ chosen: 'refused', answer: 'granted', right: false });
    expect(broke.value.progress).toMatchObject({ broke: true, predictedRight: false, fixed: false });
    // The run was a real cluster's: both node processes booted and reported through the hub.
    expect(broke.value.trace[0]).toMatchObject({ type: 'meta', source: 'cluster' });
    expect(broke.value.trace.filter((e: any) => e.type === 'start').map((e: any) => e.node)).toEqual([1, 2]);

    // The student's file starts as the naive protocol: it breaks the same way.
    const same = await call('runChapterScript', 'chapter-4', 'student');
    expect(same.value.passed).toBe(false);
    expect(same.value.code).toBe('student');
    // The fix, saved through the normal file API, passes the same execution.
    const fix = readFileSync(path.join(repo, 'labs/chapter-4-wait-for-learn/reference/node.ts'), 'utf8');
    expect((await call('writeLabFile', 'chapter-4', 'node.ts', fix)).ok).toBe(true);
    const fixed = await call('runChapterScript', 'chapter-4', 'student');
    expect(fixed.value.passed).toBe(true);
    expect(fixed.value.checks.every((c: any) => c.ok)).toBe(true);
    expect(fixed.value.narration.length).toBeGreaterThan(3);
    expect(fixed.value.progress).toMatchObject({ predicted: true, broke: true, fixed: true });

    // A file that does not build: nothing runs, the diagnostics say why.
    expect((await call('writeLabFile', 'chapter-4', 'node.ts', fix.replace('export class Node', 'export clas Node'))).ok).toBe(true);
    const broken = await call('runChapterScript', 'chapter-4', 'student');
    expect(broken.ok).toBe(true);
    expect(broken.value.diagnostics.length).toBeGreaterThan(0);
    expect(broken.value.trace).toEqual([]);

    // Kept in the workspace.
    const stored = JSON.parse(readFileSync(path.join(s.userData, 'workspace', 'course.json'), 'utf8'));
    expect(stored.chapters['chapter-4']).toMatchObject({ predicted: true, broke: true, fixed: true, played: false });
    const again = await call('listCourse');
    expect(again.value.find((c: any) => c.id === 'chapter-4').progress).toMatchObject({ fixed: true });
  }, 120_000);

  it('tells a seed story of chapter 9 and marks the chapter played', async () => {
    const story = await call('playChapterStory', 'chapter-9', 'example-2-later-round-keeps-5');
    expect(story.ok).toBe(true);
    expect(story.value.reproduced).toBe(true);
    expect(story.value.narration.every((n: any) => n.seqs.length > 0)).toBe(true);
    expect(story.value.progress.played).toBe(true);
  });

  it("starts a chapter's cluster of its own size in the playground, on processes other than main", async () => {
    const started = await call('startCluster', { nodes: 2, chapter: { id: 'chapter-4', code: 'naive' }, clients: { count: 2, workload: 'lock:locks=1,ops=2' } });
    expect(started).toMatchObject({ ok: true, value: { nodes: [1, 2], chapter: { id: 'chapter-4', code: 'naive' } } });
    const id = started.value.clusterId;
    try {
      const snap = await call('snapshotNode', id, 1);
      expect(snap).toMatchObject({ ok: true, value: { up: true } });
      expect((await call('crashNode', id, 2)).ok).toBe(true);
    } finally {
      expect((await call('stopCluster', id)).ok).toBe(true);
    }
  }, 60_000);

  it('answers bad input with errors and keeps running', async () => {
    const bad = [
      ['getChapter', '../x'],
      ['runChapterScript', 'chapter-4', 'reference'],
      ['runChapterScript', 'chapter-4', 'naive', '../../etc/passwd'],
      ['recordChapterProgress', 'chapter-4', { fixed: true }],
      ['recordChapterProgress', 'chapter-4', { prediction: 'x y' }],
      ['startCluster', { nodes: 2 }],
      ['startCluster', { nodes: 2, chapter: { id: 'chapter-4', code: 'naive' }, service: { machine: 'kv' } }],
    ] as const;
    for (const [method, ...args] of bad) expect(await call(method, ...args)).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    expect(await call('getChapter', 'chapter-42')).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await call('runChapterScript', 'chapter-4', 'naive', 'no-such-script')).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await call('playChapterStory', 'chapter-4', 'example-1-no-prior-votes')).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await call('recordChapterProgress', 'chapter-4', { prediction: 'nonsense' })).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    expect(await call('getAppInfo')).toMatchObject({ ok: true });
  });
});

void EventEmitter;
void mkdirSync;
void writeFileSync;
void fileURLToPath;
