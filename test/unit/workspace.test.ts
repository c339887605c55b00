import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../electron/api.js';
import { ProgressStore, Workspace, defaultWorkspaceDir, writeFileAtomic } from '../../electron/engine/workspace/index.js';

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

  it('reset keeps the previous text as .bak and restores the starter', () => {
    ws.open('proposer', 'proposer.ts', 'starter');
    ws.write('proposer', 'proposer.ts', 'work of an afternoon');
    const r = ws.reset('proposer', 'proposer.ts', 'starter');
    expect(r.text).toBe('starter');
    expect(r.backup).toBe(path.join(dir, 'proposer', 'proposer.ts.bak'));
    expect(readFileSync(r.backup!, 'utf8')).toBe('work of an afternoon');
    // Resetting an untouched file keeps the backup of the real work.
    const again = ws.reset('proposer', 'proposer.ts', 'starter');
    expect(again.backup).toBeNull();
    expect(readFileSync(r.backup!, 'utf8')).toBe('work of an afternoon');
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
    p.recordGrade('acceptor', { score: 2, maxScore: 10, passed: false });
    expect(new ProgressStore(file).get('acceptor')).toMatchObject({ status: 'passed', score: 10, maxScore: 10 });
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
