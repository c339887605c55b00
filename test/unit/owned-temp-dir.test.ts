// Owned temporary folders: a folder whose owner process is gone is swept; anything else is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNER_FILE, sweepStaleTempDirs } from '../../electron/engine/temp/owned-temp-dir.js';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The pid of a process that ran and exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function folder(root: string, name: string, owner?: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'node-1.journal'), 'x');
  if (owner !== undefined) writeFileSync(path.join(dir, OWNER_FILE), owner);
  return dir;
}

describe('sweepStaleTempDirs', () => {
  it('removes the folders of a dead owner and keeps those of a live one, ownerless ones and others', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sweep-test-'));
    roots.push(root);
    const dead = folder(root, 'paxlab-store-dead', `${deadPid()}\n`);
    const live = folder(root, 'paxlab-ctl-live', `${process.ppid}\n`);
    const mine = folder(root, 'paxlab-store-mine', `${process.pid}\n`);
    const ownerless = folder(root, 'paxlab-store-new');
    const garbled = folder(root, 'paxlab-store-garbled', 'not a pid');
    const foreign = folder(root, 'other-dead', `${deadPid()}\n`);
    expect(sweepStaleTempDirs(root)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
    for (const d of [live, mine, ownerless, garbled, foreign]) expect(existsSync(d), d).toBe(true);
  });

  it('a missing root is no error', () => {
    expect(sweepStaleTempDirs(path.join(os.tmpdir(), 'no-such-root-for-sweep'))).toEqual([]);
  });
});
