import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../electron/api.js';
import { ProgressStore, Workspace, defaultWorkspaceDir, fileVersion, listBackups, writeFileAtomic } from '../../electron/engine/workspace/index.js';

let dir: string;
let ws: Workspace;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-ws-test-'));
  ws = new Workspace(dir);
});
afterEach(async () => {
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
});

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('workspace files', () => {
  it('copies the starter on first open and keeps the student text after that', () => {
    const first = ws.open('acceptor', 'acceptor.ts', 'starter v1');
    expect(first.text).toBe('starter v1');
    expect(readFileSync(path.join(dir, 'acceptor', 'acceptor.ts'), 'utf8')).toBe('starter v1');
    ws.write('acceptor', 'acceptor.ts', 'my code');
    expect(ws.open('acceptor', 'acceptor.ts', 'starter v2').text).toBe('my code');
  });

  it('writes atomically: no temp files left behind, content replaced whole', () => {
    ws.write('learner', 'learner.ts', 'a'.repeat(100_000));
    ws.write('learner', 'learner.ts', 'short');
    expect(readFileSync(path.join(dir, 'learner', 'learner.ts'), 'utf8')).toBe('short');
    expect(readdirSync(path.join(dir, 'learner'))).toEqual(['learner.ts']);
  });

  it('reset keeps the previous text as a numbered backup and restores the starter', () => {
    ws.open('proposer', 'proposer.ts', 'starter');
    ws.write('proposer', 'proposer.ts', 'work of an afternoon');
    const r = ws.reset('proposer', 'proposer.ts', 'starter');
    expect(r.text).toBe('starter');
    expect(r.backup).toBe(path.join(dir, 'proposer', 'proposer.ts.1.bak'));
    expect(readFileSync(r.backup!, 'utf8')).toBe('work of an afternoon');
    // Resetting an untouched file keeps the backup of the real work.
    const again = ws.reset('proposer', 'proposer.ts', 'starter');
    expect(again.backup).toBeNull();
    expect(readFileSync(r.backup!, 'utf8')).toBe('work of an afternoon');
  });

  it('backups are numbered and never overwritten: every reset keeps its own', () => {
    ws.open('proposer', 'proposer.ts', 'starter');
    const texts = ['monday', 'tuesday', 'wednesday'];
    const backups = texts.map((t) => {
      ws.write('proposer', 'proposer.ts', t);
      return ws.reset('proposer', 'proposer.ts', 'starter').backup!;
    });
    expect(backups.map((b) => path.basename(b))).toEqual(['proposer.ts.1.bak', 'proposer.ts.2.bak', 'proposer.ts.3.bak']);
    expect(listBackups(path.join(dir, 'proposer', 'proposer.ts')).map((b) => readFileSync(b, 'utf8'))).toEqual(texts);
    // A number already taken (say, a backup restored by hand) is skipped, never replaced.
    writeFileSync(path.join(dir, 'proposer', 'proposer.ts.7.bak'), 'kept by hand');
    ws.write('proposer', 'proposer.ts', 'thursday');
    expect(path.basename(ws.reset('proposer', 'proposer.ts', 'starter').backup!)).toBe('proposer.ts.8.bak');
    expect(readFileSync(path.join(dir, 'proposer', 'proposer.ts.7.bak'), 'utf8')).toBe('kept by hand');
  });

  it('a write that names the version it replaces is refused when the file changed since', () => {
    const opened = ws.open('acceptor', 'acceptor.ts', 'starter');
    expect(opened.version).toBe(fileVersion('starter'));
    // Window 1 saves on top of what it loaded.
    const first = ws.write('acceptor', 'acceptor.ts', 'window 1', { baseVersion: opened.version });
    expect(first.version).toBe(fileVersion('window 1'));
    // Window 2 still holds the starter's version: its write is refused and changes nothing.
    expect(() => ws.write('acceptor', 'acceptor.ts', 'window 2', { baseVersion: opened.version })).toThrowError(
      expect.objectContaining({ code: 'conflict' }),
    );
    expect(readFileSync(path.join(dir, 'acceptor', 'acceptor.ts'), 'utf8')).toBe('window 1');
    // After reading the new version, window 2 may keep its text; the replaced one is backed up.
    const kept = ws.write('acceptor', 'acceptor.ts', 'window 2', { baseVersion: first.version, backupReplaced: true });
    expect(readFileSync(path.join(dir, 'acceptor', 'acceptor.ts'), 'utf8')).toBe('window 2');
    expect(readFileSync(kept.backup!, 'utf8')).toBe('window 1');
    // An edit made in another editor is a new version too.
    writeFileSync(path.join(dir, 'acceptor', 'acceptor.ts'), 'from vim');
    expect(() => ws.write('acceptor', 'acceptor.ts', 'stale', { baseVersion: kept.version })).toThrowError(expect.objectContaining({ code: 'conflict' }));
    expect(ws.read('acceptor', 'acceptor.ts')).toMatchObject({ text: 'from vim', version: fileVersion('from vim') });
  });

  it('a file keeps its permission bits across saves, resets and backups', () => {
    ws.open('acceptor', 'acceptor.ts', 'starter');
    const file = path.join(dir, 'acceptor', 'acceptor.ts');
    chmodSync(file, 0o600);
    ws.write('acceptor', 'acceptor.ts', 'private work');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const r = ws.reset('acceptor', 'acceptor.ts', 'starter');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(r.backup!).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o640);
    ws.write('acceptor', 'acceptor.ts', 'shared with the group');
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('a symbolic link is followed, never replaced', () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'paxlab-ws-link-'));
    try {
      mkdirSync(path.join(dir, 'acceptor'), { recursive: true });
      const link = path.join(dir, 'acceptor', 'acceptor.ts');
      const real = path.join(elsewhere, 'my-acceptor.ts');
      writeFileSync(real, 'kept in my own repository');
      symlinkSync(real, link);
      expect(ws.open('acceptor', 'acceptor.ts', 'starter').text).toBe('kept in my own repository');
      ws.write('acceptor', 'acceptor.ts', 'edited in the app');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(real, 'utf8')).toBe('edited in the app');
      const r = ws.reset('acceptor', 'acceptor.ts', 'starter');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(real, 'utf8')).toBe('starter');
      expect(readFileSync(r.backup!, 'utf8')).toBe('edited in the app');

      // A dangling link (relative, to a file not written yet): the target is created, the link stays.
      const link2 = path.join(dir, 'learner', 'learner.ts');
      mkdirSync(path.dirname(link2), { recursive: true });
      symlinkSync(path.relative(path.dirname(link2), path.join(elsewhere, 'learner.ts')), link2);
      expect(ws.open('learner', 'learner.ts', 'learner starter').text).toBe('learner starter');
      expect(lstatSync(link2).isSymbolicLink()).toBe(true);
      expect(readFileSync(path.join(elsewhere, 'learner.ts'), 'utf8')).toBe('learner starter');

      // A link into a folder that does not exist: the user is told, the link is left alone.
      const link3 = path.join(dir, 'proposer', 'proposer.ts');
      mkdirSync(path.dirname(link3), { recursive: true });
      symlinkSync(path.join(elsewhere, 'gone', 'proposer.ts'), link3);
      expect(() => ws.open('proposer', 'proposer.ts', 'starter')).toThrowError(/symbolic link .*folder does not exist/);
      expect(() => ws.write('proposer', 'proposer.ts', 'x')).toThrowError(expect.objectContaining({ code: 'not-found' }));
      expect(readlinkSync(link3)).toBe(path.join(elsewhere, 'gone', 'proposer.ts'));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses names that would leave the lab folder', () => {
    for (const [lab, name] of [
      ['acceptor', '../x.ts'],
      ['acceptor', 'a/b.ts'],
      ['..', 'x.ts'],
      ['acceptor', '.x'],
      ['acceptor', 'x.ts.bak'],
    ]) {
      expect(() => ws.write(lab, name, 'x')).toThrow(ApiError);
    }
    expect(existsSync(path.join(dir, 'x.ts'))).toBe(false);
  });

  it('reading a file that does not exist is not-found', () => {
    expect(() => ws.read('acceptor', 'nope.ts')).toThrowError(expect.objectContaining({ code: 'not-found' }));
  });

  it('reports edits made on disk by another editor, but not its own writes', async () => {
    ws.open('acceptor', 'acceptor.ts', 'starter');
    const seen: { labId: string; name: string; text: string }[] = [];
    await ws.watch((c) => seen.push(c));
    ws.write('acceptor', 'acceptor.ts', 'from the app');
    writeFileSync(path.join(dir, 'acceptor', 'acceptor.ts'), 'from vim');
    await waitFor(() => seen.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([expect.objectContaining({ labId: 'acceptor', name: 'acceptor.ts', text: 'from vim' })]);
    // Backups and temp files are ours, never reported.
    writeFileSync(path.join(dir, 'acceptor', 'acceptor.ts.bak'), 'x');
    writeFileSync(path.join(dir, 'progress.json.tmp'), 'x');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toHaveLength(1);
  });
});

