import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createFileAtomic } from './atomic-write.js';

/** `acceptor.ts.3.bak` → 3 for `acceptor.ts`; null for anything else. */
function backupNumber(base: string, name: string): number | null {
  if (!name.startsWith(`${base}.`) || !name.endsWith('.bak')) return null;
  const n = name.slice(base.length + 1, -'.bak'.length);
  return /^[1-9]\d{0,8}$/.test(n) ? Number(n) : null;
}

/** The backups of `file`, oldest first (numbered `<name>.<n>.bak` beside it). */
export function listBackups(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, n: backupNumber(base, name) }))
    .filter((b): b is { name: string; n: number } => b.n !== null)
    .sort((a, b) => a.n - b.n)
    .map((b) => path.join(dir, b.name));
}

/**
 * Keep `text` as the next numbered backup of `file` (`acceptor.ts.1.bak`, `.2.bak`, …) and return
 * its path. A backup is created, never overwritten: a number already taken is skipped.
 */
export function writeBackup(file: string, text: string, mode?: number): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const taken = listBackups(file).map((p) => backupNumber(base, path.basename(p)) ?? 0);
  for (let n = Math.max(0, ...taken) + 1; ; n++) {
    const target = path.join(dir, `${base}.${n}.bak`);
    if (createFileAtomic(target, text, { mode })) return target;
  }
}
