// `npm start` on a machine where Electron cannot be had or cannot run: one paragraph that says what
// failed and points at `npx paxlab serve`, exit 1, no stack trace, nothing downloaded.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function start(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.js')], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectOneParagraph(err: string) {
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).toMatch(/^PaxLab could not open its desktop window: /);
  expect(err).toContain('`npx paxlab serve`');
  expect(err).not.toMatch(/\n\s+at /);
}

describe('npm start without a usable Electron', () => {
  it('a missing binary: says so and points to the browser app', () => {
    const r = start({ PAXLAB_ELECTRON: path.join(os.tmpdir(), 'no-such-electron-binary') });
    expect(r.code).toBe(1);
    expectOneParagraph(r.err);
    expect(r.err).toMatch(/no-such-electron-binary, which does not exist/);
  });

  it('a binary that cannot run here (missing shared libraries): quotes why', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-electron-'));
    dirs.push(dir);
    const exe = path.join(dir, 'electron');
    writeFileSync(exe, '#!/bin/sh\necho "electron: error while loading shared libraries: libnss3.so: cannot open shared object file" >&2\nexit 127\n');
    chmodSync(exe, 0o755);
    const r = start({ PAXLAB_ELECTRON: exe });
    expect(r.code).toBe(1);
    expectOneParagraph(r.err);
    expect(r.err).toMatch(/Electron does not run on this machine \(electron: error while loading shared libraries: libnss3\.so/);
  });

  it('npm start runs the launcher, and package.json states the Node version', async () => {
    const pkg = JSON.parse((await import('node:fs')).readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node scripts/start.js');
    expect(pkg.engines.node).toBe('>=20');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  });
});