describe('progress.json', () => {
  it('tracks not started → in progress → passed and keeps the best score', () => {
    const file = path.join(dir, 'p.json');
    const p = new ProgressStore(file);
    expect(p.get('acceptor', 10)).toEqual({ status: 'not-started', score: 0, maxScore: 10 });
    p.markStarted('acceptor');
    expect(p.get('acceptor', 10).status).toBe('in-progress');
    p.recordGrade('acceptor', { score: 4, maxScore: 10, passed: false });
    expect(p.get('acceptor')).toMatchObject({ status: 'in-progress', score: 4, maxScore: 10 });
    p.recordGrade('acceptor', { score: 10, maxScore: 10, passed: true });
    p.recordGrade('acceptor', { score: 2, maxScore: 10, passed: false, failed: 4, total: 5 });
    expect(new ProgressStore(file).get('acceptor')).toMatchObject({ status: 'passed', score: 10, maxScore: 10 });
  });

  it('remembers the latest run beside the best one', () => {
    const file = path.join(dir, 'p.json');
    const p = new ProgressStore(file);
    expect(p.get('proposer', 30).last).toBeUndefined();
    p.recordGrade('proposer', { score: 30, maxScore: 30, passed: true, failed: 0, total: 18 });
    p.recordGrade('proposer', { score: 21.44, maxScore: 30, passed: false, failed: 4, total: 18 });
    // Best: passed with 30; latest: 4 of 18 failing with 21.44 — both survive a restart.
    expect(new ProgressStore(file).get('proposer')).toMatchObject({
      status: 'passed',
      score: 30,
      last: { score: 21.44, maxScore: 30, passed: false, failed: 4, total: 18 },
    });
  });

  it('sets a corrupt file aside instead of overwriting it', () => {
    const file = path.join(dir, 'p.json');
    writeFileSync(file, '{ not json');
    const p = new ProgressStore(file);
    expect(p.get('x').status).toBe('not-started');
    expect(readdirSync(dir).some((f) => f.startsWith('p.json.corrupt-'))).toBe(true);
  });

  it('the workspace marks a lab started when its file is first written', () => {
    expect(ws.progress.get('learner').status).toBe('not-started');
    ws.open('learner', 'learner.ts', 's');
    expect(ws.progress.get('learner').status).toBe('in-progress');
    expect(JSON.parse(readFileSync(path.join(dir, 'progress.json'), 'utf8')).labs.learner.started).toBe(true);
  });
});

describe('helpers', () => {
  it('writeFileAtomic creates and replaces', () => {
    const f = path.join(dir, 'a.txt');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(dir).filter((x) => x.endsWith('.tmp'))).toEqual([]);
  });

  it('the default workspace is in the per-user app-data folder', () => {
    expect(defaultWorkspaceDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux')).toBe(path.join('/x/cfg', 'PaxLab', 'workspace'));
    expect(defaultWorkspaceDir({ APPDATA: 'C:\\Users\\s\\AppData\\Roaming' }, 'win32')).toContain('PaxLab');
    expect(defaultWorkspaceDir({}, 'darwin')).toContain(path.join('Library', 'Application Support', 'PaxLab'));
  });
});
