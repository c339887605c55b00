/**
 * The Electron shell's wiring, with a mocked `electron` module (the binary cannot be fetched here):
 * security options, CSP, navigation locks, one IPC handler per API channel that validates and never
 * crashes, and a quit that waits until every real node process of a running cluster is gone.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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
import { appUrlToFile, serveAppProtocol } from '../../electron/main/app-protocol.js';
import { alive } from '../support/wait.js';

const s = h.state;
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

describe('Electron shell', () => {
  it('opens one sandboxed, isolated window without Node, loading the app protocol', () => {
    expect(s.windows).toHaveLength(1);
    const win = s.windows[0];
    const wp = win.options.webPreferences;
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(wp.preload).toBe(path.join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'electron', 'preload.cjs'));
    expect(win.loadedUrl).toBe('app://paxlab/index.html');
    expect(s.sandboxEnabled).toBe(true);
    expect(s.privileged).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
  });

  it('sets a strict CSP on every response', () => {
    let headers: any;
    s.headersHook!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    const csp: string = headers['Content-Security-Policy'][0];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(eval|inline)/);
    expect(csp).toContain("object-src 'none'");
    expect(headers['X-Other']).toEqual(['1']);
  });

  it('blocks navigation away from the app, new windows, remote requests and permissions', () => {
    const wc = s.windows[0].webContents;
    const nav = (url: string) => {
      const ev = { preventDefault: vi.fn() };
      wc.emit('will-navigate', ev, url);
      return ev.preventDefault.mock.calls.length > 0;
    };
    expect(nav('https://example.com/')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav('app://paxlab/index.html#/labs')).toBe(false);
    expect(wc.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const webview = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();

    const cancel = (url: string) => {
      let r: any;
      s.beforeRequest!({ url }, (x) => (r = x));
      return r.cancel;
    };
    expect(cancel('https://cdn.example.com/x.js')).toBe(true);
    expect(cancel('http://127.0.0.1:8080/')).toBe(true);
    expect(cancel('app://paxlab/assets/index.js')).toBe(false);

    let granted: boolean | undefined;
    s.permissionHandler!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(s.permissionCheck!()).toBe(false);
  });

  it('maps app:// URLs into the renderer build only', () => {
    const dir = path.resolve('/tmp/r');
    expect(appUrlToFile('app://paxlab/', dir)).toBe(path.join(dir, 'index.html'));
    expect(appUrlToFile('app://paxlab/assets/a.js', dir)).toBe(path.join(dir, 'assets', 'a.js'));
    // The URL parser folds dot segments; encoded slashes must not sneak them past it.
    expect(appUrlToFile('app://paxlab/%2e%2e/%2e%2e/etc/passwd', dir)).toBe(path.join(dir, 'etc', 'passwd'));
    expect(appUrlToFile('app://paxlab/x%2F..%2F..%2F..%2Fetc%2Fpasswd', dir)).toBeNull();
    expect(appUrlToFile('app://other/index.html', dir)).toBeNull();
    expect(appUrlToFile('file:///etc/passwd', dir)).toBeNull();
  });

  it('serves the renderer build on app:// with the CSP header, and nothing else', async () => {
    const dir = path.join(s.userData, 'renderer-dist');
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<title>PaxLab</title>');
    writeFileSync(path.join(dir, 'assets', 'a.js'), 'export {}');
    let handler: ((req: { url: string }) => Promise<Response>) | undefined;
    serveAppProtocol({ handle: (_scheme: string, fn: never) => (handler = fn) } as never, dir, "default-src 'self'");
    const index = await handler!({ url: 'app://paxlab/' });
    expect(index.status).toBe(200);
    expect(await index.text()).toBe('<title>PaxLab</title>');
    expect(index.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect((await handler!({ url: 'app://paxlab/assets/a.js' })).headers.get('content-type')).toMatch(/javascript/);
    expect((await handler!({ url: 'app://paxlab/missing.js' })).status).toBe(404);
    expect((await handler!({ url: 'app://paxlab/x%2F..%2F..%2Fsecret' })).status).toBe(404);
  });

  it('registers exactly one handler per API channel', () => {
    expect([...s.handlers.keys()].sort()).toEqual(API_METHODS.map((m) => API_CHANNELS[m]).sort());
  });

  it('answers bad input with an error and keeps running', async () => {
    const bad = [
      ['getLab', '../../etc'],
      ['readLabFile', 'acceptor', '../x'],
      ['startCluster', { nodes: 99 }],
      ['crashNode', 'c1', 'one'],
      ['writeLabFile', 'acceptor', 'acceptor.ts', { not: 'text' }],
      ['partition', 'c1', 'nonsense'],
    ] as const;
    for (const [method, ...args] of bad) {
      const reply = await call(method, ...args);
      expect(reply).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    }
    // An untrusted sender (another frame) is refused.
    const foreign = await s.handlers.get(API_CHANNELS.getAppInfo)!({ senderFrame: { url: 'https://evil.example/' } });
    expect(foreign).toMatchObject({ ok: false });
    // Still alive and answering.
    const info = await call('getAppInfo');
    expect(info).toMatchObject({ ok: true, value: { name: 'PaxLab', mode: 'electron', workspaceDir: path.join(s.userData, 'workspace') } });
    const unknownCluster = await call('crashNode', 'nope', 1);
    expect(unknownCluster).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('forwards cluster events to the window and kills every node on quit', async () => {
    const started = await call('startCluster', { nodes: 3 });
    expect(started.ok).toBe(true);
    const { clusterId, nodes } = started.value;
    expect(nodes).toEqual([1, 2, 3]);
    const pids: number[] = [];
    for (const n of nodes) {
      const snap = await call('snapshotNode', clusterId, n);
      expect(snap).toMatchObject({ ok: true, value: { up: true } });
      pids.push(snap.value.state.pid);
    }
    expect(pids.every(alive)).toBe(true);
    expect(pids.every((pid) => pid !== process.pid)).toBe(true);
    if (process.platform === 'linux') {
      // Nodes run on the host's own binary (Electron's Node in the app) with ELECTRON_RUN_AS_NODE=1.
      for (const pid of pids) {
        expect(realpathSync(`/proc/${pid}/exe`)).toBe(realpathSync(process.execPath));
        expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('ELECTRON_RUN_AS_NODE=1');
      }
    }

    const wc = s.windows[0].webContents;
    const end = Date.now() + 5000;
    while (!wc.sent.some(([ch, e]: [string, any]) => ch === EVENT_CHANNEL && e.type === 'cluster-events')) {
      if (Date.now() > end) throw new Error('no cluster events reached the window');
      await new Promise((r) => setTimeout(r, 20));
    }

    const { app } = await import('electron');
    const quitsBefore = s.quitCalls;
    const ev = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', ev);
    expect(ev.defaultPrevented).toBe(true); // held until the nodes are gone
    const stop = Date.now() + 10_000;
    while (s.quitCalls === quitsBefore) {
      if (Date.now() > stop) throw new Error('the app never quit');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(pids.filter(alive)).toEqual([]);
    // The second before-quit (from app.quit) goes through.
    const again = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });
});

void EventEmitter;
