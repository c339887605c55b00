import { closeSync, fchmodSync, fsyncSync, linkSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Links followed before a chain is taken for a loop (as the kernel's ELOOP limit). */
const MAX_LINKS = 40;

/** A chain of symbolic links that loops or runs too long. */
export class LinkLoopError extends Error {
  override name = 'LinkLoopError';
}

/**
 * The file a write to `file` must change: `file` itself, or, when it is a symbolic link, the file
 * the chain of links ends at (which may not exist yet: a dangling link names the file to create).
 * Writing there keeps the link a link, as editors do.
 */
export function resolveLinkTarget(file: string): string {
  let current = path.resolve(file);
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw err;
    }
    if (!isLink) return current;
    current = path.resolve(path.dirname(current), readlinkSync(current));
  }
  throw new LinkLoopError(`${file}: too many levels of symbolic links`);
}

const tempBeside = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);

/** Write and fsync a temp file beside `target` with the given permission bits; returns its path. */
function writeTemp(target: string, text: string, mode: number): string {
  const tmp = tempBeside(target);
  const fd = openSync(tmp, 'wx', mode);
  try {
    // open() applies the umask; the mode we keep is the file's own, so set it explicitly.
    fchmodSync(fd, mode);
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  return tmp;
}

function syncDir(dir: string): void {
  // Make the rename itself durable (not possible on Windows, where opening a folder fails).
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    /* best effort */
  }
}

/** Permission bits of an existing file, or `fallback` for a new one. */
function modeOf(file: string, fallback: number): number {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return fallback;
  }
}

/**
 * Write `text` to `file` so that a crash at any moment leaves either the old or the new content,
 * never a torn file: write a temp file beside it, fsync, then rename over the target. A symbolic
 * link is followed (the file it points to is replaced, the link stays), and the file keeps its
 * permission bits (a new file gets `mode`, 0644 unless told). Returns the path written.
 */
export function writeFileAtomic(file: string, text: string, opts: { mode?: number } = {}): string {
  const target = resolveLinkTarget(file);
  const tmp = writeTemp(target, text, modeOf(target, opts.mode ?? 0o644));
  try {
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncDir(path.dirname(target));
  return target;
}

/**
 * Create `file` with `text`, atomically, only if it does not exist yet: the complete file appears
 * under its name or nothing does, and an existing file is never replaced. Returns false when the
 * name is taken.
 */
export function createFileAtomic(file: string, text: string, opts: { mode?: number } = {}): boolean {
  const tmp = writeTemp(file, text, opts.mode ?? 0o644);
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
    syncDir(path.dirname(file));
  }
}
