/**
 * Temporary folders that name their owner. Every exit the supervising process lives through
 * (normal, error, SIGINT/SIGTERM) removes its folders itself; one it cannot live through (SIGKILL, a
 * power cut) leaves them behind, so each folder holds its owner's pid and the next PaxLab process
 * that makes one sweeps the folders whose owner is gone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Every owned folder's name starts with this; the owner file sits inside. */
export const OWNED_PREFIX = 'paxlab-';
export const OWNER_FILE = '.paxlab-owner';

let swept = false;

/** Make `<tmpdir>/<prefix>XXXXXX` owned by this process (sweeping stale ones first, once per process). */
export function ownedTempDir(prefix: string): string {
  if (!prefix.startsWith(OWNED_PREFIX)) throw new Error(`an owned temporary folder's prefix starts with ${OWNED_PREFIX}, got ${prefix}`);
  if (!swept) {
    swept = true;
    sweepStaleTempDirs();
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFileSync(path.join(dir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
  return dir;
}

/**
 * Remove the owned folders in `root` whose owner process no longer runs. A folder without an owner
 * file (someone else's, or one being made right now) is left alone. Returns the folders removed.
 */
export function sweepStaleTempDirs(root: string = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(OWNED_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = path.join(root, name);
    let pid: number;
    try {
      pid = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      /* another user's folder, or already gone */
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
