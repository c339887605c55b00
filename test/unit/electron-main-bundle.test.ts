/**
 * The bundled main process (dist/electron/main.cjs) as it would start under Electron, with a stand-in
 * `electron` module injected through Node's --require: it finds the engine and the labs from the
 * bundle (CommonJS, no import.meta), answers IPC calls, and quits cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let tmp: string;

// A stand-in for the electron module: just enough API for the main process to start, with a
// scripted session that calls two IPC handlers, prints the replies and quits.
const FAKE_ELECTRON = String.raw`
const Module = require('module');
const { EventEmitter } = require('events');
const userData = process.env.FAKE_USER_DATA;
const handlers = new Map();
const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  whenReady: () => Promise.resolve(),
  getPath: () => userData,
  getVersion: () => '9.9.9',
  getAppPath: () => process.env.FAKE_APP_PATH,
  enableSandbox() {},
  requestSingleInstanceLock: () => true,
  quit() {
    const ev = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', ev);
    if (!ev.defaultPrevented) { console.log('QUIT'); process.exit(0); }
  },
});
class WebContents extends EventEmitter { setWindowOpenHandler() {} send() {} isDestroyed() { return false; } }
class BrowserWindow extends EventEmitter {
  static getAllWindows() { return []; }
  constructor(opts) { super(); this.webContents = new WebContents(); app.emit('web-contents-created', {}, this.webContents); }
  async loadURL(url) {
    console.log('LOADED ' + url);
    const sender = { senderFrame: { url } };
    const info = await handlers.get('paxlab:getAppInfo')(sender);
    console.log('INFO ' + JSON.stringify(info));
    const labs = await handlers.get('paxlab:listLabs')(sender);
    console.log('LABS ' + JSON.stringify(labs));
    const bad = await handlers.get('paxlab:getLab')(sender, '../x');
    console.log('BAD ' + JSON.stringify(bad));
    setTimeout(() => app.quit(), 10);
  }
  show() {}
}
const fake = {
  app, BrowserWindow,
  ipcMain: { handle: (c, fn) => handlers.set(c, fn), removeHandler: (c) => handlers.delete(c) },
  net: { fetch: () => { throw new Error('not used'); } },
  protocol: { registerSchemesAsPrivileged() {}, handle() {} },
  session: { defaultSession: { webRequest: { onHeadersReceived() {}, onBeforeRequest() {} }, setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'electron' ? fake : load.call(this, request, ...rest); };
`;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-main-bundle-'));
  writeFileSync(path.join(tmp, 'fake-electron.cjs'), FAKE_ELECTRON);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('dist/electron/main.cjs', () => {
  it('starts, serves the API over IPC and quits', async () => {
    const bundle = path.join(root, 'dist', 'electron', 'main.cjs');
    expect(existsSync(bundle)).toBe(true);
    const child = spawn(process.execPath, ['--require', path.join(tmp, 'fake-electron.cjs'), bundle], {
      // Run from elsewhere: the bundle must find its files from its own location.
      cwd: tmp,
      env: { ...process.env, FAKE_USER_DATA: tmp, FAKE_APP_PATH: root, PAXLAB_ROOT: '', PAXLAB_LABS_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('LOADED app://paxlab/index.html');
    const info = JSON.parse(/^INFO (.*)$/m.exec(out)![1]);
    expect(info).toMatchObject({ ok: true, value: { name: 'PaxLab', version: '9.9.9', mode: 'electron' } });
    const labs = JSON.parse(/^LABS (.*)$/m.exec(out)![1]);
    expect(labs.value.map((l: { id: string }) => l.id)).toEqual(['acceptor', 'proposer', 'learner', 'multi-paxos', 'kv-service']);
    expect(JSON.parse(/^BAD (.*)$/m.exec(out)![1])).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    expect(out).toMatch(/QUIT\s*$/);
  });
});
